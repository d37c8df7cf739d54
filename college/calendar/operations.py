"""Cancelling, moving and giving to a substitute teacher single dated sessions of the published
timetable, undoing that, and each account's secret calendar URL. Every change is checked here,
audited, and flushed; callers commit."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from college.audit.models import AuditEntry
from college.audit.operations import log_change, snapshot
from college.auth.models import Account, Role
from college.catalog.models import DayKind, Period, Section, Term
from college.extensions import db
from college.i18n import format_day
from college.people.models import Teacher, TeacherAbsence
from college.places.models import Room, Site
from college.records import RecordError
from college.timetable.adapter import pair_travel_minutes
from college.timetable.models import (
    MeetingAssignment,
    SessionAction,
    SessionChange,
    TimetableVersion,
)
from college.timetable.operations import published_version
from college.timetable.sessions import (
    DAY_CODES,
    TIMEZONE,
    Session,
    UnmatchedChange,
    absence_sessions,
    dated_sessions,
    handled,
    is_short_absence,
    meeting_days,
    taught_by,
    teacher_sessions,
    usual_session,
)
from college.timetable.sessions import unmatched_changes as _unmatched

REASON_MAX = 200


# --- which timetable people see --------------------------------------------------------------

def published_versions(today: date | None = None) -> list[TimetableVersion]:
    """The published versions of the terms that have not ended yet (earliest term first); when every
    term has ended, the latest published one."""
    today = today or date.today()
    rows = list(db.session.scalars(
        sa.select(TimetableVersion).join(Term, TimetableVersion.term_id == Term.id)
        .where(TimetableVersion.published_at.is_not(None)).order_by(Term.first_day, Term.id)))
    running = [v for v in rows if v.term.last_day >= today]
    return running or rows[-1:]


def placed_meetings(version: TimetableVersion) -> list[MeetingAssignment]:
    """The version's placed meetings with their section, course, teacher, room, site and closures loaded
    in a few queries (pages over the whole district would otherwise ask once per meeting)."""
    section = selectinload(MeetingAssignment.section)
    room = selectinload(MeetingAssignment.room)
    return list(db.session.scalars(
        sa.select(MeetingAssignment)
        .where(MeetingAssignment.version_id == version.id, MeetingAssignment.slot.is_not(None))
        .options(section.selectinload(Section.course), section.selectinload(Section.teacher),
                 room.selectinload(Room.site).selectinload(Site.closures), room.selectinload(Room.closures),
                 selectinload(MeetingAssignment.teacher))
        .order_by(MeetingAssignment.id)))


def next_teaching_session(teacher_id: int | None, today: date | None = None) -> Session | None:
    """The next session still to come that the teacher teaches in a published timetable (cancelled
    ones skipped, moved ones at their new day), or None."""
    if teacher_id is None:
        return None
    today = today or date.today()
    upcoming = []
    for version in published_versions(today):
        upcoming += [s for s in teacher_sessions(placed_meetings(version), teacher_id, version.term)
                     if not s.cancelled and s.teacher_id == teacher_id and s.day >= today]
    return min(upcoming, key=lambda s: (s.start, s.section), default=None)


def meetings_outside_availability(teacher) -> list[MeetingAssignment]:
    """The teacher's meetings in the published timetables of running terms whose weekly slot they no longer
    have among their available times (they changed them since): the office's repair page shows the same."""
    available = set(teacher.available or [])
    return [m for version in published_versions() for m in taught_by(placed_meetings(version), teacher.id)
            if m.slot not in available]


def group_sessions(group_id: int, today: date | None = None) -> list[Session]:
    """The sessions still to come (changes applied, cancelled ones included and marked) of the published
    intergenerational classes held with this children's group, in time order."""
    today = today or date.today()
    out: list[Session] = []
    for version in published_versions(today):
        meetings = [m for m in placed_meetings(version) if m.section.children_group_id == group_id]
        out += [s for s in dated_sessions(meetings, version.term) if s.day >= today]
    return sorted(out, key=lambda s: (s.start, s.section))


def session_sites(account: Account) -> set[int] | None:
    """The sites whose sessions the account may change: None for every site (administrators)."""
    if account is not None and account.has_role(Role.ADMIN):
        return None
    if account is not None and account.has_role(Role.COORDINATOR):
        return {site.id for site in account.sites}
    return set()


