"""Dragging a meeting on a draft's week grid in a real browser: each cell entered is checked once, a drop on
a cell every hard rule allows moves the meeting, a drop on a refused cell names the rule and moves nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from college.extensions import db
from college.models import MeetingAssignment, Room, Teacher
from college.timetable.operations import copy_version, move_meeting, set_locked
from tests.browser.test_pages import _log_in, _only_local
from tests.college import factories as f
from tests.college.timetable.builders import published_small_term

pytestmark = pytest.mark.browser


def _draft():
    f.account("13800000001", name="测试管理员")
    _term, published = published_small_term()
    draft = copy_version(published, None)
    db.session.commit()
    return draft


def _row(version, section: str, meeting: int) -> MeetingAssignment:
    return next(m for m in version.meetings if m.section.code == section and m.meeting == meeting)


def _room(name: str) -> Room:
    return db.session.scalar(sa.select(Room).where(Room.name == name))


def _open_room_grid(page, base: str, draft, room: str) -> None:
    _log_in(page, base)
    page.goto(f"{base}/admin/timetable/terms/{draft.term_id}/grid?version={draft.number}&show=room:{_room(room).id}")
    page.wait_for_selector('table.week-grid li.movable[draggable="true"]')     # the script has made them draggable


def _checks(page, slot: str) -> int:
    return sum(1 for url in page.requests if "/check.json?" in url and f"slot={slot.replace(':', '%3A')}" in url)


def test_a_meeting_dragged_to_a_free_time_on_a_room_grid_is_moved_there(live_server, new_page):
    draft = _draft()
    row = _row(draft, "C001", 1)                                   # wed:am1 in 书画室 with 王老师
    page = new_page(height=1400)                                    # the whole grid on screen: no scrolling mid-drag
    _open_room_grid(page, live_server, draft, "书画室")
    card = page.locator(f'table.week-grid li[data-meeting="{row.id}"]')
    target = page.locator('table.week-grid td[data-slot="fri:am1"]')
    assert target.inner_text().strip() == ""                       # a free cell

    card.locator("strong").drag_to(target)                          # picked up by its title, as a hand would
    page.wait_for_selector(".flash-success")                        # the grid reloaded after the move
    assert "这次课已调整" in page.inner_text(".flash-success")
    assert "C001" in page.inner_text('table.week-grid td[data-slot="fri:am1"]')
    assert "C001" not in page.inner_text('table.week-grid td[data-slot="wed:am1"]')
    assert _checks(page, "fri:am1") == 1                            # asked once for the cell, not per dragover
    assert any(url.endswith(f"/meetings/{row.id}/move.json") for url in page.requests)
    _only_local(page)
    db.session.expire_all()
    moved = db.session.get(MeetingAssignment, row.id)
    assert (moved.slot, moved.room.name, moved.teacher.code) == ("fri:am1", "书画室", "T01")


def test_a_drop_where_the_teacher_is_busy_names_the_rule_and_moves_nothing(live_server, new_page):
    draft = _draft()
    # 王老师 teaches C001's second meeting on Wednesday morning in the other site's 大教室: the Wednesday
    # morning cell of 书画室 is empty, but its teacher is not free then.
    away = _row(draft, "C001", 1)
    move_meeting(away, "wed:am1", _room("大教室"), db.session.scalar(sa.select(Teacher).where(Teacher.code == "T01")),
                 None)
    set_locked(_row(draft, "C003", 0), True, None)
    db.session.commit()
    row = _row(draft, "C001", 0)                                   # mon:am1 in 书画室
    page = new_page()
    _open_room_grid(page, live_server, draft, "书画室")
    assert page.inner_text('table.week-grid td[data-slot="wed:am1"]').strip() == ""

    # A locked meeting cannot be picked up, and its tooltip says why.
    locked = page.locator(f'table.week-grid li[data-meeting="{_row(draft, "C003", 0).id}"]')
    assert locked.get_attribute("draggable") is None
    assert "已锁定" in locked.get_attribute("title") and "不能拖动" in locked.get_attribute("title")

    # The drag as the browser fires it: into wed:am1, many dragovers, out to tue:am1, back to wed:am1, drop.
    card = f'table.week-grid li[data-meeting="{row.id}"]'
    busy = 'table.week-grid td[data-slot="wed:am1"]'
    other = 'table.week-grid td[data-slot="tue:am1"]'
    data = page.evaluate_handle("() => new DataTransfer()")
    page.dispatch_event(card, "dragstart", {"dataTransfer": data})
    page.dispatch_event(busy, "dragenter", {"dataTransfer": data})
    for _ in range(5):
        page.dispatch_event(busy, "dragover", {"dataTransfer": data})
    page.wait_for_selector(f'{busy}[data-drop="bad"]')
    page.dispatch_event(other, "dragenter", {"dataTransfer": data})
    page.wait_for_selector(f'{other}[data-drop="bad"]')             # 王老师 does not teach on Tuesdays
    page.dispatch_event(busy, "dragenter", {"dataTransfer": data})
    page.dispatch_event(busy, "dragover", {"dataTransfer": data})
    page.dispatch_event(busy, "drop", {"dataTransfer": data})
    page.dispatch_event(card, "dragend", {"dataTransfer": data})

    page.wait_for_selector(f'{busy}[data-drop="bad"]')
    page.wait_for_selector('#drag-status[data-state="bad"]')
    said = page.inner_text("#drag-status")
    assert "H3" in said and "一位老师同一时间只上一次课" in said and "teacher T01 teaches 2 meetings in wed:am1" in said
    assert "周三" in said                                           # the cell it was dropped on
    assert _checks(page, "wed:am1") == 1 and _checks(page, "tue:am1") == 1      # once per cell and drag
    assert not any(url.endswith("/move.json") for url in page.requests)       # nothing was sent to move
    assert page.query_selector(".flash-success") is None
    assert "C001" in page.inner_text('table.week-grid td[data-slot="mon:am1"]')
    _only_local(page)
    db.session.expire_all()
    assert db.session.get(MeetingAssignment, row.id).slot == "mon:am1"
