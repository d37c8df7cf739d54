"""iCalendar feeds of dated sessions: cancelled sessions as STATUS:CANCELLED, moved ones at their new time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from icalendar import Calendar
from icalendar.parser import Contentline, Parameters
from icalendar.prop import vDDDTypes, vInt, vText

from college.timetable.sessions import Session


def session_uid(session: Session) -> str:
    """A UID that stays the same across exports of the same session, also after it is moved or
    cancelled (it names the original date), so a subscribed calendar updates the event in place."""
    return f"{session.section}-{session.meeting}-{session.original_day.isoformat()}@silver-college"


def _line(text: str) -> bytes:
    """A content line folded as icalendar folds it (lines of 75 octets or more); most lines are shorter."""
    raw = text.encode()
    return raw if len(raw) < 75 else Contentline(text).to_ical()


def _text(name: str, value: str) -> bytes:
    """A TEXT property, escaped by icalendar's own vText, as icalendar writes it."""
    return _line(f"{name}:{vText(value).to_ical().decode()}")


def _typed(name: str, value) -> bytes:
    """A property of another type (date-time, integer) written by icalendar itself."""
    typed = vDDDTypes(value) if isinstance(value, datetime) else vInt(value) if isinstance(value, int) else vText(value)
    return _line(Contentline.from_parts(name, getattr(typed, "params", Parameters()), typed))


def ical_feed(sessions: Iterable[Session], name: str, *, cancelled_word: str = "Cancelled",
              moved_word: str = "Moved", covered_word: str = "Substitute for", stamp: datetime | None = None) -> bytes:
    """An iCalendar file with one event per session. A cancelled session is STATUS:CANCELLED with the
    reason in its description; a moved one is at its new time and place with the reason; one a substitute
    takes names them, whom they stand in for, and the reason (the usual teacher's own feed also marks it
    cancelled: they need not go). The words
    put before the summary are the caller's (translated) ones; every event's DTSTAMP is `stamp` (now).

    The text is what icalendar's Calendar and Event objects give (properties in their order, escaped and
    folded by icalendar's own helpers), assembled directly: building ~8,000 Event objects for the whole
    district took seconds. Values that repeat (date-times, rooms, teachers, classes) are written once."""
    cal = Calendar()
    cal.add("prodid", "-//Silver College//Timetable//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    head = cal.to_ical()
    stamped = _typed("DTSTAMP", stamp or datetime.now(UTC).replace(microsecond=0))
    written: dict[tuple, bytes] = {}

    def once(prop: str, value, write=_text) -> bytes:
        """The line of a value that repeats (a room, a teacher, a class, a start time), written once.
        (Equal date-times in two time zones are written apart: their TZID differs.)"""
        key = (prop, value, getattr(value, "tzinfo", None))
        found = written.get(key)
        if found is None:
            found = written[key] = write(prop, value)
        return found

    confirmed, cancelled, sequence = _typed("STATUS", "CONFIRMED"), _typed("STATUS", "CANCELLED"), _typed("SEQUENCE", 1)
    lines = [head[:head.rindex(b"END:VCALENDAR")].removesuffix(b"\r\n")]
    for s in sessions:
        summary = f"{s.section} {s.course}"
        description = s.teacher
        if s.cancelled:
            summary = f"{cancelled_word}: {summary}"
            description = f"{s.teacher}\n{cancelled_word}: {s.reason}".strip()
        elif s.moved_from is not None:
            description = f"{s.teacher}\n{moved_word} ({s.moved_from.isoformat()}): {s.reason}".strip()
        if s.covered_for:     # cancelled too in the usual teacher's own feed, who need not go
            description = f"{s.teacher}\n{covered_word} ({s.covered_for}): {s.reason}".strip()
        # Event's property order: SUMMARY DTSTART DTEND DTSTAMP UID SEQUENCE DESCRIPTION LOCATION STATUS.
        lines += [b"BEGIN:VEVENT", once("SUMMARY", summary), once("DTSTART", s.start, _typed),
                  once("DTEND", s.end, _typed), stamped, _text("UID", session_uid(s))]
        if s.changed:
            lines.append(sequence)
        lines += [once("DESCRIPTION", description), once("LOCATION", f"{s.site} {s.room}"),
                  cancelled if s.cancelled else confirmed, b"END:VEVENT"]
    lines.append(b"END:VCALENDAR\r\n")
    return b"\r\n".join(lines)
