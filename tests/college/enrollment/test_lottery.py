"""Seats by lot: requests before the term's draw take no seat, the draw gives each class's free seats to
requests in an order anyone can re-run, the rest wait in that order, and after the draw it is first come,
first served again. Also the draw day's rules on the term, the pages, and two administrators drawing at once."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from college.catalog import operations as catalog
from college.enrollment.lottery import demand, draw_order, results, run_draw
from college.enrollment.operations import (
    EnrollmentError,
    enroll,
    lottery_pending,
    unseen_promotions,
    waitlist_position,
    withdraw,
)
from college.extensions import db
from college.models import (
    AuditEntry,
    Enrollment,
    EnrollmentStatus,
    LotteryDraw,
    Role,
    Section,
    Term,
)
from college.records import RecordError
from tests.college import factories as f
from tests.college.concurrency import at_once
from tests.college.enrollment.helpers import (
    TODAY,
    assert_counter,
    counts,
    learner,
    open_section,
    proxy_for,
)

DRAW_DAY = date(2027, 2, 25)
REQUESTED, ENROLLED, WAITLISTED = EnrollmentStatus.REQUESTED, EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED


def _two_classes(seats=(3, 5)):
    """A term drawn on 25 February with two open classes of these seats."""
    first = open_section(seats=seats[0], code="C001")
    term = first.term
    term.lottery_on = DRAW_DAY
    second = open_section(seats=seats[1], code="C002", term_=term,
                          course_=f.course(first.course.subject, code="K002", name="山水画"))
    db.session.flush()
    return term, first, second


def _status(row: Enrollment) -> EnrollmentStatus:
    db.session.refresh(row)
    return row.status


def test_a_request_before_the_draw_takes_no_seat_even_when_seats_are_free(app):
    term, small, _big = _two_classes()
    admin = f.account()
    le = learner(1)
    row = enroll(le, small, admin, today=TODAY)
    assert row.status == REQUESTED and waitlist_position(row) is None
    assert counts(small) == (0, 0, 0)
    assert enroll(le, small, admin, today=TODAY).id == row.id           # a second tap: the same request
    assert lottery_pending(term)
    withdraw(row, admin)
    assert _status(row) == EnrollmentStatus.WITHDRAWN and counts(small) == (0, 0, 0)
    again = enroll(le, small, admin, today=TODAY)
    assert again.id == row.id and again.status == REQUESTED


def test_the_rules_hold_for_requests(app):
    """One class per course and no two classes at once count requests too."""
    term, small, _big = _two_classes()
    other = open_section(seats=5, code="C003", term_=term, course_=small.course)
    admin = f.account()
    le = learner(1)
    enroll(le, small, admin, today=TODAY)
    with pytest.raises(EnrollmentError) as refused:
        enroll(le, other, admin, today=TODAY)
    assert refused.value.code == "same_course"


def test_the_draw_gives_free_seats_in_the_drawn_order_and_queues_the_rest(app):
    term, small, big = _two_classes(seats=(3, 5))
    admin = f.account()
    learners = [learner(i) for i in range(8)]
    wanted = {le.id: enroll(le, small, admin, today=TODAY) for le in learners}
    for le in learners[:2]:
        enroll(le, big, admin, today=TODAY)
    assert [(d.section.code, d.requests, d.free, d.oversubscribed) for d in demand(term)] == \
        [("C001", 8, 3, True), ("C002", 2, 5, False)]
    db.session.commit()
    draw = run_draw(term, admin, today=DRAW_DAY, seed="silver-2027")
    assert (draw.sections, draw.requests, draw.seated, draw.waitlisted, draw.seed) == (2, 10, 5, 5, "silver-2027")
    order = draw_order("silver-2027", small.id, [row.id for row in wanted.values()])
    rows = {row.id: db.session.get(Enrollment, row.id) for row in wanted.values()}
    assert [rows[i].draw_rank for i in order] == list(range(1, 9))
    assert [rows[i].status for i in order] == [ENROLLED] * 3 + [WAITLISTED] * 5
    assert [waitlist_position(rows[i]) for i in order[3:]] == [1, 2, 3, 4, 5]
    assert all(rows[i].promoted_at is not None for i in order[:3])
    assert counts(small) == (3, 3, 5) and counts(big) == (2, 2, 0)
    assert_counter(small)
    assert [(r.section.code, r.requests, r.seated, r.waitlisted) for r in results(term)] == \
        [("C001", 8, 3, 5), ("C002", 2, 2, 0)]
    audited = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "enrollment", AuditEntry.summary.like("%draw number%")))
    assert audited == 10
    assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "lottery_draw")).one().action == "create"
    # the winners are told as a seat from the waitlist is (the first two may have won a seat in C002 too)
    winner = rows[order[0]]
    told = unseen_promotions(proxy_for(winner.learner), today=DRAW_DAY)
    assert winner in told and all(e.draw_rank is not None and e.status == ENROLLED for e in told)
    assert len(told) == 1 + (winner.learner_id in {le.id for le in learners[:2]})
    assert not lottery_pending(term)


def test_the_order_is_the_seeds_and_not_the_order_of_asking(app):
    """Re-running `draw_order` with the kept seed gives the same order; another seed another one; and the
    first to ask is not favoured (over many seeds, each request is drawn first about as often)."""
    ids = list(range(101, 109))
    assert draw_order("abc", 7, ids) == draw_order("abc", 7, list(reversed(ids)))
    assert draw_order("abc", 7, ids) != draw_order("abd", 7, ids)
    firsts = [draw_order(f"seed-{n}", 7, ids)[0] for n in range(4000)]
    shares = [firsts.count(i) / len(firsts) for i in ids]
    assert min(shares) > 0.09 and max(shares) < 0.16          # 1/8 each = 0.125


def test_after_the_draw_it_is_first_come_first_served_and_a_freed_seat_goes_to_the_first_not_drawn(app):
    term, small, _big = _two_classes(seats=(2, 5))
    admin = f.account()
    rows = [enroll(learner(i), small, admin, today=TODAY) for i in range(4)]
    run_draw(term, admin, today=DRAW_DAY, seed="s")
    order = draw_order("s", small.id, [r.id for r in rows])
    late = enroll(learner(9), small, admin, today=DRAW_DAY)
    assert late.status == WAITLISTED and waitlist_position(late) == 3 and late.draw_rank is None
    withdraw(db.session.get(Enrollment, order[0]), admin)
    first_not_drawn = db.session.get(Enrollment, order[2])
    db.session.refresh(first_not_drawn)
    assert first_not_drawn.status == ENROLLED and first_not_drawn.draw_rank is None     # a seat from the waitlist
    assert first_not_drawn.promoted_at is not None
    assert waitlist_position(db.session.get(Enrollment, order[3])) == 1
    assert_counter(small)


def test_the_draw_is_refused_before_its_day_without_one_and_twice(app):
    term, small, _big = _two_classes()
    admin = f.account()
    enroll(learner(1), small, admin, today=TODAY)
    with pytest.raises(RecordError, match="2027年2月25日"):
        run_draw(term, admin, today=TODAY)
    run_draw(term, admin, today=DRAW_DAY)
    with pytest.raises(RecordError, match="已经抽过签"):
        run_draw(term, admin, today=DRAW_DAY)
    plain = f.term("2027年秋季学期")
    with pytest.raises(RecordError, match="先到先得"):
        run_draw(plain, admin, today=DRAW_DAY)


def test_the_draw_day_on_the_term(app):
    term, small, _big = _two_classes()
    admin = f.account()
    term.enrollment_opens, term.enrollment_closes = date(2027, 2, 1), date(2027, 2, 28)
    db.session.flush()
    with pytest.raises(RecordError) as refused:
        catalog.update_term(term, {"lottery_on": date(2027, 3, 5)}, admin)
    assert refused.value.field == "lottery_on"
    enroll(learner(1), small, admin, today=TODAY)
    with pytest.raises(RecordError, match="1 个报名在等抽签"):
        catalog.update_term(term, {"lottery_on": None}, admin)
    catalog.update_term(term, {"lottery_on": date(2027, 2, 26)}, admin)       # moved: fine before the draw
    run_draw(term, admin, today=date(2027, 2, 26))
    with pytest.raises(RecordError, match="抽签日不能再改"):
        catalog.update_term(term, {"lottery_on": date(2027, 2, 27)}, admin)


# --- two administrators press "draw" at once ------------------------------------------------

def _draw(term_id: int, admin_id: int):
    """A call for `at_once`: the term's draw, as its own request."""
    from college.models import Account

    def call() -> str:
        run_draw(db.session.get(Term, term_id), db.session.get(Account, admin_id), today=DRAW_DAY)
        return "drawn"
    return call


