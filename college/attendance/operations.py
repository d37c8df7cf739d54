"""Taking attendance of one dated session, and reading it back per learner: plain functions, checked here,
audited, flushed; callers commit.

Who may take it: the teacher who teaches the session (a substitute for it, not the usual teacher then), a
coordinator of its site, an administrator. When: once the session has begun (its day, at its new place and
day if it was moved), never for a cancelled one. Whom: the learners enrolled in the class, and any learner
already marked for that session (who may have left the class since)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from college.attendance.models import Attendance, Presence
from college.audit.operations import log_change
from college.auth.models import Account, Role
from college.catalog.models import Section
from college.enrollment.models import Enrollment, EnrollmentStatus
from college.extensions import db
from college.i18n import format_day
from college.people.models import Learner
from college.records import RecordError
from college.timetable.sessions import Session, dated_sessions


def session_of(section: Section, meeting: int, on_date: date) -> Session:
    """The dated session of the published timetable (changes applied) whose original date is `on_date`."""
    from college.calendar.operations import find_session

    _version, row, _plain = find_session(section, meeting, on_date)
    return next(s for s in dated_sessions([row], section.term) if s.original_day == on_date)


def may_take(account: Account | None, session: Session) -> bool:
    """The session's teacher (its substitute, if it has one), a coordinator of its site, an administrator."""
    if account is None or not getattr(account, "is_authenticated", True) or not account.active:
        return False
    if account.has_role(Role.ADMIN):
        return True
    if account.has_role(Role.COORDINATOR) and session.site_id in {site.id for site in account.sites}:
        return True
    return account.has_role(Role.TEACHER) and account.teacher_id is not None \
        and account.teacher_id == session.teacher_id


def _check_when(session: Session, today: date) -> None:
    if session.cancelled:
        raise RecordError(None, _("This session was cancelled (%(reason)s): there is no attendance to take.",
                                  reason=session.reason))
    if session.day > today:
        raise RecordError(None, _("This session is on %(day)s: attendance is taken on the day or after.",
                                  day=format_day(session.day)))


@dataclass
class Line:
    learner: Learner
    presence: Presence | None          # None: not marked yet
    enrolled: bool                     # False: marked before, has left the class since


def sheet(section: Section, meeting: int, on_date: date) -> list[Line]:
    """The learners of the session's attendance sheet by name: those enrolled, and those marked already."""
    marks = {a.learner_id: a.presence for a in db.session.scalars(sa.select(Attendance).where(
        Attendance.section_id == section.id, Attendance.meeting == meeting, Attendance.on_date == on_date))}
    enrolled = {e.learner_id: e.learner for e in db.session.scalars(sa.select(Enrollment).where(
        Enrollment.section_id == section.id, Enrollment.status == EnrollmentStatus.ENROLLED))}
    learners = dict(enrolled)
    for learner_id in marks.keys() - enrolled.keys():
        learners[learner_id] = db.session.get(Learner, learner_id)
    lines = [Line(le, marks.get(le.id), le.id in enrolled) for le in learners.values()]
    return sorted(lines, key=lambda line: (line.learner.name, line.learner.id))


def record(section: Section, meeting: int, on_date: date, marks: dict[int, Presence], actor, *,
           today: date | None = None) -> int:
    """Save the marks (learner id -> presence) of one session, replacing earlier ones of those learners;
    returns how many changed. Refuses, naming why, a session not to be taken (see the module docstring),
    an actor who may not, and a learner not on the sheet."""
    session = session_of(section, meeting, on_date)
    if not may_take(actor, session):
        raise RecordError(None, _("Only the session's teacher, its site's coordinator or the college office "
                                  "may take its attendance."))
    _check_when(session, today or date.today())
    # The teacher and the site's coordinator saving one sheet at once take turns on the class's row: the
    # second replaces the first's marks instead of failing on the rows the first has just inserted.
    db.session.execute(sa.update(Section).where(Section.id == section.id).values(id=Section.id)
                       .execution_options(synchronize_session=False))
    on_sheet = {line.learner.id for line in sheet(section, meeting, on_date)}
    stray = sorted(set(marks) - on_sheet)
    if stray:
        names = ", ".join(getattr(db.session.get(Learner, i), "name", str(i)) for i in stray)
        raise RecordError(None, _("Not in this class: %(names)s.", names=names))
    existing = {a.learner_id: a for a in db.session.scalars(sa.select(Attendance).where(
        Attendance.section_id == section.id, Attendance.meeting == meeting, Attendance.on_date == on_date))}
    changed, now = 0, datetime.utcnow()
    for learner_id, presence in marks.items():
        row = existing.get(learner_id)
        if row is None:
            db.session.add(Attendance(section_id=section.id, meeting=meeting, on_date=on_date, learner_id=learner_id,
                                      presence=presence, recorded_by_id=getattr(actor, "id", None), recorded_at=now))
        elif row.presence != presence:
            row.presence, row.recorded_by_id, row.recorded_at = presence, getattr(actor, "id", None), now
        else:
            continue
        changed += 1
    db.session.flush()
    counts = {p.value: sum(1 for v in marks.values() if v == p) for p in Presence}
    log_change(actor, "update", "attendance", section.id,
               f"{section.code} #{meeting + 1} {on_date.isoformat()}: attendance", {**counts, "changed": changed})
    return changed


