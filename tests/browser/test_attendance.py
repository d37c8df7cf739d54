"""A teacher takes attendance on a 320 px phone during class: from their timetable to the sheet, which
reflows without horizontal scrolling and meets the numbers of ../shared/spec/elder-ux.md (many volunteer
teachers are retired themselves), one tap marks a learner absent, one saves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from college.attendance.models import Attendance, Presence
from college.enrollment.operations import enroll
from college.extensions import db
from college.models import Role, SectionStatus
from tests.browser.test_classes import _measure, _meets_the_numbers
from tests.browser.test_pages import _log_in, _only_local
from tests.college import factories as f
from tests.college.calendar.helpers import section, teacher
from tests.college.enrollment.helpers import learner
from tests.college.timetable.builders import published_small_term

pytestmark = pytest.mark.browser

TEACHER_PHONE = "13900000001"


def _term_under_way() -> date:
    """The small published term, three weeks under way, C001 with three learners; its first Monday."""
    term, _version = published_small_term()
    today = date.today()
    term.first_day = today - timedelta(days=today.weekday(), weeks=3)
    term.last_day = term.first_day + timedelta(weeks=12)
    term.calendar_days = []
    for s in term.sections:
        s.status = SectionStatus.OPEN
    db.session.flush()
    for n, name in enumerate(("张秀英", "李建国", "王桂兰")):
        enroll(learner(n, name=name), section("C001"), None, today=term.first_day - timedelta(days=7))
    wang = f.account(TEACHER_PHONE, Role.TEACHER, "王老师")
    wang.teacher_id = teacher("T01").id
    db.session.commit()
    return term.first_day


def test_a_teacher_takes_attendance_on_a_phone(live_server, new_page):
    monday = _term_under_way()
    page = new_page(width=320, height=640)
    _log_in(page, live_server, TEACHER_PHONE)
    page.goto(f"{live_server}/my/timetable?from={monday.isoformat()}")
    page.locator("a.button", has_text="点名").first.click()
    page.wait_for_url("**/attendance/session*")
    main = page.inner_text("main")
    assert "点名" in main and "张秀英" in main and "已全部标为到课" in main
    _meets_the_numbers(_measure(page), 320, "attendance sheet")
    page.locator("tr", has_text="李建国").get_by_label("缺课").check()
    page.click("button.primary")
    page.wait_for_load_state()
    assert "点名已保存：到课 2 人，缺课 1 人，请假 0 人。" in page.inner_text("main")
    _meets_the_numbers(_measure(page), 320, "attendance saved")
    db.session.remove()
    marks = dict(db.session.execute(sa.select(Attendance.learner_id, Attendance.presence)).all())
    assert sorted(marks.values()) == sorted([Presence.PRESENT, Presence.PRESENT, Presence.ABSENT])
    _only_local(page)
