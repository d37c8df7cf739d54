"""Site closures: ordered dates, and coordinators limited to their own sites."""

from datetime import date

import sqlalchemy as sa

from college.extensions import db
from college.models import Role, SiteClosure
from tests.college import factories as f


def _closure(site, first=date(2027, 4, 1), last=date(2027, 4, 3), reason="装修") -> SiteClosure:
    c = SiteClosure(site=site, first_day=first, last_day=last, reason=reason)
    db.session.add(c)
    db.session.flush()
    return c


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SiteClosure))


def test_admin_creates_edits_and_deletes_a_closure(client):
    admin = f.account()
    s = f.site("S01", "甲之家")
    db.session.commit()
    f.login(client, admin)
    assert client.post("/admin/closures/new", data={
        "site_id": s.id, "first_day": "2027-04-01", "last_day": "2027-04-03", "reason": "装修"}).status_code == 302
    closure = db.session.scalar(sa.select(SiteClosure))
    assert (closure.first_day, closure.last_day, closure.reason) == (date(2027, 4, 1), date(2027, 4, 3), "装修")
    listing = client.get("/admin/closures/").get_data(as_text=True)
    assert "2027年4月1日 周四" in listing and "甲之家" in listing
    assert client.post(f"/admin/closures/{closure.id}/edit", data={
        "site_id": s.id, "first_day": "2027-04-01", "last_day": "2027-04-05", "reason": "装修"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(SiteClosure, closure.id).last_day == date(2027, 4, 5)
    assert client.post(f"/admin/closures/{closure.id}/delete").status_code == 302
    assert _count() == 0


def test_closure_dates_must_be_given_and_ordered(client):
    admin = f.account()
    s = f.site("S01", "甲之家")
    db.session.commit()
    f.login(client, admin)
    for data, field in (
        ({"first_day": "2027-04-05", "last_day": "2027-04-01"}, "last_day"),
        ({"first_day": "", "last_day": "2027-04-01"}, "first_day"),
        ({"first_day": "2027-02-30", "last_day": "2027-04-01"}, "first_day"),
    ):
        response = client.post("/admin/closures/new", data={"site_id": s.id, "reason": "", **data})
        assert response.status_code == 422, data
        assert f'id="{field}-err"' in response.get_data(as_text=True), data
    assert _count() == 0


def test_coordinator_manages_closures_of_own_sites_only(client):
    own, other = f.site("S01", "甲之家"), f.site("S02", "乙之家")
    own_closure, other_closure = _closure(own, reason="甲装修"), _closure(other, reason="乙活动")
    coordinator = f.account("13900000002", Role.COORDINATOR, "站长", sites=[own])
    db.session.commit()
    f.login(client, coordinator)
    listing = client.get("/admin/closures/").get_data(as_text=True)
    assert "甲装修" in listing and "乙活动" not in listing
    ok = client.post("/admin/closures/new", data={"site_id": own.id, "first_day": "2027-05-01", "last_day": "2027-05-01"})
    assert ok.status_code == 302
    assert client.post("/admin/closures/new", data={
        "site_id": other.id, "first_day": "2027-05-01", "last_day": "2027-05-01"}).status_code in (403, 422)
    assert client.get(f"/admin/closures/{other_closure.id}/edit").status_code == 403
    assert client.post(f"/admin/closures/{other_closure.id}/delete").status_code == 403
    moved = client.post(f"/admin/closures/{own_closure.id}/edit", data={
        "site_id": other.id, "first_day": "2027-04-01", "last_day": "2027-04-03"})
    assert moved.status_code in (403, 422)
    db.session.expire_all()
    assert db.session.get(SiteClosure, own_closure.id).site_id == own.id
    assert db.session.get(SiteClosure, other_closure.id) is not None
    assert _count() == 3
