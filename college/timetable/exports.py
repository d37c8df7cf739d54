"""iCalendar feeds of dated sessions."""

from __future__ import annotations

from collections.abc import Iterable

from icalendar import Calendar, Event

from college.timetable.sessions import Session


def session_uid(session: Session) -> str:
    """A UID that stays the same across exports of the same session."""
    return f"{session.section}-{session.meeting}-{session.day.isoformat()}@silver-college"


def ical_feed(sessions: Iterable[Session], name: str) -> bytes:
    """An iCalendar file with one event per session."""
    cal = Calendar()
    cal.add("prodid", "-//Silver College//Timetable//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    for s in sessions:
        event = Event()
        event.add("uid", session_uid(s))
        event.add("dtstart", s.start)
        event.add("dtend", s.end)
        event.add("summary", f"{s.section} {s.course}")
        event.add("location", f"{s.site} {s.room}")
        event.add("description", s.teacher)
        cal.add_component(event)
    return cal.to_ical()