def _require_site(actor, site_id: int) -> None:
    allowed = session_sites(actor)
    if allowed is not None and site_id not in allowed:
        raise RecordError(None, _("You may only change sessions at the sites you coordinate."))


# --- finding a session -----------------------------------------------------------------------

def _assignment(version: TimetableVersion, section: Section, meeting: int) -> MeetingAssignment:
    row = db.session.scalar(sa.select(MeetingAssignment).where(
        MeetingAssignment.version_id == version.id, MeetingAssignment.section_id == section.id,
        MeetingAssignment.meeting == meeting))
    if row is None or not row.placed:
        raise RecordError("meeting", _("Class %(section)s has no meeting %(n)s in the published timetable.",
                                       section=section.code, n=meeting + 1))
    return row


def find_session(section: Section, meeting: int, on_date: date) -> tuple[TimetableVersion, MeetingAssignment,
                                                                          Session]:
    """The published version, the meeting and its session on `on_date` (as the weekly pattern gives it)."""
    version = published_version(section.term)
    if version is None:
        raise RecordError(None, _("%(term)s has no published timetable yet.", term=section.term.name))
    row = _assignment(version, section, meeting)
    found = [s for s in dated_sessions([row], section.term, apply_changes=False) if s.day == on_date]
    if not found:
        raise RecordError("on_date", _("Class %(section)s has no session on %(day)s.",
                                       section=section.code, day=format_day(on_date)))
    return version, row, found[0]


def existing_change(section: Section, meeting: int, on_date: date) -> SessionChange | None:
    return db.session.scalar(sa.select(SessionChange).where(
        SessionChange.section_id == section.id, SessionChange.meeting == meeting, SessionChange.on_date == on_date))


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise RecordError("reason", _("Please say why, in a few words: learners are told the reason."))
    if len(text) > REASON_MAX:
        raise RecordError("reason", _("The reason may be at most %(n)s characters.", n=REASON_MAX))
    return text


def _not_changed_yet(section: Section, meeting: int, on_date: date) -> None:
    change = existing_change(section, meeting, on_date)
    if change is not None:
        if change.action == SessionAction.CANCELLED:
            raise RecordError(None, _("This session is already cancelled (%(reason)s); undo that first.",
                                      reason=change.reason))
        if change.action == SessionAction.SUBSTITUTED:
            raise RecordError(None, _("%(teacher)s already teaches this session as a substitute (%(reason)s); "
                                      "undo that first.", teacher=change.new_teacher.name, reason=change.reason))
        raise RecordError(None, _("This session is already moved to %(day)s (%(reason)s); undo that first.",
                                  day=format_day(change.new_date), reason=change.reason))


def _summary(section: Section, meeting: int, on_date: date) -> str:
    return f"{section.code} #{meeting + 1} {on_date.isoformat()}"


def describe(change: SessionChange) -> str:
    """What a change does, in words: "cancelled (reason)" or "moved to <day> <period> <room> (reason)"."""
    if change.action == SessionAction.CANCELLED:
        return _("cancelled (%(reason)s)", reason=change.reason)
    if change.action == SessionAction.SUBSTITUTED:
        return _("taught by %(teacher)s (%(reason)s)", teacher=change.new_teacher.name, reason=change.reason)
    where = " ".join(part for part in (format_day(change.new_date), change.new_period or "",
                                       change.new_room.name if change.new_room is not None else "") if part)
    return _("moved to %(where)s (%(reason)s)", where=where, reason=change.reason)


def _save(change: SessionChange) -> None:
    """Insert the change. When another change of the same session was committed after this one's checks
    (two people at once), the database refuses it: that is said with what the other change is."""
    try:
        with db.session.begin_nested():
            db.session.add(change)
    except IntegrityError:
        section = db.session.get(Section, change.section_id)
        other = existing_change(section, change.meeting, change.on_date)
        if other is None:
            raise
        raise RecordError(None, _("This session was just changed by someone else: %(change)s.",
                                  change=describe(other))) from None


def _create(change: SessionChange, actor, summary: str) -> SessionChange:
    """Save a new change (see `_save`) and audit it."""
    _save(change)
    log_change(actor, "create", "session_change", change.id, summary, snapshot(change))
    return change


# --- cancel ----------------------------------------------------------------------------------

