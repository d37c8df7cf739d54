"""The administrators' timetable pages: build a timetable, follow it, publish it, read its week grids."""

import time

import pytest
from babel.messages.extract import extract_from_file
from flask_babel import force_locale, gettext

from college.extensions import db
from college.models import JobState, Role, TimetableVersion
from college.timetable import grids
from college.timetable.jobs import dispatch
from college.timetable.operations import request_solve
from scheduler.generate import generate
from tests.college import factories as f
from tests.college.people import quick as q
from tests.college.timetable.builders import small_term
from tests.college.translations import ROOT


def _admin(client):
    admin = f.account()
    db.session.commit()
    q.login(client, admin)
    return admin


def _progress(client, version_id: int) -> dict:
    response = client.get(f"/admin/timetable/versions/{version_id}/progress.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def _wait(client, version_id: int, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        p = _progress(client, version_id)
        if not p["active"]:
            return p
        assert time.monotonic() < deadline, p
        time.sleep(0.5)


def _only_version() -> TimetableVersion:
    db.session.expire_all()
    (version,) = db.session.scalars(db.select(TimetableVersion)).all()
    return version


def test_an_administrator_builds_follows_publishes_and_reads_the_timetable(app, client):
    _admin(client)
    term = small_term()
    db.session.commit()
    page = client.get(f"/admin/timetable/terms/{term.id}")
    assert page.status_code == 200
    assert "生成课表" in page.text and 'value="60"' in page.text and "还没有" in page.text

    started = client.post(f"/admin/timetable/terms/{term.id}", data={"time_limit": "10"})
    assert started.status_code == 302
    version = _only_version()
    assert started.headers["Location"] == f"/admin/timetable/versions/{version.id}"
    solve_page = client.get(started.headers["Location"])
    assert solve_page.status_code == 200 and "js/timetable.js" in solve_page.text

    done = _wait(client, version.id)
    assert done["state"] == "finished" and done["valid"] is True and done["may_publish"] is True
    assert done["objective"] is not None and done["elapsed"] is not None
    assert any("objective" in line for line in done["log"])

    finished_page = client.get(f"/admin/timetable/versions/{version.id}")
    assert "发布此课表" in finished_page.text and "5 / 0" in finished_page.text
    assert "取消这次排课" not in finished_page.text

    published = client.post(f"/admin/timetable/versions/{version.id}/publish", follow_redirects=True)
    assert published.status_code == 200 and "已发布" in published.text
    assert _only_version().published_at is not None
    assert _progress(client, version.id)["may_publish"] is False

    listing = client.get(f"/admin/timetable/terms/{term.id}")
    assert "第 1 版" in listing.text and "已发布" in listing.text and "5 / 0" in listing.text

    grid = client.get(f"/admin/timetable/terms/{term.id}/grid")
    assert grid.status_code == 200
    # default: the published version, the first site's week; C003 meets only at S01
    assert "C003 老少同乐书法" in grid.text and "书画室" in grid.text and "王老师" in grid.text
    teacher_li = db.session.scalar(db.select(f.Teacher.id).where(f.Teacher.code == "T02"))
    by_teacher = client.get(f"/admin/timetable/terms/{term.id}/grid?show=teacher:{teacher_li}")
    assert "C002 合唱" in by_teacher.text and "C003" not in by_teacher.text and "本周 2 次课" in by_teacher.text


def test_a_second_build_is_refused_on_the_page_with_the_reason(app, client):
    _admin(client)
    term = small_term()
    request_solve(term, None)
    db.session.commit()
    refused = client.post(f"/admin/timetable/terms/{term.id}", data={"time_limit": "10"})
    assert refused.status_code == 422
    assert "正在生成中（第 1 版）" in refused.text
    assert db.session.scalar(db.select(db.func.count()).select_from(TimetableVersion)) == 1


@pytest.mark.parametrize("value, message", [("0", "1 到 3600 秒"), ("", "请输入"), ("abc", "请输入"),
                                            ("999999", "1 到 3600 秒")])
def test_a_wrong_time_limit_is_said_next_to_the_field(app, client, value, message):
    _admin(client)
    term = small_term()
    db.session.commit()
    response = client.post(f"/admin/timetable/terms/{term.id}", data={"time_limit": value})
    assert response.status_code == 422 and message in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(TimetableVersion)) == 0


def test_cancelling_a_running_solve_through_the_page(app, client):
    _admin(client)
    term = small_term()
    version = request_solve(term, None, time_limit=60)
    version.problem = generate("medium", 1)       # the solver uses its whole time
    db.session.commit()
    future = dispatch(version)
    deadline = time.monotonic() + 30
    while _progress(client, version.id)["state"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.3)
    running = client.get(f"/admin/timetable/versions/{version.id}")
    assert "取消这次排课" in running.text and 'data-active="true"' in running.text and "刷新" in running.text
    cancelled = client.post(f"/admin/timetable/versions/{version.id}/cancel", follow_redirects=True)
    assert cancelled.status_code == 200 and "已取消" in cancelled.text
    assert future.result(timeout=30) == JobState.CANCELLED
    assert _progress(client, version.id)["state"] == "cancelled"
    again = client.post(f"/admin/timetable/versions/{version.id}/cancel", follow_redirects=True)
    assert "已经结束" in again.text


