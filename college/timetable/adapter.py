"""The college's data for one term as a timetable problem in the shared format.

`build_problem(term)` reads the database and returns a dict in the format of
`spec/timetable-format.md` (`senior-college-timetable/1`), ready for `scheduler.solve` or
for export to the command line. Ids in the problem are the records' codes (sites, teachers,
subjects, children groups, sections) and `R<id>` for rooms, so a solution maps back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from college.catalog.models import DAYS, Course, Section, SectionStatus, Term
from college.extensions import db
from college.people.models import ChildrenGroup, Teacher, TeacherAbsence
from college.places.models import Room, RoomClosure, Site, TravelOverride
from college.timetable.sessions import handled_by_session_changes, is_short_absence

PROBLEM_FORMAT = "senior-college-timetable/1"


@dataclass(frozen=True)
class TravelSettings:
    """Straight-line distance × detour at a city speed, plus a fixed minimum for any move."""

    detour: float = 1.4
    speed_kmh: float = 18.0
    minimum_minutes: int = 10


def distance_km(a: Site, b: Site) -> float | None:
    """Great-circle distance between two sites, or None when one has no coordinates."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def travel_minutes(a: Site, b: Site, settings: TravelSettings = TravelSettings()) -> int | None:
    """Minutes from a to b; 0 for the same site; None (unreachable) without coordinates."""
    if a.id == b.id:
        return 0
    km = distance_km(a, b)
    if km is None:
        return None
    return settings.minimum_minutes + math.ceil(km * settings.detour / settings.speed_kmh * 60)


def pair_travel_minutes(a: Site, b: Site, settings: TravelSettings = TravelSettings()) -> int | None:
    """Minutes from a to b as `travel_minutes_table` gives them: the administrator's minutes for the pair
    when set, else the map estimate; None when neither is known (unreachable)."""
    if a.id == b.id:
        return 0
    override = db.session.scalar(sa.select(TravelOverride.minutes).where(
        TravelOverride.site_a_id == min(a.id, b.id), TravelOverride.site_b_id == max(a.id, b.id)))
    return override if override is not None else travel_minutes(a, b, settings)


def travel_minutes_table(sites: list[Site], settings: TravelSettings = TravelSettings()) -> dict[str, dict[str, int]]:
    """`travel_minutes` of the shared format: the map estimate between every two sites, except where an
    administrator set the minutes for the pair (TravelOverride, both ways), which wins and also gives
    minutes to sites without coordinates. A pair with neither is left out: unreachable."""
    overrides = {(o.site_a_id, o.site_b_id): o.minutes for o in db.session.scalars(sa.select(TravelOverride))}
    table: dict[str, dict[str, int]] = {}
    for a in sites:
        row = {}
        for b in sites:
            if a.id == b.id:
                continue
            minutes = overrides.get((min(a.id, b.id), max(a.id, b.id)))
            if minutes is None:
                minutes = travel_minutes(a, b, settings)
            if minutes is not None:
                row[b.code] = minutes
        if row:
            table[a.code] = row
    return table


def room_id(room: Room) -> str:
    return f"R{room.id}"


def slot_list(term: Term) -> list[str]:
    return [f"{day}:{period.code}" for day in DAYS for period in term.periods]


def _closed_slots(site: Site, term: Term, slots: list[str]) -> list[str]:
    """Slots outside the site's opening times; every slot when a closure spans the whole term."""
    if any(c.first_day <= term.first_day and c.last_day >= term.last_day for c in site.closures):
        return list(slots)
    if site.open_slots is None:
        return []
    open_ = set(site.open_slots)
    return [s for s in slots if s not in open_]


def _known(slots: list[str] | None, valid: set[str]) -> list[str] | None:
    """Keep only slots of this term's grid (a teacher's grid may name periods the term lacks)."""
    if slots is None:
        return None
    return [s for s in slots if s in valid]


def rest_of_term(term: Term, as_of: date | None = None) -> tuple[date, date]:
    """The days of the term still to come: from `as_of` (default today) or the first day if later."""
    start = max(term.first_day, as_of or date.today())
    return start, term.last_day


def _weekdays(first: date, last: date) -> set[str]:
    """The day codes of the dates first..last (all seven once the span is a week or more)."""
    if (last - first).days >= 6:
        return set(DAYS)
    return {DAYS[(first + timedelta(days=n)).weekday()] for n in range((last - first).days + 1)}


