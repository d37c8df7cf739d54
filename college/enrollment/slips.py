"""What a learner is told about a class: on the confirmation page before enrolling, on the enrollment
slip after it (everything needed to turn up), and on the list of their classes. Reading only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

import sqlalchemy as sa

from college.catalog.models import DAYS, Section, Term
from college.enrollment.models import Enrollment, EnrollmentStatus
from college.enrollment.operations import learners_for, waitlist_position
from college.extensions import db
from college.people.models import Learner
from college.places.models import Site
from college.timetable.sessions import Session


@dataclass
class WeeklyMeeting:
    """One meeting of the class every week at its place in the published timetable."""

    day: str            # "mon"
    start: time
    end: time
    site: Site
    room: str
    teacher: str
    step_free: bool

    @property
    def day_name(self) -> str:
        from college.i18n import DAY_NAMES, is_chinese

        return DAY_NAMES["zh" if is_chinese() else "en"].get(self.day, self.day)


@dataclass
class ClassDetails:
    section: Section
    term: Term
    teacher: str
    meetings: list[WeeklyMeeting]          # empty until the term's timetable is published
    first_session: Session | None          # the next session held (not cancelled) from `today` on
    seats_left: int

    @property
    def fee(self) -> Decimal:
        return self.section.course.fee or Decimal("0")

    @property
    def fee_text(self) -> str:
        """120.00 as "120", 45.50 as "45.5"; "" when the class is free."""
        return "" if not self.fee else f"{self.fee:.2f}".rstrip("0").rstrip(".")

    @property
    def places(self) -> list[tuple[Site, list[str], bool]]:
        """Each site the class meets at, its rooms there, and whether they are all step-free."""
        out: dict[int, tuple[Site, list[str], bool]] = {}
        for m in self.meetings:
            site, rooms, step_free = out.get(m.site.id, (m.site, [], True))
            out[m.site.id] = (site, rooms if m.room in rooms else [*rooms, m.room], step_free and m.step_free)
        return list(out.values())


def class_details(section: Section, *, today: date | None = None) -> ClassDetails:
    """The course, teacher, weekly times and places of a class in its term's published timetable, and its
    first session still to come (cancelled sessions skipped, moved ones at their new day)."""
    from college.timetable.models import MeetingAssignment
    from college.timetable.operations import published_version
    from college.timetable.sessions import dated_sessions

    today = today or date.today()
    term = section.term
    version = published_version(term)
    rows = [] if version is None else list(db.session.scalars(
        sa.select(MeetingAssignment).where(MeetingAssignment.version_id == version.id,
                                           MeetingAssignment.section_id == section.id,
                                           MeetingAssignment.slot.is_not(None),
                                           MeetingAssignment.room_id.is_not(None))
        .order_by(MeetingAssignment.meeting)))
    periods = {p.code: p for p in term.periods}
    meetings = []
    for m in rows:
        day, _sep, code = m.slot.partition(":")
        period = periods.get(code)
        if period is None:
            continue
        teacher = m.teacher or section.teacher
        meetings.append(WeeklyMeeting(day, period.start, period.end, m.room.site, m.room.name,
                                      teacher.name if teacher else "",
                                      m.room.step_free))
    order = {d: i for i, d in enumerate(DAYS)}
    meetings.sort(key=lambda m: (order.get(m.day, 9), m.start))
    upcoming = [s for s in dated_sessions(rows, term) if not s.cancelled and s.day >= today] if rows else []
    teachers = sorted({m.teacher for m in meetings if m.teacher})
    if not teachers and section.teacher is not None:
        teachers = [section.teacher.name]
    return ClassDetails(section=section, term=term, teacher="、".join(teachers), meetings=meetings,
                        first_session=upcoming[0] if upcoming else None,
                        seats_left=max(section.seats - section.enrolled, 0))


@dataclass
class MyClass:
    enrollment: Enrollment
    position: int | None                   # place on the waitlist, None unless waiting
    details: ClassDetails


@dataclass
class LearnerClasses:
    learner: Learner
    classes: list[MyClass] = field(default_factory=list)     # enrolled and waiting, by term and class
    withdrawn: list[Enrollment] = field(default_factory=list)


def current_terms(today: date | None = None) -> list[Term]:
    """The terms that have not ended yet; when every term has ended, the latest one."""
    today = today or date.today()
    terms = list(db.session.scalars(sa.select(Term).order_by(Term.first_day, Term.id)))
    running = [t for t in terms if t.last_day >= today]
    return running or terms[-1:]


def my_classes(account, *, today: date | None = None) -> list[LearnerClasses]:
    """For each learner the account may act for (its own; a proxy's linked learners), their classes of
    the current terms: enrolled and waiting ones with the place in line, then those they left."""
    term_ids = [t.id for t in current_terms(today)]
    out = []
    for learner in learners_for(account):
        rows = db.session.scalars(
            sa.select(Enrollment).join(Section, Enrollment.section_id == Section.id)
            .where(Enrollment.learner_id == learner.id, Section.term_id.in_(term_ids or [-1]))
            .order_by(Section.term_id, Section.code)).all()
        group = LearnerClasses(learner)
        for row in rows:
            if row.status == EnrollmentStatus.WITHDRAWN:
                group.withdrawn.append(row)
            else:
                group.classes.append(MyClass(row, waitlist_position(row), class_details(row.section, today=today)))
        out.append(group)
    return out


def next_sessions(account, *, today: date | None = None) -> list[tuple[Learner, Session]]:
    """For each learner the account acts for, the next session still to come of a class they have a
    seat in (cancelled ones skipped, moved ones at their new day): what the home page says first."""
    out = []
    for group in my_classes(account, today=today):
        upcoming = [c.details.first_session for c in group.classes
                    if c.enrollment.status == EnrollmentStatus.ENROLLED and c.details.first_session is not None]
        if upcoming:
            out.append((group.learner, min(upcoming, key=lambda s: (s.start, s.section))))
    return out
