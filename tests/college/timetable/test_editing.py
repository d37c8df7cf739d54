"""Editing a timetable by hand: copy to edit, lock, move with the validator's verdict, re-solve keeping locks."""

import pytest
import sqlalchemy as sa

from college.extensions import db
from college.models import (
    AuditEntry,
    JobState,
    SolverStatus,
    Teacher,
    TimetableVersion,
)
from college.records import RecordError
from college.timetable.adapter import version_to_solution
from college.timetable.jobs import dispatch
from college.timetable.operations import (
    MoveRefused,
    copy_version,
    lock_entries,
    move_meeting,
    request_solve,
    set_locked,
)
from scheduler.validate import validate
from tests.college import factories as f
from tests.college.people import quick as q
from tests.college.timetable.builders import (
    meeting_row,
    published_small_term,
    room_code,
    room_named,
    teacher_coded,
)


@pytest.fixture
def draft(app):
    _term, published = published_small_term()
    version = copy_version(published, None)
    db.session.commit()
    return version


def _refused(version, section, meeting, slot, room, teacher) -> list[dict]:
    with pytest.raises(MoveRefused) as refused:
        move_meeting(meeting_row(version, section, meeting), slot, room_named(room), teacher_coded(teacher), None)
    db.session.rollback()
    return refused.value.violations


def test_a_copy_holds_the_same_timetable_and_only_the_copy_can_change(app):
    _term, published = published_small_term()
    with pytest.raises(RecordError, match="不能修改"):
        move_meeting(meeting_row(published, "C002", 0), "sat:am1", room_named("大教室"), teacher_coded("T02"), None)
    with pytest.raises(RecordError, match="不能修改"):
        set_locked(meeting_row(published, "C002", 0), True, None)
    draft = copy_version(published, None)
    db.session.commit()
    assert draft.number == 2 and draft.job_id == "edit" and draft.published_at is None and draft.valid
    key = ("assignments", "penalties", "objective")
    assert {k: version_to_solution(draft)[k] for k in key} == {k: version_to_solution(published)[k] for k in key}


def test_a_move_into_an_occupied_room_is_refused_naming_the_room_rule(draft):
    # C001 into C002's room and slot: the room clash (H2), and T01 does not teach on Tuesdays (H3).
    violations = _refused(draft, "C001", 0, "tue:am1", "大教室", "T01")
    assert {v["rule"] for v in violations} == {"H2", "H3"}
    clash = next(v for v in violations if v["rule"] == "H2")
    assert room_code("大教室") in clash["message"] and "tue:am1" in clash["message"]
    assert clash["rule_text"] == "一间教室同一时间只上一次课"     # the rule in words, Chinese first
    assert meeting_row(draft, "C001", 0).slot == "mon:am1"                 # nothing changed


def test_a_move_that_gives_a_teacher_two_meetings_at_once_is_refused_naming_the_teacher_rule(draft):
    violations = _refused(draft, "C001", 1, "fri:pm2", "大教室", "T01")   # T01 holds C003 then
    assert [v["rule"] for v in violations] == ["H3"]
    assert "teacher T01 teaches 2 meetings in fri:pm2" in violations[0]["message"]


def test_a_room_too_small_is_refused_naming_the_room_and_site_rule(draft):
    violations = _refused(draft, "C002", 0, "tue:am1", "小教室", "T02")
    assert [v["rule"] for v in violations] == ["H4"]
    assert "seats 20" in violations[0]["message"] and "needs 30" in violations[0]["message"]


def test_a_class_with_children_outside_the_groups_times_is_refused_naming_the_children_rule(draft):
    violations = _refused(draft, "C003", 0, "fri:am1", "书画室", "T01")
    assert [v["rule"] for v in violations] == ["H8"]


def test_moving_a_locked_meeting_is_refused_naming_the_lock_rule(draft):
    set_locked(meeting_row(draft, "C002", 0), True, None)
    db.session.commit()
    violations = _refused(draft, "C002", 0, "sat:am1", "大教室", "T02")
    assert [v["rule"] for v in violations] == ["H9"]
    assert "must have slot tue:am1" in violations[0]["message"]


def test_a_good_move_is_kept_and_the_penalty_is_recounted_by_the_validator(draft):
    admin = f.account()
    row = meeting_row(draft, "C002", 0)
    move_meeting(row, "sat:am1", room_named("大教室"), teacher_coded("T02"), admin)
    db.session.commit()
    db.session.expire_all()
    version = db.session.get(TimetableVersion, draft.id)
    assert (meeting_row(version, "C002", 0).slot, meeting_row(version, "C002", 0).room.name) == ("sat:am1", "大教室")
    report = validate(version.problem, version_to_solution(version))
    assert report["valid"], report["violations"]
    assert version.objective == report["objective"] and version.penalties == report["penalties"]
    assert version.valid is True and version.solver_status == SolverStatus.FEASIBLE
    assert version.solution["assignments"] == version_to_solution(version)["assignments"]
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "timetable_version")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.account_id == admin.id and entry.changes["meeting"] == "C002#0"


def test_a_teacher_the_versions_problem_does_not_know_is_refused(draft):
    db.session.add(Teacher(code="T03", name="赵老师", subjects=list(teacher_coded("T02").subjects),
                           available=["tue:am1", "thu:am1"]))
    db.session.commit()
    violations = _refused(draft, "C002", 0, "tue:am1", "大教室", "T03")    # the draft's problem predates T03
    assert {v["rule"] for v in violations} == {"ids"}