def absent_slots(term: Term, as_of: date | None = None) -> dict[int, set[str]]:
    """Slots each teacher (by id) loses to absences that overlap the rest of the term.

    The weekly timetable repeats every week, so an absence that overlaps the days still to come
    (`rest_of_term`) removes the teacher's slots on its weekdays for the whole timetable: its
    `days` when it names some, else every weekday that falls within the overlap (all seven once
    it lasts a week). Absences that ended before, or start after the term, change nothing. A
    short absence whose sessions in the published timetable are all cancelled or moved on their
    dates (`sessions.handled_by_session_changes`) changes nothing either.
    """
    from college.timetable.operations import published_version  # operations builds on this module

    start, end = rest_of_term(term, as_of)
    lost: dict[int, set[str]] = {}
    if start > end:
        return lost
    absences = list(db.session.scalars(sa.select(TeacherAbsence).where(
        TeacherAbsence.first_day <= end,
        sa.or_(TeacherAbsence.last_day.is_(None), TeacherAbsence.last_day >= start))))
    periods = [p.code for p in term.periods]
    published = published_version(term) if any(is_short_absence(a) for a in absences) else None
    for absence in absences:
        if handled_by_session_changes(absence, published, term):
            continue
        first, last = max(absence.first_day, start), min(absence.last_day or end, end)
        days = _weekdays(first, last)
        if absence.days:
            days &= set(absence.days)
        lost.setdefault(absence.teacher_id, set()).update(f"{d}:{p}" for d in days for p in periods)
    return lost


def closed_rooms(term: Term, as_of: date | None = None) -> set[int]:
    """Ids of rooms left out of the problem: those with a closure overlapping the rest of the term.

    The shared format can close a whole site in a slot but has no closed slots for one room, and
    closing the site would close its other rooms too; so a room closed on any day still to come
    leaves the weekly timetable entirely (its meetings move to other rooms). A closure that ended
    before `rest_of_term` starts, or begins after the term, changes nothing.
    """
    start, end = rest_of_term(term, as_of)
    if start > end:
        return set()
    return set(db.session.scalars(sa.select(RoomClosure.room_id).where(
        RoomClosure.first_day <= end, RoomClosure.last_day >= start)))


def build_problem(term: Term, *, travel: TravelSettings = TravelSettings(), locked: list[dict] | None = None,
                  reference: dict | None = None, as_of: date | None = None) -> dict:
    """The term's timetable problem: every section not cancelled, with what it may use.

    Teacher absences and room closures that overlap the rest of the term (from `as_of`, default
    today) are applied as `absent_slots` and `closed_rooms` say. `locked` entries (section code,
    meeting, slot, room, teacher) and the `reference` solution are kept only where they name
    sections, rooms and teachers the problem still has, so the problem always reads.
    """
    slots = slot_list(term)
    valid = set(slots)
    lost = absent_slots(term, as_of)
    shut = closed_rooms(term, as_of)
    sections = list(db.session.scalars(
        sa.select(Section)
        .where(Section.term_id == term.id, Section.status != SectionStatus.CANCELLED)
        .options(selectinload(Section.sites), selectinload(Section.course).selectinload(Course.subject),
                 selectinload(Section.teacher), selectinload(Section.children_group))
        .order_by(Section.code)))
    sites = list(db.session.scalars(
        sa.select(Site).options(selectinload(Site.closures)).order_by(Site.code)))
    rooms = [r for r in db.session.scalars(sa.select(Room).join(Room.site).order_by(Site.code, Room.name))
             if r.id not in shut]
    teachers = list(db.session.scalars(
        sa.select(Teacher).options(selectinload(Teacher.subjects)).order_by(Teacher.code)))
    groups = list(db.session.scalars(
        sa.select(ChildrenGroup).options(selectinload(ChildrenGroup.sites)).order_by(ChildrenGroup.code)))

    travel_table = travel_minutes_table(sites, travel)

    problem = {
        "format": PROBLEM_FORMAT,
        "name": term.name,
        "days": list(DAYS),
        "periods": [{"id": p.code, "start": p.start.strftime("%H:%M"), "end": p.end.strftime("%H:%M"),
                     "penalty": p.penalty} for p in term.periods],
        "sites": [{"id": s.code, "name": s.name, "child_safe": s.child_safe,
                   "closed": _closed_slots(s, term, slots)} for s in sites],
        "travel_minutes": travel_table,
        "rooms": [{"id": room_id(r), "site": r.site.code, "capacity": r.seats,
                   "features": sorted(r.features)}
                  for r in rooms],
        "teachers": [{"id": t.code, "subjects": [s.code for s in t.subjects],
                      "available": [s for s in _known(t.available or [], valid) if s not in lost.get(t.id, ())],
                      "preferred": _known(t.preferred or [], valid),
                      "max_meetings": t.max_meetings, "max_sites_per_day": t.max_sites_per_day,
                      "intergenerational": t.intergenerational} for t in teachers],
        "children_groups": [{"id": g.code, "size": g.size, "available": _known(g.available or [], valid),
                             "sites": [s.code for s in g.sites]} for g in groups],
        "sections": [{"id": c.code, "subject": c.course.subject.code, "meetings": c.course.meetings_per_week,
                      "size": c.seats, "sites": [s.code for s in c.sites], "features": list(c.course.features),
                      "teacher": c.teacher.code if c.teacher else None,
                      "children_group": c.children_group.code if c.children_group else None,
                      "min_days_apart": c.min_days_apart, "allowed": _known(c.allowed_slots, valid)}
                     for c in sections],
        "conflicts": [],
        "locked": [],
        "reference": None,
        "allow_unassigned": False,
    }
    known = {"room": {r["id"] for r in problem["rooms"]},
             "teacher": {t["id"] for t in problem["teachers"]}, "slot": valid}

    meetings = {c["id"]: c["meetings"] for c in problem["sections"]}

    def fits(entry: dict) -> bool:
        return (entry.get("section") in meetings and 0 <= entry.get("meeting", -1) < meetings[entry["section"]]
                and all(entry.get(k) is None or entry.get(k) in ids for k, ids in known.items()))

    problem["locked"] = [dict(e) for e in locked or [] if fits(e)]
    if reference is not None:
        problem["reference"] = {**reference, "assignments": [a for a in reference.get("assignments") or []
                                                             if fits(a)]}
    return problem


