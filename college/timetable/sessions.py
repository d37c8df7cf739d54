"""Dated sessions: each placed meeting repeated weekly over the term, minus holidays and site closures,
with single sessions cancelled, moved or taught by a substitute (SessionChange) applied."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from dateutil.rrule import WEEKLY, rrule

from college.catalog.models import DayKind, Section, Term
from college.extensions import db
from college.timetable.models import (
    MeetingAssignment,
    SessionAction,
    SessionChange,
    TimetableVersion,
)

TIMEZONE = ZoneInfo("Asia/Shanghai")
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Session:
    """One dated class meeting. A moved session is at its new day, time and room (`moved_from` is its
    original day); a cancelled one keeps its place and says so; one a substitute teaches names them as
    its `teacher` and the usual teacher as `covered_for`. `original_day` keys it for changes."""

    section: str
    course: str
    meeting: int
    day: date
    start: datetime
    end: datetime
    site: str
    room: str
    teacher: str
    section_id: int | None = None
    room_id: int | None = None
    site_id: int | None = None
    teacher_id: int | None = None
    period: str = ""
    cancelled: bool = False
    moved_from: date | None = None
    reason: str = ""
    change_id: int | None = None
    covered_for: str = ""
    covered_for_id: int | None = None

    @property
    def original_day(self) -> date:
        return self.moved_from or self.day

    @property
    def changed(self) -> bool:
        return self.change_id is not None


def _closed(assignment: MeetingAssignment) -> list[tuple[date, date]]:
    """The closure ranges of the meeting's site."""
    return [(c.first_day, c.last_day) for c in assignment.room.site.closures]


def _is_closed(day: date, ranges: list[tuple[date, date]]) -> bool:
    return any(first <= day <= last for first, last in ranges)


def _shared(assignment: MeetingAssignment, period) -> dict:
    """What every session of a placed meeting has in common (read once per meeting, not once per date)."""
    room = assignment.room
    teacher = assignment.teacher or assignment.section.teacher
    return {"section": assignment.section.code, "course": assignment.section.course.name,
            "meeting": assignment.meeting, "site": room.site.name, "room": room.name,
            "teacher": teacher.name if teacher else "", "section_id": assignment.section_id, "room_id": room.id,
            "site_id": room.site_id, "teacher_id": teacher.id if teacher else None, "period": period.code}


def _session(assignment: MeetingAssignment, day: date, period, shared: dict | None = None) -> Session:
    return Session(day=day, start=datetime.combine(day, period.start, TIMEZONE),
                   end=datetime.combine(day, period.end, TIMEZONE), **(shared or _shared(assignment, period)))


def _changed(session: Session, change: SessionChange, periods: dict) -> Session:
    """The session as the change leaves it: cancelled in place, taught by a substitute in place, or at its
    new date, period and room."""
    if change.action == SessionAction.CANCELLED:
        return Session(**{**session.__dict__, "cancelled": True, "reason": change.reason, "change_id": change.id})
    if change.action == SessionAction.SUBSTITUTED:
        substitute = change.new_teacher
        return Session(**{**session.__dict__, "teacher": substitute.name, "teacher_id": substitute.id,
                          "covered_for": session.teacher, "covered_for_id": session.teacher_id,
                          "reason": change.reason, "change_id": change.id})
    period = periods.get(change.new_period or session.period)
    room = change.new_room
    day = change.new_date
    values = {**session.__dict__, "day": day, "moved_from": session.day, "reason": change.reason,
              "change_id": change.id, "period": period.code,
              "start": datetime.combine(day, period.start, TIMEZONE),
              "end": datetime.combine(day, period.end, TIMEZONE)}
    if room is not None:
        values.update(room=room.name, room_id=room.id, site=room.site.name, site_id=room.site_id)
    return Session(**values)


def changes_for(section_ids: Iterable[int]) -> dict[tuple[int, int, date], SessionChange]:
    """The session changes of these sections, keyed by (section id, meeting, original date)."""
    ids = sorted(set(section_ids))
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(SessionChange).where(SessionChange.section_id.in_(ids)))
    return {(c.section_id, c.meeting, c.on_date): c for c in rows}