def test_a_new_teacher_is_given_to_every_meeting_of_the_class(draft):
    singing = teacher_coded("T02").subjects
    db.session.add(Teacher(code="T03", name="赵老师", subjects=list(singing), available=["tue:am1", "thu:am1"]))
    problem = dict(draft.problem)
    problem["teachers"] = [*problem["teachers"], {"id": "T03", "subjects": ["singing"],
                                                  "available": ["tue:am1", "thu:am1"]}]
    draft.problem = problem
    db.session.commit()
    move_meeting(meeting_row(draft, "C002", 0), "tue:am1", room_named("大教室"), teacher_coded("T03"), None)
    db.session.commit()
    db.session.expire_all()
    assert {meeting_row(draft, "C002", m).teacher.code for m in (0, 1)} == {"T03"}     # H1: one teacher per class
    assert db.session.get(TimetableVersion, draft.id).valid is True


def test_the_check_page_answers_as_the_user_picks_and_the_form_refuses_with_the_rule_named(app, client):
    _term, published = published_small_term()
    draft = copy_version(published, None)
    admin = f.account()
    db.session.commit()
    q.login(client, admin)
    row = meeting_row(draft, "C002", 0)
    base = f"/admin/timetable/versions/{draft.id}/meetings/{row.id}"
    small, big, t02 = room_named("小教室").id, room_named("大教室").id, teacher_coded("T02").id

    bad = client.get(f"{base}/check.json?slot=tue:am1&room={small}&teacher={t02}").get_json()
    assert bad["ok"] is False and [v["rule"] for v in bad["violations"]] == ["H4"]
    good = client.get(f"{base}/check.json?slot=sat:am1&room={big}&teacher={t02}").get_json()
    assert good["ok"] is True and good["objective"] is not None

    page = client.get(f"{base}/move")
    assert page.status_code == 200 and "js/move.js" in page.text and "check.json" in page.text
    refused = client.post(f"{base}/move", data={"slot": "tue:am1", "room": small, "teacher": t02})
    assert refused.status_code == 422
    assert "H4" in refused.text and "座位够" in refused.text          # the rule id and the rule in Chinese
    assert meeting_row(draft, "C002", 0).room_id == big

    moved = client.post(f"{base}/move", data={"slot": "sat:am1", "room": big, "teacher": t02})
    assert moved.status_code == 302
    db.session.expire_all()
    assert meeting_row(draft, "C002", 0).slot == "sat:am1"
    assert db.session.get(TimetableVersion, draft.id).objective == good["objective"]

    frozen = client.get(f"/admin/timetable/versions/{published.id}/meetings/{meeting_row(published, 'C002', 0).id}/move")
    assert frozen.status_code == 302                                 # the published version is not editable


def test_the_version_page_offers_copy_to_edit_and_the_copy_opens_for_editing(app, client):
    _term, published = published_small_term()
    q.login(client, f.account())
    db.session.commit()
    page = client.get(f"/admin/timetable/versions/{published.id}")
    assert "复制后编辑" in page.text and "下载课表（JSON）" in page.text and "保留锁定，重新排课" in page.text
    copied = client.post(f"/admin/timetable/versions/{published.id}/copy")
    assert copied.status_code == 302
    db.session.expire_all()
    draft = db.session.scalar(sa.select(TimetableVersion).where(TimetableVersion.number == 2))
    assert draft.job_id == "edit" and copied.headers["Location"] == f"/admin/timetable/versions/{draft.id}/meetings"
    meetings = client.get(copied.headers["Location"])
    assert meetings.status_code == 200 and meetings.text.count("锁定在此") == 5
    frozen = client.get(f"/admin/timetable/versions/{published.id}/meetings?lang=en")
    assert frozen.status_code == 200 and "make a copy to edit it" in frozen.text and "Lock here" not in frozen.text
    row = meeting_row(draft, "C001", 0)
    locked = client.post(f"/admin/timetable/versions/{draft.id}/meetings/{row.id}/lock", data={"locked": "1"})
    assert locked.status_code == 302
    db.session.expire_all()
    assert meeting_row(draft, "C001", 0).locked is True


def test_a_re_solve_keeps_the_locked_meetings_and_takes_the_published_timetable_as_reference(draft):
    row = meeting_row(draft, "C002", 0)
    move_meeting(row, "sat:am1", room_named("大教室"), teacher_coded("T02"), None)
    set_locked(meeting_row(draft, "C002", 0), True, None)
    db.session.commit()
    assert lock_entries(draft) == [{"section": "C002", "meeting": 0, "slot": "sat:am1",
                                    "room": room_code("大教室"), "teacher": "T02"}]

    version = request_solve(draft.term, None, time_limit=10, locks_from=draft)
    db.session.commit()
    assert version.problem["locked"] == lock_entries(draft)
    assert version.problem["reference"]["assignments"][2]["slot"] == "tue:am1"   # the published C002#0
    assert dispatch(version).result(timeout=90) == JobState.FINISHED
    db.session.expire_all()
    version = db.session.get(TimetableVersion, version.id)
    assert version.valid is True, version.log
    kept = meeting_row(version, "C002", 0)
    assert (kept.slot, kept.room.name, kept.teacher.code, kept.locked) == ("sat:am1", "大教室", "T02", True)
    # the re-solve pays for moving the published C002#0 and for nothing else it need not move
    assert version.penalties["perturbation"] == 1


def test_only_a_draft_can_be_locked_and_only_where_it_is_placed(draft):
    row = meeting_row(draft, "C001", 0)
    set_locked(row, True, None)
    set_locked(row, True, None)                                     # twice is once
    db.session.commit()
    assert [e["section"] for e in lock_entries(draft)] == ["C001"]
    set_locked(row, False, None)
    db.session.commit()
    assert lock_entries(draft) == []
