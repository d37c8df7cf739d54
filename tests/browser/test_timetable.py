"""The timetable in a real browser: an administrator builds it, watches it finish, publishes it, reads a grid."""

from __future__ import annotations

import pytest

from college.extensions import db
from tests.browser.test_pages import TARGETS_JS, _log_in, _only_local, _scroll_width
from tests.college import factories as f
from tests.college.timetable.builders import small_term

pytestmark = pytest.mark.browser

ADMIN_PHONE = "13800000001"


def test_an_administrator_builds_waits_for_and_publishes_the_timetable(live_server, new_page):
    f.account(ADMIN_PHONE, name="测试管理员")
    term = small_term()
    db.session.commit()
    page = new_page()
    _log_in(page, live_server)
    page.goto(f"{live_server}/admin/")
    page.click("a[href=\"/admin/timetable/\"]")
    page.wait_for_url(f"**/admin/timetable/terms/{term.id}")
    page.fill("#time_limit", "10")
    page.click("#solve-form button.primary")
    page.wait_for_url("**/admin/timetable/versions/*")
    # No reload by hand: the page polls progress.json and redraws itself when the solve ends.
    page.wait_for_selector("#publish-button", timeout=60000)
    assert page.inner_text("#job-state") == "已完成"
    assert any(url.endswith("/progress.json") for url in page.requests)   # the script did the waiting
    assert "objective" in page.inner_text(".solver-log")
    page.click("#publish-button")
    page.wait_for_selector(".flash-success")
    assert "现已发布" in page.inner_text(".flash-success")
    assert page.query_selector("#publish-button") is None
    _only_local(page)

    phone = new_page(width=320, height=640)
    _log_in(phone, live_server)
    phone.goto(f"{live_server}/admin/timetable/terms/{term.id}/grid")
    assert "C003 老少同乐书法" in phone.inner_text(".week-list")
    assert not phone.is_visible(".week-grid")               # the list per day instead of a wide table
    assert _scroll_width(phone) <= 320
    small = [t for t in phone.evaluate(TARGETS_JS) if t["width"] < 44 or t["height"] < 44]
    assert small == []
    size = phone.evaluate("parseFloat(getComputedStyle(document.querySelector('.meeting')).fontSize)")
    assert size >= 18

    wide = new_page()
    _log_in(wide, live_server)
    wide.goto(f"{live_server}/admin/timetable/terms/{term.id}/grid")
    assert wide.is_visible(".week-grid") and not wide.is_visible(".week-list")
    wide.emulate_media(media="print")
    assert wide.is_visible(".week-grid") and not wide.is_visible(".grid-choice")
