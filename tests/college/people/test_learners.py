"""Learners: birth date rules, home community, and the learner's own account (one per phone)."""

from datetime import date

import sqlalchemy as sa

from college.extensions import db
from college.models import Account, AreaLevel, Learner, Role
from college.people import operations as ops
from college.records import RecordError
from tests.college import factories as f
from tests.college.people import quick as q


def _community():
    district = f.area("麒麟区")
    subdistrict = f.area("南宁街道", AreaLevel.SUBDISTRICT, district)
    return f.area("鼓楼社区", AreaLevel.COMMUNITY, subdistrict), subdistrict


def _form(**changes) -> dict:
    data = {"name": "赵秀英", "phone": "13600001234", "birth_date": "1956-04-12", "gender": "female",
            "emergency_name": "赵强", "emergency_phone": "13600005678"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _count(model=Learner) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_admin_creates_a_learner_with_a_login_account_then_edits_and_deletes(client):
    admin = q.account()
    community, _ = _community()
    db.session.commit()
    q.login(client, admin)
    response = client.post("/admin/learners/new", data=_form(
        home_area_id=str(community.id), create_account="y", password="elder-2027"))
    assert response.status_code == 302, response.get_data(as_text=True)
    learner = db.session.scalar(sa.select(Learner))
    assert learner.birth_date == date(1956, 4, 12) and learner.home_area == community
    account = db.session.scalar(sa.select(Account).where(Account.phone == "13600001234"))
    assert account.role == Role.LEARNER and account.learner_id == learner.id
    assert account.check_password("elder-2027") and "elder-2027" not in account.password_hash
    assert "赵秀英" in client.get("/admin/learners/?q=1360000").get_data(as_text=True)

    edit_page = client.get(f"/admin/learners/{learner.id}/edit").get_data(as_text=True)
    assert 'name="password"' not in edit_page
    response = client.post(f"/admin/learners/{learner.id}/edit", data=_form(name="赵秀兰"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Learner, learner.id).name == "赵秀兰"

    assert client.post(f"/admin/learners/{learner.id}/delete").status_code == 302
    assert _count() == 0 and _count(Account) == 1   # the learner's own account went with them


def test_learner_rules_are_refused_next_to_the_field(client):
    admin = q.account()
    _community_area, subdistrict = _community()
    db.session.commit()
    q.login(client, admin)
    cases = {
        "birth_date": _form(birth_date="2090-01-01"),
        "home_area_id": _form(home_area_id=str(subdistrict.id)),
        "phone": _form(phone=""),
        "name": _form(name=""),
        "emergency_phone": _form(emergency_phone="12"),
    }
    for field, data in cases.items():
        response = client.post("/admin/learners/new", data=data)
        assert response.status_code == 422, field
        assert f'id="{field}-err"' in response.get_data(as_text=True), field
    young = client.post("/admin/learners/new", data=_form(birth_date=f"{date.today().year - 30}-01-01"))
    assert young.status_code == 422 and "40" in young.get_data(as_text=True)
    garbage = client.post("/admin/learners/new", data=_form(birth_date="someday"))
    assert garbage.status_code == 422 and 'id="birth_date-err"' in garbage.get_data(as_text=True)
    short = client.post("/admin/learners/new", data=_form(create_account="y", password="short"))
    assert short.status_code == 422 and 'id="password-err"' in short.get_data(as_text=True)
    assert _count() == 0 and _count(Account) == 1


def test_a_second_account_for_one_phone_is_refused_with_a_clear_message(client):
    admin = q.account()
    q.account("13600001234", Role.LEARNER, "先来的")
    db.session.commit()
    q.login(client, admin)
    response = client.post("/admin/learners/new", data=_form(create_account="y", password="elder-2027"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="phone-err"' in html and "13600001234" in html
    assert _count() == 0


def test_create_learner_operation_refuses_people_under_forty(app):
    try:
        ops.create_learner({"name": "年轻人", "phone": "13600000000", "birth_date": date(2000, 1, 1)}, None)
    except RecordError as error:
        assert error.field == "birth_date"
    else:
        raise AssertionError("a 26-year-old was accepted")
    assert _count() == 0


def test_a_new_phone_number_moves_the_learners_login_and_a_taken_one_is_refused(client):
    admin = q.account()
    q.account("13600009999", Role.PROXY, "别人")
    db.session.commit()
    q.login(client, admin)
    client.post("/admin/learners/new", data=_form(create_account="y", password="elder-2027"))
    learner = db.session.scalar(sa.select(Learner))
    taken = client.post(f"/admin/learners/{learner.id}/edit", data=_form(phone="13600009999"))
    assert taken.status_code == 422 and 'id="phone-err"' in taken.get_data(as_text=True)
    moved = client.post(f"/admin/learners/{learner.id}/edit", data=_form(phone="13600004321", name="赵秀兰"))
    assert moved.status_code == 302
    db.session.expire_all()
    account = db.session.scalar(sa.select(Account).where(Account.learner_id == learner.id))
    assert account.phone == "13600004321" and account.display_name == "赵秀兰"
    assert client.post("/logout").status_code == 302
    assert client.post("/login", data={"phone": "13600004321", "password": "elder-2027"}).status_code == 302
