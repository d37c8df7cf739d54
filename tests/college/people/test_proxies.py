"""Proxy links: a proxy account acting for a learner, only with the learner's recorded consent."""

import sqlalchemy as sa

from college.extensions import db
from college.models import Learner, ProxyLink, Role
from tests.college.people import quick as q


def _setup():
    admin = q.account()
    proxy = q.account("13500000001", Role.PROXY, "网格员小刘")
    learner = Learner(name="孙大爷", phone="13600000001")
    db.session.add(learner)
    db.session.commit()
    return admin, proxy, learner


def _form(proxy, learner, **changes) -> dict:
    data = {"proxy_account_id": str(proxy.id), "learner_id": str(learner.id), "relation": "grid_worker",
            "consent_at": "2026-09-01T10:30", "consent_note": "在社区办公室当面签字同意"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ProxyLink))


def test_admin_links_a_proxy_to_a_learner_edits_and_removes_it(client):
    admin, proxy, learner = _setup()
    q.login(client, admin)
    response = client.post("/admin/proxies/new", data=_form(proxy, learner))
    assert response.status_code == 302, response.get_data(as_text=True)
    link = db.session.scalar(sa.select(ProxyLink))
    assert link.consent_at.hour == 10 and link.consent_note.startswith("在社区")
    listing = client.get("/admin/proxies/?q=孙").get_data(as_text=True)
    assert "网格员小刘" in listing and "孙大爷" in listing
    response = client.post(f"/admin/proxies/{link.id}/edit", data=_form(proxy, learner, relation="family"))
    assert response.status_code == 302
    assert client.post(f"/admin/proxies/{link.id}/delete").status_code == 302
    assert _count() == 0


def test_consent_is_required_and_other_rules_refused_next_to_the_field(client):
    admin, proxy, learner = _setup()
    q.login(client, admin)
    cases = {
        "consent_at": _form(proxy, learner, consent_at=""),
        "consent_note": _form(proxy, learner, consent_note=""),
        "learner_id": _form(proxy, learner, learner_id="999999"),
        "proxy_account_id": _form(admin, learner),
    }
    for field, data in cases.items():
        response = client.post("/admin/proxies/new", data=data)
        assert response.status_code == 422, field
        assert f'id="{field}-err"' in response.get_data(as_text=True), field
    future = client.post("/admin/proxies/new", data=_form(proxy, learner, consent_at="2999-01-01T10:00"))
    assert future.status_code == 422 and 'id="consent_at-err"' in future.get_data(as_text=True)
    assert _count() == 0


def test_the_same_proxy_and_learner_pair_is_refused_twice(client):
    admin, proxy, learner = _setup()
    q.login(client, admin)
    assert client.post("/admin/proxies/new", data=_form(proxy, learner)).status_code == 302
    again = client.post("/admin/proxies/new", data=_form(proxy, learner, relation="family"))
    assert again.status_code == 422 and 'id="learner_id-err"' in again.get_data(as_text=True)
    assert _count() == 1


def test_the_learner_can_be_given_by_phone_unless_two_learners_share_it(client):
    admin, proxy, learner = _setup()
    q.login(client, admin)
    by_phone = client.post("/admin/proxies/new", data=_form(proxy, learner, learner_id="136 0000 0001"))
    assert by_phone.status_code == 302
    assert db.session.scalar(sa.select(ProxyLink.learner_id)) == learner.id
    db.session.add_all([Learner(name="老周", phone="13600000002"), Learner(name="周阿姨", phone="13600000002")])
    db.session.commit()
    shared = client.post("/admin/proxies/new", data=_form(proxy, learner, learner_id="13600000002"))
    html = shared.get_data(as_text=True)
    assert shared.status_code == 422 and 'id="learner_id-err"' in html and "学员编号" in html
    assert _count() == 1