def cancel_session(section: Section, meeting: int, on_date: date, reason: str, actor) -> SessionChange:
    """Cancel one dated session of the published timetable, with the reason learners are told."""
    _version, _row, session = find_session(section, meeting, on_date)
    _require_site(actor, session.site_id)
    text = _reason(reason)
    _not_changed_yet(section, meeting, on_date)
    change = SessionChange(section_id=section.id, meeting=meeting, on_date=on_date,
                           action=SessionAction.CANCELLED, reason=text, created_by_id=getattr(actor, "id", None))
    return _create(change, actor, f"{_summary(section, meeting, on_date)} cancelled")


def cancel_absence_sessions(absence: TeacherAbsence, reason: str, actor) -> list[SessionChange]:
    """Cancel every session the absent teacher would teach on the dates of a short absence (those not
    cancelled or moved yet), all in the caller's one transaction, each audited; then the absence no
    longer changes the weekly timetable (`sessions.handled_by_session_changes`). Refuses a long or
    open-ended absence: that one is for a repair of the timetable."""
    if not is_short_absence(absence):
        raise RecordError(None, _("Only an absence of at most seven days is handled session by session; "
                                  "for a longer one, repair the timetable."))
    text = _reason(reason)
    term = _absence_term(absence)
    version = published_version(term) if term is not None else None
    if version is None:
        raise RecordError(None, _("There is no published timetable on those dates."))
    changes = []
    for session in absence_sessions(absence, version, term):
        if not session.changed and not handled(session, absence.teacher_id):
            section = db.session.get(Section, session.section_id)
            changes.append(cancel_session(section, session.meeting, session.day, text, actor))
    return changes


def _absence_term(absence: TeacherAbsence) -> Term | None:
    """The term whose dates hold the absence's first day (or, failing that, its last)."""
    for day in (absence.first_day, absence.last_day):
        if day is None:
            continue
        term = db.session.scalar(sa.select(Term).where(Term.first_day <= day, Term.last_day >= day)
                                 .order_by(Term.first_day.desc()).limit(1))
        if term is not None:
            return term
    return None


# --- move ------------------------------------------------------------------------------------

def _holiday(term: Term, day: date):
    return next((d for d in term.calendar_days if d.day == day and d.kind == DayKind.HOLIDAY), None)


def _absence(teacher_id: int | None, day: date) -> TeacherAbsence | None:
    if teacher_id is None:
        return None
    rows = db.session.scalars(sa.select(TeacherAbsence).where(
        TeacherAbsence.teacher_id == teacher_id, TeacherAbsence.first_day <= day))
    for absence in rows:
        if absence.last_day is not None and absence.last_day < day:
            continue
        if absence.days and DAY_CODES[day.weekday()] not in absence.days:
            continue
        return absence
    return None


def room_clashes(version: TimetableVersion, meetings: list[MeetingAssignment], session: Session, day: date,
                 period: Period, room: Room) -> list[Session]:
    """Sessions of the published timetable (with changes) in `room` that overlap the new time on `day`, the
    session itself aside. (The teacher's own day is `travel_problem`'s.)"""
    moved_in = set(db.session.execute(sa.select(SessionChange.section_id, SessionChange.meeting)
                                      .where(SessionChange.new_room_id == room.id)).all())
    rows = [m for m in meetings if m.room_id == room.id or (m.section_id, m.meeting) in moved_in]
    start = datetime.combine(day, period.start, TIMEZONE)
    end = datetime.combine(day, period.end, TIMEZONE)
    key = (session.section_id, session.meeting, session.original_day)
    return [other for other in dated_sessions(rows, version.term)
            if other.day == day and not other.cancelled and other.start < end and start < other.end
            and other.room_id == room.id and (other.section_id, other.meeting, other.original_day) != key]


