"""Travel times set by hand between two sites: record pages with audit, the pair stored once in order, and the
timetable problem using them in place of the map estimate."""

import sqlalchemy as sa

from college.extensions import db
from college.models import Role, TravelOverride
from college.timetable.adapter import build_problem, travel_minutes
from tests.college import factories as f
from tests.college.timetable.builders import small_term


def _overrides() -> list[tuple[int, int, int, str]]:
    return [(o.site_a_id, o.site_b_id, o.minutes, o.note) for o in db.session.scalars(sa.select(TravelOverride))]


def _audit(action: str) -> list[str]:
    from college.models import AuditEntry

    return list(db.session.scalars(sa.select(AuditEntry.summary).where(
        AuditEntry.entity == "travel_override", AuditEntry.action == action)))


def test_admin_sets_changes_and_deletes_a_travel_time_with_audit(client):
    admin = f.account()
    first, second = f.site("S01", "甲之家"), f.site("S02", "乙之家")
    db.session.commit()
    f.login(client, admin)
    # given the later site first: stored as the ordered pair
    saved = client.post("/admin/travel/new", data={"site_a_id": second.id, "site_b_id": first.id, "minutes": "35",
                                                   "note": "公交绕路"})
    assert saved.status_code == 302
    assert _overrides() == [(first.id, second.id, 35, "公交绕路")]
    listing = client.get("/admin/travel/").text
    assert "S01 甲之家" in listing and "S02 乙之家" in listing and "35" in listing and "教学点之间的路上时间" in listing
    override = db.session.scalar(sa.select(TravelOverride))
    assert client.post(f"/admin/travel/{override.id}/edit", data={
        "site_a_id": first.id, "site_b_id": second.id, "minutes": "40", "note": ""}).status_code == 302
    db.session.expire_all()
    assert _overrides() == [(first.id, second.id, 40, "")]
    assert client.post(f"/admin/travel/{override.id}/delete").status_code == 302
    assert _overrides() == []
    assert _audit("create") == ["甲之家 ↔ 乙之家: 35"] and _audit("update") == ["甲之家 ↔ 乙之家: 40"]
    assert _audit("delete") == ["甲之家 ↔ 乙之家: 40"]


def test_a_pair_of_the_same_site_a_second_override_of_a_pair_and_bad_minutes_are_refused(client):
    admin = f.account()
    first, second = f.site("S01", "甲之家"), f.site("S02", "乙之家")
    db.session.add(TravelOverride(site_a_id=first.id, site_b_id=second.id, minutes=20))
    db.session.commit()
    f.login(client, admin)
    for data, field, message in (
        ({"site_a_id": first.id, "site_b_id": first.id, "minutes": "10"}, "site_b_id", "同一个教学点之间不需要路上时间"),
        ({"site_a_id": second.id, "site_b_id": first.id, "minutes": "10"}, "site_b_id", "已经设有路上时间（20 分钟）"),
        ({"site_a_id": first.id, "site_b_id": second.id, "minutes": "-5"}, "minutes", "0 到 600"),
        ({"site_a_id": first.id, "site_b_id": second.id, "minutes": "半小时"}, "minutes", "整数"),
        ({"site_a_id": first.id, "site_b_id": second.id, "minutes": ""}, "minutes", "请输入分钟数"),
    ):
        response = client.post("/admin/travel/new", data={"note": "", **data})
        assert response.status_code == 422, data
        assert f'id="{field}-err"' in response.text and message in response.text, (data, response.text[-3000:])
    assert _overrides() == [(first.id, second.id, 20, "")]


def test_only_administrators_set_travel_times(client):
    s = f.site()
    coordinator = f.account("13900000002", Role.COORDINATOR, "站长", sites=[s])
    db.session.commit()
    f.login(client, coordinator)
    assert client.get("/admin/travel/").status_code == 403
    assert client.get("/admin/travel/new").status_code == 403


def test_an_override_wins_over_the_map_both_ways_and_reaches_a_site_without_coordinates(app):
    term = small_term()
    near, far = sorted(term.sections[0].sites, key=lambda s: s.code)
    lost = f.site("S03", "无坐标之家")                      # no coordinates: unreachable by the map
    before = build_problem(term)["travel_minutes"]
    assert before["S01"]["S02"] == before["S02"]["S01"] == travel_minutes(near, far) != 7
    assert "S03" not in before and all("S03" not in row for row in before.values())

    db.session.add_all([TravelOverride(site_a_id=near.id, site_b_id=far.id, minutes=7),
                        TravelOverride(site_a_id=min(far.id, lost.id), site_b_id=max(far.id, lost.id), minutes=50)])
    db.session.flush()
    after = build_problem(term)["travel_minutes"]
    assert after["S01"]["S02"] == after["S02"]["S01"] == 7
    assert after["S02"]["S03"] == after["S03"]["S02"] == 50
    assert "S03" not in after["S01"] and after["S03"] == {"S02": 50}


def test_every_message_of_the_places_pages_is_translated_to_chinese(app):
    from babel.messages.extract import extract_from_file
    from flask_babel import force_locale, gettext

    from tests.college.translations import ROOT

    messages = {msg for name in ("forms.py", "operations.py", "routes.py")
                for _line, msg, _c, _x in extract_from_file("python", ROOT / "college/places" / name,
                                                            keywords={"_": None, "_l": None})}
    assert "Travel times between sites" in messages
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        assert sorted(m for m in messages if gettext(m) == m) == []
