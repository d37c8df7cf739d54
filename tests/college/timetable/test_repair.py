"""Repair: absences and room closures reach the problem; a repair moves only the meetings that must move."""

from datetime import date

import pytest
import sqlalchemy as sa

from college.extensions import db
from college.models import AuditEntry, JobState, Room, Teacher, TimetableVersion
from college.people.models import TeacherAbsence
from college.places.models import RoomClosure
from college.records import RecordError
from college.timetable.adapter import build_problem, version_to_solution
from college.timetable.diff import diff_versions
from college.timetable.jobs import dispatch
from college.timetable.operations import request_solve
from college.timetable.repair import repair_needs
from tests.college import factories as f
from tests.college.people import quick as q
from tests.college.timetable.builders import published_small_term, room_code, small_term

START = date(2027, 3, 1)          # the term's first day, a Monday


def _teacher(code: str) -> Teacher:
    return db.session.scalar(sa.select(Teacher).where(Teacher.code == code))


def _room(name: str) -> Room:
    return db.session.scalar(sa.select(Room).where(Room.name == name))


def _available(problem: dict, code: str) -> list[str]:
    return next(t["available"] for t in problem["teachers"] if t["id"] == code)


def test_an_absence_removes_the_teachers_slots_on_its_weekdays_for_the_rest_of_the_term(app):
    term = small_term()
    db.session.add(TeacherAbsence(teacher=_teacher("T01"), first_day=date(2027, 4, 6), last_day=None, days=["wed"]))
    db.session.add(TeacherAbsence(teacher=_teacher("T02"), first_day=date(2027, 3, 9), last_day=date(2027, 3, 10)))
    db.session.flush()
    problem = build_problem(term, as_of=START)
    assert _available(problem, "T01") == ["mon:am1", "fri:am1", "fri:pm2"]          # Wednesdays only
    assert _available(problem, "T02") == ["thu:am1", "sat:am1"]     # 9-10 March: a Tuesday and a Wednesday
    # once the short absence is over, it no longer changes the timetable
    assert _available(build_problem(term, as_of=date(2027, 3, 11)), "T02") == ["tue:am1", "thu:am1", "sat:am1"]


def test_an_open_ended_absence_of_a_week_or_more_removes_every_slot(app):
    term = small_term()
    db.session.add(TeacherAbsence(teacher=_teacher("T02"), first_day=date(2027, 5, 3), last_day=None))
    db.session.flush()
    assert _available(build_problem(term, as_of=START), "T02") == []
    assert _available(build_problem(term, as_of=date(2027, 7, 1)), "T02") == ["tue:am1", "thu:am1", "sat:am1"]


def test_a_closed_room_leaves_the_problem_and_the_reference_keeps_only_what_still_exists(app):
    term, published = published_small_term()
    db.session.add(RoomClosure(room=_room("大教室"), first_day=date(2027, 4, 1), last_day=date(2027, 4, 2)))
    db.session.flush()
    problem = build_problem(term, as_of=START, reference=version_to_solution(published))
    assert room_code("大教室") not in {r["id"] for r in problem["rooms"]}
    assert [a["section"] for a in problem["reference"]["assignments"]] == ["C001", "C001", "C003"]
    assert build_problem(term, as_of=date(2027, 4, 3))["rooms"][1]["id"] == room_code("大教室")   # over: back

    needs = repair_needs(term, as_of=START)
    assert [c.room.name for c in needs.closures] == ["大教室"]
    assert needs.meetings == [("C002", 0), ("C002", 1)]


def test_a_repair_moves_only_the_meetings_the_absence_forces_to_move(app):
    term, published = published_small_term()
    db.session.add(TeacherAbsence(teacher=_teacher("T02"), first_day=START, last_day=None, days=["tue"],
                                  reason="腰伤"))
    db.session.commit()
    needs = repair_needs(term)
    assert needs.meetings == [("C002", 0)] and [v["rule"] for v in needs.violations] == ["H3"]

    version = request_solve(term, None, time_limit=10, repair=True)
    db.session.commit()
    assert version.problem["reference"] is not None and version.problem["locked"] == []
    assert dispatch(version).result(timeout=90) == JobState.FINISHED
    db.session.expire_all()
    repaired = db.session.get(TimetableVersion, version.id)
    assert repaired.valid is True, repaired.log

    diff = diff_versions(published, repaired)
    assert [(m.section, m.meeting) for m in diff.moved] == [("C002", 0)]
    (moved,) = diff.moved
    assert moved.old.slot == "tue:am1" and moved.new.slot == "sat:am1" and moved.changed() == ["slot"]
    assert repaired.penalties["perturbation"] == 1
    assert [name for _id, name in diff.teachers] == ["李老师"]
    assert [(s.code, s.seats) for s in diff.sections] == [("C002", 30)]


