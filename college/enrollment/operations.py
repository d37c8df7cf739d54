"""Enrolling in a section, the waitlist and withdrawing: plain functions, each one audited transaction.

A term with a draw day (`Term.lottery_on`) takes requests until its draw has been run: they hold no seat
(status requested), so nobody gains by being first; `lottery.run_draw` then gives the seats by lot. After
the draw, and in a term without one, seats go first come, first served, as below.

Seats are taken and given back only through one atomic UPDATE of the section's counter:

    UPDATE section SET enrolled = enrolled + 1 WHERE id = :id AND enrolled < seats

Both SQLite (one writer at a time) and PostgreSQL (the row lock; READ COMMITTED re-checks the WHERE
after waiting) let exactly `seats` such statements succeed, however many requests race; the
CHECK `enrolled >= 0 AND enrolled <= seats` guards the counter in the database as well. No Python
lock is involved, so this holds across processes and servers.

One row per (section, learner): the unique constraint makes two requests for the same pair (a
double click, a retried slow request) end with one row; the second request gets the first one's row.
Operations flush and never commit: the request handler or CLI command does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from college.audit.operations import log_change
from college.auth.models import Account, Role
from college.catalog.models import Section, SectionStatus, Term
from college.enrollment.models import ACTIVE_STATUSES, Enrollment, EnrollmentStatus, LotteryDraw
from college.extensions import db
from college.people.models import Learner, ProxyLink
from college.people.operations import age_on
from college.records import RecordError

ENROLLED, WAITLISTED, WITHDRAWN = EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED, EnrollmentStatus.WITHDRAWN
REQUESTED = EnrollmentStatus.REQUESTED


class EnrollmentError(RecordError):
    """An enrollment refused: `code` says which rule (for programs and tests), `message` says it in words."""

    def __init__(self, code: str, message):
        super().__init__(None, message)
        self.code = code


# --- who may act for whom ---------------------------------------------------------------------

def can_act_for(account: Account | None, learner: Learner) -> bool:
    """The learner's own account, a proxy with a consented link to the learner, or an administrator."""
    if account is None or not getattr(account, "is_authenticated", True) or not account.active:
        return False
    if account.role == Role.ADMIN:
        return True
    if account.learner_id is not None and account.learner_id == learner.id:
        return True
    if account.role != Role.PROXY:
        return False
    return db.session.scalar(sa.select(ProxyLink.id).where(
        ProxyLink.proxy_account_id == account.id, ProxyLink.learner_id == learner.id,
        ProxyLink.consent_at.is_not(None)).limit(1)) is not None


def learners_for(account: Account | None) -> list[Learner]:
    """The learners an account may enroll on the learners' pages: its own learner record, and for a
    proxy each learner linked to it with recorded consent (by name)."""
    if account is None or not getattr(account, "is_authenticated", True) or not account.active:
        return []
    ids = set()
    if account.learner_id is not None:
        ids.add(account.learner_id)
    if account.role == Role.PROXY:
        ids.update(db.session.scalars(sa.select(ProxyLink.learner_id).where(
            ProxyLink.proxy_account_id == account.id, ProxyLink.consent_at.is_not(None))))
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Learner).where(Learner.id.in_(ids)).order_by(Learner.name, Learner.id)))


# --- the rules --------------------------------------------------------------------------------

def _check_open(section: Section, today: date) -> None:
    from college.i18n import format_day  # learners read dates as 2027年3月2日 周二

    if section.status != SectionStatus.OPEN:
        raise EnrollmentError("not_open", _l("%(section)s is not open for enrollment.", section=section))
    term = section.term
    if term.enrollment_opens is not None and today < term.enrollment_opens:
        raise EnrollmentError("window", _l("Enrollment for %(term)s opens on %(day)s.",
                                           term=term.name, day=format_day(term.enrollment_opens)))
    if term.enrollment_closes is not None and today > term.enrollment_closes:
        raise EnrollmentError("window", _l("Enrollment for %(term)s closed on %(day)s.",
                                           term=term.name, day=format_day(term.enrollment_closes)))