SOLUTION_FORMAT = "senior-college-timetable-solution/1"


class SolutionError(ValueError):
    """A solution names something the term does not have."""


def solution_to_version(version, solution: dict) -> None:
    """Store a solution in a version: its status numbers and one row per meeting (ids mapped back)."""
    from college.timetable.models import MeetingAssignment, SolverStatus

    sections = dict(db.session.execute(
        sa.select(Section.code, Section.id).where(Section.term_id == version.term_id)).all())
    teachers = dict(db.session.execute(sa.select(Teacher.code, Teacher.id)).all())
    rooms = set(db.session.scalars(sa.select(Room.id)))

    def section_of(item: dict, path: str) -> int:
        if item.get("section") not in sections:
            raise SolutionError(f"{path}: unknown section {item.get('section')!r}")
        return sections[item["section"]]

    # Meetings the problem locked stay locked in the new version, so a further re-solve keeps them too.
    locked = {(e["section"], e["meeting"]) for e in (version.problem or {}).get("locked") or []}
    rows = []
    for i, a in enumerate(solution.get("assignments") or []):
        path = f"assignments[{i}]"
        room = str(a.get("room", ""))
        if not (room.startswith("R") and room[1:].isdigit() and int(room[1:]) in rooms):
            raise SolutionError(f"{path}: unknown room {a.get('room')!r}")
        if a.get("teacher") not in teachers:
            raise SolutionError(f"{path}: unknown teacher {a.get('teacher')!r}")
        rows.append({"version_id": version.id, "section_id": section_of(a, path), "meeting": int(a["meeting"]),
                     "slot": a["slot"], "room_id": int(room[1:]), "teacher_id": teachers[a["teacher"]],
                     "locked": (a.get("section"), a.get("meeting")) in locked, "reason": None})
    for i, u in enumerate(solution.get("unassigned") or []):
        rows.append({"version_id": version.id, "section_id": section_of(u, f"unassigned[{i}]"),
                     "meeting": int(u["meeting"]), "slot": None, "room_id": None, "teacher_id": None,
                     "locked": False, "reason": u.get("reason") or "-"})
    db.session.execute(sa.delete(MeetingAssignment).where(MeetingAssignment.version_id == version.id))
    if rows:
        db.session.execute(sa.insert(MeetingAssignment), rows)
    version.solver_status = SolverStatus(solution["status"])
    version.objective = solution.get("objective")
    version.bound = solution.get("bound")
    version.seconds = solution.get("seconds")
    version.solver = (solution.get("solver") or "")[:120]
    version.penalties = solution.get("penalties")
    version.solution = solution
    db.session.flush()
    db.session.expire(version, ["meetings"])


def version_to_solution(version) -> dict:
    """The version's timetable as a solution in the shared format, read from its meeting rows."""
    from college.timetable.models import MeetingAssignment

    rows = db.session.execute(
        sa.select(MeetingAssignment, Section.code, Teacher.code)
        .join(Section, MeetingAssignment.section_id == Section.id)
        .outerjoin(Teacher, MeetingAssignment.teacher_id == Teacher.id)
        .where(MeetingAssignment.version_id == version.id)
        .order_by(Section.code, MeetingAssignment.meeting)).all()
    assignments, unassigned = [], []
    for m, section, teacher in rows:
        if m.slot is None:
            unassigned.append({"section": section, "meeting": m.meeting, "reason": m.reason or ""})
        else:
            assignments.append({"section": section, "meeting": m.meeting, "slot": m.slot,
                                "room": f"R{m.room_id}", "teacher": teacher})
    status = version.solver_status.value if version.solver_status else "unknown"
    return {
        "format": SOLUTION_FORMAT,
        "problem": (version.problem or {}).get("name") or version.term.name,
        "status": status,
        "objective": version.objective,
        "bound": version.bound,
        "seconds": version.seconds or 0.0,
        "solver": version.solver,
        "assignments": assignments,
        "unassigned": unassigned,
        "penalties": version.penalties,
    }
