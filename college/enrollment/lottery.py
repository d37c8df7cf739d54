"""Seats by lot (抽签): a term with a draw day takes requests until the draw, then draws each section's free
seats among them, so that an elder on a slow phone, or one whose daughter can only help in the evening,
has the same chance as the first to tap.

The draw of a section shuffles its requests, taken in the order of their numbers (enrollment ids), with
Python's `random.Random("<seed>:<section id>")`: the seed is drawn once for the term and kept with the draw
(`LotteryDraw`), so the order can be re-run and checked by anyone (`draw_order`). The first requests in
that order get the free seats; the others go on the waitlist in that order. Every winner is told on their
pages (as a seat from the waitlist is, `Enrollment.promoted_at`); everybody's slip shows their number in
the draw. The whole draw is one transaction, audited row by row; a second draw of the term is refused
(the database's unique term id decides between two administrators pressing at once).
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from college.audit.operations import log_change
from college.catalog.models import Section, Term
from college.enrollment.models import Enrollment, EnrollmentStatus, LotteryDraw
from college.enrollment.operations import _free_seat, _set_status, _take_seat, lock_term
from college.extensions import db
from college.records import RecordError

REQUESTED, ENROLLED, WAITLISTED = EnrollmentStatus.REQUESTED, EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED


def draw_order(seed: str, section_id: int, request_ids: list[int]) -> list[int]:
    """The requests of one section in the order the draw takes them (first = first to get a seat)."""
    order = sorted(request_ids)
    random.Random(f"{seed}:{section_id}").shuffle(order)
    return order


@dataclass
class Demand:
    """One section's requests against its free seats, before the draw."""

    section: Section
    requests: int
    free: int

    @property
    def oversubscribed(self) -> bool:
        return self.requests > self.free


def demand(term: Term) -> list[Demand]:
    """Each section of the term with requests in the draw: how many, and how many seats are free; the most
    wanted (requests per free seat) first."""
    counts = db.session.execute(
        sa.select(Section, sa.func.count(Enrollment.id)).join(Enrollment, Enrollment.section_id == Section.id)
        .where(Section.term_id == term.id, Enrollment.status == REQUESTED).group_by(Section.id)).all()
    rows = [Demand(section, n, max(section.seats - section.enrolled, 0)) for section, n in counts]
    return sorted(rows, key=lambda d: (-(d.requests / max(d.free, 0.5)), d.section.code))


def draw_of(term: Term) -> LotteryDraw | None:
    return db.session.scalar(sa.select(LotteryDraw).where(LotteryDraw.term_id == term.id))


def run_draw(term: Term, actor, *, today: date | None = None, seed: str | None = None) -> LotteryDraw:
    """Draw the seats of every section of the term among its requests (see the module docstring), in the
    caller's transaction. Refused for a term without a draw day, before that day, and a second time."""
    from college.i18n import format_day

    today = today or date.today()
    if term.lottery_on is None:
        raise RecordError(None, _l("%(term)s gives seats first come, first served: it has no draw day.",
                                   term=term.name))
    if today < term.lottery_on:
        raise RecordError(None, _l("The draw of %(term)s is on %(day)s: requests are still coming in until then.",
                                   term=term.name, day=format_day(term.lottery_on)))
    lock_term(term.id)          # requests made meanwhile wait for the draw (see operations.enroll)
    draw = LotteryDraw(term_id=term.id, seed=seed or secrets.token_hex(16), drawn_at=datetime.utcnow(),
                       drawn_by_id=getattr(actor, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(draw)
    except IntegrityError:
        raise RecordError(None, _l("The seats of %(term)s have already been drawn.", term=term.name)) from None
    requests = db.session.scalars(
        sa.select(Enrollment).join(Section, Enrollment.section_id == Section.id)
        .where(Section.term_id == term.id, Enrollment.status == REQUESTED)).all()
    by_section: dict[int, dict[int, Enrollment]] = {}
    for row in requests:
        by_section.setdefault(row.section_id, {})[row.id] = row
    for section_id in sorted(by_section):
        rows = by_section[section_id]
        section = db.session.get(Section, section_id)
        for rank, enrollment_id in enumerate(draw_order(draw.seed, section_id, list(rows)), start=1):
            row = rows[enrollment_id]
            seated = _take_seat(section_id)
            new = ENROLLED if seated else WAITLISTED
            if not _set_status(row.id, REQUESTED, new, promoted=seated):
                if seated:
                    _free_seat(section_id)     # withdrawn meanwhile: the seat stays free
                continue
            # The waitlist keeps the drawn order (it is ordered by created_at, then id).
            values = {"draw_rank": rank}
            if not seated:
                values["created_at"] = draw.drawn_at + timedelta(microseconds=rank)
            db.session.execute(sa.update(Enrollment).where(Enrollment.id == row.id).values(**values)
                               .execution_options(synchronize_session=False))
            draw.seated += seated
            draw.waitlisted += not seated
            draw.requests += 1
            log_change(actor, "update", "enrollment", row.id, f"{section.code}: draw number {rank}",
                       {"status": [REQUESTED.value, new.value], "section": section.code,
                        "learner_id": row.learner_id, "draw_rank": rank})
        db.session.expire(section, ["enrolled"])
    draw.sections = len(by_section)
    db.session.flush()
    log_change(actor, "create", "lottery_draw", draw.id,
               f"{term.name}: {draw.seated} seats drawn, {draw.waitlisted} on waitlists",
               {"seed": draw.seed, "sections": draw.sections, "requests": draw.requests, "seated": draw.seated,
                "waitlisted": draw.waitlisted})
    db.session.expire_all()
    return db.session.get(LotteryDraw, draw.id)


@dataclass
class Result:
    """What the draw gave one section: its requests, seats drawn and learners put on the waitlist."""

    section: Section
    requests: int
    seated: int
    waitlisted: int


def results(term: Term) -> list[Result]:
    """Each section that was in the term's draw, by code: the learners drawn (still holding a draw number:
    a seat later given from the waitlist, or a request later withdrawn, no longer counts here)."""
    rows = db.session.execute(
        sa.select(Section, Enrollment.status, sa.func.count(Enrollment.id))
        .join(Enrollment, Enrollment.section_id == Section.id)
        .where(Section.term_id == term.id, Enrollment.draw_rank.is_not(None))
        .group_by(Section.id, Enrollment.status).order_by(Section.code)).all()
    out: dict[int, Result] = {}
    for section, status, n in rows:
        result = out.setdefault(section.id, Result(section, 0, 0, 0))
        result.requests += n
        if status == ENROLLED:
            result.seated += n
        elif status == WAITLISTED:
            result.waitlisted += n
    return list(out.values())