class _Patterns:
    """The weekly days of one term by day of the week, and which of them are not held at a site, each
    worked out once: a whole district has hundreds of meetings but only a few days of the week and sites."""

    def __init__(self, term: Term):
        self.term = term
        self.holidays = {d.day for d in term.calendar_days if d.kind == DayKind.HOLIDAY}
        self._days: dict[str, list[date]] = {}
        self._not_held: dict[tuple[str, int], set[date]] = {}

    def _weekly(self, day_code: str) -> list[date]:
        found = self._days.get(day_code)
        if found is None:
            term = self.term
            makeups = [d for d in term.calendar_days if d.kind != DayKind.HOLIDAY and d.works_as == day_code]
            weekly = rrule(WEEKLY, byweekday=DAY_CODES.index(day_code),
                           dtstart=datetime.combine(term.first_day, datetime.min.time()),
                           until=datetime.combine(term.last_day, datetime.min.time()))
            days = {d.date() for d in weekly}
            days |= {m.day for m in makeups if term.first_day <= m.day <= term.last_day and m.day not in self.holidays}
            found = self._days[day_code] = sorted(days)
        return found

    def of(self, assignment: MeetingAssignment) -> tuple[list[date], set[date]]:
        """The meeting's weekly days over the term (plus make-up days that work as its day), and those of
        them on which it is not held: holidays and its site's closures."""
        day_code, _, _period = (assignment.slot or "").partition(":")
        if day_code not in DAY_CODES or assignment.room is None:
            return [], set()
        days = self._weekly(day_code)
        key = (day_code, assignment.room.site_id)
        not_held = self._not_held.get(key)
        if not_held is None:
            closed = _closed(assignment)
            not_held = self._not_held[key] = {d for d in days if d in self.holidays or _is_closed(d, closed)}
        return days, not_held


def _pattern(assignment: MeetingAssignment, term: Term) -> tuple[list[date], set[date]]:
    """The meeting's weekly days over the term (plus make-up days that work as its day), and those of
    them on which it is not held: holidays and its site's closures."""
    return _Patterns(term).of(assignment)


def meeting_days(assignment: MeetingAssignment, term: Term) -> list[date]:
    """The dates of one placed meeting over the term before any change: weekly on its day, minus
    holidays and its site's closures, plus make-up days that work as its day."""
    days, not_held = _pattern(assignment, term)
    return [d for d in days if d not in not_held]


def usual_session(assignment: MeetingAssignment, term: Term, day: date) -> Session | None:
    """The meeting's session on `day` at its weekly place, even when that day has since become a holiday
    or its site is closed then; None when the weekly pattern has no session on `day`."""
    if assignment.slot is None or assignment.room is None:
        return None
    period = {p.code: p for p in term.periods}.get(assignment.slot.partition(":")[2])
    if period is None or day not in _pattern(assignment, term)[0]:
        return None
    return _session(assignment, day, period)


@dataclass(frozen=True)
class UnmatchedChange:
    """A session change that matches no session of a version: its meeting is not placed there (`slot`
    None), or is placed on another day of the week (`slot` says where)."""

    change: SessionChange
    slot: str | None


def unmatched_changes(version: TimetableVersion) -> list[UnmatchedChange]:
    """The session changes of the version's term that no session of the version matches any more (a
    later version moved the meeting to another day or left it out), by date."""
    term = version.term
    rows = {(m.section_id, m.meeting): m for m in db.session.scalars(
        sa.select(MeetingAssignment).where(MeetingAssignment.version_id == version.id))}
    changes = db.session.scalars(
        sa.select(SessionChange).join(Section, SessionChange.section_id == Section.id)
        .where(Section.term_id == term.id)
        .order_by(SessionChange.on_date, SessionChange.section_id, SessionChange.meeting))
    found, patterns, weekly = [], {}, _Patterns(term)
    for change in changes:
        row = rows.get((change.section_id, change.meeting))
        if row is None or not row.placed:
            found.append(UnmatchedChange(change, None))
            continue
        if row.id not in patterns:
            patterns[row.id] = set(weekly.of(row)[0])
        if change.on_date not in patterns[row.id]:
            found.append(UnmatchedChange(change, row.slot))
    return found


