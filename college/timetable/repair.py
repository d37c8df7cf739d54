"""Repair: what the published timetable breaks once teachers are absent or rooms closed.

A repair is a solve of today's problem (`build_problem` applies the absences and closures
that overlap the rest of the term) with the published timetable as `reference`, so the
solver pays for every meeting it moves; `operations.request_solve(term, actor, repair=True)`
starts it. Before starting, the page shows what needs repairing: the published timetable
checked by `scheduler.validate` against today's problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from college.catalog.models import Term
from college.extensions import db
from college.i18n import DAY_NAMES, is_chinese
from college.people.models import TeacherAbsence
from college.places.models import Room, RoomClosure
from college.timetable.adapter import build_problem, rest_of_term, version_to_solution
from college.timetable.editing import rule_text
from college.timetable.operations import published_version
from college.timetable.sessions import Session, absence_sessions, handled, is_short_absence
from scheduler.validate import validate


@dataclass
class RepairNeeds:
    """Absences and closures in force for the rest of the term, and what they break in the published timetable."""

    first_day: date
    last_day: date
    absences: list[TeacherAbsence] = field(default_factory=list)
    closures: list[RoomClosure] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)    # rule, rule_text, message, section, meeting
    has_published: bool = False
    # each short absence (by id): its sessions in the published timetable, to cancel, move or cover on
    # their dates, and those of them that still need that
    short_sessions: dict[int, list[Session]] = field(default_factory=dict)
    open_sessions: dict[int, list[Session]] = field(default_factory=dict)

    @property
    def meetings(self) -> list[tuple[str, int]]:
        """(section, meeting) of each published meeting that can no longer stay."""
        found = {(v["section"], v["meeting"]) for v in self.violations if v.get("section") is not None
                 and v.get("meeting") is not None}
        return sorted(found)


def repair_needs(term: Term, as_of: date | None = None) -> RepairNeeds:
    """The absences and room closures that overlap the rest of the term, and the hard rules the
    published timetable (if any) breaks against today's problem."""
    start, end = rest_of_term(term, as_of)
    needs = RepairNeeds(first_day=start, last_day=end)
    needs.absences = list(db.session.scalars(
        sa.select(TeacherAbsence).options(joinedload(TeacherAbsence.teacher))
        .where(TeacherAbsence.first_day <= end,
               sa.or_(TeacherAbsence.last_day.is_(None), TeacherAbsence.last_day >= start))
        .order_by(TeacherAbsence.first_day)))
    needs.closures = list(db.session.scalars(
        sa.select(RoomClosure).options(joinedload(RoomClosure.room).joinedload(Room.site))
        .where(RoomClosure.first_day <= end, RoomClosure.last_day >= start)
        .order_by(RoomClosure.first_day)))
    published = published_version(term)
    if published is None:
        return needs
    needs.has_published = True
    needs.short_sessions = {a.id: absence_sessions(a, published, term) for a in needs.absences
                            if is_short_absence(a)}
    teacher_of = {a.id: a.teacher_id for a in needs.absences}
    needs.open_sessions = {a: [s for s in found if not handled(s, teacher_of[a])]
                           for a, found in needs.short_sessions.items()}
    problem = build_problem(term, as_of=as_of)
    solution = version_to_solution(published)
    solution = {**solution, "penalties": None, "objective": None}     # only the hard rules matter here
    report = validate(problem, solution)
    needs.violations = [{"rule": v["rule"], "rule_text": rule_text(v["rule"]), "message": v["message"],
                         "section": v["section"], "meeting": v["meeting"]}
                        for v in report["violations"] if v["rule"] not in ("objective", "bound")]
    return needs


def day_list(codes: list[str]) -> str:
    """Day codes as the reader's day names: 周一、周三 / Mon, Wed."""
    names = DAY_NAMES["zh" if is_chinese() else "en"]
    return ("、" if is_chinese() else ", ").join(names.get(c, c) for c in codes)