def test_a_repair_needs_a_published_timetable(app):
    term = small_term()
    db.session.commit()
    with pytest.raises(RecordError, match="还没有发布的课表"):
        request_solve(term, None, time_limit=10, repair=True)


def test_absences_and_room_closures_have_record_pages_with_audit(app, client):
    term, _published = published_small_term()
    admin = f.account()
    db.session.commit()
    q.login(client, admin)
    t02, big = _teacher("T02").id, _room("大教室").id

    bad = client.post("/admin/absences/new", data={"teacher_id": t02, "first_day": "2027-04-06",
                                                   "last_day": "2027-04-01"})
    assert bad.status_code == 422 and "请假最后一天不能早于第一天" in bad.text
    made = client.post("/admin/absences/new", data={"teacher_id": t02, "first_day": "2027-04-06",
                                                    "days": ["tue", "thu"], "reason": "住院"})
    assert made.status_code == 302
    absence = db.session.scalar(sa.select(TeacherAbsence))
    assert absence.days == ["tue", "thu"] and absence.last_day is None and absence.reason == "住院"
    listing = client.get("/admin/absences/")
    assert listing.status_code == 200 and "李老师" in listing.text and "另行通知前" in listing.text

    closed = client.post("/admin/room_closures/new", data={"room_id": big, "first_day": "2027-05-01",
                                                           "last_day": "2027-05-03", "reason": "漏水"})
    assert closed.status_code == 302
    assert db.session.scalar(sa.select(RoomClosure)).reason == "漏水"
    entities = set(db.session.scalars(sa.select(AuditEntry.entity)))
    assert {"teacher_absence", "room_closure"} <= entities

    page = client.get(f"/admin/timetable/terms/{term.id}/repair")
    assert page.status_code == 200 and "李老师" in page.text and "漏水" in page.text
    assert "停用的教室已不在课表中" in page.text and "C002 · 第 1 次课" in page.text   # what breaks, in words


def test_a_short_absence_cancelled_session_by_session_leaves_the_weekly_timetable_alone(app):
    from college.calendar.operations import cancel_absence_sessions
    from college.models import SessionAction, SessionChange

    term, _published = published_small_term()
    admin = f.account()
    cold = TeacherAbsence(teacher=_teacher("T02"), first_day=date(2027, 3, 9), last_day=date(2027, 3, 11),
                          reason="感冒")
    db.session.add(cold)
    db.session.commit()
    needs = repair_needs(term, as_of=START)
    assert needs.meetings == [("C002", 0), ("C002", 1)]          # Tuesday and Thursday, for the whole term
    assert [(s.section, s.meeting, s.day, s.changed) for s in needs.short_sessions[cold.id]] == [
        ("C002", 0, date(2027, 3, 9), False), ("C002", 1, date(2027, 3, 11), False)]

    cancelled = cancel_absence_sessions(cold, "李老师请假，本次停课", admin)
    db.session.commit()
    assert [(c.on_date, c.action) for c in cancelled] == [(date(2027, 3, 9), SessionAction.CANCELLED),
                                                          (date(2027, 3, 11), SessionAction.CANCELLED)]
    assert _available(build_problem(term, as_of=START), "T02") == ["tue:am1", "thu:am1", "sat:am1"]
    needs = repair_needs(term, as_of=START)
    assert needs.violations == [] and all(s.cancelled for s in needs.short_sessions[cold.id])
    assert cancel_absence_sessions(cold, "李老师请假", admin) == []      # twice: nothing more
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionChange)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "session_change")) == 2


