"""Week grids of a timetable version (days × periods, each cell its meetings), as plain data.

No request is needed: the pages render what these functions return, and tests call them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from college.catalog.models import DAYS, Course, Section, Subject, Term
from college.extensions import db
from college.i18n import DAY_NAMES, is_chinese
from college.people.models import ChildrenGroup, Teacher
from college.places.models import Room, Site
from college.timetable.models import JobState, MeetingAssignment, TimetableVersion

KINDS = {"site": _l("By site"), "room": _l("By room"), "teacher": _l("By teacher"),
         "group": _l("By children group"), "subject": _l("By subject")}

PENALTY_WORDS = {
    "time": _l("%(n)s meetings in periods older learners find harder (afternoons and evenings)"),
    "site_change": _l("%(n)s extra site changes of a teacher within a day"),
    "room_change": _l("%(n)s extra room changes within a class"),
    "teacher_pref": _l("%(n)s meetings outside the teacher's preferred times"),
    "perturbation": _l("%(n)s meetings moved from the published timetable"),
    "unassigned": _l("%(n)s meetings left without a place"),
}


@dataclass
class Entry:
    """One placed meeting as a grid cell shows it."""

    section: str
    course: str
    room: str
    site: str
    teacher: str
    keys: dict[str, int] = field(default_factory=dict)
    id: int = 0             # the meeting's row (MeetingAssignment.id): what a draft's grid moves
    slot: str = ""
    locked: bool = False


@dataclass
class Grid:
    """Days down, periods across; cells[(day, period)] lists the meetings there."""

    days: list[tuple[str, str]]
    periods: list[tuple[str, str]]
    cells: dict[tuple[str, str], list[Entry]]

    @property
    def count(self) -> int:
        """How many meetings the grid shows."""
        return sum(len(v) for v in self.cells.values())

    def day_rows(self) -> list[tuple[str, list[tuple[str, list[Entry]]]]]:
        """Per day (label), the periods (label) with meetings: the narrow-screen list."""
        out = []
        for code, label in self.days:
            filled = [(plabel, self.cells.get((code, pcode), [])) for pcode, plabel in self.periods]
            filled = [(p, e) for p, e in filled if e]
            if filled:
                out.append((label, filled))
        return out


def viewable_versions(term: Term) -> list[TimetableVersion]:
    """The term's finished versions that hold a timetable, newest first."""
    return list(db.session.scalars(
        sa.select(TimetableVersion)
        .where(TimetableVersion.term_id == term.id, TimetableVersion.state == JobState.FINISHED,
               TimetableVersion.solution.is_not(None))
        .order_by(TimetableVersion.number.desc())))


def default_version(term: Term) -> TimetableVersion | None:
    """The published version, else the latest finished one with a timetable."""
    versions = viewable_versions(term)
    published = [v for v in versions if v.published_at is not None]
    return (published or versions or [None])[0]


def _entries(version: TimetableVersion) -> list[tuple[str, Entry]]:
    rows = db.session.execute(
        sa.select(MeetingAssignment.id, MeetingAssignment.locked, MeetingAssignment.slot, Section.code, Section.children_group_id, Course.name, Course.subject_id,
                  Room.id, Room.name, Site.id, Site.name, Teacher.id, Teacher.name)
        .join(Section, MeetingAssignment.section_id == Section.id)
        .join(Course, Section.course_id == Course.id)
        .join(Room, MeetingAssignment.room_id == Room.id)
        .join(Site, Room.site_id == Site.id)
        .outerjoin(Teacher, MeetingAssignment.teacher_id == Teacher.id)
        .where(MeetingAssignment.version_id == version.id, MeetingAssignment.slot.is_not(None))
        .order_by(Section.code, MeetingAssignment.meeting)).all()
    out = []
    for mid, locked, slot, code, group_id, course, subject_id, rid, rname, sid, sname, tid, tname in rows:
        keys = {"site": sid, "room": rid, "subject": subject_id}
        if tid is not None:
            keys["teacher"] = tid
        if group_id is not None:
            keys["group"] = group_id
        out.append((slot, Entry(code, course, rname, sname, tname or "", keys, id=mid, slot=slot,
                                locked=bool(locked))))
    return out


