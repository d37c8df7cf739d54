"""Moving a meeting on a draft's week grid: the grid offers its meetings to drag (never a frozen version's,
never a locked meeting), and move.json is the move form's operation answering in JSON."""

import re

import pytest
import sqlalchemy as sa

from college.extensions import db
from college.models import AuditEntry, TimetableVersion
from college.timetable import grids
from college.timetable.operations import copy_version, set_locked
from tests.college import factories as f
from tests.college.people import quick as q
from tests.college.timetable.builders import (
    meeting_row,
    published_small_term,
    room_named,
    teacher_coded,
)


@pytest.fixture
def draft(app, client):
    _term, published = published_small_term()
    version = copy_version(published, None)
    q.login(client, f.account())
    db.session.commit()
    return version


def _grid(client, version, room: str, lang: str = "zh_Hans_CN") -> str:
    page = client.get(f"/admin/timetable/terms/{version.term_id}/grid?version={version.number}"
                      f"&show=room:{room_named(room).id}&lang={lang}")
    assert page.status_code == 200
    return page.text


def _move(client, version, row, slot: str, room: str, teacher: str):
    return client.post(f"/admin/timetable/versions/{version.id}/meetings/{row.id}/move.json",
                       data={"slot": slot, "room": room_named(room).id, "teacher": teacher_coded(teacher).id})


def test_a_drafts_grid_offers_each_placed_meeting_to_drag_with_its_check_and_move_and_each_cell_as_a_target(
        draft, client):
    set_locked(meeting_row(draft, "C001", 0), True, None)
    db.session.commit()
    text = _grid(client, draft, "书画室")
    assert "js/grid-drag.js" in text and 'data-drag="true"' in text and 'id="drag-status"' in text
    assert re.search(r'data-csrf="[^"]+"', text)
    cells = re.findall(r'<td data-slot="([a-z]+:[a-z0-9]+)"', text)
    assert len(cells) == 10 and "wed:am1" in cells and "fri:pm2" in cells    # mon..fri × am1, pm2

    moving = meeting_row(draft, "C001", 1)
    card = re.search(rf'<li class="meeting movable" data-meeting="{moving.id}"[^>]*>', text).group(0)
    assert 'data-slot="wed:am1"' in card and f'data-room="{room_named("书画室").id}"' in card
    assert f'data-teacher="{teacher_coded("T01").id}"' in card
    assert f"/meetings/{moving.id}/check.json" in card and f"/meetings/{moving.id}/move.json" in card
    assert "data-locked" not in card and "拖到本表的另一个时间" in card
    assert 'draggable="true"' not in text          # the script makes cards draggable, so no-script pages never lie
    assert f'href="/admin/timetable/versions/{draft.id}/meetings/{moving.id}/move"' in text   # the form for everyone

    locked = meeting_row(draft, "C001", 0)
    card = re.search(rf'<li class="meeting movable" data-meeting="{locked.id}"[^>]*>', text).group(0)
    assert 'data-locked="true"' in card and "已锁定：这次课固定在原处，不能拖动" in card
    english = _grid(client, draft, "书画室", lang="en")
    assert "Locked: this meeting stays where it is and cannot be dragged" in english


def test_a_frozen_versions_grid_has_nothing_to_drag(draft, client):
    published = db.session.scalar(sa.select(TimetableVersion).where(TimetableVersion.number == 1))
    text = _grid(client, published, "书画室")
    assert "C001" in text
    for sign in ("grid-drag.js", "data-drag", "movable", "data-slot", "move.json", "drag-status"):
        assert sign not in text


def test_the_grid_entries_carry_the_meeting_its_time_and_its_lock(draft):
    set_locked(meeting_row(draft, "C001", 0), True, None)
    week = grids.week_grid(draft, "room", room_named("书画室").id)
    entries = {(e.section, e.slot): e for cell in week.cells.values() for e in cell}
    assert set(entries) == {("C001", "mon:am1"), ("C001", "wed:am1"), ("C003", "fri:pm2")}
    assert entries["C001", "mon:am1"].id == meeting_row(draft, "C001", 0).id and entries["C001", "mon:am1"].locked
    assert not entries["C001", "wed:am1"].locked


