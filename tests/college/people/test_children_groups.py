"""Children groups: size, ordered ages 3-17, free slots, reachable sites; no child's personal data."""

import sqlalchemy as sa

from college.extensions import db
from college.models import ChildrenGroup
from tests.college import factories as f
from tests.college.people import quick as q


def _form(**changes) -> dict:
    data = {"code": "G01", "name": "四点半课堂", "organisation": "鼓楼社区", "coordinator_name": "张老师",
            "coordinator_phone": "13900002222", "size": "18", "min_age": "6", "max_age": "12",
            "available": ["mon:pm2", "sat:am1"]}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ChildrenGroup))


def test_admin_creates_edits_and_deletes_a_children_group(client):
    admin = q.account()
    site = f.site()
    db.session.commit()
    q.login(client, admin)
    new_page = client.get("/admin/children-groups/new").get_data(as_text=True)
    assert "不要" in new_page or "personal data" in new_page   # the no-personal-data hint
    response = client.post("/admin/children-groups/new", data=_form(sites=[str(site.id)]))
    assert response.status_code == 302, response.get_data(as_text=True)
    group = db.session.scalar(sa.select(ChildrenGroup))
    assert group.size == 18 and group.available == ["mon:pm2", "sat:am1"] and group.sites == [site]
    assert "四点半课堂" in client.get("/admin/children-groups/").get_data(as_text=True)
    assert client.post(f"/admin/children-groups/{group.id}/edit", data=_form(size="20")).status_code == 302
    db.session.expire_all()
    assert db.session.get(ChildrenGroup, group.id).size == 20
    assert client.post(f"/admin/children-groups/{group.id}/delete").status_code == 302
    assert _count() == 0


def test_children_group_rules_are_refused_next_to_the_field(client):
    admin = q.account()
    db.session.commit()
    q.login(client, admin)
    cases = {
        "size": _form(size="0"),
        "min_age": _form(min_age="2"),
        "max_age": _form(min_age="12", max_age="8"),
        "organisation": _form(organisation=""),
        "coordinator_phone": _form(coordinator_phone="abc"),
    }
    for field, data in cases.items():
        response = client.post("/admin/children-groups/new", data=data)
        assert response.status_code == 422, field
        assert f'id="{field}-err"' in response.get_data(as_text=True), field
    assert _count() == 0


def test_children_group_in_a_section_cannot_be_deleted(client):
    admin = q.account()
    group = ChildrenGroup(code="G01", name="四点半课堂", organisation="鼓楼社区", size=10)
    db.session.add(group)
    section = f.section(code="C077")
    section.children_group = group
    db.session.commit()
    q.login(client, admin)
    client.post(f"/admin/children-groups/{group.id}/delete")
    assert "C077" in client.get("/admin/children-groups/").get_data(as_text=True)
    assert _count() == 1
