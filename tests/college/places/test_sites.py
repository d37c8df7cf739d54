"""Sites: the form (opening times grid included), its rules, deleting, and the coordinator's limits."""

import sqlalchemy as sa

from college.extensions import db
from college.models import Role, Site, SiteClosure
from tests.college import factories as f


def _site_form(area, **changes) -> dict:
    data = {"code": "S09", "name": "紫云社区银发先锋之家", "area_id": area, "address": "紫云路 1 号",
            "latitude": "25.49", "longitude": "103.80", "contact_phone": "0874-1234567"}
    data.update(changes)
    return data


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Site))


def test_admin_creates_a_site_with_opening_times_and_sees_it_listed(client):
    admin = f.account()
    area = f.area("紫云社区")
    f.term()  # its periods am1 and pm2 are the grid's columns
    db.session.commit()
    f.login(client, admin)
    form = client.get("/admin/sites/new").get_data(as_text=True)
    assert "什么都不勾" in form and 'value="sat:pm2"' in form
    response = client.post("/admin/sites/new", data=_site_form(
        area.id, child_safe="y", open_slots=["mon:am1", "sat:pm2"]))
    assert response.status_code == 302
    site = db.session.scalar(sa.select(Site).where(Site.code == "S09"))
    assert site.open_slots == ["mon:am1", "sat:pm2"] and site.child_safe and not site.step_free
    assert site.latitude == 25.49
    assert "紫云社区银发先锋之家" in client.get("/admin/sites/").get_data(as_text=True)


def test_no_opening_time_ticked_is_stored_as_always_open(client):
    admin = f.account()
    s = f.site("S01", "甲之家", open_slots=["mon:am1"])
    db.session.commit()
    f.login(client, admin)
    edit = client.get(f"/admin/sites/{s.id}/edit").get_data(as_text=True)
    assert 'value="mon:am1" checked' in edit
    assert client.post(f"/admin/sites/{s.id}/edit", data=_site_form(s.area_id, code="S01", name="甲之家")).status_code == 302
    db.session.expire_all()
    assert db.session.get(Site, s.id).open_slots is None
    assert "始终开放" in client.get("/admin/sites/").get_data(as_text=True)


def test_site_rules_refuse_bad_data_next_to_the_field_and_write_nothing(client):
    admin = f.account()
    taken = f.site("S01", "甲之家")
    db.session.commit()
    f.login(client, admin)
    before = _count()
    cases = [
        ({"latitude": "95"}, "latitude"),
        ({"longitude": "-200"}, "longitude"),
        ({"latitude": "north"}, "latitude"),
        ({"code": "S01"}, "code"),
        ({"code": "S 1!"}, "code"),
        ({"name": "甲之家", "area_id": taken.area_id}, "name"),
        ({"name": ""}, "name"),
        ({"area_id": "999999"}, "area_id"),
        ({"contact_phone": "call me"}, "contact_phone"),
        ({"open_slots": ["someday:am1"]}, "open_slots"),
    ]
    for change, field in cases:
        response = client.post("/admin/sites/new", data=_site_form(taken.area_id, **change))
        assert response.status_code == 422, change
        assert f'id="{field}-err"' in response.get_data(as_text=True), change
    assert _count() == before


def test_the_same_name_is_allowed_in_another_area(client):
    admin = f.account()
    taken = f.site("S01", "甲之家")
    other = f.area("建宁街道")
    db.session.commit()
    f.login(client, admin)
    assert client.post("/admin/sites/new", data=_site_form(other.id, name="甲之家")).status_code == 302
    assert taken.id


def test_site_with_rooms_is_not_deleted_and_one_without_goes_with_its_closures(client):
    from datetime import date

    admin = f.account()
    busy, idle = f.site("S01", "甲之家"), f.site("S02", "乙之家")
    f.room(busy, "一号教室")
    db.session.add(SiteClosure(site=idle, first_day=date(2027, 4, 1), last_day=date(2027, 4, 2)))
    db.session.commit()
    busy_id, idle_id = busy.id, idle.id
    f.login(client, admin)
    refused = client.post(f"/admin/sites/{busy_id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "不能删除" in refused and "教室" in refused
    assert client.post(f"/admin/sites/{idle_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Site, busy_id) is not None and db.session.get(Site, idle_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SiteClosure)) == 0


def test_site_used_by_a_section_is_not_deleted(client):
    admin = f.account()
    s = f.site("S01", "甲之家")
    f.section(sites=[s])
    db.session.commit()
    f.login(client, admin)
    refused = client.post(f"/admin/sites/{s.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "教学班" in refused
    assert db.session.get(Site, s.id) is not None


def test_coordinator_sees_and_edits_own_sites_only_and_cannot_add_or_delete(client):
    own, other = f.site("S01", "甲之家"), f.site("S02", "乙之家")
    coordinator = f.account("13900000002", Role.COORDINATOR, "站长", sites=[own])
    db.session.commit()
    f.login(client, coordinator)
    listing = client.get("/admin/sites/").get_data(as_text=True)
    assert "甲之家" in listing and "乙之家" not in listing
    assert client.get(f"/admin/sites/{own.id}/edit").status_code == 200
    saved = client.post(f"/admin/sites/{own.id}/edit", data=_site_form(own.area_id, code="S01", name="甲之家新址"))
    assert saved.status_code == 302
    assert client.get(f"/admin/sites/{other.id}/edit").status_code == 403
    assert client.post(f"/admin/sites/{other.id}/edit", data=_site_form(other.area_id, code="S02")).status_code == 403
    assert client.get("/admin/sites/new").status_code == 403
    assert client.post("/admin/sites/new", data=_site_form(own.area_id)).status_code == 403
    assert client.post(f"/admin/sites/{own.id}/delete").status_code == 403
    db.session.expire_all()
    assert db.session.get(Site, own.id).name == "甲之家新址"
    assert db.session.get(Site, other.id).code == "S02"
    assert _count() == 2


def test_coordinator_is_not_offered_add_or_delete_buttons_for_sites(client):
    own = f.site("S01", "甲")
    coordinator = f.account("13900000002", Role.COORDINATOR, "站长", sites=[own])
    db.session.commit()
    f.login(client, coordinator)
    html = client.get("/admin/sites/").get_data(as_text=True)
    assert "甲" in html
    assert "/admin/sites/new" not in html and f"/admin/sites/{own.id}/delete" not in html
    assert f"/admin/sites/{own.id}/edit" in html
    rooms = client.get("/admin/rooms/").get_data(as_text=True)
    assert "/admin/rooms/new" in rooms