def test_a_short_absence_half_handled_still_shapes_the_problem_and_a_long_one_is_for_a_repair(app):
    from college.calendar.operations import cancel_absence_sessions, cancel_session
    from tests.college.calendar.helpers import section

    term, _published = published_small_term()
    admin = f.account()
    t01, t02 = _teacher("T01"), _teacher("T02")
    cold = TeacherAbsence(teacher=t02, first_day=date(2027, 3, 9), last_day=date(2027, 3, 11))
    long = TeacherAbsence(teacher=t01, first_day=date(2027, 3, 1), last_day=date(2027, 3, 20))
    db.session.add_all([cold, long])
    db.session.commit()
    cancel_session(section("C002"), 0, date(2027, 3, 9), "李老师请假", admin)   # Thursday's still stands
    db.session.commit()
    assert _available(build_problem(term, as_of=START), "T02") == ["sat:am1"]
    with pytest.raises(RecordError, match="最多七天"):
        cancel_absence_sessions(long, "王老师请假", admin)
    with pytest.raises(RecordError, match="学员会看到这个原因"):
        cancel_absence_sessions(cold, "  ", admin)
    assert repair_needs(term, as_of=START).short_sessions.keys() == {cold.id}


def test_the_repair_page_offers_to_cancel_a_short_absences_sessions(app, client):
    term, _published = published_small_term()
    admin = f.account()
    cold = TeacherAbsence(teacher=_teacher("T02"), first_day=date(2027, 3, 9), last_day=date(2027, 3, 9))
    db.session.add(cold)
    db.session.commit()
    q.login(client, admin)
    page = client.get(f"/admin/timetable/terms/{term.id}/repair").text
    assert "最多七天" in page and "2027年3月9日" in page and "C002" in page and "按日期停课（共 1 次）" in page
    assert "C002 · 第 1 次课" in page                                     # until then it breaks H3
    done = client.post(f"/admin/calendar/absences/{cold.id}/cancel",
                       data={"term": term.id, "reason": "李老师请假，本次停课"})
    assert done.status_code == 303 and done.headers["Location"] == f"/admin/timetable/terms/{term.id}/repair"
    page = client.get(f"/admin/timetable/terms/{term.id}/repair").text
    assert "已停 1 次课，学员会看到原因" in page
    assert "已按次处理" in page and "C002 · 第 1 次课" not in page
    assert client.post(f"/admin/calendar/absences/{cold.id}/cancel", data={"term": term.id}).status_code == 303


def test_the_repair_page_counts_a_session_a_substitute_takes_as_handled(app, client):
    """王老师 is away on Monday 1 and Wednesday 3 March: the page links each session to the calendar page that
    finds a substitute; covered by 赵老师 on Monday, only Wednesday's is left to cancel; covered on both days,
    the absence is handled and no longer breaks the published timetable."""
    from college.calendar.operations import substitute_session
    from tests.college.calendar.helpers import section

    term, _published = published_small_term()
    admin = f.account()
    c001 = section("C001")
    zhao = Teacher(code="T03", name="赵老师", subjects=[c001.course.subject], available=["mon:am1", "wed:am1"])
    away = TeacherAbsence(teacher=_teacher("T01"), first_day=date(2027, 3, 1), last_day=date(2027, 3, 3))
    db.session.add_all([zhao, away])
    db.session.commit()
    q.login(client, admin)
    page = client.get(f"/admin/timetable/terms/{term.id}/repair").text
    assert page.count("找人代课或调课") == 2 and "按日期停课（共 2 次）" in page
    assert "C001 · 第 1 次课" in page                                     # until then it breaks H3
    assert f"/admin/calendar/session?section={c001.id}&amp;meeting=0&amp;day=2027-03-01" in page
    substitute_session(c001, 0, date(2027, 3, 1), zhao, "王老师请假", admin)
    db.session.commit()
    page = client.get(f"/admin/timetable/terms/{term.id}/repair").text
    assert "（由赵老师代课）" in page and page.count("找人代课或调课") == 1 and "按日期停课（共 1 次）" in page
    substitute_session(c001, 1, date(2027, 3, 3), zhao, "王老师请假", admin)
    db.session.commit()
    page = client.get(f"/admin/timetable/terms/{term.id}/repair").text
    assert "已按次处理" in page and "C001 · 第 1 次课" not in page
