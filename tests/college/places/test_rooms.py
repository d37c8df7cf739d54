"""Rooms: the administrator's form, the database's rules, and the coordinator's limits."""

import sqlalchemy as sa

from college.extensions import db
from college.models import AuditEntry, Role, Room
from tests.college import factories as f


def test_admin_creates_room_and_sees_it_listed_with_audit_entry(client):
    admin = f.account()
    s = f.site()
    db.session.commit()
    f.login(client, admin)
    response = client.post("/admin/rooms/new", data={
        "site_id": s.id, "name": "书画室", "seats": "24", "features": ["desks", "step_free"]})
    assert response.status_code == 302
    listing = client.get("/admin/rooms/").get_data(as_text=True)
    assert "书画室" in listing
    room = db.session.scalar(sa.select(Room).where(Room.name == "书画室"))
    assert room.features == ["desks", "step_free"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.entity == "room"))
    assert entry.action == "create" and entry.account_id == admin.id and entry.record_id == room.id


def test_room_form_refuses_zero_seats_next_to_the_field(client):
    admin = f.account()
    s = f.site()
    db.session.commit()
    f.login(client, admin)
    response = client.post("/admin/rooms/new", data={"site_id": s.id, "name": "A", "seats": "0"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="seats-err"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Room)) == 0


def test_duplicate_room_name_in_one_site_is_refused_with_a_reason(client):
    admin = f.account()
    s = f.site()
    f.room(s, name="一号教室")
    db.session.commit()
    f.login(client, admin)
    response = client.post("/admin/rooms/new", data={"site_id": s.id, "name": "一号教室", "seats": "10"})
    assert response.status_code == 422
    assert 'id="name-err"' in response.get_data(as_text=True)


def test_coordinator_edits_own_site_rooms_only(client):
    own, other = f.site("S01", "甲"), f.site("S02", "乙")
    own_room, other_room = f.room(own, "甲一"), f.room(other, "乙一")
    coordinator = f.account("13900000002", Role.COORDINATOR, "站长", sites=[own])
    db.session.commit()
    f.login(client, coordinator)
    listing = client.get("/admin/rooms/").get_data(as_text=True)
    assert "甲一" in listing and "乙一" not in listing
    assert client.get(f"/admin/rooms/{own_room.id}/edit").status_code == 200
    assert client.get(f"/admin/rooms/{other_room.id}/edit").status_code == 403
    assert client.post(f"/admin/rooms/{other_room.id}/delete").status_code == 403
    moved = client.post(f"/admin/rooms/{own_room.id}/edit", data={"site_id": other.id, "name": "甲一", "seats": "5"})
    assert moved.status_code in (403, 422)
    db.session.expire_all()
    assert db.session.get(Room, own_room.id).site_id == own.id


def test_learner_is_refused_admin_pages(client):
    learner = f.account("13700000003", Role.LEARNER, "学员")
    db.session.commit()
    f.login(client, learner)
    assert client.get("/admin/rooms/").status_code == 403
    assert client.get("/admin/").status_code == 403