@dataclass
class Tally:
    present: int = 0
    marked: int = 0          # sessions with a mark (present, absent or on leave)


def tallies(section: Section) -> dict[int, Tally]:
    """Learner id -> sessions present out of sessions marked, for the class lists."""
    out: dict[int, Tally] = {}
    rows = db.session.execute(sa.select(Attendance.learner_id, Attendance.presence, sa.func.count())
                              .where(Attendance.section_id == section.id)
                              .group_by(Attendance.learner_id, Attendance.presence))
    for learner_id, presence, n in rows:
        tally = out.setdefault(learner_id, Tally())
        tally.marked += n
        if presence == Presence.PRESENT:
            tally.present += n
    return out


def taken_sessions(section_ids) -> set[tuple[int, int, date]]:
    """(section id, meeting, original date) of the sessions of these sections with attendance taken."""
    ids = sorted(set(section_ids))
    if not ids:
        return set()
    return set(db.session.execute(sa.select(Attendance.section_id, Attendance.meeting, Attendance.on_date)
                                  .where(Attendance.section_id.in_(ids)).distinct()).all())


# --- the term's attendance at a glance ---------------------------------------------------------

@dataclass
class ClassAttendance:
    """One class of the term so far: sessions held (not cancelled, on or before today), those with attendance
    taken, and marks: present out of all marked."""

    section: Section
    site: str
    held: int = 0
    taken: int = 0
    present: int = 0
    marked: int = 0

    @property
    def rate(self) -> float | None:
        return self.present / self.marked if self.marked else None


@dataclass
class AbsentLearner:
    """An enrolled learner absent without leave at their class's last `streak` sessions with attendance
    taken: someone should phone them (an elder living alone may be ill)."""

    learner: Learner
    section: Section
    streak: int
    last_present: date | None


def term_attendance(term, sites: set[int] | None = None, *, today: date | None = None,
                    streak: int = 2) -> tuple[list[ClassAttendance], list[AbsentLearner]]:
    """For the term's published timetable (the classes at `sites`, all when None): each class's attendance
    so far, by code, and the learners absent at least `streak` times in a row up to their latest mark."""
    from college.calendar.operations import placed_meetings
    from college.timetable.operations import published_version

    today = today or date.today()
    version = published_version(term)
    if version is None:
        return [], []
    meetings = [m for m in placed_meetings(version) if sites is None or m.room.site_id in sites]
    classes: dict[int, ClassAttendance] = {}
    for m in meetings:
        classes.setdefault(m.section_id, ClassAttendance(m.section, m.room.site.name))
    taken = taken_sessions(classes)
    for s in dated_sessions(meetings, term):
        if s.cancelled or s.day > today:
            continue
        row = classes[s.section_id]
        row.held += 1
        row.taken += (s.section_id, s.meeting, s.original_day) in taken
    marks = db.session.execute(
        sa.select(Attendance.section_id, Attendance.learner_id, Attendance.on_date, Attendance.meeting,
                  Attendance.presence)
        .where(Attendance.section_id.in_(list(classes) or [-1]))
        .order_by(Attendance.section_id, Attendance.learner_id, Attendance.on_date, Attendance.meeting)).all()
    history: dict[tuple[int, int], list[tuple[date, Presence]]] = {}
    for section_id, learner_id, on_date, _meeting, presence in marks:
        row = classes[section_id]
        row.marked += 1
        row.present += presence == Presence.PRESENT
        history.setdefault((section_id, learner_id), []).append((on_date, presence))
    enrolled = set(db.session.execute(sa.select(Enrollment.section_id, Enrollment.learner_id).where(
        Enrollment.section_id.in_(list(classes) or [-1]), Enrollment.status == EnrollmentStatus.ENROLLED)).all())
    absent = []
    for (section_id, learner_id), seen in history.items():
        if (section_id, learner_id) not in enrolled:
            continue
        run = 0
        for _day, presence in reversed(seen):
            if presence != Presence.ABSENT:
                break
            run += 1
        if run >= streak:
            last = max((day for day, p in seen if p == Presence.PRESENT), default=None)
            absent.append(AbsentLearner(db.session.get(Learner, learner_id), classes[section_id].section, run, last))
    absent.sort(key=lambda a: (-a.streak, a.section.code, a.learner.name))
    return sorted(classes.values(), key=lambda c: c.section.code), absent