def _check_age(learner: Learner, section: Section) -> None:
    course = section.course
    if course.min_age is None and course.max_age is None:
        return
    if learner.birth_date is None:
        raise EnrollmentError("age", _l("%(course)s is for ages %(low)s to %(high)s: please record %(name)s's "
                                        "date of birth first.", course=course.name, low=course.min_age or 0,
                                        high=course.max_age or "—", name=learner.name))
    age = age_on(learner.birth_date, section.term.first_day)
    if course.min_age is not None and age < course.min_age:
        raise EnrollmentError("age", _l("%(course)s is for learners aged %(min)s or more; %(name)s will be "
                                        "%(age)s when the term starts.", course=course.name, min=course.min_age,
                                        name=learner.name, age=age))
    if course.max_age is not None and age > course.max_age:
        raise EnrollmentError("age", _l("%(course)s is for learners aged up to %(max)s; %(name)s will be "
                                        "%(age)s when the term starts.", course=course.name, max=course.max_age,
                                        name=learner.name, age=age))


def _check_prerequisite(learner: Learner, section: Section) -> None:
    """Completed = enrolled (not withdrawn, not waiting) in a section of the prerequisite in an earlier term."""
    prerequisite = section.course.prerequisite
    if prerequisite is None:
        return
    done = db.session.scalar(
        sa.select(Enrollment.id).join(Section, Enrollment.section_id == Section.id)
        .join(Term, Section.term_id == Term.id)
        .where(Enrollment.learner_id == learner.id, Enrollment.status == ENROLLED,
               Section.course_id == prerequisite.id, Term.first_day < section.term.first_day).limit(1))
    if done is None:
        raise EnrollmentError("prerequisite", _l("%(course)s needs %(prerequisite)s completed in an earlier term.",
                                                 course=section.course.name, prerequisite=prerequisite.name))


def _check_same_course(learner: Learner, section: Section) -> None:
    other = db.session.scalar(
        sa.select(Section).join(Enrollment, Enrollment.section_id == Section.id)
        .where(Enrollment.learner_id == learner.id, Enrollment.status.in_(ACTIVE_STATUSES),
               Section.course_id == section.course_id, Section.term_id == section.term_id,
               Section.id != section.id).limit(1))
    if other is not None:
        raise EnrollmentError("same_course", _l("%(name)s already has a place in %(other)s, another class of "
                                                "the same course this term.", name=learner.name, other=other))


def _check_clash(learner: Learner, section: Section) -> None:
    """No two of the learner's enrolled (or requested, before a draw) classes in the same slot of the term's
    published timetable."""
    from college.timetable.models import MeetingAssignment, TimetableVersion

    version_id = db.session.scalar(sa.select(TimetableVersion.id).where(
        TimetableVersion.term_id == section.term_id, TimetableVersion.published_at.is_not(None)))
    if version_id is None:
        return
    placed = sa.select(MeetingAssignment.slot).where(
        MeetingAssignment.version_id == version_id, MeetingAssignment.section_id == section.id,
        MeetingAssignment.slot.is_not(None))
    slots = set(db.session.scalars(placed))
    if not slots:
        return
    clash = db.session.execute(
        sa.select(Section, MeetingAssignment.slot)
        .join(MeetingAssignment, MeetingAssignment.section_id == Section.id)
        .join(Enrollment, Enrollment.section_id == Section.id)
        .where(MeetingAssignment.version_id == version_id, MeetingAssignment.slot.in_(slots),
               Enrollment.learner_id == learner.id, Enrollment.status.in_((ENROLLED, REQUESTED)),
               Section.id != section.id)
        .order_by(MeetingAssignment.slot).limit(1)).first()
    if clash is not None:
        from college.i18n import format_slot

        other, slot = clash
        raise EnrollmentError("clash", _l("%(section)s meets at the same time (%(slot)s) as %(other)s, "
                                          "which %(name)s already attends.", section=section,
                                          slot=format_slot(slot), other=other, name=learner.name))


def _check_limit(learner: Learner, section: Section) -> None:
    """The term's cap on classes per learner: requests, seats and waitlist places all count."""
    cap = section.term.max_classes_per_learner
    if cap is None:
        return
    held = db.session.scalar(
        sa.select(sa.func.count()).select_from(Enrollment).join(Section, Enrollment.section_id == Section.id)
        .where(Enrollment.learner_id == learner.id, Enrollment.status.in_(ACTIVE_STATUSES),
               Section.term_id == section.term_id, Section.id != section.id))
    if held >= cap:
        raise EnrollmentError("limit", _l("%(name)s already has %(n)s classes this term, the most one learner may "
                                          "have: leave one first to take this one.", name=learner.name, n=held))


def check_enrollment(learner: Learner, section: Section, *, today: date | None = None) -> None:
    """Raise EnrollmentError naming the first rule that refuses this learner for this section."""
    _check_open(section, today or date.today())
    _check_age(learner, section)
    _check_prerequisite(learner, section)
    _check_same_course(learner, section)
    _check_limit(learner, section)
    _check_clash(learner, section)


