"""A children's group organiser (四点半课堂's coordinator) keeps their group up to date and sees when its
classes with the elders meet. In `published_small_term`, C003 老少同乐书法 meets on Fridays at 16:30 in 书画室
at S01 (child-safe) with the group G01 四点半课堂 of 鼓楼社区."""

import re

import pytest
from sqlalchemy import select

from college.auth import operations as account_ops
from college.extensions import db
from college.models import Account, AuditEntry, ChildrenGroup, Role
from college.records import RecordError
from tests.college import factories as f
from tests.college.calendar.helpers import site
from tests.college.people import quick as q
from tests.college.timetable.builders import published_small_term


def _group() -> ChildrenGroup:
    return db.session.scalars(select(ChildrenGroup).where(ChildrenGroup.code == "G01")).one()


def test_an_organiser_account_needs_its_group_and_only_an_organiser_has_one(app):
    published_small_term()
    admin = f.account()
    base = {"phone": "13500000001", "display_name": "刘老师（四点半课堂）", "password": "long-enough-1"}
    with pytest.raises(RecordError) as refused:
        account_ops.create_account({**base, "role": Role.GROUP}, admin)
    assert refused.value.field == "children_group_id"
    with pytest.raises(RecordError) as refused:
        account_ops.create_account({**base, "role": Role.LEARNER, "children_group_id": _group().id}, admin)
    assert refused.value.field == "children_group_id"
    organiser = account_ops.create_account({**base, "role": Role.GROUP, "children_group_id": _group().id}, admin)
    assert organiser.children_group.code == "G01"


def test_the_organiser_keeps_the_group_and_sees_its_classes_with_the_elders(app, client):
    published_small_term()
    near, far = site("S01"), site("S02")
    organiser = q.account("13500000001", Role.GROUP, "刘老师")
    organiser.children_group_id = _group().id
    db.session.commit()
    q.login(client, organiser)
    home = client.get("/").text
    assert "/my/group" in home
    page = client.get("/my/group").text
    assert "四点半课堂" in page and "老少同乐书法（C003）" in page and "16:30–18:00" in page
    boxes = re.findall(r'<input ([^>]*)name="sites" type="checkbox" value="(\d+)"', page)
    assert boxes == [("checked id=\"sites-0\" ", str(near.id))]              # S02 is not child-safe: not offered
    assert str(far.id) not in [value for _attrs, value in boxes]
    answer = client.post("/my/group", data={"size": "8", "available": ["fri:pm2", "sat:am1"],
                                            "sites": [str(near.id)], "coordinator_name": "刘老师",
                                            "coordinator_phone": "13500000001"})
    assert answer.status_code == 303
    db.session.expire_all()
    group = _group()
    assert (group.size, sorted(group.available), [s.code for s in group.sites]) == (8, ["fri:pm2", "sat:am1"], ["S01"])
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "children_group")).all()[-1]
    assert entry.account_id == organiser.id
    refused = client.post("/my/group", data={"size": "0", "sites": [str(near.id)]})
    assert refused.status_code == 422 and _group().size == 8


def test_the_organisers_home_page_starts_with_the_groups_next_class(app, client):
    published_small_term()          # spring 2027: its first Friday class is the next one
    organiser = q.account("13500000001", Role.GROUP, "刘老师")
    organiser.children_group_id = _group().id
    db.session.commit()
    q.login(client, organiser)
    home = client.get("/").text
    assert "您小组的下一次老少同乐课" in home and "2027年3月5日" in home and "老少同乐书法" in home


def test_only_an_organiser_with_a_group_has_the_page(app, client):
    published_small_term()
    learner = q.account("13900000009", Role.LEARNER, "学员")
    bare = q.account("13500000002", Role.GROUP, "新联络人")
    db.session.commit()
    q.login(client, learner)
    assert client.get("/my/group").status_code == 403
    q.login(client, bare)
    assert "还没有关联到少儿团体" in client.get("/my/group").text
    assert db.session.get(Account, bare.id).children_group_id is None
