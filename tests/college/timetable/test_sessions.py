"""Dated sessions over a term (holidays, make-up days, site closures) and their iCalendar feeds."""

from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar
from sqlalchemy import select

from college.extensions import db
from college.models import (
    CalendarDay,
    DayKind,
    JobState,
    MeetingAssignment,
    Role,
    Room,
    Section,
    SiteClosure,
    SolverStatus,
    Teacher,
    TimetableVersion,
)
from college.timetable.exports import ical_feed
from college.timetable.sessions import TIMEZONE, dated_sessions
from tests.college import factories as f
from tests.college.people import quick as q
from tests.college.timetable.builders import small_term


def _published(term) -> TimetableVersion:
    """A published version: C001 on Monday am1 in the near site's room, taught by 王老师."""
    section = db.session.scalars(select(Section).where(Section.code == "C001")).one()
    room = db.session.scalars(select(Room).where(Room.name == "书画室")).one()
    version = TimetableVersion(term=term, number=1, state=JobState.FINISHED, solver_status=SolverStatus.OPTIMAL,
                               valid=True, published_at=datetime(2027, 2, 1))
    version.meetings = [MeetingAssignment(section=section, meeting=0, slot="mon:am1", room=room,
                                          teacher=section.teacher or _teacher("T01"))]
    db.session.add(version)
    db.session.flush()
    return version


def _teacher(code: str) -> Teacher:
    return db.session.scalars(select(Teacher).where(Teacher.code == code)).one()


def _mondays(first: date, last: date) -> list[date]:
    day, out = first, []
    while day <= last:
        if day.weekday() == 0:
            out.append(day)
        day += timedelta(days=1)
    return out


def test_a_weekly_meeting_gives_every_monday_of_the_term_in_shanghai_time(app):
    term = small_term()
    version = _published(term)
    sessions = dated_sessions(version, term)
    # The term runs 2027-03-01 (a Monday) to 2027-06-30: the first day is included.
    assert [s.day for s in sessions] == _mondays(date(2027, 3, 1), date(2027, 6, 30))
    assert sessions[0].day == date(2027, 3, 1) and sessions[-1].day == date(2027, 6, 28)
    assert sessions[0].start == datetime(2027, 3, 1, 8, 30, tzinfo=TIMEZONE)
    assert sessions[0].start.utcoffset().total_seconds() == 8 * 3600
    assert sessions[0].end.time() == time(10, 0)
    assert (sessions[0].site, sessions[0].room, sessions[0].teacher) == ("鼓楼社区银发先锋之家", "书画室", "王老师")


def test_holidays_closures_and_make_up_days(app):
    term = small_term()
    version = _published(term)
    room = version.meetings[0].room
    term.calendar_days.extend([
        CalendarDay(day=date(2027, 4, 5), kind=DayKind.HOLIDAY, name="清明节"),
        CalendarDay(day=date(2027, 5, 9), kind=DayKind.MAKEUP, works_as="mon", name="调休"),
        CalendarDay(day=date(2027, 5, 16), kind=DayKind.MAKEUP, works_as="tue", name="调休"),
    ])
    room.site.closures.append(SiteClosure(first_day=date(2027, 6, 1), last_day=date(2027, 6, 20), reason="装修"))
    db.session.flush()
    days = [s.day for s in dated_sessions(version, term)]
    assert date(2027, 4, 5) not in days                     # the holiday
    assert date(2027, 5, 9) in days                         # a Sunday working as a Monday
    assert date(2027, 5, 16) not in days                    # a Sunday working as a Tuesday
    assert not any(date(2027, 6, 1) <= d <= date(2027, 6, 20) for d in days)
    assert date(2027, 6, 28) in days and date(2027, 5, 31) in days
    expected = sorted(set(_mondays(date(2027, 3, 1), date(2027, 6, 30)))
                      - {date(2027, 4, 5), date(2027, 6, 7), date(2027, 6, 14)} | {date(2027, 5, 9)})
    assert days == expected


def test_a_make_up_day_inside_a_site_closure_holds_no_class(app):
    term = small_term()
    version = _published(term)
    site = version.meetings[0].room.site
    term.calendar_days.append(CalendarDay(day=date(2027, 5, 9), kind=DayKind.MAKEUP, works_as="mon"))
    site.closures.append(SiteClosure(first_day=date(2027, 5, 8), last_day=date(2027, 5, 9)))
    db.session.flush()
    assert date(2027, 5, 9) not in [s.day for s in dated_sessions(version, term)]


