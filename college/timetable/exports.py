"""iCalendar feeds of dated sessions: cancelled sessions as STATUS:CANCELLED, moved ones at their new time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from icalendar import Calendar, Event

from college.timetable.sessions import Session


def session_uid(session: Session) -> str:
    """A UID that stays the same across exports of the same session, also after it is moved or
    cancelled (it names the original date), so a subscribed calendar updates the event in place."""
    return f"{session.section}-{session.meeting}-{session.original_day.isoformat()}@silver-college"


def ical_feed(sessions: Iterable[Session], name: str, *, cancelled_word: str = "Cancelled",
              moved_word: str = "Moved") -> bytes:
    """An iCalendar file with one event per session. A cancelled session is STATUS:CANCELLED with the
    reason in its description; a moved one is at its new time and place with the reason. The words
    put before the summary are the caller's (translated) ones."""
    cal = Calendar()
    cal.add("prodid", "-//Silver College//Timetable//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for s in sessions:
        event = Event()
        event.add("uid", session_uid(s))
        event.add("dtstamp", stamp)
        event.add("dtstart", s.start)
        event.add("dtend", s.end)
        summary = f"{s.section} {s.course}"
        description = s.teacher
        if s.cancelled:
            event.add("status", "CANCELLED")
            summary = f"{cancelled_word}: {summary}"
            description = f"{s.teacher}\n{cancelled_word}: {s.reason}".strip()
        else:
            event.add("status", "CONFIRMED")
            if s.moved_from is not None:
                description = f"{s.teacher}\n{moved_word} ({s.moved_from.isoformat()}): {s.reason}".strip()
        if s.changed:
            event.add("sequence", 1)
        event.add("summary", summary)
        event.add("location", f"{s.site} {s.room}")
        event.add("description", description)
        cal.add_component(event)
    return cal.to_ical()
