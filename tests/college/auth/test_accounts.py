"""Accounts: one per phone number, hashed passwords never shown or logged, admins cannot lock themselves out."""

import json

import sqlalchemy as sa

from college.auth import operations as ops
from college.extensions import db
from college.models import Account, AuditEntry, Learner, Role
from college.records import RecordError
from tests.college import factories as f
from tests.college.people import quick as q


def _form(**changes) -> dict:
    data = {"phone": "135 0000 0007", "display_name": "网格员小刘", "role": "proxy", "active": "y",
            "password": "long-enough-1"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Account))


def test_admin_creates_edits_resets_and_deletes_an_account(client):
    admin = q.account()
    db.session.commit()
    q.login(client, admin)
    response = client.post("/admin/accounts/new", data=_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    account = db.session.scalar(sa.select(Account).where(Account.display_name == "网格员小刘"))
    assert account.phone == "13500000007" and account.role == Role.PROXY
    assert account.check_password("long-enough-1")
    old_hash = account.password_hash

    edit_page = client.get(f"/admin/accounts/{account.id}/edit").get_data(as_text=True)
    assert old_hash not in edit_page and "long-enough-1" not in edit_page
    response = client.post(f"/admin/accounts/{account.id}/edit", data=_form(display_name="刘网格员", password=""))
    assert response.status_code == 302
    db.session.expire_all()
    account = db.session.get(Account, account.id)
    assert account.display_name == "刘网格员" and account.password_hash == old_hash

    response = client.post(f"/admin/accounts/{account.id}/edit", data=_form(password="brand-new-pass"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Account, account.id).check_password("brand-new-pass")
    log = json.dumps([e.changes for e in db.session.scalars(sa.select(AuditEntry))], ensure_ascii=False)
    assert "brand-new-pass" not in log and "long-enough-1" not in log and "scrypt" not in log
    assert "password" in log   # the reset itself is recorded

    assert "13500000007" in client.get("/admin/accounts/?q=1350000").get_data(as_text=True)
    assert client.post(f"/admin/accounts/{account.id}/delete").status_code == 302
    assert _count() == 1


def test_account_rules_are_refused_next_to_the_field(client):
    admin = q.account()
    site = f.site()
    teacher = f.teacher()
    db.session.commit()
    q.login(client, admin)
    cases = {
        "phone": _form(phone="13800000001"),            # the admin's own number: one account per phone
        "password": _form(password="short"),
        "sites": _form(role="coordinator"),
        "teacher_id": _form(teacher_id=str(teacher.id)),  # a proxy account is not a teacher's
        "learner_id": _form(role="learner", learner_id="999999"),
        "display_name": _form(display_name=""),
        "role": _form(role="emperor"),
    }
    for field, data in cases.items():
        response = client.post("/admin/accounts/new", data=data)
        assert response.status_code == 422, field
        assert f'id="{field}-err"' in response.get_data(as_text=True), field
    assert _count() == 1
    coordinator = _form(role="coordinator", sites=[str(site.id)], phone="13900000003")
    assert client.post("/admin/accounts/new", data=coordinator).status_code == 302
    assert db.session.scalar(sa.select(Account).where(Account.phone == "13900000003")).sites == [site]


def test_unique_phone_message_names_the_number(client):
    admin = q.account()
    q.account("13500000007", Role.LEARNER, "先来的")
    db.session.commit()
    q.login(client, admin)
    html = client.post("/admin/accounts/new", data=_form(phone="+86 135-0000-0007")).get_data(as_text=True)
    assert 'id="phone-err"' in html and "13500000007" in html
    assert _count() == 2


def test_an_administrator_cannot_demote_deactivate_or_delete_themselves(client):
    admin = q.account()
    db.session.commit()
    q.login(client, admin)
    own = {"phone": admin.phone, "display_name": admin.display_name, "role": "admin", "active": "y"}
    demote = client.post(f"/admin/accounts/{admin.id}/edit", data={**own, "role": "learner"})
    assert demote.status_code == 422 and 'id="role-err"' in demote.get_data(as_text=True)
    deactivate = client.post(f"/admin/accounts/{admin.id}/edit", data={k: v for k, v in own.items() if k != "active"})
    assert deactivate.status_code == 422 and 'id="active-err"' in deactivate.get_data(as_text=True)
    client.post(f"/admin/accounts/{admin.id}/delete")
    db.session.expire_all()
    still = db.session.get(Account, admin.id)
    assert still.role == Role.ADMIN and still.active


def test_operations_link_a_learner_account_and_refuse_a_second_one(app):
    learner = Learner(name="钱阿姨", phone="13600000002")
    db.session.add(learner)
    db.session.flush()
    first = ops.create_account({"phone": "13600000002", "display_name": "钱阿姨", "role": Role.LEARNER,
                                "learner_id": learner.id, "password": "elder-pass-1"}, None)
    assert first.learner == learner
    try:
        ops.create_account({"phone": "13600000003", "display_name": "钱阿姨", "role": Role.LEARNER,
                            "learner_id": learner.id, "password": "elder-pass-1"}, None)
    except RecordError as error:
        assert error.field == "learner_id"
    else:
        raise AssertionError("a second account for one learner was accepted")
    try:
        ops.set_password(first, "1234567", None)
    except RecordError as error:
        assert error.field == "password"
    else:
        raise AssertionError("a 7-character password was accepted")


def test_account_and_people_lists_render_in_both_languages(client):
    admin = q.account()
    db.session.commit()
    q.login(client, admin)
    pages = {"/admin/accounts/": ("账号", "Accounts"), "/admin/teachers/": ("教师", "Teachers"),
             "/admin/children-groups/": ("儿童小组", "Children groups"), "/admin/learners/": ("学员", "Learners"),
             "/admin/proxies/": ("代办人", "Proxies")}
    for url, (chinese, _english) in pages.items():
        html = client.get(url).get_data(as_text=True)
        assert f"<h1>{chinese}</h1>" in html, url
    client.get("/lang/en")
    for url, (_chinese, english) in pages.items():
        response = client.get(url)
        assert response.status_code == 200 and f"<h1>{english}</h1>" in response.get_data(as_text=True), url
        assert client.get(url.rstrip("/") + "/new").status_code == 200, url