# --- the draw ---------------------------------------------------------------------------------

def lock_term(term_id: int) -> None:
    """Hold the term's row until commit (a no-op UPDATE: PostgreSQL's row lock; SQLite's one writer)."""
    db.session.execute(sa.update(Term).where(Term.id == term_id).values(id=Term.id)
                       .execution_options(synchronize_session=False))


def lottery_pending(term: Term) -> bool:
    """The term draws its seats by lot and the draw has not been run: a request takes no seat yet."""
    return term.lottery_on is not None and db.session.scalar(
        sa.select(LotteryDraw.id).where(LotteryDraw.term_id == term.id)) is None


# --- seats ------------------------------------------------------------------------------------

def _take_seat(section_id: int) -> bool:
    """Take one seat if one is free: one atomic UPDATE, True when it took a seat."""
    result = db.session.execute(
        sa.update(Section).where(Section.id == section_id, Section.enrolled < Section.seats)
        .values(enrolled=Section.enrolled + 1).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _free_seat(section_id: int) -> None:
    db.session.execute(
        sa.update(Section).where(Section.id == section_id, Section.enrolled > 0)
        .values(enrolled=Section.enrolled - 1).execution_options(synchronize_session=False))


def _set_status(enrollment_id: int, old: EnrollmentStatus, new: EnrollmentStatus, *, requeue: bool = False,
                promoted: bool = False) -> bool:
    """Move a row from `old` to `new` only if it still is `old` (a concurrent change wins otherwise).
    `promoted`: a freed seat went to this waitlisted row, which the learner's pages then announce."""
    now = datetime.utcnow()
    values = {"status": new, "updated_at": now}
    if requeue:
        values["created_at"] = now      # back on the list: at its end
        values["promoted_at"] = values["promotion_seen_at"] = values["draw_rank"] = None
    if promoted:
        values["promoted_at"] = now
        values["promotion_seen_at"] = None
        values["draw_rank"] = None      # a seat from the waitlist, not from the draw (which sets it after)
    result = db.session.execute(
        sa.update(Enrollment).where(Enrollment.id == enrollment_id, Enrollment.status == old)
        .values(**values).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _row(section_id: int, learner_id: int) -> Enrollment | None:
    return db.session.scalar(sa.select(Enrollment).where(
        Enrollment.section_id == section_id, Enrollment.learner_id == learner_id)
        .execution_options(populate_existing=True))


def _insert(section: Section, learner: Learner, actor, status: EnrollmentStatus) -> bool:
    """Insert the (section, learner) row with `status` (waitlisted, or requested before a draw); False when
    another request already made it.

    INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL alike) waits for a concurrent insert of the
    same pair and then does nothing, so the caller's transaction is never broken by the unique constraint."""
    name = db.session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    now = datetime.utcnow()
    statement = insert(Enrollment.__table__).values(
        section_id=section.id, learner_id=learner.id, status=status, created_at=now, updated_at=now,
        created_by_id=getattr(actor, "id", None)).on_conflict_do_nothing(index_elements=["section_id", "learner_id"])
    # RETURNING says whether a row was made (rowcount is not reliable for INSERT on every driver).
    return db.session.execute(statement.returning(Enrollment.__table__.c.id)).scalar() is not None


# --- enroll, withdraw -------------------------------------------------------------------------

def waitlist_position(enrollment: Enrollment) -> int | None:
    """1 for the first in line; None unless the enrollment is waitlisted."""
    if enrollment.status != WAITLISTED:
        return None
    return db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment).where(
        Enrollment.section_id == enrollment.section_id, Enrollment.status == WAITLISTED,
        sa.or_(Enrollment.created_at < enrollment.created_at,
               sa.and_(Enrollment.created_at == enrollment.created_at, Enrollment.id <= enrollment.id))))


def _summary(enrollment: Enrollment, learner: Learner, section: Section) -> str:
    return f"{learner.name} · {section.code} {section.course.name}"