def dated_sessions(version_or_assignments: TimetableVersion | Iterable[MeetingAssignment],
                   term: Term, *, apply_changes: bool = True) -> list[Session]:
    """Every dated session of the placed meetings over the term, in date order, with the cancelled and
    moved sessions of SessionChange applied (apply_changes=False: the plain weekly pattern)."""
    if isinstance(version_or_assignments, TimetableVersion):
        assignments = list(version_or_assignments.meetings)
    else:
        assignments = list(version_or_assignments)
    periods = {p.code: p for p in term.periods}
    changes = changes_for(a.section_id for a in assignments) if apply_changes else {}
    sessions: list[Session] = []
    weekly = _Patterns(term)
    for a in assignments:
        if a.slot is None or a.room is None:
            continue
        period = periods.get(a.slot.partition(":")[2])
        if period is None:
            continue
        days, not_held = weekly.of(a)
        shared = _shared(a, period)
        for day in days:
            change = changes.get((a.section_id, a.meeting, day))
            # A session moved away keeps its new place when its own day later becomes a holiday or closed.
            if day in not_held and (change is None or change.action != SessionAction.MOVED):
                continue
            session = _session(a, day, period, shared)
            if change is not None and (change.action == SessionAction.CANCELLED
                                       or periods.get(change.new_period or period.code) is not None):
                session = _changed(session, change, periods)
            elif day in not_held:
                continue
            sessions.append(session)
    sessions.sort(key=lambda s: (s.start, s.section, s.meeting))
    return sessions


def taught_by(assignments: Iterable[MeetingAssignment], teacher_id: int | None) -> list[MeetingAssignment]:
    """The meetings the teacher teaches: the meeting's own teacher, else the section's fixed one."""
    return [a for a in assignments if (a.teacher_id or a.section.teacher_id) == teacher_id]


def covered_meetings(teacher_id: int | None) -> set[tuple[int, int]]:
    """(section id, meeting) of the meetings of which the teacher takes some session as a substitute."""
    if teacher_id is None:
        return set()
    return set(db.session.execute(sa.select(SessionChange.section_id, SessionChange.meeting).where(
        SessionChange.action == SessionAction.SUBSTITUTED, SessionChange.new_teacher_id == teacher_id)).all())


def teacher_sessions(assignments: Iterable[MeetingAssignment], teacher_id: int | None, term: Term) -> list[Session]:
    """The dated sessions (changes applied) that concern the teacher: those of their own meetings, including
    the ones another teacher covers (`covered_for_id` is theirs, `teacher_id` the substitute's), and the
    sessions of other meetings they take as a substitute."""
    assignments = list(assignments)
    covering = covered_meetings(teacher_id)
    rows = [a for a in assignments if (a.teacher_id or a.section.teacher_id) == teacher_id
            or (a.section_id, a.meeting) in covering]
    return [s for s in dated_sessions(rows, term) if teacher_id in (s.teacher_id, s.covered_for_id)]


# --- an absence of a few days ----------------------------------------------------------------

SHORT_ABSENCE_DAYS = 7


def is_short_absence(absence) -> bool:
    """An absence with an end, of at most seven days: its few sessions are better cancelled or moved on
    their dates than the weekly timetable re-planned for the whole term."""
    return absence.last_day is not None and (absence.last_day - absence.first_day).days < SHORT_ABSENCE_DAYS


def absence_sessions(absence, version: TimetableVersion | None, term: Term) -> list[Session]:
    """The sessions of `version` (changes applied) the absent teacher would teach on the absence's
    dates: on its weekdays when it names some; also those they were to take as a substitute. Whether
    the absence still needs one is `handled`."""
    if version is None:
        return []
    last = absence.last_day or term.last_day
    return [s for s in teacher_sessions(version.meetings, absence.teacher_id, term)
            if absence.first_day <= s.original_day <= last
            and (not absence.days or DAY_CODES[s.original_day.weekday()] in absence.days)]


def handled(session: Session, teacher_id: int | None) -> bool:
    """Whether an absent teacher's session needs nothing more: it is cancelled, moved (a move is checked
    against the teacher's absences) or taught by someone else."""
    return session.cancelled or session.moved_from is not None or session.teacher_id != teacher_id


def handled_by_session_changes(absence, version: TimetableVersion | None, term: Term) -> bool:
    """A short absence whose every session in the published timetable `version` is cancelled, moved or
    covered by a substitute (or that touches none): it needs nothing of the weekly timetable. Without a
    published timetable nothing is handled yet."""
    return version is not None and is_short_absence(absence) \
        and all(handled(s, absence.teacher_id) for s in absence_sessions(absence, version, term))
