"""The enrollment rules, the waitlist, withdrawing, and the guards in the catalogue and people."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from college.catalog import operations as catalog
from college.enrollment.operations import (
    EnrollmentError,
    acknowledge_promotion,
    can_act_for,
    enroll,
    unseen_promotions,
    waitlist_position,
    withdraw,
)
from college.extensions import db
from college.models import (
    AuditEntry,
    Enrollment,
    MeetingAssignment,
    Role,
    Room,
    SectionStatus,
    Term,
)
from college.people import operations as people
from college.records import RecordError
from tests.college import factories as f
from tests.college.enrollment.helpers import (
    TODAY,
    assert_counter,
    counts,
    learner,
    open_section,
    proxy_for,
)


@pytest.fixture
def admin(app):
    return f.account("13800000001", Role.ADMIN)


def refused(code, *args, **kwargs) -> EnrollmentError:
    with pytest.raises(EnrollmentError) as caught:
        enroll(*args, **kwargs)
    assert caught.value.code == code
    return caught.value


def test_enroll_takes_a_seat_then_waitlists_when_full_and_says_where_in_line(admin):
    section = open_section(seats=2)
    rows = [enroll(learner(i), section, admin, today=TODAY) for i in range(4)]
    assert [r.status.value for r in rows] == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    assert [waitlist_position(r) for r in rows] == [None, None, 1, 2]
    assert counts(section) == (2, 2, 2)


def test_a_double_click_returns_the_same_row_and_takes_no_second_seat(admin):
    section = open_section(seats=3)
    le = learner(1)
    first = enroll(le, section, admin, today=TODAY)
    second = enroll(le, section, admin, today=TODAY)
    assert first.id == second.id and second.status.value == "enrolled"
    assert counts(section) == (1, 1, 0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 1


def test_withdraw_frees_the_seat_for_the_first_on_the_waitlist(admin):
    section = open_section(seats=1)
    a, b, c = (enroll(learner(i), section, admin, today=TODAY) for i in range(3))
    assert_counter(section)
    withdraw(a, admin)
    db.session.expire_all()
    assert (a.status.value, b.status.value, c.status.value) == ("withdrawn", "enrolled", "waitlisted")
    assert waitlist_position(c) == 1
    assert counts(section) == (1, 1, 1)
    withdraw(c, admin)                       # leaving the waitlist frees no seat
    assert counts(section) == (1, 1, 0)
    withdraw(c, admin)                       # twice: nothing more happens
    assert counts(section) == (1, 1, 0)


def learner_account(le, phone):
    acc = f.account(phone, Role.LEARNER, le.name)
    acc.learner_id = le.id
    db.session.flush()
    return acc


def test_a_seat_from_the_waitlist_is_announced_to_the_learner_and_proxy_until_acknowledged(admin):
    section = open_section(seats=1)
    a, b, c = learner(1), learner(2), learner(3)
    first = enroll(a, section, admin, today=TODAY)
    second = enroll(b, section, admin, today=TODAY)
    enroll(c, section, admin, today=TODAY)
    own_a, own_b, own_c = (learner_account(le, f"1370000000{i}") for i, le in enumerate((a, b, c)))
    family = proxy_for(b, phone="13600000009")
    assert first.promoted_at is None                  # a seat had at once is no news
    assert unseen_promotions(own_a) == [] and unseen_promotions(own_b) == []

    withdraw(first, admin)                            # the seat goes to b, first in line
    db.session.expire_all()
    assert second.status.value == "enrolled" and second.promoted_at is not None
    assert [e.id for e in unseen_promotions(own_b)] == [second.id]
    assert [e.id for e in unseen_promotions(family)] == [second.id]
    assert unseen_promotions(own_c) == [] and unseen_promotions(own_a) == []

    with pytest.raises(EnrollmentError) as caught:    # c's account may not answer for b
        acknowledge_promotion(second, own_c)
    assert caught.value.code == "not_allowed"
    acknowledge_promotion(second, family)             # the family member read it out: done for both
    assert unseen_promotions(own_b) == [] and unseen_promotions(family) == []
    seen = second.promotion_seen_at
    acknowledge_promotion(second, own_b)              # twice: nothing changes
    assert second.promotion_seen_at == seen


def test_a_seat_from_the_waitlist_of_a_term_that_has_ended_is_old_news(admin):
    section = open_section(seats=1)
    first = enroll(learner(1), section, admin, today=TODAY)
    second = enroll(learner(2), section, admin, today=TODAY)
    withdraw(first, admin)
    own = learner_account(second.learner, "13700000009")
    last_day = section.term.last_day
    assert [e.id for e in unseen_promotions(own, today=last_day)] == [second.id]
    assert unseen_promotions(own, today=date.fromordinal(last_day.toordinal() + 1)) == []


def test_more_seats_announce_each_promoted_learner_and_a_learner_who_leaves_and_returns_is_no_news(admin):
    section = open_section(seats=1)
    rows = [enroll(learner(i), section, admin, today=TODAY) for i in range(4)]
    catalog.update_section(section, {"seats": 3}, admin)
    db.session.expire_all()
    assert [r.promoted_at is not None for r in rows] == [False, True, True, False]
    withdraw(rows[1], admin)                          # leaves: the last on the list is promoted
    db.session.expire_all()
    assert rows[3].promoted_at is not None and rows[3].status.value == "enrolled"
    again = enroll(rows[1].learner, section, admin, today=TODAY)
    assert again.status.value == "waitlisted" and again.promoted_at is None


def test_a_withdrawn_learner_comes_back_at_the_end_of_the_line(admin):
    section = open_section(seats=1)
    first, second = learner(1), learner(2)
    row = enroll(first, section, admin, today=TODAY)
    enroll(second, section, admin, today=TODAY)
    withdraw(row, admin)                     # second moves up
    again = enroll(first, section, admin, today=TODAY)
    assert again.id == row.id and again.status.value == "waitlisted" and waitlist_position(again) == 1
    assert counts(section) == (1, 1, 1)


def test_a_section_that_is_not_open_refuses(admin):
    section = open_section()
    section.status = SectionStatus.DRAFT
    error = refused("not_open", learner(1), section, admin, today=TODAY)
    assert "C001" in str(error)


def test_outside_the_enrollment_window_refuses(admin):
    section = open_section()
    section.term.enrollment_opens, section.term.enrollment_closes = date(2027, 2, 1), date(2027, 2, 25)
    le = learner(1)
    refused("window", le, section, admin, today=date(2027, 1, 31))
    refused("window", le, section, admin, today=date(2027, 2, 26))
    assert enroll(le, section, admin, today=date(2027, 2, 25)).status.value == "enrolled"


def test_age_limits_count_at_the_first_day_of_the_term(admin):
    section = open_section()
    section.course.min_age, section.course.max_age = 60, 75
    # The term starts on 1 March 2027: born 2 March 1967 is still 59 then.
    refused("age", learner(1, born=date(1967, 3, 2)), section, admin, today=TODAY)
    refused("age", learner(2, born=date(1951, 2, 28)), section, admin, today=TODAY)   # 76
    refused("age", learner(3, born=None), section, admin, today=TODAY)
    assert enroll(learner(4, born=date(1967, 3, 1)), section, admin, today=TODAY).status.value == "enrolled"


def test_the_prerequisite_must_be_completed_in_an_earlier_term(admin):
    earlier = Term(name="2026年秋季学期", first_day=date(2026, 9, 1), last_day=date(2026, 12, 31))
    db.session.add(earlier)
    basics = f.course(code="K001", name="书法入门")
    advanced = f.course(basics.subject, code="K002", name="书法提高")
    advanced.prerequisite = basics
    old_section = open_section(code="OLD", term_=earlier, course_=basics)
    section = open_section(code="C002", course_=advanced)
    same_term_basics = open_section(code="C003", term_=section.term, course_=basics)
    le = learner(1)
    error = refused("prerequisite", le, section, admin, today=TODAY)
    assert "书法入门" in str(error)
    enroll(le, same_term_basics, admin, today=TODAY)          # the same term does not count
    refused("prerequisite", le, section, admin, today=TODAY)
    enroll(le, old_section, admin, today=TODAY)
    assert enroll(le, section, admin, today=TODAY).status.value == "enrolled"


def test_one_place_per_course_and_term(admin):
    section = open_section(code="C001")
    other = open_section(code="C002", term_=section.term, course_=section.course)
    le = learner(1)
    enroll(le, section, admin, today=TODAY)
    error = refused("same_course", le, other, admin, today=TODAY)
    assert "C001" in str(error)


def test_a_time_clash_in_the_published_timetable_names_the_other_class(admin):
    from tests.college.timetable.builders import published_small_term

    term, version = published_small_term()
    c001 = next(s for s in term.sections if s.code == "C001")    # mon:am1 and wed:am1
    c002 = next(s for s in term.sections if s.code == "C002")    # tue:am1, thu:am1
    for s in (c001, c002):
        s.status = SectionStatus.OPEN
    clashing = open_section(code="C009", term_=term, course_=f.course(c002.course.subject, code="K009", name="器乐"))
    room = db.session.scalar(sa.select(Room).where(Room.name == "小教室"))
    db.session.add(MeetingAssignment(version=version, section=clashing, meeting=0, slot="wed:am1", room=room))
    admin = db.session.merge(admin)
    le = learner(1)
    enroll(le, c001, admin, today=TODAY)
    assert enroll(le, c002, admin, today=TODAY).status.value == "enrolled"
    error = refused("clash", le, clashing, admin, today=TODAY)
    assert "C001" in str(error)


def test_who_may_act_for_a_learner(app):
    le, other = learner(1), learner(2)
    own = f.account(le.phone, Role.LEARNER, le.name)
    own.learner_id = le.id
    proxy = proxy_for(le)
    admin = f.account("13800000001", Role.ADMIN)
    coordinator = f.account("13800000002", Role.COORDINATOR)
    assert can_act_for(own, le) and not can_act_for(own, other)
    assert can_act_for(proxy, le) and not can_act_for(proxy, other)
    assert can_act_for(admin, other) and not can_act_for(coordinator, le)
    section = open_section()
    row = enroll(le, section, proxy, today=TODAY)
    assert row.created_by_id == proxy.id
    refused("not_allowed", other, section, proxy, today=TODAY)


def test_every_change_is_in_the_audit_log(admin):
    section = open_section(seats=1)
    a = enroll(learner(1), section, admin, today=TODAY)
    b = enroll(learner(2), section, admin, today=TODAY)
    withdraw(a, admin)
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "enrollment")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.record_id, e.changes["status"]) for e in entries] == [
        (a.id, [None, "enrolled"]), (b.id, [None, "waitlisted"]),
        (b.id, ["waitlisted", "enrolled"]), (a.id, ["enrolled", "withdrawn"])]
    assert all(e.account_id == admin.id for e in entries)


def test_seats_cannot_go_below_the_learners_enrolled(admin):
    section = open_section(seats=3)
    for i in range(3):
        enroll(learner(i), section, admin, today=TODAY)
    with pytest.raises(RecordError) as caught:
        catalog.update_section(section, {"seats": 2}, admin)
    assert caught.value.field == "seats" and "3" in str(caught.value)
    catalog.update_section(section, {"seats": 4}, admin)
    assert section.seats == 4


def test_a_section_or_learner_with_enrollments_cannot_be_deleted(admin):
    section = open_section()
    le = learner(1)
    row = enroll(le, section, admin, today=TODAY)
    withdraw(row, admin)                      # even a withdrawn row is history that stays
    with pytest.raises(RecordError, match="C001"):
        catalog.delete_section(section, admin)
    with pytest.raises(RecordError, match=le.name):
        people.delete_learner(le, admin)
    assert counts(section) == (0, 0, 0)


def test_the_terms_cap_on_classes_per_learner_counts_seats_waitlists_and_requests(app):
    from college.models import EnrollmentStatus

    first = open_section(seats=1, code="C001")
    term = first.term
    term.max_classes_per_learner = 2
    subject = first.course.subject
    second = open_section(seats=5, code="C002", term_=term, course_=f.course(subject, code="K002", name="山水画"))
    third = open_section(seats=5, code="C003", term_=term, course_=f.course(subject, code="K003", name="篆刻"))
    admin = f.account()
    enroll(learner(9), first, admin, today=TODAY)                 # C001 is full now
    le = learner(1)
    waiting = enroll(le, first, admin, today=TODAY)
    assert waiting.status == EnrollmentStatus.WAITLISTED
    enroll(le, second, admin, today=TODAY)
    with pytest.raises(EnrollmentError) as refused:
        enroll(le, third, admin, today=TODAY)
    assert refused.value.code == "limit"
    assert str(refused.value.message) == "学员01 本学期已有 2 个班，已是每人最多的班数：要报这个班，请先退出一个。"
    withdraw(waiting, admin)
    assert enroll(le, third, admin, today=TODAY).status == EnrollmentStatus.ENROLLED
    with pytest.raises(RecordError) as bad:
        catalog.update_term(term, {"max_classes_per_learner": 0}, admin)
    assert bad.value.field == "max_classes_per_learner"