def choices_for(version: TimetableVersion) -> dict[str, list[tuple[int, str]]]:
    """For each kind, the (id, label) of the records the version's placed meetings use."""
    used: dict[str, set[int]] = {kind: set() for kind in KINDS}
    for _slot, entry in _entries(version):
        for kind, key in entry.keys.items():
            used[kind].add(key)
    models = {"site": (Site, lambda s: f"{s.code} {s.name}", Site.code),
              "room": (Room, lambda r: f"{r.site.name} · {r.name}", Room.site_id),
              "teacher": (Teacher, lambda t: f"{t.code} {t.name}", Teacher.code),
              "group": (ChildrenGroup, lambda g: f"{g.code} {g.name}", ChildrenGroup.code),
              "subject": (Subject, lambda s: s.name, Subject.code)}
    out = {}
    for kind, (model, label, order) in models.items():
        ids = used[kind]
        records = db.session.scalars(sa.select(model).where(model.id.in_(ids)).order_by(order, model.id)) if ids else []
        out[kind] = [(r.id, label(r)) for r in records]
    return out


def week_grid(version: TimetableVersion, kind: str, key: int) -> Grid:
    """The week of the version for one site, room, teacher, children group or subject."""
    return week_grids(version, kind, [key])[key]


def week_grids(version: TimetableVersion, kind: str, keys: list[int]) -> dict[int, Grid]:
    """The weeks of many records of one kind, from one read of the version's meetings (printing or
    exporting all teachers one grid at a time would read every meeting once per teacher)."""
    if kind not in KINDS:
        raise ValueError(kind)
    names = DAY_NAMES["zh" if is_chinese() else "en"]
    periods = [(p.code, f"{p.code} {p.start:%H:%M}–{p.end:%H:%M}") for p in version.term.periods]
    cells: dict[int, dict[tuple[str, str], list[Entry]]] = {key: {} for key in keys}
    for slot, entry in _entries(version):
        here = cells.get(entry.keys.get(kind))
        if here is not None:
            day, period = slot.split(":", 1)
            here.setdefault((day, period), []).append(entry)
    out = {}
    for key, found in cells.items():
        used_days = {day for day, _p in found}
        days = [(d, names.get(d, d)) for d in DAYS if d in used_days or d not in ("sat", "sun")]
        out[key] = Grid(days=days, periods=periods, cells=found)
    return out


def unplaced(version: TimetableVersion) -> list[dict]:
    """Meetings the version leaves out, with the solver's reason."""
    rows = db.session.execute(
        sa.select(MeetingAssignment.meeting, MeetingAssignment.reason, Section.code, Course.name)
        .join(Section, MeetingAssignment.section_id == Section.id)
        .join(Course, Section.course_id == Course.id)
        .where(MeetingAssignment.version_id == version.id, MeetingAssignment.slot.is_(None))
        .order_by(Section.code, MeetingAssignment.meeting)).all()
    return [{"section": code, "course": course, "meeting": meeting + 1, "reason": reason or ""}
            for meeting, reason, code, course in rows]


def placed_counts(version: TimetableVersion) -> tuple[int, int]:
    """(placed, unplaced) meetings of a version."""
    counts = dict(db.session.execute(
        sa.select(MeetingAssignment.slot.is_not(None), sa.func.count())
        .where(MeetingAssignment.version_id == version.id)
        .group_by(MeetingAssignment.slot.is_not(None))).all())
    return counts.get(True, 0), counts.get(False, 0)


def penalty_sentences(version: TimetableVersion) -> list[str]:
    """The penalty's non-zero parts in words, with each rule's weight and cost; empty when nothing costs."""
    penalties = version.penalties or {}
    from scheduler.problem import DEFAULT_WEIGHTS

    weights = {**DEFAULT_WEIGHTS, **((version.problem or {}).get("weights") or {})}
    out = []
    for name, count in penalties.items():
        if not isinstance(count, int | float) or not count:
            continue
        words = PENALTY_WORDS.get(name)
        text = str(words % {"n": f"{count:g}"}) if words else f"{name}: {count:g}"
        weight = weights.get(name)
        if isinstance(weight, int | float):
            shown_weight, cost = f"{weight:g}", f"{weight * count:g}"
            text += _("; weight %(w)s, costs %(cost)s", w=shown_weight, cost=cost)
        out.append(text)
    return out