def test_the_ical_feed_parses_with_one_event_per_session_and_unique_uids(app):
    term = small_term()
    sessions = dated_sessions(_published(term), term)
    cal = Calendar.from_ical(ical_feed(sessions, "王老师"))
    events = cal.walk("VEVENT")
    assert len(events) == len(sessions) == 18
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert uids[0] == "C001-0-2027-03-01@silver-college"
    first = events[0]
    assert first["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert first.decoded("DTSTART") == datetime(2027, 3, 1, 8, 30, tzinfo=TIMEZONE)
    assert str(first["SUMMARY"]) == "C001 书法入门"
    assert str(first["LOCATION"]) == "鼓楼社区银发先锋之家 书画室"
    assert str(first["DESCRIPTION"]) == "王老师"


def _feed_built_from_icalendar_objects(sessions, name, cancelled_word, moved_word, stamp) -> bytes:
    """The feed as icalendar's own Calendar and Event objects write it (what ical_feed gave before it
    assembled the text itself): the reference its text must equal."""
    from icalendar import Event

    from college.timetable.exports import session_uid

    cal = Calendar()
    cal.add("prodid", "-//Silver College//Timetable//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    for s in sessions:
        event = Event()
        event.add("uid", session_uid(s))
        event.add("dtstamp", stamp)
        event.add("dtstart", s.start)
        event.add("dtend", s.end)
        summary, description = f"{s.section} {s.course}", s.teacher
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


def test_the_feed_text_is_what_icalendars_objects_write_escaping_and_folding_included(app):
    """ical_feed writes its lines itself (fast for a whole district); they must be byte for byte what
    icalendar's Event objects give: cancelled, moved, unchanged; commas, semicolons, backslashes and line
    breaks escaped; long Chinese lines folded at 75 octets without splitting a character or an escape."""
    from dataclasses import replace

    term = small_term()
    plain = dated_sessions(_published(term), term)[:4]
    long_room = "麒麟区南宁街道鼓楼社区（文化路128号）党群服务中心二楼东侧，大会议室;书画室\\备用"
    sessions = [
        plain[0],
        replace(plain[1], cancelled=True, reason="社区选举, 暂停一次;\n请互相转告\\谢谢", change_id=7),
        replace(plain[2], moved_from=plain[2].day, day=plain[2].day + timedelta(days=1), change_id=8,
                start=plain[2].start + timedelta(days=1, hours=7), end=plain[2].end + timedelta(days=1, hours=7),
                reason="老师出差\r\n改到第二天下午", room=long_room),
        replace(plain[3], course="书法入门，" * 20, teacher="王老师; 李老师, 张老师", section="C,001;\\x"),
    ]
    stamp = datetime(2027, 2, 1, 9, 30, tzinfo=UTC)
    words = {"cancelled_word": "停课", "moved_word": "调课"}
    ours = ical_feed(sessions, "王老师 · 银发学院", stamp=stamp, **words)
    assert ours == _feed_built_from_icalendar_objects(sessions, "王老师 · 银发学院", stamp=stamp, **words)
    assert max(len(line) for line in ours.split(b"\r\n")) <= 75
    assert Calendar.from_ical(ours).walk("VEVENT")[3]["SUMMARY"] == f"C,001;\\x {'书法入门，' * 20}"


def test_the_calendar_route_for_an_admin_and_a_coordinator(app, client):
    term = small_term()
    _published(term)
    admin = f.account()
    coordinator = f.account(phone="13800000002", role=Role.COORDINATOR, name="协调员")
    db.session.commit()
    q.login(client, admin)
    room_id = db.session.scalars(select(Room.id).where(Room.name == "书画室")).one()
    for kind, code in (("teacher", "T01"), ("site", "S01"), ("room", room_id)):
        response = client.get(f"/admin/timetable/terms/{term.id}/calendar/{kind}/{code}.ics")
        assert response.status_code == 200
        assert response.mimetype == "text/calendar"
        assert len(Calendar.from_ical(response.data).walk("VEVENT")) == 18
    assert client.get(f"/admin/timetable/terms/{term.id}/calendar/teacher/T02.ics").status_code == 404
    assert client.get(f"/admin/timetable/terms/{term.id}/calendar/nothing/T01.ics").status_code == 404
    client.get("/auth/logout")
    q.login(client, coordinator)
    assert client.get(f"/admin/timetable/terms/{term.id}/calendar/teacher/T01.ics").status_code == 403


def test_the_calendar_route_says_when_nothing_is_published(app, client):
    term = small_term()
    admin = f.account()
    db.session.commit()
    q.login(client, admin)
    response = client.get(f"/admin/timetable/terms/{term.id}/calendar/site/S01.ics")
    assert response.status_code == 404
    assert "本学期还没有发布课表。" in response.get_data(as_text=True)