def test_two_draws_at_once_make_one(app):
    term, small, _big = _two_classes(seats=(2, 5))
    admin = f.account("13800000001", Role.ADMIN)
    for i in range(6):
        enroll(learner(i), small, admin, today=TODAY)
    db.session.commit()
    outcomes = at_once(app, _draw(term.id, admin.id), _draw(term.id, admin.id))
    assert sorted(map(str, outcomes)) == sorted(["drawn", "2027年春季学期 已经抽过签了。"]), outcomes
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LotteryDraw)) == 1
    assert counts(db.session.get(Section, small.id)) == (2, 2, 4)


def test_the_office_enrolling_by_phone_before_the_draw_makes_a_request_and_says_so(app, client):
    from tests.college.people import quick as q

    term, small, _big = _two_classes()
    le = learner(1)
    admin = q.account("13800000009")
    db.session.commit()
    q.login(client, admin)
    page = client.post(f"/admin/sections/{small.id}/enrollments", data={"phone": le.phone}, follow_redirects=True)
    assert "学员01 已报名 C001：名额在 2027年2月25日 周四 抽签决定。" in page.text
    assert "等待抽签的报名（1 人）" in page.text
    assert counts(small) == (0, 0, 0)


def _request(learner_id: int, section_id: int):
    """A call for `at_once`: a learner's request on the draw day, as its own request."""
    from college.models import Learner

    def call() -> str:
        return enroll(db.session.get(Learner, learner_id), db.session.get(Section, section_id), None,
                      today=DRAW_DAY).status.value
    return call


def test_a_request_made_while_the_draw_runs_is_never_left_without_a_draw(app):
    """Requests and the draw take turns on the term's row: whichever comes first, after both no request is
    left waiting for a draw that has already been run (first: it is drawn; second: first come, first served)."""
    term, small, _big = _two_classes(seats=(2, 5))
    admin = f.account("13800000001", Role.ADMIN)
    for i in range(4):
        enroll(learner(i), small, admin, today=TODAY)
    late = learner(9)
    db.session.commit()
    outcomes = at_once(app, _draw(term.id, admin.id), _request(late.id, small.id))
    assert "drawn" in outcomes and not [o for o in outcomes if isinstance(o, Exception)], outcomes
    db.session.expire_all()
    statuses = dict(db.session.execute(sa.select(Enrollment.status, sa.func.count()).group_by(Enrollment.status)).all())
    assert REQUESTED not in statuses and statuses[ENROLLED] == 2 and statuses[WAITLISTED] == 3, statuses
