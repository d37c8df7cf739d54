"""Moving a meeting in a real browser: the form asks the validator as the user picks, the server agrees."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from college.extensions import db
from college.models import MeetingAssignment, Room
from college.timetable.operations import copy_version
from tests.browser.test_pages import _log_in, _only_local
from tests.college import factories as f
from tests.college.timetable.builders import published_small_term

pytestmark = pytest.mark.browser


def test_the_move_form_names_the_broken_rule_while_choosing_and_moves_when_every_rule_holds(live_server, new_page):
    f.account("13800000001", name="测试管理员")
    _term, published = published_small_term()
    draft = copy_version(published, None)
    db.session.commit()
    row = next(m for m in draft.meetings if m.section.code == "C002" and m.meeting == 0)
    small = db.session.scalar(sa.select(Room.id).where(Room.name == "小教室"))
    page = new_page()
    _log_in(page, live_server)
    page.goto(f"{live_server}/admin/timetable/versions/{draft.id}/meetings/{row.id}/move")
    page.wait_for_selector('#move-check[data-state="ok"]')            # where it is now: every rule holds

    page.select_option("#room", str(small))
    page.wait_for_selector('#move-check[data-state="bad"]')
    said = page.inner_text("#move-check")
    assert "H4" in said and "座位够" in said and "seats 20" in said

    page.select_option("#room", str(db.session.scalar(sa.select(Room.id).where(Room.name == "大教室"))))
    page.select_option("#slot", "sat:am1")
    page.wait_for_selector('#move-check[data-state="ok"]')
    assert "所有硬性规则都满足" in page.inner_text("#move-check")
    assert any("/check.json?" in url for url in page.requests)
    page.click("#move-form button.primary")
    page.wait_for_selector(".flash-success")
    assert "这次课已调整" in page.inner_text(".flash-success")
    _only_local(page)
    db.session.expire_all()
    assert db.session.get(MeetingAssignment, row.id).slot == "sat:am1"
