"""Areas: the district → subdistrict → community tree, through the administrator's pages."""

import sqlalchemy as sa

from college.extensions import db
from college.models import Area, AreaLevel
from tests.college import factories as f


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Area))


def test_admin_builds_the_tree_and_the_list_shows_each_path(client):
    admin = f.account()
    db.session.commit()
    f.login(client, admin)
    assert client.post("/admin/areas/new", data={"name": "麒麟区", "level": "district", "parent_id": ""}).status_code == 302
    district = db.session.scalar(sa.select(Area).where(Area.name == "麒麟区"))
    assert client.post("/admin/areas/new", data={
        "name": "南宁街道", "level": "subdistrict", "parent_id": district.id}).status_code == 302
    sub = db.session.scalar(sa.select(Area).where(Area.name == "南宁街道"))
    assert client.post("/admin/areas/new", data={
        "name": "紫云社区", "level": "community", "parent_id": sub.id}).status_code == 302
    listing = client.get("/admin/areas/").get_data(as_text=True)
    assert "麒麟区 / 南宁街道 / 紫云社区" in listing
    assert "社区" in listing and "街道" in listing


def test_parent_must_be_one_level_up_and_a_district_has_none(client):
    admin = f.account()
    district = f.area("麒麟区")
    sub = f.area("南宁街道", AreaLevel.SUBDISTRICT, district)
    db.session.commit()
    f.login(client, admin)
    before = _count()
    for data in ({"name": "甲", "level": "district", "parent_id": district.id},
                 {"name": "乙", "level": "community", "parent_id": district.id},
                 {"name": "丙", "level": "subdistrict", "parent_id": sub.id},
                 {"name": "丁", "level": "community", "parent_id": ""}):
        response = client.post("/admin/areas/new", data=data)
        assert response.status_code == 422, data
        assert 'id="parent_id-err"' in response.get_data(as_text=True)
    assert _count() == before


def test_duplicate_name_under_one_parent_is_refused_but_allowed_elsewhere(client):
    admin = f.account()
    district = f.area("麒麟区")
    a = f.area("南宁街道", AreaLevel.SUBDISTRICT, district)
    b = f.area("建宁街道", AreaLevel.SUBDISTRICT, district)
    f.area("紫云社区", AreaLevel.COMMUNITY, a)
    db.session.commit()
    f.login(client, admin)
    clash = client.post("/admin/areas/new", data={"name": "紫云社区", "level": "community", "parent_id": a.id})
    assert clash.status_code == 422
    html = clash.get_data(as_text=True)
    assert 'id="name-err"' in html and "紫云社区" in html
    twin = client.post("/admin/areas/new", data={"name": "麒麟区", "level": "district", "parent_id": ""})
    assert twin.status_code == 422
    assert client.post("/admin/areas/new", data={
        "name": "紫云社区", "level": "community", "parent_id": b.id}).status_code == 302


def test_area_with_sites_or_children_is_not_deleted_and_the_reason_is_shown(client):
    admin = f.account()
    district = f.area("麒麟区")
    sub = f.area("南宁街道", AreaLevel.SUBDISTRICT, district)
    f.site("S01", "南宁之家", area_=sub)
    empty = f.area("建宁街道", AreaLevel.SUBDISTRICT, district)
    db.session.commit()
    sub_id, empty_id = sub.id, empty.id
    f.login(client, admin)
    refused = client.post(f"/admin/areas/{sub.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "教学点" in refused
    refused = client.post(f"/admin/areas/{district.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "区域" in refused
    assert client.post(f"/admin/areas/{empty_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Area, sub_id) is not None and db.session.get(Area, empty_id) is None


def test_admin_renames_an_area_and_cannot_change_the_level_of_one_with_children(client):
    admin = f.account()
    district = f.area("麒麟区")
    sub = f.area("南宁街道", AreaLevel.SUBDISTRICT, district)
    f.area("紫云社区", AreaLevel.COMMUNITY, sub)
    db.session.commit()
    f.login(client, admin)
    assert client.get(f"/admin/areas/{sub.id}/edit").status_code == 200
    assert client.post(f"/admin/areas/{sub.id}/edit", data={
        "name": "南宁街道办", "level": "subdistrict", "parent_id": district.id}).status_code == 302
    moved = client.post(f"/admin/areas/{sub.id}/edit", data={"name": "南宁街道办", "level": "district", "parent_id": ""})
    assert moved.status_code == 422
    db.session.expire_all()
    assert db.session.get(Area, sub.id).name == "南宁街道办"
    assert db.session.get(Area, sub.id).level == AreaLevel.SUBDISTRICT