def place_check(version: TimetableVersion, section: Section, session: Session, day: date, period: Period,
                room: Room) -> None:
    """A RecordError naming the first reason why the session cannot be held on `day` at `period` in `room`
    (a holiday, the site or room closed, too few seats, the teacher away, the room or teacher busy, the
    teacher unable to travel between it and their other classes of the day);
    a move checks its new place with it, an undo the usual place it puts the session back to."""
    term = section.term
    holiday = _holiday(term, day)
    if holiday is not None:
        raise RecordError("new_date", _("%(day)s is a public holiday (%(name)s).", day=format_day(day),
                                        name=holiday.name or _("holiday")))
    closure = next((c for c in room.site.closures if c.first_day <= day <= c.last_day), None)
    if closure is not None:
        raise RecordError("new_date", _("%(site)s is closed on %(day)s (%(reason)s).", site=room.site.name,
                                        day=format_day(day), reason=closure.reason or _("no reason given")))
    shut = next((c for c in room.closures if c.first_day <= day <= c.last_day), None)
    if shut is not None:
        raise RecordError("new_room", _("Room %(room)s is closed on %(day)s (%(reason)s).", room=room.name,
                                        day=format_day(day), reason=shut.reason or _("no reason given")))
    if room.seats < section.seats:
        raise RecordError("new_room", _("Room %(room)s has %(seats)s seats; class %(section)s needs %(need)s.",
                                        room=room.name, seats=room.seats, section=section.code,
                                        need=section.seats))
    absence = _absence(session.teacher_id, day)
    if absence is not None:
        raise RecordError("new_date", _("%(teacher)s is away on %(day)s (%(reason)s).", teacher=session.teacher,
                                        day=format_day(day), reason=absence.reason or _("no reason given")))
    meetings = placed_meetings(version)
    other = next(iter(room_clashes(version, meetings, session, day, period, room)), None)
    if other is not None:
        raise RecordError("new_room", _(
            "Room %(room)s is already used then: %(section)s %(course)s, %(time)s.", room=room.name,
            section=other.section, course=other.course, time=f"{other.start:%H:%M}–{other.end:%H:%M}"))
    teacher = db.session.get(Teacher, session.teacher_id) if session.teacher_id is not None else None
    if teacher is not None:
        problem = travel_problem(meetings, teacher, term, session, day, period, room.site)
        if problem is not None:
            raise RecordError("new_period", problem)


def _take_turns(room: Room | None, teacher_id: int | None) -> None:
    """Lock the room's and the teacher's rows until commit, so that two changes into the same room or for the
    same teacher at once take turns and the second one's checks see the first (PostgreSQL's row locks;
    SQLite has one writer anyway)."""
    if room is not None:
        db.session.execute(sa.update(Room).where(Room.id == room.id).values(id=Room.id)
                           .execution_options(synchronize_session=False))
    if teacher_id is not None:
        db.session.execute(sa.update(Teacher).where(Teacher.id == teacher_id).values(id=Teacher.id)
                           .execution_options(synchronize_session=False))


def move_check(section: Section, meeting: int, on_date: date, new_date: date | None, new_period: str | None,
               new_room: Room | None, actor) -> tuple[Period, Room]:
    """The new period and room of the move, or a RecordError naming the first rule it breaks."""
    version, row, session = find_session(section, meeting, on_date)
    term = section.term
    _require_site(actor, session.site_id)
    if new_date is None:
        raise RecordError("new_date", _("Please choose the new date."))
    if not term.first_day <= new_date <= term.last_day:
        raise RecordError("new_date", _("%(day)s is outside the term (%(first)s to %(last)s).",
                                        day=format_day(new_date), first=format_day(term.first_day),
                                        last=format_day(term.last_day)))
    periods = {p.code: p for p in term.periods}
    period = periods.get(new_period or session.period)
    if period is None:
        raise RecordError("new_period", _("The term has no period %(code)s.", code=new_period))
    room = new_room or row.room
    if room.site.id != session.site_id:
        _require_site(actor, room.site_id)
    if new_date == on_date and period.code == session.period and room.id == session.room_id:
        raise RecordError(None, _("That is where the session already is: choose another date, period or room."))
    place_check(version, section, session, new_date, period, room)
    return period, room


def move_session(section: Section, meeting: int, on_date: date, new_date: date | None, new_period: str | None,
                 new_room: Room | None, reason: str, actor) -> SessionChange:
    """Move one dated session to a new date (and maybe period and room) within the term, with a reason."""
    text = _reason(reason)
    _not_changed_yet(section, meeting, on_date)
    _version, row, session = find_session(section, meeting, on_date)
    _take_turns(new_room or row.room, session.teacher_id)
    period, room = move_check(section, meeting, on_date, new_date, new_period, new_room, actor)
    change = SessionChange(section_id=section.id, meeting=meeting, on_date=on_date, action=SessionAction.MOVED,
                           new_date=new_date, new_period=period.code if period.code != session.period else None,
                           new_room_id=room.id if room.id != row.room_id else None, reason=text,
                           created_by_id=getattr(actor, "id", None))
    return _create(change, actor,
                   f"{_summary(section, meeting, on_date)} moved to {new_date.isoformat()} {period.code} {room.name}")