def test_a_version_without_a_timetable_cannot_be_published_from_the_page(app, client):
    _admin(client)
    version = request_solve(small_term(), None)
    db.session.commit()
    response = client.post(f"/admin/timetable/versions/{version.id}/publish", follow_redirects=True)
    assert response.status_code == 200 and "没有可发布的课表" in response.text
    assert _only_version().published_at is None


def test_the_pages_are_for_administrators_only(app, client):
    term = small_term()
    version = request_solve(term, None)
    site = db.session.scalar(db.select(f.Site))
    coordinator = q.account("13700000008", Role.COORDINATOR, "站点协调员")
    coordinator.sites = [site]
    db.session.commit()
    q.login(client, coordinator)
    for url in ("/admin/timetable/", f"/admin/timetable/terms/{term.id}", f"/admin/timetable/terms/{term.id}/grid",
                f"/admin/timetable/versions/{version.id}", f"/admin/timetable/versions/{version.id}/progress.json"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/timetable/versions/{version.id}/cancel").status_code == 403
    assert client.post(f"/admin/timetable/terms/{term.id}", data={"time_limit": "5"}).status_code == 403


def test_unknown_records_are_404_not_500(app, client):
    _admin(client)
    for url in ("/admin/timetable/terms/999/grid", "/admin/timetable/versions/999",
                "/admin/timetable/versions/999/progress.json"):
        assert client.get(url).status_code == 404
    term = small_term()
    db.session.commit()
    empty = client.get(f"/admin/timetable/terms/{term.id}/grid?version=x&show=nonsense:abc")
    assert empty.status_code == 200 and "还没有已完成的课表" in empty.text


def test_grids_unplaced_meetings_and_penalties_in_words(app):
    term = small_term()
    version = request_solve(term, None)
    version.state = JobState.FINISHED
    db.session.flush()
    from college.timetable.adapter import solution_to_version

    rooms = {r.name: r.id for r in db.session.scalars(db.select(f.Room))}
    solution_to_version(version, {
        "status": "feasible", "objective": 13, "bound": 3, "seconds": 1.0, "solver": "test",
        "penalties": {"time": 3, "site_change": 2, "room_change": 0},
        "assignments": [
            {"section": "C001", "meeting": 0, "slot": "mon:am1", "room": f"R{rooms['书画室']}", "teacher": "T01"},
            {"section": "C001", "meeting": 1, "slot": "wed:am1", "room": f"R{rooms['大教室']}", "teacher": "T01"},
            {"section": "C002", "meeting": 0, "slot": "tue:am1", "room": f"R{rooms['大教室']}", "teacher": "T02"}],
        "unassigned": [{"section": "C002", "meeting": 1, "reason": "no room with a piano is free"},
                       {"section": "C003", "meeting": 0, "reason": "the children are busy"}]})
    site_ids = dict(db.session.execute(db.select(f.Site.code, f.Site.id)).all())
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        near = grids.week_grid(version, "site", site_ids["S01"])
        assert near.count == 1 and [e.section for e in near.cells[("mon", "am1")]] == ["C001"]
        far = grids.week_grid(version, "site", site_ids["S02"])
        assert far.count == 2 and set(far.cells) == {("wed", "am1"), ("tue", "am1")}
        assert [label for label, _periods in far.day_rows()] == ["周二", "周三"]
        assert {k: [label for _i, label in v] for k, v in grids.choices_for(version).items()}["teacher"] == [
            "T01 王老师", "T02 李老师"]
        assert grids.unplaced(version) == [
            {"section": "C002", "course": "合唱", "meeting": 2, "reason": "no room with a piano is free"},
            {"section": "C003", "course": "老少同乐书法", "meeting": 1, "reason": "the children are busy"}]
        assert grids.placed_counts(version) == (3, 2)
        words = grids.penalty_sentences(version)
        assert words[0].startswith("3 次课排在") and "权重 1，计 3" in words[0]
        assert "权重 5，计 10" in words[1] and len(words) == 2       # room changes cost nothing: not said
        with pytest.raises(ValueError):
            grids.week_grid(version, "nonsense", 1)


FILES = ["college/timetable/routes.py", "college/timetable/forms.py", "college/timetable/grids.py",
         "college/timetable/editing.py", "college/timetable/diff.py", "college/timetable/repair.py"]
TEMPLATES = ["index.html", "_nav.html", "versions.html", "_summary.html", "solve.html", "grid.html",
             "meetings.html", "move.html", "repair.html", "diff.html"]


def test_every_sentence_of_the_pages_is_translated_to_chinese(app):
    messages = set()
    for name in FILES:
        messages |= {m for _l, m, _c, _x in extract_from_file("python", ROOT / name,
                                                              keywords={"_": None, "_l": None})}
    for name in TEMPLATES:
        messages |= {m for _l, m, _c, _x in extract_from_file(
            "jinja2.ext:babel_extract", ROOT / "templates" / "timetable" / name)}
    messages.add("Timetable")
    assert len(messages) >= 60
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        untranslated = sorted(m for m in messages if gettext(m) == m)
    assert untranslated == []
