"""The places operations as imports and the demo loader call them: plain values, no request."""

from datetime import date

import pytest
import sqlalchemy as sa

from college.extensions import db
from college.models import AuditEntry, Site
from college.places import operations as ops
from college.records import RecordError
from tests.college import factories as f


def _refused(operation, *args) -> str:
    with pytest.raises(RecordError) as caught:
        operation(*args)
    return caught.value.field


def test_operations_build_a_district_and_write_the_audit_log(app):
    admin = f.account()
    district = ops.create_area({"name": "麒麟区", "level": "district", "parent_id": None}, admin)
    sub = ops.create_area({"name": "南宁街道", "level": "subdistrict", "parent_id": district.id}, admin)
    site = ops.create_site({"code": "S01", "name": " 南宁之家 ", "area_id": sub.id, "latitude": "25.5",
                            "longitude": 103.8, "open_slots": []}, admin)
    assert (site.name, site.latitude, site.open_slots) == ("南宁之家", 25.5, None)
    room = ops.create_room({"site_id": site.id, "name": "一号教室", "seats": 30, "features": ["desks", "desks"]}, admin)
    assert room.features == ["desks"]
    ops.create_closure({"site_id": site.id, "first_day": date(2027, 4, 1), "last_day": date(2027, 4, 1)}, admin)
    ops.update_site(site, {"open_slots": ["mon:am1"]}, admin)
    assert site.open_slots == ["mon:am1"]
    entities = db.session.scalars(sa.select(AuditEntry.entity).order_by(AuditEntry.id)).all()
    assert entities == ["area", "area", "site", "room", "site_closure", "site"]


def test_operations_refuse_what_an_import_could_send_with_the_field_named(app):
    admin = f.account()
    s = f.site("S01", "甲之家")
    base = {"code": "S02", "name": "乙之家", "area_id": s.area_id}
    assert _refused(ops.create_site, {**base, "latitude": "north"}, admin) == "latitude"
    assert _refused(ops.create_site, {**base, "longitude": 181}, admin) == "longitude"
    assert _refused(ops.create_site, {**base, "code": "S01"}, admin) == "code"
    assert _refused(ops.create_site, {**base, "area_id": None}, admin) == "area_id"
    assert _refused(ops.create_site, {**base, "open_slots": ["mon-am1"]}, admin) == "open_slots"
    assert _refused(ops.create_room, {"site_id": s.id, "name": "A", "seats": "many"}, admin) == "seats"
    assert _refused(ops.create_room, {"site_id": s.id, "name": "A", "seats": 3, "features": ["Big Hall"]},
                    admin) == "features"
    assert _refused(ops.create_closure, {"site_id": s.id, "first_day": date(2027, 4, 2),
                                         "last_day": date(2027, 4, 1)}, admin) == "last_day"
    assert _refused(ops.create_area, {"name": "紫云社区", "level": "community", "parent_id": None}, admin) == "parent_id"
    assert _refused(ops.create_area, {"name": "x", "level": "village", "parent_id": None}, admin) == "level"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Site)) == 1
