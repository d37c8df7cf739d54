"""The import and export pages: who may use them, what they show, and that they never fail with 500."""

import io

import pytest
import sqlalchemy as sa

from college.extensions import db
from college.models import AuditEntry, Role, Room, Site
from tests.college import factories as f
from tests.college.bulk import world
from tests.college.bulk.helpers import audit_count, count, csv_bytes

KINDS = ["sites", "rooms", "teachers", "courses", "sections"]


def upload(client, kind: str, data: bytes, name: str = "file.csv", lang: str | None = None):
    url = f"/admin/{kind}/import" + (f"?lang={lang}" if lang else "")
    return client.post(url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


@pytest.fixture
def admin(client):
    account = f.account()
    db.session.commit()
    f.login(client, account)
    return account


def test_admin_imports_rooms_and_sees_the_summary_in_chinese_and_english(client, admin):
    f.site("S01")
    db.session.commit()
    page = client.get("/admin/rooms/import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    response = upload(client, "rooms", csv_bytes([["site", "name", "seats"], ["S01", "书画室", "24"]]))
    assert response.status_code == 200
    assert "新增 1 条，更新 0 条，未变 0 条" in response.get_data(as_text=True)
    response = upload(client, "rooms", csv_bytes([["site", "name", "seats"], ["S01", "书画室", "30"]]),
                      lang="en")
    assert "0 created, 1 updated, 0 unchanged" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Room.seats)) == 30
    assert count(AuditEntry) == 4   # create, import, update, import


def test_bad_rows_are_listed_by_line_and_column_and_nothing_is_saved(client, admin):
    f.site("S01")
    db.session.commit()
    before = audit_count()
    data = csv_bytes([["site", "name", "seats"], ["S01", "甲", "10"], ["S07", "乙", "10"],
                      ["S01", "丙", "很多"]])
    response = upload(client, "rooms", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "没有导入任何记录" in html
    assert '<td data-label="行">3</td>' in html and '<td data-label="列">site</td>' in html
    assert '<td data-label="行">4</td>' in html and '<td data-label="列">seats</td>' in html
    assert "S07" in html
    assert count(Room) == 0 and audit_count() == before


@pytest.mark.parametrize("data, name, words", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "photo.csv", "不是文本文件"),
    ('site,name,seats\nS01,"甲"x,1\n'.encode(), "rooms.csv", "第 2 行"),
    (b"PK\x03\x04rest-of-a-workbook", "rooms.xlsx", "Excel"),
    (b"", "empty.csv", "文件是空的"),
])
def test_a_file_that_is_not_a_csv_gets_a_message_next_to_the_field(client, admin, data, name, words):
    response = upload(client, "rooms", data, name)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="file-err"' in html and words in html


def test_no_file_chosen_is_asked_for(client, admin):
    response = client.post("/admin/rooms/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and 'id="file-err"' in response.get_data(as_text=True)


def test_a_file_too_large_is_refused_with_a_message(client, admin, monkeypatch):
    monkeypatch.setattr("college.bulk.routes.MAX_BYTES", 1000)
    monkeypatch.setattr("college.bulk.csvfiles.MAX_BYTES", 1000)
    data = csv_bytes([["site", "name", "seats"]] + [["S01", f"r{i}", "1"] for i in range(200)])
    response = upload(client, "rooms", data)
    assert response.status_code == 422 and "MB" in response.get_data(as_text=True)


def test_export_downloads_a_csv_with_bom_that_excel_opens(client, admin):
    world.build()
    db.session.commit()
    response = client.get("/admin/sites/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf" + b"code,name,area,address,latitude,longitude,child_safe,step_free")
    assert "S02,建设社区银发先锋之家,麒麟区 / 南宁街道 / 建设社区" in data.decode("utf-8-sig")
    assert upload(client, "sites", data).status_code == 200


def test_rooms_list_offers_import_and_export_to_admins(client, admin):
    html = client.get("/admin/rooms/").get_data(as_text=True)
    assert 'href="/admin/rooms/import"' in html and 'href="/admin/rooms/export.csv"' in html


@pytest.mark.parametrize("role", [Role.LEARNER, Role.PROXY, Role.TEACHER])
def test_other_roles_are_refused_everywhere(client, role):
    f.site("S01")
    account = f.account("13900000009", role, "某人")
    db.session.commit()
    f.login(client, account)
    for kind in KINDS:
        assert client.get(f"/admin/{kind}/import").status_code == 403
        assert client.get(f"/admin/{kind}/export.csv").status_code == 403
        assert upload(client, kind, csv_bytes([["site", "name", "seats"], ["S01", "甲", "1"]])).status_code == 403
    assert client.get("/admin/data/").status_code == 403
    assert count(Room) == 0


def test_logged_out_visitors_are_sent_to_the_login(client):
    assert client.get("/admin/rooms/export.csv").status_code in (302, 401)


def test_coordinator_moves_rooms_of_their_own_sites_only(client):
    own, other = f.site("S01", "甲点"), f.site("S07", "乙点")
    f.room(own, "甲一"), f.room(other, "乙一")
    coordinator = f.account("13900000002", Role.COORDINATOR, "站长", sites=[own])
    db.session.commit()
    f.login(client, coordinator)
    for kind in ("sites", "teachers", "courses", "sections"):
        assert client.get(f"/admin/{kind}/import").status_code == 403
        assert client.get(f"/admin/{kind}/export.csv").status_code == 403
    exported = client.get("/admin/rooms/export.csv").get_data().decode("utf-8-sig")
    assert "甲一" in exported and "乙一" not in exported
    list_page = client.get("/admin/rooms/").get_data(as_text=True)
    assert 'href="/admin/rooms/import"' in list_page
    assert 'href="/admin/sites/import"' not in client.get("/admin/sites/").get_data(as_text=True)

    before = audit_count()
    data = csv_bytes([["site", "name", "seats"], ["S01", "甲二", "10"], ["S01", "甲一", "15"],
                      ["S07", "乙二", "10"]])
    response = upload(client, "rooms", data, lang="en")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<td data-label="Line">4</td>' in html and "You do not coordinate site S07." in html
    assert count(Room) == 2 and audit_count() == before

    response = upload(client, "rooms", data.replace("S07,乙二".encode(), "S01,甲三".encode()))
    assert response.status_code == 200
    assert {r.name for r in db.session.scalars(sa.select(Room).where(Room.site_id == own.id))} == {
        "甲一", "甲二", "甲三"}
    assert db.session.scalar(sa.select(Site).where(Site.code == "S07")).rooms[0].name == "乙一"


def test_the_overview_lists_what_each_role_may_move(client, admin):
    html = client.get("/admin/data/").get_data(as_text=True)
    assert all(f"/admin/{kind}/import" in html for kind in KINDS)


def test_import_buttons_list_themselves_only_to_roles_that_may_use_them(app):
    from flask_login import login_user

    from college.bulk.actions import bulk_actions

    own = f.site("S01")
    coordinator = f.account("13900000002", Role.COORDINATOR, "站长", sites=[own])
    admin = f.account()
    db.session.commit()
    with app.test_request_context():
        login_user(coordinator)
        assert list(bulk_actions("sites")) == []
        assert [endpoint for _, endpoint in bulk_actions("rooms")] == ["bulk.import_rooms", "bulk.export_rooms"]
    with app.test_request_context():
        login_user(admin)
        assert [endpoint for _, endpoint in bulk_actions("sections")] == ["bulk.import_sections",
                                                                          "bulk.export_sections"]
