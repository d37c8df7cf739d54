"""Whatever a form can send to the people and account pages, the answer is a page, never a 500."""

import pytest
import sqlalchemy as sa

from college.extensions import db
from college.models import Account, Learner, Role
from tests.college.people import quick as q

ODD = ["", "abc", "-1", "99999999999999999999", "２３", "x" * 300, "2090-13-45"]
FIELDS = {
    "/admin/teachers/new": ["code", "name", "kind", "phone", "email", "subjects", "available", "preferred",
                            "max_meetings", "max_sites_per_day"],
    "/admin/children-groups/new": ["code", "name", "organisation", "coordinator_phone", "size", "min_age",
                                   "max_age", "available", "sites"],
    "/admin/learners/new": ["name", "phone", "birth_date", "gender", "home_area_id", "emergency_phone",
                            "password"],
    "/admin/proxies/new": ["proxy_account_id", "learner_id", "relation", "consent_at", "consent_note"],
    "/admin/accounts/new": ["phone", "display_name", "role", "password", "learner_id", "teacher_id", "sites"],
}


@pytest.mark.parametrize("url", sorted(FIELDS))
def test_odd_values_in_every_field_give_a_form_with_a_message_not_a_crash(client, url):
    admin = q.account()
    q.account("13500000001", Role.PROXY, "代办人")
    db.session.add(Learner(name="孙大爷", phone="13600000001"))
    db.session.commit()
    q.login(client, admin)
    proxy_id = str(db.session.scalar(sa.select(Account.id).where(Account.role == Role.PROXY)))
    learner_id = str(db.session.scalar(sa.select(Learner.id)))
    valid = {
        "/admin/teachers/new": {"code": "T9", "name": "王", "kind": "volunteer", "available": ["mon:am1"]},
        "/admin/children-groups/new": {"code": "G9", "name": "四点半", "organisation": "社区", "size": "9"},
        "/admin/learners/new": {"name": "赵", "phone": "13600000009", "gender": "female"},
        "/admin/proxies/new": {"proxy_account_id": proxy_id, "learner_id": learner_id, "relation": "family",
                               "consent_at": "2026-01-01T09:00", "consent_note": "当面同意"},
        "/admin/accounts/new": {"phone": "13700000009", "display_name": "某", "role": "learner",
                                "active": "y", "password": "long-enough"},
    }[url]
    statuses = set()
    for field in FIELDS[url]:
        for value in ODD:
            response = client.post(url, data={**valid, field: value})
            statuses.add(response.status_code)
            assert response.status_code in (302, 422), (field, value, response.status_code)
    assert 422 in statuses
