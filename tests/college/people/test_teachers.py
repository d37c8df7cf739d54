"""Teachers: the form with its slot grid, the rules it enforces, and deletion refused while in use."""

import sqlalchemy as sa

from college.extensions import db
from college.models import AuditEntry, Role, Teacher, TeacherKind
from college.people import operations as ops
from college.records import RecordError
from tests.college import factories as f
from tests.college.people import quick as q


def _form(**changes) -> dict:
    data = {"code": "T100", "name": "李老师", "kind": "volunteer", "phone": "139-0000-1111",
            "email": "li@example.com", "available": ["mon:am1", "tue:pm2"], "preferred": ["mon:am1"],
            "max_meetings": "6", "max_sites_per_day": "2", "intergenerational": "y"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Teacher))


def test_admin_creates_edits_and_deletes_a_teacher_through_the_pages(client):
    admin = q.account()
    calligraphy = f.subject()
    f.term()
    db.session.commit()
    q.login(client, admin)
    form_page = client.get("/admin/teachers/new").get_data(as_text=True)
    assert 'value="tue:pm2"' in form_page and "16:30" in form_page   # the latest term's periods
    response = client.post("/admin/teachers/new", data=_form(subjects=[str(calligraphy.id)]))
    assert response.status_code == 302, response.get_data(as_text=True)
    teacher = db.session.scalar(sa.select(Teacher).where(Teacher.code == "T100"))
    assert teacher.kind == TeacherKind.VOLUNTEER and teacher.phone == "13900001111"
    assert teacher.available == ["mon:am1", "tue:pm2"] and teacher.preferred == ["mon:am1"]
    assert [s.code for s in teacher.subjects] == ["calligraphy"] and teacher.intergenerational
    assert "李老师" in client.get("/admin/teachers/?q=李").get_data(as_text=True)

    edit_page = client.get(f"/admin/teachers/{teacher.id}/edit").get_data(as_text=True)
    assert 'value="tue:pm2" checked' in edit_page
    response = client.post(f"/admin/teachers/{teacher.id}/edit", data=_form(name="李明老师", preferred=[]))
    assert response.status_code == 302
    db.session.expire_all()
    teacher = db.session.get(Teacher, teacher.id)
    assert teacher.name == "李明老师" and teacher.preferred == [] and teacher.subjects == []

    assert client.post(f"/admin/teachers/{teacher.id}/delete").status_code == 302
    assert _count() == 0
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.entity == "teacher"))
    assert sorted(actions) == ["create", "delete", "update"]


def test_teacher_grid_falls_back_to_four_default_periods_without_a_term(client):
    admin = q.account()
    db.session.commit()
    q.login(client, admin)
    html = client.get("/admin/teachers/new").get_data(as_text=True)
    assert all(f'value="sun:{code}"' in html for code in ("am1", "am2", "pm1", "pm2"))


def test_teacher_rules_are_refused_next_to_the_field_and_nothing_is_written(client):
    admin = q.account()
    f.teacher(code="T001")
    db.session.commit()
    q.login(client, admin)
    cases = {
        "code": _form(code="T001"),
        "preferred": _form(preferred=["wed:am1"]),
        "max_meetings": _form(max_meetings="-1"),
        "max_sites_per_day": _form(max_sites_per_day="0"),
        "email": _form(email="not an email"),
        "available": _form(available=["mon:xx9"]),
        "phone": _form(phone="call me"),
        "name": _form(name="  "),
    }
    for field, data in cases.items():
        response = client.post("/admin/teachers/new", data=data)
        assert response.status_code == 422, field
        assert f'id="{field}-err"' in response.get_data(as_text=True), field
    assert _count() == 1


def test_preferred_outside_available_is_explained_in_both_languages(client):
    admin = q.account()
    db.session.commit()
    q.login(client, admin)
    chinese = client.post("/admin/teachers/new", data=_form(preferred=["wed:am1"])).get_data(as_text=True)
    assert "希望的时段必须也是可上课时段" in chinese and "周三 am1" in chinese
    client.get("/lang/en")
    html = client.post("/admin/teachers/new", data=_form(preferred=["wed:am1"])).get_data(as_text=True)
    assert "Preferred slots must also be available" in html and "Wed am1" in html


def test_deleting_a_fixed_teacher_of_a_section_is_refused_with_the_reason(client):
    admin = q.account()
    teacher = f.teacher()
    section = f.section(code="C042")
    section.teacher = teacher
    db.session.commit()
    q.login(client, admin)
    client.post(f"/admin/teachers/{teacher.id}/delete")
    listing = client.get("/admin/teachers/").get_data(as_text=True)
    assert "C042" in listing and "王老师" in listing
    assert _count() == 1


def test_update_teacher_operation_checks_preferred_against_stored_availability(app):
    teacher = f.teacher()   # available: mon:am1
    try:
        ops.update_teacher(teacher, {"preferred": ["fri:am1"]}, None)
    except RecordError as error:
        assert error.field == "preferred"
    else:
        raise AssertionError("preferred outside availability was accepted")
    assert ops.update_teacher(teacher, {"preferred": ["mon:am1"]}, None).preferred == ["mon:am1"]


def test_editing_keeps_slots_in_periods_the_latest_term_does_not_have(client):
    admin = q.account()
    f.term()                                    # periods am1 and pm2
    teacher = f.teacher()
    teacher.available = ["mon:am1", "sat:eve"]
    db.session.commit()
    q.login(client, admin)
    html = client.get(f"/admin/teachers/{teacher.id}/edit").get_data(as_text=True)
    assert 'value="sat:eve" checked' in html and 'value="mon:pm2"' in html


def test_site_coordinators_are_refused_the_people_and_account_pages(client):
    site = f.site()
    coordinator = q.account("13900000002", Role.COORDINATOR, "站长", sites=[site])
    db.session.commit()
    q.login(client, coordinator)
    for name in ("teachers", "children-groups", "learners", "proxies", "accounts"):
        assert client.get(f"/admin/{name}/").status_code == 403, name
        assert client.post(f"/admin/{name}/new", data={}).status_code == 403, name
