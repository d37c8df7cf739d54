"""Who may open the places pages, and both languages."""

import pytest

from college.extensions import db
from college.models import Role
from tests.college import factories as f


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TEACHER, Role.PROXY])
def test_learners_teachers_and_proxies_are_refused_every_places_page(client, app, role):
    user = f.account("13700000003", role, "某人")
    db.session.commit()
    f.login(client, user)
    urls = list(f.blueprint_requests(app, "places"))
    assert len(urls) == 24          # 4 each: areas, sites, closures, rooms, room closures, travel times
    for method, url in urls:
        assert client.open(url, method=method).status_code == 403, url


def test_coordinator_is_refused_the_area_pages(client):
    s = f.site()
    coordinator = f.account("13900000002", Role.COORDINATOR, "站长", sites=[s])
    db.session.commit()
    f.login(client, coordinator)
    assert client.get("/admin/areas/").status_code == 403
    assert client.get(f"/admin/areas/{s.area_id}/edit").status_code == 403
    assert client.post("/admin/areas/new", data={"name": "新区", "level": "district"}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/admin/sites/").status_code == 302
    assert client.get("/admin/sites/new").status_code == 302


@pytest.mark.parametrize("page,zh,en", [
    ("areas", "区域", "Areas"), ("sites", "教学点", "Sites"),
    ("closures", "教学点停用日期", "Site closures"), ("rooms", "教室", "Rooms")])
def test_places_lists_in_both_languages(client, page, zh, en):
    admin = f.account()
    f.room(f.site())
    db.session.commit()
    f.login(client, admin)
    chinese = client.get(f"/admin/{page}/").get_data(as_text=True)
    assert f"<h1>{zh}</h1>" in chinese
    english = client.get(f"/admin/{page}/?lang=en").get_data(as_text=True)
    assert f"<h1>{en}</h1>" in english


def test_a_refusal_is_said_in_the_users_language(client):
    admin = f.account()
    area = f.area()
    db.session.commit()
    f.login(client, admin)
    data = {"code": "S01", "name": "甲之家", "area_id": area.id, "latitude": "95"}
    assert "必须在 -90 到 90 之间" in client.post("/admin/sites/new", data=data).get_data(as_text=True)
    assert "Must be between -90 and 90" in client.post("/admin/sites/new?lang=en", data=data).get_data(as_text=True)
