"""Dated sessions: each placed meeting repeated weekly over the term, minus holidays and site closures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule, rruleset

from college.catalog.models import DayKind, Term
from college.timetable.models import MeetingAssignment, TimetableVersion

TIMEZONE = ZoneInfo("Asia/Shanghai")
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Session:
    """One dated class meeting."""

    section: str
    course: str
    meeting: int
    day: date
    start: datetime
    end: datetime
    site: str
    room: str
    teacher: str


def _closed(assignment: MeetingAssignment) -> list[tuple[date, date]]:
    """The closure ranges of the meeting's site."""
    return [(c.first_day, c.last_day) for c in assignment.room.site.closures]


def _is_closed(day: date, ranges: list[tuple[date, date]]) -> bool:
    return any(first <= day <= last for first, last in ranges)


def _session(assignment: MeetingAssignment, day: date, period) -> Session:
    room = assignment.room
    teacher = assignment.teacher or assignment.section.teacher
    return Session(
        section=assignment.section.code, course=assignment.section.course.name, meeting=assignment.meeting,
        day=day, start=datetime.combine(day, period.start, TIMEZONE),
        end=datetime.combine(day, period.end, TIMEZONE), site=room.site.name, room=room.name,
        teacher=teacher.name if teacher else "")


def dated_sessions(version_or_assignments: TimetableVersion | Iterable[MeetingAssignment],
                   term: Term) -> list[Session]:
    """Every dated session of the placed meetings over the term, in date order."""
    if isinstance(version_or_assignments, TimetableVersion):
        assignments = list(version_or_assignments.meetings)
    else:
        assignments = list(version_or_assignments)
    periods = {p.code: p for p in term.periods}
    holidays = {d.day for d in term.calendar_days if d.kind == DayKind.HOLIDAY}
    makeups = [d for d in term.calendar_days if d.kind != DayKind.HOLIDAY and d.works_as in DAY_CODES]
    start = datetime.combine(term.first_day, datetime.min.time())
    until = datetime.combine(term.last_day, datetime.min.time())
    sessions: list[Session] = []
    for a in assignments:
        if a.slot is None or a.room is None:
            continue
        day_code, _, period_code = a.slot.partition(":")
        period = periods.get(period_code)
        if day_code not in DAY_CODES or period is None:
            continue
        closed = _closed(a)
        dates = rruleset()
        dates.rrule(rrule(WEEKLY, byweekday=DAY_CODES.index(day_code), dtstart=start, until=until))
        for day in holidays:
            dates.exdate(datetime.combine(day, datetime.min.time()))
        for first, last in closed:
            day = first
            while day <= last:
                dates.exdate(datetime.combine(day, datetime.min.time()))
                day += timedelta(days=1)
        days = {d.date() for d in dates}
        days |= {m.day for m in makeups if m.works_as == day_code and term.first_day <= m.day <= term.last_day
                 and m.day not in holidays and not _is_closed(m.day, closed)}
        sessions.extend(_session(a, day, period) for day in days)
    sessions.sort(key=lambda s: (s.start, s.section, s.meeting))
    return sessions
