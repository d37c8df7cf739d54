"""A small term the solver places in a second or two: two sites, three rooms, two teachers, three classes."""

from __future__ import annotations

from college.extensions import db
from college.models import ChildrenGroup, Teacher, Term
from tests.college import factories as f


def small_term(name: str = "2027年春季学期") -> Term:
    """A term with three classes (one intergenerational) that has valid timetables."""
    term = f.term(name)
    calligraphy = f.subject("calligraphy", "书法")
    singing = f.subject("singing", "声乐")
    near = f.site("S01", "鼓楼社区银发先锋之家", latitude=25.490, longitude=103.790, child_safe=True)
    far = f.site("S02", "南宁街道银发先锋之家", latitude=25.520, longitude=103.830)
    f.room(near, "书画室", seats=40, features=["desks"])
    f.room(far, "大教室", seats=60, features=["desks", "piano"])
    f.room(far, "小教室", seats=20)
    wang = Teacher(code="T01", name="王老师", subjects=[calligraphy],
                   available=["mon:am1", "wed:am1", "fri:am1", "fri:pm2"], preferred=["mon:am1"],
                   max_meetings=6, intergenerational=True)
    li = Teacher(code="T02", name="李老师", subjects=[singing], available=["tue:am1", "thu:am1", "sat:am1"])
    db.session.add_all([wang, li])
    writing = f.course(calligraphy, code="K001", seats=25)
    writing.meetings_per_week = 2
    writing.features = ["desks"]
    songs = f.course(singing, code="K002", name="合唱", seats=30)
    songs.meetings_per_week = 2
    group = ChildrenGroup(code="G01", name="四点半课堂", organisation="鼓楼社区", size=5,
                          available=["fri:pm2"], sites=[near])
    db.session.add(group)
    f.section(term, writing, code="C001", seats=25, sites=[near, far])
    f.section(term, songs, code="C002", seats=30, sites=[far])
    together = f.section(term, f.course(calligraphy, code="K003", name="老少同乐书法", seats=10),
                         code="C003", seats=10, sites=[near])
    together.children_group = group
    db.session.flush()
    return term


# The hand-made timetable of `small_term` that `published_small_term` publishes: (section, meeting,
# slot, room name, teacher). It keeps every hard rule, and no solver can beat it by moving a meeting.
HAND_MADE = [("C001", 0, "mon:am1", "书画室", "T01"), ("C001", 1, "wed:am1", "书画室", "T01"),
             ("C002", 0, "tue:am1", "大教室", "T02"), ("C002", 1, "thu:am1", "大教室", "T02"),
             ("C003", 0, "fri:pm2", "书画室", "T01")]


def room_code(name: str) -> str:
    """The problem's id ("R<id>") of the room of `small_term` with this name."""
    from college.models import Room

    return f"R{db.session.scalar(db.select(Room.id).where(Room.name == name))}"


def meeting_row(version, section: str, meeting: int):
    """The MeetingAssignment of meeting `meeting` of the section with code `section` in `version`."""
    import sqlalchemy as sa

    from college.models import MeetingAssignment

    return db.session.scalar(
        sa.select(MeetingAssignment).join(MeetingAssignment.section)
        .where(MeetingAssignment.version_id == version.id, MeetingAssignment.meeting == meeting)
        .where(sa.text("section.code = :code")).params(code=section))


def room_named(name: str):
    """The Room with this name (None if there is none)."""
    from college.models import Room

    return db.session.scalar(db.select(Room).where(Room.name == name))


def teacher_coded(code: str) -> Teacher | None:
    """The Teacher with this code (None if there is none)."""
    return db.session.scalar(db.select(Teacher).where(Teacher.code == code))


def hand_made_solution(problem: dict, placements=HAND_MADE) -> dict:
    """A solution in the shared format with the validator's own penalty counts."""
    from scheduler.validate import penalties_of, weighted_objective

    solution = {"format": "senior-college-timetable-solution/1", "problem": problem["name"], "status": "feasible",
                "objective": None, "bound": None, "seconds": 0.0, "solver": "by hand",
                "assignments": [{"section": s, "meeting": m, "slot": slot, "room": room_code(room), "teacher": t}
                                for s, m, slot, room, t in placements],
                "unassigned": [], "penalties": None}
    solution["penalties"] = penalties_of(problem, solution)
    solution["objective"] = weighted_objective(problem, solution["penalties"])
    return solution


def published_small_term():
    """`small_term` with version 1 holding HAND_MADE, valid and published: (term, version)."""
    from college.models import JobState, TimetableVersion
    from college.timetable.adapter import build_problem, solution_to_version
    from college.timetable.operations import publish_version

    term = small_term()
    problem = build_problem(term)
    version = TimetableVersion(term=term, number=1, state=JobState.FINISHED, job_id="inproc", log="",
                               problem=problem, valid=True)
    db.session.add(version)
    db.session.flush()
    solution_to_version(version, hand_made_solution(problem))
    publish_version(version, None)
    db.session.commit()
    return term, version