def test_a_move_posted_by_the_grid_is_made_by_the_move_operation_and_said_on_the_next_page(draft, client):
    row = meeting_row(draft, "C001", 1)
    checked = client.get(f"/admin/timetable/versions/{draft.id}/meetings/{row.id}/check.json"
                         f"?slot=fri:am1&room={room_named('书画室').id}&teacher={teacher_coded('T01').id}").get_json()
    assert checked["ok"] is True
    answer = _move(client, draft, row, "fri:am1", "书画室", "T01")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.get_json() == {"ok": True, "violations": [], "message": ""}
    db.session.expire_all()
    assert (meeting_row(draft, "C001", 1).slot, meeting_row(draft, "C001", 1).room.name) == ("fri:am1", "书画室")
    assert db.session.get(TimetableVersion, draft.id).objective == checked["objective"]
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "timetable_version")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.changes["meeting"] == "C001#1" and entry.changes["to"][0] == "fri:am1"
    again = _grid(client, draft, "书画室")                            # the reloaded grid says the new penalty
    assert "这次课已调整" in again and 'data-slot="fri:am1"' in again


def test_a_refused_move_names_the_broken_rule_and_changes_nothing(draft, client):
    row = meeting_row(draft, "C001", 0)
    before = db.session.get(TimetableVersion, draft.id).objective
    audits = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    answer = _move(client, draft, row, "fri:pm2", "书画室", "T01")      # room and teacher hold C003 then
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["ok"] is False and {v["rule"] for v in body["violations"]} >= {"H2", "H3"}
    h3 = next(v for v in body["violations"] if v["rule"] == "H3")
    assert "teacher T01 teaches 2 meetings in fri:pm2" in h3["message"] and h3["rule_text"].startswith("一位老师")
    assert body["violations"][0]["rule"] in body["message"]
    db.session.expire_all()
    assert meeting_row(draft, "C001", 0).slot == "mon:am1"
    assert db.session.get(TimetableVersion, draft.id).objective == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == audits
    assert "这次课已调整" not in _grid(client, draft, "书画室")


def test_a_locked_meeting_and_a_frozen_version_are_refused_and_bad_input_is_named(draft, client):
    set_locked(meeting_row(draft, "C001", 0), True, None)
    db.session.commit()
    locked = _move(client, draft, meeting_row(draft, "C001", 0), "fri:am1", "书画室", "T01")
    assert locked.status_code == 422 and [v["rule"] for v in locked.get_json()["violations"]] == ["H9"]

    published = db.session.scalar(sa.select(TimetableVersion).where(TimetableVersion.number == 1))
    frozen = _move(client, published, meeting_row(published, "C001", 1), "fri:am1", "书画室", "T01")
    assert frozen.status_code == 422 and "不能修改" in frozen.get_json()["message"]

    row = meeting_row(draft, "C001", 1)
    nonsense = _move(client, draft, row, "sun:zz9", "书画室", "T01")
    assert nonsense.status_code == 422 and nonsense.get_json()["message"]
    db.session.expire_all()
    assert meeting_row(published, "C001", 1).slot == "wed:am1" and meeting_row(draft, "C001", 1).slot == "wed:am1"
    assert meeting_row(draft, "C001", 0).slot == "mon:am1"


def test_a_move_without_the_csrf_token_is_refused(app, draft, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        answer = _move(client, draft, meeting_row(draft, "C001", 1), "fri:am1", "书画室", "T01")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert answer.status_code == 400
    db.session.expire_all()
    assert meeting_row(draft, "C001", 1).slot == "wed:am1"


def test_the_meetings_page_of_a_draft_links_to_its_grid(draft, client):
    page = client.get(f"/admin/timetable/versions/{draft.id}/meetings")
    assert f'href="/admin/timetable/terms/{draft.term_id}/grid?version={draft.number}"' in page.text
    assert "在周课表上拖动调整" in page.text
