"""Roster pages: administrators see and change them, coordinators may not, a teacher sees only their own class."""

from __future__ import annotations

from college.enrollment.operations import enroll
from college.extensions import db
from college.models import Account, Role, SectionStatus
from tests.college import factories as f
from tests.college.enrollment.helpers import TODAY, counts, learner


def test_admin_roster_enroll_by_phone_withdraw_and_csv(app, client):
    from tests.college.enrollment.helpers import open_section

    section = open_section(seats=1)
    admin = f.account()
    first, second = learner(1, name="张秀英"), learner(2, name="李建国")
    db.session.commit()
    f.login(client, admin)
    assert "张秀英" in client.post(f"/admin/sections/{section.id}/enrollments",
                                  data={"phone": first.phone}, follow_redirects=True).text
    page = client.post(f"/admin/sections/{section.id}/enrollments", data={"phone": second.phone},
                       follow_redirects=True).text
    assert "候补第 1 位" in page
    csv = client.get(f"/admin/sections/{section.id}/enrollments.csv")
    assert csv.data.startswith("\ufeff".encode()) and "张秀英" in csv.data.decode("utf-8-sig")
    row = db.session.scalar(db.select(db.Model.metadata.tables["enrollment"].c.id).limit(1))
    client.post(f"/admin/enrollments/{row}/withdraw")
    assert counts(section) == (1, 1, 0)
    assert client.post(f"/admin/sections/{section.id}/enrollments", data={"phone": "13000000000"}).status_code == 422


def test_coordinators_get_403(app, client):
    from tests.college.enrollment.helpers import open_section

    section = open_section()
    coordinator = f.account("13800000002", Role.COORDINATOR)
    db.session.commit()
    f.login(client, coordinator)
    assert client.get(f"/admin/sections/{section.id}/enrollments").status_code == 403


def test_a_teacher_sees_the_roster_of_their_own_classes_only(app, client):
    from tests.college.timetable.builders import published_small_term

    term, _version = published_small_term()
    sections = {s.code: s for s in term.sections}
    sections["C001"].status = SectionStatus.OPEN
    enroll(learner(1, name="张秀英"), sections["C001"], None, today=TODAY)
    wang = db.session.scalar(db.select(db.Model.metadata.tables["teacher"].c.id).where(
        db.Model.metadata.tables["teacher"].c.code == "T01"))
    acc = f.account("13800000003", Role.TEACHER, "王老师")
    acc.teacher_id = wang
    db.session.commit()
    f.login(client, db.session.get(Account, acc.id))
    assert f"/my/classes/{sections['C001'].id}/roster" in client.get("/my/timetable").text
    page = client.get(f"/my/classes/{sections['C001'].id}/roster")
    assert page.status_code == 200 and "张秀英" in page.text and "13900000001" in page.text
    assert client.get(f"/my/classes/{sections['C002'].id}/roster").status_code == 403
