"""Raising a section's seats gives the new seats to its waitlist, oldest first, in the same change."""

import sqlalchemy as sa

from college.catalog import operations as catalog
from college.enrollment.operations import enroll, waitlist_position, withdraw
from college.extensions import db
from college.models import AuditEntry, Enrollment, EnrollmentStatus, Role, SectionStatus
from tests.college import factories as f
from tests.college.enrollment.helpers import TODAY, counts, learner, open_section

ENROLLED, WAITLISTED = EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED


def _status(row: Enrollment) -> EnrollmentStatus:
    db.session.refresh(row)
    return row.status


def _full_section_with_waitlist(admin, seats=2, waiting=3):
    section = open_section(seats=seats)
    seated = [enroll(learner(i), section, admin, today=TODAY) for i in range(seats)]
    queue = [enroll(learner(10 + i), section, admin, today=TODAY) for i in range(waiting)]
    assert [r.status for r in seated] == [ENROLLED] * seats and [r.status for r in queue] == [WAITLISTED] * waiting
    return section, seated, queue


def _form(section, **changes) -> dict:
    data = {"code": section.code, "term_id": section.term_id, "course_id": section.course_id,
            "seats": str(section.seats), "sites": [s.id for s in section.sites], "teacher_id": "",
            "children_group_id": "", "status": section.status.value, "min_days_apart": "1", "allowed_slots": []}
    data.update(changes)
    return data


def test_admin_raises_the_seats_and_the_first_in_line_get_them(client):
    admin = f.account("13800000001", Role.ADMIN)
    section, _seated, queue = _full_section_with_waitlist(admin)
    db.session.commit()
    f.login(client, admin)
    response = client.post(f"/admin/sections/{section.id}/edit", data=_form(section, seats="4"))
    assert response.status_code == 302
    db.session.expire_all()
    assert [_status(r) for r in queue] == [ENROLLED, ENROLLED, WAITLISTED]
    assert counts(section) == (4, 4, 1)
    assert waitlist_position(queue[2]) == 1
    # The class list (as a spreadsheet, Chinese by default): the promoted learners are enrolled now.
    lines = client.get(f"/admin/sections/{section.id}/enrollments.csv").get_data(as_text=True).splitlines()
    status_of = {line.split(",")[2]: line.split(",")[:2] for line in lines[1:]}
    assert status_of["学员10"][1] == status_of["学员11"][1] == "" and status_of["学员12"][1] == "1"
    assert status_of["学员10"][0] == status_of["学员00"][0] != status_of["学员12"][0]
    promoted = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.entity == "enrollment", AuditEntry.changes["promoted"].as_boolean().is_(True))
        .order_by(AuditEntry.id)).all()
    assert [(e.record_id, e.changes["status"], e.account_id) for e in promoted] == [
        (queue[0].id, ["waitlisted", "enrolled"], admin.id), (queue[1].id, ["waitlisted", "enrolled"], admin.id)]
    seats_entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.entity == "section", AuditEntry.action == "update"))
    assert seats_entry.changes["seats"] == [2, 4]


def test_the_oldest_waiting_go_first_and_more_seats_than_waiting_leaves_seats_free(app):
    admin = f.account("13800000001", Role.ADMIN)
    section, _seated, queue = _full_section_with_waitlist(admin)
    # The first in line leaves the list and comes back: now at its end.
    withdraw(queue[0], admin)
    enroll(queue[0].learner, section, admin, today=TODAY)
    assert waitlist_position(queue[0]) == 3
    catalog.update_section(section, {"seats": 3}, admin)
    assert [_status(r) for r in queue] == [WAITLISTED, ENROLLED, WAITLISTED]
    assert counts(section) == (3, 3, 2) and section.enrolled == 3
    catalog.update_section(section, {"seats": 10}, admin)
    assert [_status(r) for r in queue] == [ENROLLED, ENROLLED, ENROLLED]
    assert counts(section) == (5, 5, 0) and section.enrolled == 5


def test_a_withdrawn_learner_is_not_brought_back_and_lowering_promotes_no_one(app):
    admin = f.account("13800000001", Role.ADMIN)
    section, _seated, queue = _full_section_with_waitlist(admin, seats=2, waiting=2)
    withdraw(queue[0], admin)
    catalog.update_section(section, {"seats": 3}, admin)
    assert [_status(r) for r in queue] == [EnrollmentStatus.WITHDRAWN, ENROLLED]
    assert counts(section) == (3, 3, 0)
    catalog.update_section(section, {"code": "C009"}, admin)     # seats unchanged: nothing moves
    assert counts(section) == (3, 3, 0)


def test_a_cancelled_class_keeps_its_waitlist_waiting(app):
    admin = f.account("13800000001", Role.ADMIN)
    section, _seated, queue = _full_section_with_waitlist(admin, seats=2, waiting=2)
    catalog.update_section(section, {"seats": 5, "status": SectionStatus.CANCELLED}, admin)
    assert [_status(r) for r in queue] == [WAITLISTED, WAITLISTED]
    assert counts(section) == (2, 2, 2)
