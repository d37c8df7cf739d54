"""Every change is logged; administrators read the log by record and by person."""

from college.extensions import db
from college.models import Role
from tests.college import factories as f


def test_audit_log_filters_by_record_and_by_person(client):
    admin = f.account()
    other_admin = f.account("13800000009", Role.ADMIN, "李主任")
    s = f.site()
    db.session.commit()
    f.login(client, admin)
    client.post("/admin/rooms/new", data={"site_id": s.id, "name": "舞蹈室", "seats": "40"})
    client.post("/logout")
    f.login(client, other_admin)
    client.post("/admin/rooms/new", data={"site_id": s.id, "name": "电脑室", "seats": "20"})
    from college.models import Room
    dance = db.session.scalar(db.select(Room).where(Room.name == "舞蹈室"))
    client.post(f"/admin/rooms/{dance.id}/edit", data={"site_id": s.id, "name": "舞蹈室", "seats": "45"})

    by_record = client.get(f"/admin/audit/?entity=room&record={dance.id}").get_data(as_text=True)
    assert "40 → 45" in by_record and "电脑室" not in by_record
    by_person = client.get(f"/admin/audit/?person={admin.phone}").get_data(as_text=True)
    assert "舞蹈室" in by_person and "电脑室" not in by_person


def test_audit_log_is_for_administrators_only(client):
    coordinator = f.account("13900000002", Role.COORDINATOR, "站长")
    db.session.commit()
    f.login(client, coordinator)
    assert client.get("/admin/audit/").status_code == 403


def test_both_languages_render(client):
    admin = f.account()
    db.session.commit()
    f.login(client, admin)
    chinese = client.get("/admin/rooms/").get_data(as_text=True)
    assert "总览" in chinese and "搜索" in chinese and 'lang="zh-CN"' in chinese
    english = client.get("/admin/rooms/?lang=en").get_data(as_text=True)
    assert "Overview" in english and "Search" in english and 'lang="en"' in english


def test_unknown_page_and_bad_ids_give_no_server_error(client):
    admin = f.account()
    db.session.commit()
    f.login(client, admin)
    assert client.get("/admin/rooms/999999/edit").status_code == 404
    assert client.get("/admin/rooms/?page=-3&q=%27%22%3B").status_code == 200
    assert client.get("/admin/rooms/?q=%00").status_code == 400
    assert client.post("/admin/rooms/new", data={"name": "a\x00b", "seats": "1"}).status_code == 400