def enroll(learner: Learner, section: Section, actor, *, today: date | None = None) -> Enrollment:
    """Give `learner` a seat in `section`, or a place on its waitlist when it is full; before the term's
    draw, a request in the draw (status requested, no seat yet).

    Idempotent: an enrolled or waitlisted row for the pair is returned unchanged (a double click takes
    no second seat); a withdrawn row is taken up again (at the end of the waitlist if full). Refuses
    with EnrollmentError when `actor` may not act for the learner or a rule says no (see
    check_enrollment). `waitlist_position(result)` tells a waitlisted learner their place in line."""
    if actor is not None and not can_act_for(actor, learner):
        raise EnrollmentError("not_allowed", _l("You may not enroll %(name)s.", name=learner.name))
    # The per-learner rules (one class per course, no clash) read before this writes, so two requests
    # for the same learner must take turns: a no-op UPDATE of the learner's row locks it until commit
    # (PostgreSQL: the row lock; SQLite: it opens the write transaction, one writer at a time, so the
    # reads below see every earlier enrollment). SELECT ... FOR UPDATE would do on PostgreSQL only.
    db.session.execute(sa.update(Learner).where(Learner.id == learner.id).values(id=Learner.id)
                       .execution_options(synchronize_session=False))
    existing = _row(section.id, learner.id)
    if existing is not None and existing.status in ACTIVE_STATUSES:
        return existing
    check_enrollment(learner, section, today=today)
    if section.term.lottery_on is not None:
        # A request and the term's draw take turns (the draw locks the term's row too): a request made while
        # the draw runs waits for it and then takes a seat first come, first served, never a request that
        # no draw would ever see.
        lock_term(section.term_id)
    pending = lottery_pending(section.term)
    first_status = REQUESTED if pending else WAITLISTED
    if existing is None:
        try:
            created = _insert(section, learner, actor, first_status)
        except IntegrityError:
            # Another request made the row between our read and our insert (a database without
            # ON CONFLICT semantics for this): its row is the answer.
            db.session.rollback()
            return _row(section.id, learner.id)
        row = _row(section.id, learner.id)
        if not created:
            return row
        action = "create"
    else:
        if not _set_status(existing.id, WITHDRAWN, first_status, requeue=True):
            return _row(section.id, learner.id)    # someone else took it up at the same moment
        row = _row(section.id, learner.id)
        action = "update"
    if not pending and _take_seat(section.id):
        _set_status(row.id, WAITLISTED, ENROLLED)
    db.session.expire(section, ["enrolled"])
    row = _row(section.id, learner.id)
    changes = {"status": [None if action == "create" else WITHDRAWN.value, row.status.value],
               "section": section.code, "learner_id": learner.id}
    position = waitlist_position(row)
    if position is not None:
        changes["waitlist_position"] = position
    log_change(actor, action, "enrollment", row.id, _summary(row, learner, section), changes)
    return row


def withdraw(enrollment: Enrollment, actor) -> Enrollment:
    """Leave a section. An enrolled learner's seat goes to the first on the waitlist, in the same
    transaction; a waitlisted learner just leaves the list, and a request leaves the draw. Withdrawing
    twice changes nothing."""
    learner, section = enrollment.learner, enrollment.section
    if actor is not None and not can_act_for(actor, learner):
        raise EnrollmentError("not_allowed", _l("You may not act for %(name)s.", name=learner.name))
    old = enrollment.status
    if old == WITHDRAWN or not _set_status(enrollment.id, old, WITHDRAWN):
        db.session.refresh(enrollment)
        return enrollment
    if old == ENROLLED:
        _free_seat(section.id)
        _promote(section, actor)
    db.session.expire(section, ["enrolled"])
    db.session.refresh(enrollment)
    log_change(actor, "update", "enrollment", enrollment.id, _summary(enrollment, learner, section),
               {"status": [old.value, WITHDRAWN.value], "section": section.code, "learner_id": learner.id})
    return enrollment


def promote_waitlist(section: Section, actor) -> list[Enrollment]:
    """Fill every free seat of the section from its waitlist, oldest first, each move audited.

    For callers that free seats some other way than a withdrawal (an administrator raising the
    seats, college/catalog): call it in the same transaction, after the change is flushed."""
    promoted = []
    while (first := _promote(section, actor)) is not None:
        promoted.append(first)
    db.session.expire(section, ["enrolled"])
    return promoted


def _promote(section: Section, actor) -> Enrollment | None:
    """Give the free seat to the oldest waitlisted learner of the section (if any, and if a seat is free)."""
    while True:
        first = db.session.scalar(
            sa.select(Enrollment).where(Enrollment.section_id == section.id, Enrollment.status == WAITLISTED)
            .order_by(Enrollment.created_at, Enrollment.id).limit(1).execution_options(populate_existing=True))
        if first is None or not _take_seat(section.id):
            return None
        if _set_status(first.id, WAITLISTED, ENROLLED, promoted=True):
            db.session.refresh(first)
            log_change(actor, "update", "enrollment", first.id, _summary(first, first.learner, section),
                       {"status": [WAITLISTED.value, ENROLLED.value], "section": section.code,
                        "learner_id": first.learner_id, "promoted": True})
            return first
        _free_seat(section.id)          # that learner left the list meanwhile: next in line


