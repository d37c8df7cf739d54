"""What changed between two versions of a term, as plain data (no request needed).

`diff_versions(old, new)` lists every meeting whose slot, room or teacher differs (including one
placed in one version and not in the other), the teachers and classes those meetings touch, every
learner affected (the enrolled learners of each class with a moved meeting, with their phone numbers
for the staff who call them; `learner_rows` gives the same list for a CSV file), and each penalty
count before and after.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from college.catalog.models import Course, Section
from college.extensions import db
from college.people.models import Teacher
from college.places.models import Room, Site
from college.timetable.models import MeetingAssignment, TimetableVersion

PENALTY_ORDER = ("time", "site_change", "room_change", "teacher_pref", "perturbation", "unassigned")
PENALTY_NAMES = {"time": _l("Later periods"), "site_change": _l("Site changes of a teacher in a day"),
                 "room_change": _l("Room changes of a class"), "teacher_pref": _l("Outside a teacher's preferred times"),
                 "perturbation": _l("Moved from the published timetable"), "unassigned": _l("Meetings without a place")}


@dataclass(frozen=True)
class Placement:
    """Where a meeting is in one version (slot None: not placed)."""

    slot: str | None
    room_id: int | None
    room: str
    site: str
    teacher_id: int | None
    teacher: str


@dataclass
class MovedMeeting:
    section: str
    course: str
    meeting: int                  # 0-based, as in the shared format
    old: Placement | None         # None: the meeting is not in the old version at all
    new: Placement | None

    def changed(self) -> list[str]:
        """Which of slot, room, teacher differ ("placed" when one side has no place)."""
        if self.old is None or self.new is None or (self.old.slot is None) != (self.new.slot is None):
            return ["placed"]
        return [f for f, a, b in (("slot", self.old.slot, self.new.slot),
                                  ("room", self.old.room_id, self.new.room_id),
                                  ("teacher", self.old.teacher_id, self.new.teacher_id)) if a != b]


@dataclass
class AffectedSection:
    code: str
    course: str
    seats: int
    moved: int                    # how many of its meetings moved
    section_id: int | None = None
    enrolled: int = 0             # learners enrolled in it now


@dataclass
class AffectedLearner:
    name: str
    phone: str
    section: str                  # the class's code
    course: str


@dataclass
class PenaltyDelta:
    name: str
    old: float
    new: float

    @property
    def delta(self) -> float:
        return self.new - self.old


@dataclass
class Diff:
    old: TimetableVersion
    new: TimetableVersion
    moved: list[MovedMeeting] = field(default_factory=list)
    teachers: list[tuple[int, str]] = field(default_factory=list)      # (id, name)
    sections: list[AffectedSection] = field(default_factory=list)
    learners: list[AffectedLearner] = field(default_factory=list)     # one line per (learner, class)
    penalties: list[PenaltyDelta] = field(default_factory=list)
    objective: PenaltyDelta | None = None

    @property
    def seats(self) -> int:
        """Seats of the affected classes: the most learners the changes can reach."""
        return sum(s.seats for s in self.sections)

    @property
    def people(self) -> int:
        """How many different learners are affected (a learner in two moved classes counts once)."""
        return len({line.phone + line.name for line in self.learners})


def _placements(version: TimetableVersion) -> dict[tuple[int, int], tuple[str, str, int, Placement]]:
    rows = db.session.execute(
        sa.select(MeetingAssignment.section_id, MeetingAssignment.meeting, MeetingAssignment.slot,
                  MeetingAssignment.room_id, Room.name, Site.name, MeetingAssignment.teacher_id, Teacher.name,
                  Section.code, Course.name, Section.seats)
        .join(Section, MeetingAssignment.section_id == Section.id)
        .join(Course, Section.course_id == Course.id)
        .outerjoin(Room, MeetingAssignment.room_id == Room.id)
        .outerjoin(Site, Room.site_id == Site.id)
        .outerjoin(Teacher, MeetingAssignment.teacher_id == Teacher.id)
        .where(MeetingAssignment.version_id == version.id)).all()
    return {(sid, m): (code, course, seats, Placement(slot, rid, room or "", site or "", tid, teacher or ""))
            for sid, m, slot, rid, room, site, tid, teacher, code, course, seats in rows}


def _enrolled_learners(sections: list[AffectedSection]) -> list[AffectedLearner]:
    """The enrolled learners of these classes, class by class, by name; sets each class's count."""
    from college.enrollment.models import Enrollment, EnrollmentStatus
    from college.people.models import Learner

    by_id = {s.section_id: s for s in sections}
    rows = db.session.execute(
        sa.select(Enrollment.section_id, Learner.name, Learner.phone)
        .join(Learner, Enrollment.learner_id == Learner.id)
        .where(Enrollment.section_id.in_(list(by_id)), Enrollment.status == EnrollmentStatus.ENROLLED)).all()
    out = []
    for section_id, name, phone in rows:
        section = by_id[section_id]
        section.enrolled += 1
        out.append(AffectedLearner(name, phone, section.code, section.course))
    return sorted(out, key=lambda a: (a.section, a.name, a.phone))


def learner_rows(diff: Diff) -> list[list[str]]:
    """The affected learners as CSV rows, with a header, for the staff who phone them."""
    from flask_babel import gettext as _

    return [[_("Full name"), _("Phone"), _("Class"), _("Course")]] + [
        [a.name, a.phone, a.section, a.course] for a in diff.learners]


def _same(a: Placement, b: Placement) -> bool:
    return (a.slot, a.room_id, a.teacher_id) == (b.slot, b.room_id, b.teacher_id)


def diff_versions(old: TimetableVersion, new: TimetableVersion) -> Diff:
    """Every meeting that moved from `old` to `new`, who it touches, and the penalties before and after."""
    before, after = _placements(old), _placements(new)
    diff = Diff(old=old, new=new)
    teachers: dict[int, str] = {}
    sections: dict[str, AffectedSection] = {}
    for key in sorted(before.keys() | after.keys(), key=lambda k: ((before.get(k) or after[k])[0], k[1])):
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and _same(a[3], b[3]):
            continue
        code, course, seats = (a or b)[:3]
        moved = MovedMeeting(code, course, key[1], a[3] if a else None, b[3] if b else None)
        diff.moved.append(moved)
        for place in (moved.old, moved.new):
            if place is not None and place.teacher_id is not None:
                teachers[place.teacher_id] = place.teacher
        sections.setdefault(code, AffectedSection(code, course, seats, 0, key[0])).moved += 1
    diff.teachers = sorted(teachers.items(), key=lambda t: t[1])
    diff.sections = sorted(sections.values(), key=lambda s: s.code)
    diff.learners = _enrolled_learners(diff.sections)
    old_p, new_p = old.penalties or {}, new.penalties or {}
    diff.penalties = [PenaltyDelta(n, old_p.get(n) or 0, new_p.get(n) or 0) for n in PENALTY_ORDER
                      if n in old_p or n in new_p]
    if old.objective is not None and new.objective is not None:
        diff.objective = PenaltyDelta("objective", old.objective, new.objective)
    return diff