# --- a teacher's day: travel between sites --------------------------------------------------

def _day_sessions(meetings: list[MeetingAssignment], teacher_id: int, term: Term, day: date,
                  skip: tuple[int, int, date]) -> list[Session]:
    """The sessions the teacher teaches on `day` (not cancelled, changes applied), but the one keyed `skip`."""
    return [s for s in teacher_sessions(meetings, teacher_id, term)
            if s.day == day and not s.cancelled and s.teacher_id == teacher_id
            and (s.section_id, s.meeting, s.original_day) != skip]


def travel_problem(meetings: list[MeetingAssignment], teacher: Teacher, term: Term, session: Session, day: date,
                   period: Period, site: Site) -> str | None:
    """Why `teacher` cannot teach `session` on `day` in `period` at `site` given the rest of their day, or
    None: another class then, no time to travel between the sites of two classes of the day (any two,
    not only next to each other, as in the timetable's rule H6), or more sites a day than they allow."""
    skip = (session.section_id, session.meeting, session.original_day)
    others = _day_sessions(meetings, teacher.id, term, day, skip)
    start = datetime.combine(day, period.start, TIMEZONE)
    end = datetime.combine(day, period.end, TIMEZONE)
    sites = {o.site_id for o in others} | {site.id}
    for other in others:
        when = f"{other.start:%H:%M}–{other.end:%H:%M}"
        if other.start < end and start < other.end:
            return _("%(teacher)s already teaches then: %(section)s %(course)s at %(site)s, %(time)s.",
                     teacher=teacher.name, section=other.section, course=other.course, site=other.site, time=when)
        if other.site_id == site.id:
            continue
        there = db.session.get(Site, other.site_id)
        before = other.end <= start
        minutes = pair_travel_minutes(there, site) if before else pair_travel_minutes(site, there)
        gap = int(((start - other.end) if before else (other.start - end)).total_seconds() // 60)
        if minutes is None or minutes > gap:
            first, second = (there, site) if before else (site, there)
            if minutes is None:
                return _("%(teacher)s also teaches at %(site)s that day (%(section)s, %(time)s), and no travel "
                         "time is known from %(first)s to %(second)s.", teacher=teacher.name, site=there.name,
                         section=other.section, time=when, first=first.name, second=second.name)
            return _("%(teacher)s also teaches at %(site)s that day (%(section)s, %(time)s): the %(minutes)s "
                     "minutes from %(first)s to %(second)s do not fit in the %(gap)s minutes between the classes.",
                     teacher=teacher.name, site=there.name, section=other.section, time=when, minutes=minutes,
                     first=first.name, second=second.name, gap=gap)
    if teacher.max_sites_per_day is not None and len(sites) > teacher.max_sites_per_day:
        return _("%(teacher)s would teach at %(n)s sites that day; they teach at most %(max)s a day.",
                 teacher=teacher.name, n=len(sites), max=teacher.max_sites_per_day)
    return None


# --- a substitute teacher --------------------------------------------------------------------

def cover_problem(meetings: list[MeetingAssignment], section: Section, row: MeetingAssignment, session: Session,
                  teacher: Teacher) -> str | None:
    """Why `teacher` cannot take `session` (its usual day, time and room) in place of its teacher, or None:
    the rules the timetable keeps for a meeting's teacher (the subject, classes with children, their weekly
    available times), their absences, and the rest of their day (`travel_problem`)."""
    if teacher.id == session.teacher_id:
        return _("%(teacher)s is this session's teacher already.", teacher=teacher.name)
    subject = section.course.subject
    if subject.id not in {s.id for s in teacher.subjects}:
        return _("%(teacher)s does not teach %(subject)s.", teacher=teacher.name, subject=subject.name)
    if section.children_group_id is not None and not teacher.intergenerational:
        return _("%(teacher)s is not cleared for classes with children.", teacher=teacher.name)
    if row.slot not in (teacher.available or []):
        return _("%(teacher)s does not teach at this time of the week (see their available times).",
                 teacher=teacher.name)
    absence = _absence(teacher.id, session.day)
    if absence is not None:
        return _("%(teacher)s is away on %(day)s (%(reason)s).", teacher=teacher.name, day=format_day(session.day),
                 reason=absence.reason or _("no reason given"))
    period = next(p for p in section.term.periods if p.code == session.period)
    return travel_problem(meetings, teacher, section.term, session, session.day, period,
                          db.session.get(Site, session.site_id))


def _coverable(section: Section, meeting: int, on_date: date, actor):
    """(meetings, row, session) of a session that may get a substitute: published, at the actor's sites,
    held on its usual day (a moved or cancelled one is refused by the one-change rule)."""
    version, row, session = find_session(section, meeting, on_date)
    _require_site(actor, session.site_id)
    return placed_meetings(version), row, session


def cover_candidates(section: Section, meeting: int, on_date: date, actor) -> list[Teacher]:
    """The teachers who could take this session in place of its teacher, by name: qualified, free, not away,
    and able to reach it from the rest of their day."""
    meetings, row, session = _coverable(section, meeting, on_date, actor)
    subject_id = section.course.subject_id
    teachers = db.session.scalars(sa.select(Teacher).order_by(Teacher.name, Teacher.code))
    return [t for t in teachers if subject_id in {s.id for s in t.subjects}
            and cover_problem(meetings, section, row, session, t) is None]


def substitute_session(section: Section, meeting: int, on_date: date, teacher: Teacher | None, reason: str,
                       actor) -> SessionChange:
    """Have `teacher` teach one dated session at its usual time and room instead of its teacher, with the
    reason learners are told."""
    text = _reason(reason)
    _not_changed_yet(section, meeting, on_date)
    meetings, row, session = _coverable(section, meeting, on_date, actor)
    if teacher is None:
        raise RecordError("teacher", _("Please choose the teacher who takes this session."))
    _take_turns(None, teacher.id)     # two offices giving one teacher two sessions at once
    problem = cover_problem(meetings, section, row, session, teacher)
    if problem is not None:
        raise RecordError("teacher", problem)
    change = SessionChange(section_id=section.id, meeting=meeting, on_date=on_date,
                           action=SessionAction.SUBSTITUTED, new_teacher_id=teacher.id, reason=text,
                           created_by_id=getattr(actor, "id", None))
    return _create(change, actor,
                   f"{_summary(section, meeting, on_date)} taught by {teacher.code} instead of {session.teacher}")


# --- undo ------------------------------------------------------------------------------------

def change_site_ids(change: SessionChange) -> set[int]:
    """The sites a change touches: the meeting's site in the published timetable, and a new room's site."""
    sites = set()
    _version, row = _published_row(change)
    if row is not None and row.room is not None:
        sites.add(row.room.site_id)
    if change.new_room is not None:
        sites.add(change.new_room.site_id)
    return sites


def _published_row(change: SessionChange) -> tuple[TimetableVersion | None, MeetingAssignment | None]:
    version = published_version(change.section.term)
    if version is None:
        return None, None
    return version, db.session.scalar(sa.select(MeetingAssignment).where(
        MeetingAssignment.version_id == version.id, MeetingAssignment.section_id == change.section_id,
        MeetingAssignment.meeting == change.meeting))


def undo_check(change: SessionChange) -> bool:
    """Whether undoing the change puts a session back at its usual place in the published timetable
    (False: the change matches no session any more, or a cancelled one whose day became a holiday or
    closure, so nothing comes back). A RecordError when that place is no longer free, checked as a move
    checks its new place: a holiday, the site or room closed, the teacher away, the room or teacher busy
    (by a session moved there)."""
    version, row = _published_row(change)
    if version is None or row is None:
        return False
    term = change.section.term
    session = usual_session(row, term, change.on_date)
    if session is None:
        return False
    if change.action == SessionAction.CANCELLED and change.on_date not in meeting_days(row, term):
        return False
    period = next(p for p in term.periods if p.code == session.period)
    try:
        place_check(version, change.section, session, change.on_date, period, row.room)
    except RecordError as error:
        raise RecordError(None, _(
            "The session cannot go back to %(day)s %(time)s in %(room)s: %(reason)s",
            day=format_day(change.on_date), time=f"{session.start:%H:%M}–{session.end:%H:%M}", room=row.room.name,
            reason=error.message)) from None
    return True


def undo_change(change: SessionChange, actor) -> bool:
    """Remove a cancellation or move: the session is back at its weekly place (True), refused when that place
    is not free any more. A change that matches no session of the published timetable is just removed (False)."""
    for site_id in change_site_ids(change):
        _require_site(actor, site_id)
    _version, row = _published_row(change)
    if row is not None:
        _take_turns(row.room, row.teacher_id or change.section.teacher_id)
    restored = undo_check(change)
    before = snapshot(change)
    record_id = change.id
    summary = f"{_summary(change.section, change.meeting, change.on_date)} {change.action.value} undone"
    db.session.delete(change)
    db.session.flush()
    log_change(actor, "delete", "session_change", record_id, summary, before)
    return restored


def unmatched_changes(term: Term) -> list[UnmatchedChange]:
    """The term's session changes that no session of its published timetable matches any more: a version
    published after them moved their meeting to another day of the week, or left it out. They change nothing
    (they are kept, not deleted, so that they can be seen and redone); by date."""
    version = published_version(term)
    return _unmatched(version) if version is not None else []


# --- secret calendar URLs --------------------------------------------------------------------

FEED_ROLES = (Role.TEACHER, Role.COORDINATOR, Role.ADMIN)


def may_have_feed(account: Account) -> bool:
    """Teachers (with a teacher record), coordinators and administrators have a calendar feed."""
    if account is None or not account.has_role(*FEED_ROLES):
        return False
    return not account.has_role(Role.TEACHER) or account.teacher_id is not None


def new_calendar_token(account: Account, actor) -> str:
    """Give the account a new secret calendar token; the old URL stops working at once."""
    if not may_have_feed(account):
        raise RecordError(None, _("Only teachers, coordinators and administrators have a calendar link."))
    replaced = account.calendar_token is not None
    account.calendar_token = secrets.token_urlsafe(32)
    db.session.flush()
    log_change(actor, "update", "account", account.id,
               f"{account.display_name}: calendar link {'replaced' if replaced else 'created'}",
               {"calendar_token": ["replaced" if replaced else None, "new"]})
    return account.calendar_token


def account_for_token(token: str) -> Account | None:
    """The active account whose calendar token this is."""
    if not token or len(token) > 64:
        return None
    account = db.session.scalar(sa.select(Account).where(Account.calendar_token == token))
    if account is None or not account.active or not may_have_feed(account):
        return None
    return account


def feed_sessions(account: Account, today: date | None = None) -> list[Session]:
    """The sessions an account's feed shows, from the published timetables: a teacher's own, a
    coordinator's sites', every session for an administrator; cancelled and moved ones included."""
    out: list[Session] = []
    sites = session_sites(account)
    teaches = account.has_role(Role.TEACHER)
    for version in published_versions(today):
        rows = placed_meetings(version)
        if teaches:
            teacher_id = account.teacher_id
            sessions = [_as_seen_by(s, teacher_id) for s in teacher_sessions(rows, teacher_id, version.term)
                        if teacher_id is not None]
        else:
            sessions = dated_sessions(rows, version.term)
        if sites is not None and not teaches:
            sessions = [s for s in sessions if s.site_id in sites]
        out.extend(sessions)
    return out


def _as_seen_by(session: Session, teacher_id: int) -> Session:
    """A session of the teacher's own that a substitute takes is, in their own calendar, one they need not
    go to: cancelled for them (its description says who teaches it)."""
    return replace(session, cancelled=True) if session.covered_for_id == teacher_id else session


def feed_tag(account: Account, locale: str, today: date | None = None) -> str:
    """The feed's entity tag (HTTP ETag): it changes whenever what the account's feed shows may change,
    worked out in a few small queries so that a phone calendar asking every hour costs next to nothing
    when nothing changed. It names the account's token and name and the feed's language; the published
    versions shown (which also change when a term ends); the session changes (how many, the latest), since
    an undo deletes one; and the latest audit entry, since every change made through a page writes one
    (a room or teacher renamed, a site closed, a holiday added, an account's role or sites)."""
    versions = [(v.id, v.published_at.isoformat()) for v in published_versions(today)]
    changes = tuple(db.session.execute(sa.select(sa.func.count(SessionChange.id), sa.func.max(SessionChange.id))).one())
    audit = db.session.scalar(sa.select(sa.func.max(AuditEntry.id)))
    key = repr((account.calendar_token, account.display_name, locale, versions, changes, audit))
    return hashlib.sha256(key.encode()).hexdigest()[:32]