def unseen_promotions(account: Account | None, *, today: date | None = None) -> list[Enrollment]:
    """The seats that came free from a waitlist for the learners this account acts for (its own learner,
    a proxy's linked learners) and that nobody has acknowledged yet, oldest first; none of a term that
    has ended."""
    learners = [le.id for le in learners_for(account)]
    if not learners:
        return []
    return list(db.session.scalars(
        sa.select(Enrollment).join(Section, Section.id == Enrollment.section_id).join(Term, Term.id == Section.term_id)
        .where(Enrollment.learner_id.in_(learners), Enrollment.status == ENROLLED,
               Enrollment.promoted_at.is_not(None), Enrollment.promotion_seen_at.is_(None),
               Term.last_day >= (today or date.today()))
        .order_by(Enrollment.promoted_at, Enrollment.id)))


def acknowledge_promotion(enrollment: Enrollment, actor) -> None:
    """The learner (or a proxy for them) has read that the waitlist gave them a seat: stop announcing it.
    Saying it twice changes nothing; so does saying it of an enrollment that was never promoted."""
    if actor is not None and not can_act_for(actor, enrollment.learner):
        raise EnrollmentError("not_allowed", _l("You may not act for %(name)s.", name=enrollment.learner.name))
    if enrollment.promoted_at is not None and enrollment.promotion_seen_at is None:
        enrollment.promotion_seen_at = datetime.utcnow()
        db.session.flush()


# --- reading ----------------------------------------------------------------------------------

@dataclass
class RosterLine:
    enrollment: Enrollment
    learner: Learner
    age: int | None
    community: str
    position: int | None = None         # waitlist only


@dataclass
class Roster:
    section: Section
    enrolled: list[RosterLine]
    waitlist: list[RosterLine]
    requested: list[RosterLine] = field(default_factory=list)     # in the term's draw, by name

    @property
    def seats(self) -> int:
        return self.section.seats

    @property
    def free(self) -> int:
        return max(self.section.seats - len(self.enrolled), 0)


def roster(section: Section, *, today: date | None = None) -> Roster:
    """The class list: enrolled learners by name, then the waitlist in order (and the requests waiting for
    the term's draw, by name)."""
    from sqlalchemy.orm import joinedload

    today = today or date.today()
    rows = db.session.scalars(
        sa.select(Enrollment).where(Enrollment.section_id == section.id, Enrollment.status.in_(ACTIVE_STATUSES))
        .options(joinedload(Enrollment.learner).joinedload(Learner.home_area))
        .order_by(Enrollment.created_at, Enrollment.id)).all()

    def line(e: Enrollment, position: int | None = None) -> RosterLine:
        learner = e.learner
        age = age_on(learner.birth_date, today) if learner.birth_date else None
        return RosterLine(e, learner, age, learner.home_area.name if learner.home_area else "", position)

    enrolled = sorted((line(e) for e in rows if e.status == ENROLLED), key=lambda r: (r.learner.name, r.learner.id))
    waiting = [line(e, i) for i, e in enumerate((e for e in rows if e.status == WAITLISTED), start=1)]
    requested = sorted((line(e) for e in rows if e.status == REQUESTED), key=lambda r: (r.learner.name, r.learner.id))
    return Roster(section, enrolled, waiting, requested)


def find_learner_by_phone(phone: str) -> list[Learner]:
    """Learners with this phone number (an elder couple may share one)."""
    phone = "".join(ch for ch in (phone or "") if ch.isdigit())
    if not phone:
        return []
    return list(db.session.scalars(sa.select(Learner).where(Learner.phone == phone).order_by(Learner.name)))


def count_enrollments(learner: Learner | None = None, section: Section | None = None) -> int:
    """Every enrollment row (any status) of a learner or a section: these block deleting it."""
    query = sa.select(sa.func.count()).select_from(Enrollment)
    if learner is not None:
        query = query.where(Enrollment.learner_id == learner.id)
    if section is not None:
        query = query.where(Enrollment.section_id == section.id)
    return db.session.scalar(query)

