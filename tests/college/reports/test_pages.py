"""The reports' pages as an administrator reads them, linked from the timetable's menu; staff who are not
administrators are refused."""

import re

import pytest

from college.extensions import db
from college.models import Role, Room, Teacher
from college.timetable.operations import publish_version
from tests.college import factories as f
from tests.college.people import quick as q
from tests.college.reports.world import hand_made


def _admin(client):
    admin = f.account()
    db.session.commit()
    q.login(client, admin)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_overview_shows_sites_by_day_loads_room_use_and_what_was_left_out(app, client):
    _admin(client)
    version, _p, _s = hand_made()
    db.session.commit()
    page = client.get(f"/admin/reports/terms/{version.term_id}/overview")
    assert page.status_code == 200
    text = _text(page.text)
    assert "已排 4 次课，1 次未能排入。" in text
    assert "S01 鼓楼社区银发先锋之家 1 1 2" in text and "合计 1 1 0 0 2 0 0 4" in text
    assert "S02 南宁街道银发先锋之家 全部教室 2 / 28 7%" in text
    assert "T01 王老师 3 / 6 2 / —" in text and "周五 (2 个教学点)" in text
    assert "C002 合唱 2 没有合适的教室" in text
    teacher = db.session.scalar(db.select(Teacher.id).where(Teacher.code == "T01"))
    assert f'/admin/timetable/terms/{version.term_id}/grid?version=1&amp;show=teacher:{teacher}' in page.text


def test_the_penalty_page_lists_each_term_with_its_meetings_and_links(app, client):
    _admin(client)
    version, _p, _s = hand_made()
    db.session.commit()
    page = client.get(f"/admin/reports/terms/{version.term_id}/penalty?version=1")
    assert page.status_code == 200
    text = _text(page.text)
    assert "下午和傍晚的课 3 1 3" in text and "教师一天内换教学点 1 5 5" in text
    assert "未能排入的课 1 1000 1000" in text and "合计 1032" in text
    assert "C002 合唱 · 第 1 次课" in text and "原来 周二 am1 · 南宁街道银发先锋之家 · 小教室 · 李老师" in text
    assert "现在 周二 pm2 · 南宁街道银发先锋之家 · 大教室 · 李老师" in text
    assert "没有合适的教室" in text and "一天 2 个教学点" in text
    room = db.session.scalar(db.select(Room.id).where(Room.name == "大教室"))
    assert f"show=room:{room}" in page.text and 'id="site_change"' in page.text


def test_the_export_page_offers_each_grid_as_csv_excel_and_print(app, client):
    _admin(client)
    version, _p, _s = hand_made()
    version.valid = True      # the hand-made week breaks no rule the page cares about; publishing needs the flag
    publish_version(version, None)
    db.session.commit()
    page = client.get(f"/admin/reports/terms/{version.term_id}/exports")
    assert "第 1 版 (已发布)" in page.text
    assert page.status_code == 200
    teacher = db.session.scalar(db.select(Teacher.id).where(Teacher.code == "T02"))
    for url in (f"/grids/teacher/{teacher}.csv", f"/grids/teacher/{teacher}.xlsx", "/grids/teacher.xlsx",
                "/print/teacher", f"/print/teacher?key={teacher}"):
        assert f"/admin/reports/versions/{version.id}{url}" in page.text, url
        assert client.get(f"/admin/reports/versions/{version.id}{url}").status_code == 200, url


def test_the_timetable_menu_links_to_the_reports(app, client):
    _admin(client)
    version, _p, _s = hand_made()
    db.session.commit()
    menu = client.get(f"/admin/timetable/terms/{version.term_id}/grid").text
    for url in ("overview", "penalty", "exports"):
        assert f"/admin/reports/terms/{version.term_id}/{url}" in menu


def test_a_term_without_a_timetable_says_so(app, client):
    _admin(client)
    term = f.term()
    db.session.commit()
    for url in ("overview", "penalty", "exports"):
        page = client.get(f"/admin/reports/terms/{term.id}/{url}")
        assert page.status_code == 200 and "这个学期还没有已完成的课表。" in page.text


def test_an_unfinished_version_has_no_exports(app, client):
    from college.models import JobState, TimetableVersion

    _admin(client)
    term = f.term()
    version = TimetableVersion(term=term, number=1, state=JobState.RUNNING, log="")
    db.session.add(version)
    db.session.commit()
    assert client.get(f"/admin/reports/versions/{version.id}/print/site").status_code == 404


@pytest.mark.parametrize("url", ["terms/{term}/overview", "terms/{term}/penalty", "terms/{term}/exports",
                                 "versions/{version}/print/site", "versions/{version}/grids/site.xlsx"])
def test_a_coordinator_may_not_read_the_reports(app, client, url):
    version, _p, _s = hand_made()
    coordinator = f.account("13900000002", Role.COORDINATOR, "协调员")
    db.session.commit()
    q.login(client, coordinator)
    assert client.get("/admin/reports/" + url.format(term=version.term_id, version=version.id)).status_code == 403
