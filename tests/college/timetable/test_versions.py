"""Timetable versions: a solution goes into the database and comes back out unchanged and valid."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from college.extensions import db
from college.models import (
    JobState,
    MeetingAssignment,
    Room,
    SolverStatus,
    Subject,
    TimetableVersion,
)
from college.records import RecordError
from college.timetable.adapter import (
    SolutionError,
    build_problem,
    solution_to_version,
    version_to_solution,
)
from college.timetable.operations import publish_version, published_version
from scheduler.solve import solve
from scheduler.validate import validate
from tests.college.timetable.builders import small_term


def _version(term, number=1, **kw) -> TimetableVersion:
    version = TimetableVersion(term=term, number=number, state=kw.pop("state", JobState.FINISHED), log="", **kw)
    db.session.add(version)
    db.session.flush()
    return version


def _key(items):
    return sorted((a["section"], a["meeting"], a["slot"], a["room"], a["teacher"]) for a in items)


def test_database_to_problem_to_solution_to_database_and_back_keeps_every_id_and_rule(app):
    term = small_term()
    problem = build_problem(term)
    solution = solve(problem, time_limit=10).to_json()
    assert solution["status"] in ("optimal", "feasible")
    version = _version(term, problem=problem)

    solution_to_version(version, solution)
    db.session.commit()
    db.session.expire_all()

    rows = db.session.scalars(sa.select(MeetingAssignment).where(MeetingAssignment.version_id == version.id)).all()
    assert len(rows) == 5                                     # 2 + 2 + 1 meetings
    assert {r.room.name for r in rows} <= {"书画室", "大教室", "小教室"}
    again = version_to_solution(db.session.get(TimetableVersion, version.id))
    assert _key(again["assignments"]) == _key(solution["assignments"])
    assert again["status"] == solution["status"] and again["objective"] == solution["objective"]
    assert again["penalties"] == solution["penalties"]
    report = validate(problem, again)
    assert report["valid"], report["violations"]


def test_unplaced_meetings_keep_their_reason(app):
    term = small_term()
    version = _version(term)
    room = db.session.scalars(sa.select(Room)).first()
    solution = {"format": "senior-college-timetable-solution/1", "status": "feasible", "objective": 1000,
                "bound": None, "seconds": 1.0, "solver": "test",
                "assignments": [{"section": "C001", "meeting": 0, "slot": "mon:am1", "room": f"R{room.id}",
                                 "teacher": "T01"}],
                "unassigned": [{"section": "C001", "meeting": 1, "reason": "no room left"}], "penalties": None}
    solution_to_version(version, solution)
    back = version_to_solution(version)
    assert back["unassigned"] == [{"section": "C001", "meeting": 1, "reason": "no room left"}]
    assert back["assignments"] == solution["assignments"]
    assert version.solver_status == SolverStatus.FEASIBLE


@pytest.mark.parametrize("change, message", [
    ({"room": "R999999"}, "unknown room"), ({"room": "X1"}, "unknown room"),
    ({"teacher": "T99"}, "unknown teacher"), ({"section": "C999"}, "unknown section")])
def test_a_solution_naming_what_the_term_lacks_is_refused(app, change, message):
    term = small_term()
    version = _version(term)
    room = db.session.scalars(sa.select(Room)).first()
    assignment = {"section": "C001", "meeting": 0, "slot": "mon:am1", "room": f"R{room.id}", "teacher": "T01"}
    assignment.update(change)
    with pytest.raises(SolutionError, match=message):
        solution_to_version(version, {"status": "feasible", "assignments": [assignment], "unassigned": []})


def test_one_meeting_once_per_version(app):
    term = small_term()
    version = _version(term)
    section_id = term.sections[0].id
    db.session.add_all([MeetingAssignment(version=version, section_id=section_id, meeting=0, reason="x"),
                        MeetingAssignment(version=version, section_id=section_id, meeting=0, reason="y")])
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_one_published_version_per_term_in_operations_and_in_the_database(app):
    term = small_term()
    first = _version(term, 1, solver_status=SolverStatus.FEASIBLE, valid=True)
    second = _version(term, 2, solver_status=SolverStatus.OPTIMAL, valid=True)
    publish_version(first, None)
    publish_version(second, None)
    db.session.commit()
    db.session.expire_all()
    assert published_version(term).number == 2
    assert db.session.get(TimetableVersion, first.id).published_at is None

    with pytest.raises(IntegrityError):     # the partial unique index, whatever the code does
        db.session.execute(sa.update(TimetableVersion).where(TimetableVersion.id == first.id)
                           .values(published_at=sa.func.current_timestamp()))
    db.session.rollback()


@pytest.mark.parametrize("kw, message", [
    ({"solver_status": SolverStatus.INFEASIBLE, "valid": False}, "没有可发布的课表"),
    ({"solver_status": SolverStatus.FEASIBLE, "valid": False}, "违反了硬性规则"),
    ({"solver_status": SolverStatus.FEASIBLE, "valid": True, "state": JobState.CANCELLED}, "没有可发布的课表")])
def test_only_a_finished_valid_timetable_can_be_published(app, kw, message):
    version = _version(small_term(), **kw)
    with pytest.raises(RecordError, match=message):
        publish_version(version, None)
    assert version.published_at is None


def test_removing_the_demo_district_removes_its_timetable_versions(app):
    from college.demo import district
    from college.demo.loader import remove_demo

    term = small_term(district.TERM_NAME)
    for subject in db.session.scalars(sa.select(Subject)):   # not the demo's own subjects, which it removes
        subject.code = f"own-{subject.code}"
    version = _version(term, solver_status=SolverStatus.FEASIBLE, valid=True)
    room = db.session.scalars(sa.select(Room)).first()
    db.session.add(MeetingAssignment(version=version, section=term.sections[0], meeting=0, slot="mon:am1",
                                     room=room, teacher=term.sections[0].teacher))
    publish_version(version, None)
    db.session.commit()
    assert remove_demo() is True
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TimetableVersion)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeetingAssignment)) == 0
