"""The demo district: `flask demo load` builds it, loads again to the same counts, and its logins work."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import sqlalchemy as sa

from college import create_app
from college.extensions import db
from college.models import (
    Account,
    Area,
    AreaLevel,
    CalendarDay,
    DayKind,
    Enrollment,
    EnrollmentStatus,
    Learner,
    ProxyLink,
    Role,
    Room,
    Section,
    SectionStatus,
    Site,
    Subject,
    Teacher,
)
from college.people.operations import age_on
from tests.conftest import IsolatedClient, _empty_all_tables


@pytest.fixture(scope="module")
def demo(database_url):
    """Load the demo twice through the CLI (once is slow enough); keep both outputs and stats."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test", "SERVER_NAME": None})
    with app.app_context():
        _empty_all_tables()
        runner = app.test_cli_runner()
        runs = []
        for _ in range(2):
            loaded = runner.invoke(args=["demo", "load"])
            assert loaded.exit_code == 0, loaded.output
            stats = runner.invoke(args=["college", "stats"])
            assert stats.exit_code == 0, stats.output
            runs.append((loaded.output, json.loads(stats.output), _fingerprint()))
            db.session.remove()
        yield app, runs
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


def _fingerprint() -> tuple:
    """What a reload must reproduce exactly: sites, sections, learners and who is in which class."""
    return (db.session.execute(sa.select(Site.code, Site.name, Site.latitude).order_by(Site.code)).all(),
            [(s.code, s.course.code, s.seats, [x.code for x in s.sites], s.teacher and s.teacher.code)
             for s in db.session.scalars(sa.select(Section).order_by(Section.code))],
            db.session.execute(sa.select(Learner.phone, Learner.name, Learner.birth_date)
                               .order_by(Learner.phone)).all(),
            db.session.execute(sa.select(Learner.phone, Section.code, Enrollment.status, Enrollment.created_at,
                                         Account.phone)
                               .join(Learner, Enrollment.learner_id == Learner.id)
                               .join(Section, Enrollment.section_id == Section.id)
                               .outerjoin(Account, Enrollment.created_by_id == Account.id)
                               .order_by(Learner.phone, Section.code)).all())


def _logins(output: str) -> dict[str, tuple[str, str]]:
    return {role: (phone, password) for role, phone, password
            in re.findall(r"^\s+(\w+)\s+(\d{11}) / (\S+)", output, re.M)}


def test_stats_count_the_district_the_issue_asks_for(demo):
    _, [(output, counts, _), _] = demo
    assert counts["sites"] == 84
    assert counts["rooms"] >= 150
    assert 14 <= counts["subjects"] <= 16
    assert counts["teachers"] >= 100 and 0 < counts["volunteer_teachers"] < counts["teachers"]
    assert counts["sections"] >= 400
    assert counts["children_groups"] >= 10
    assert counts["learners"] >= 5000 and counts["accounts_learner"] >= 5000
    assert counts["accounts_proxy"] > 0 and counts["proxy_links"] > 0
    assert counts["terms"] == 1 and counts["periods"] == 4
    assert counts["enrollments"] >= counts["sections"]   # at least one a section on average
    assert counts["audit_entries"] == 1   # one entry sums the whole load up
    assert "loaded in" in output and f"Counts: {json.dumps(counts, sort_keys=True)}" in output


def test_sites_follow_the_1_8_16_59_cluster(demo):
    levels = dict(db.session.execute(
        sa.select(Area.level, sa.func.count()).join(Site, Site.area_id == Area.id).group_by(Area.level)).all())
    assert levels == {AreaLevel.DISTRICT: 1, AreaLevel.SUBDISTRICT: 8, AreaLevel.COMMUNITY: 75}
    centres = db.session.scalar(sa.select(sa.func.count()).select_from(Site).join(Area).where(
        Area.level == AreaLevel.COMMUNITY, Site.address.like("%党群服务中心")))
    assert centres == 16
    sites = db.session.scalars(sa.select(Site)).all()
    assert all(25.40 < s.latitude < 25.58 and 103.70 < s.longitude < 103.90 for s in sites)
    assert 0 < sum(s.child_safe for s in sites) < 84 and sum(s.step_free for s in sites) > 42


def test_loading_twice_leaves_the_same_counts_and_the_same_data(demo):
    _, [(_, first, data), (output, second, again)] = demo
    assert data == again
    assert "replaced in" in output
    assert {k: v for k, v in second.items() if k != "audit_entries"} == \
        {k: v for k, v in first.items() if k != "audit_entries"}
    assert second["audit_entries"] == first["audit_entries"] + 1


def test_learners_are_enrolled_as_the_rules_allow(demo):
    """40-100 % full, the popular classes full with a waitlist; 1-3 places a learner, never twice one
    subject (so never two sections of one course), ages within the course's limits; counters exact."""
    enrolled, waiting = EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED
    rows = db.session.execute(sa.select(Enrollment.section_id, Enrollment.learner_id, Enrollment.status,
                                        Enrollment.created_at, Enrollment.id, Enrollment.created_by_id)).all()
    by_section, by_learner = {}, {}
    for row in rows:
        by_section.setdefault(row.section_id, []).append(row)
        by_learner.setdefault(row.learner_id, []).append(row)
    sections = {s.id: s for s in db.session.scalars(sa.select(Section))}
    full = 0
    for section in sections.values():
        assert section.status == SectionStatus.OPEN
        mine = by_section.get(section.id, [])
        seated = [r for r in mine if r.status == enrolled]
        queue = [r for r in mine if r.status == waiting]
        assert section.enrolled == len(seated) <= section.seats, section.code
        assert len(seated) >= 0.4 * section.seats, section.code
        if queue:   # a waitlist only behind a full class, and those waiting came later
            assert len(seated) == section.seats and len(queue) <= 4, section.code
            assert max((r.created_at, r.id) for r in seated) < min((r.created_at, r.id) for r in queue)
        full += len(seated) == section.seats and bool(queue)
    assert 0.05 * len(sections) <= full <= 0.3 * len(sections)
    assert len(rows) >= len(sections) and sum(r.status == waiting for r in rows) >= full

    learners = {x.id: x for x in db.session.scalars(sa.select(Learner))}
    assert 0.5 * len(learners) <= len(by_learner) < len(learners)    # a share of them, not everyone
    for learner_id, mine in by_learner.items():
        assert 1 <= len(mine) <= 3
        courses = [sections[r.section_id].course for r in mine]
        assert len({c.subject_id for c in courses}) == len(courses)
        for course in courses:
            age = age_on(learners[learner_id].birth_date, sections[mine[0].section_id].term.first_day)
            assert (course.min_age or 0) <= age <= (course.max_age or 200)
    assert {len(m) for m in by_learner.values()} == {1, 2, 3}

    roles = dict(db.session.execute(sa.select(Account.id, Account.role)).all())
    own = dict(db.session.execute(sa.select(Account.id, Account.learner_id).where(
        Account.learner_id.is_not(None))).all())
    links = set(db.session.execute(sa.select(ProxyLink.proxy_account_id, ProxyLink.learner_id)).all())
    by_proxy = [r for r in rows if roles[r.created_by_id] == Role.PROXY]
    assert 0 < len(by_proxy) < 0.2 * len(rows)
    assert all((r.created_by_id, r.learner_id) in links for r in by_proxy)
    assert all(own[r.created_by_id] == r.learner_id for r in rows if roles[r.created_by_id] == Role.LEARNER)
    assert {roles[r.created_by_id] for r in rows} == {Role.LEARNER, Role.PROXY, Role.ADMIN}


def test_term_has_the_public_holidays_and_make_up_days(demo):
    days = {c.day: c for c in db.session.scalars(sa.select(CalendarDay))}
    assert days[date(2027, 4, 5)].kind == DayKind.HOLIDAY        # 清明
    assert days[date(2027, 5, 3)].kind == DayKind.HOLIDAY        # 劳动节
    assert days[date(2027, 6, 9)].kind == DayKind.HOLIDAY        # 端午
    makeup = [c for c in days.values() if c.kind == DayKind.MAKEUP]
    assert makeup and all(c.day.weekday() >= 5 and c.works_as for c in makeup)


def test_every_section_can_be_placed_and_taught(demo):
    """Each candidate site has a room that fits; each subject has three or more teachers."""
    for section in db.session.scalars(sa.select(Section)):
        need = set(section.course.features)
        extra = section.children_group.size if section.children_group else 0
        for site in section.sites:
            assert any(need <= set(r.features) and r.seats >= section.seats + extra for r in site.rooms), \
                (section.code, site.code)
        if section.children_group:
            assert section.course.intergenerational and all(s.child_safe for s in section.sites)
            assert set(section.sites) <= set(section.children_group.sites)
        if section.teacher:
            assert section.course.subject in section.teacher.subjects
    for subject in db.session.scalars(sa.select(Subject)):
        teachers = db.session.scalars(sa.select(Teacher).where(Teacher.subjects.contains(subject))).all()
        assert len(teachers) >= 3, subject.name
    cleared = db.session.scalars(sa.select(Teacher).where(Teacher.intergenerational)).all()
    assert cleared and all(any(s.endswith("pm2") or s.startswith(("sat", "sun")) for s in t.available)
                           for t in cleared)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Section).where(
        Section.teacher_id.is_not(None))) > 0


def test_people_are_fictional_with_chinese_names_and_fictional_phones(demo):
    learners = db.session.scalars(sa.select(Learner)).all()
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", x.name) for x in learners)
    assert all(x.phone.startswith("100") and len(x.phone) == 11 for x in learners)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Account).where(
        ~Account.phone.like("100%"))) == 0
    assert len({x.name for x in learners}) > 500   # the name lists give variety
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Account).where(
        Account.learner_id.is_not(None))) == len(learners)


@pytest.mark.parametrize("role, landing", [("administrator", "/admin/"), ("coordinator", "/admin/rooms/"),
                                           ("teacher", "/"), ("learner", "/")])
def test_printed_logins_work(demo, role, landing):
    app, [_, (output, _, _)] = demo
    phone, password = _logins(output)[role]
    app.test_client_class = IsolatedClient
    client = app.test_client()
    wrong = client.post("/login", data={"phone": phone, "password": password + "x"})
    assert wrong.status_code == 200 and "/logout" not in wrong.get_data(as_text=True)
    response = client.post("/login", data={"phone": phone, "password": password})
    assert response.status_code == 302
    page = client.get(landing)
    assert page.status_code == 200
    account = db.session.scalar(sa.select(Account).where(Account.phone == phone))
    assert account.display_name in page.get_data(as_text=True)


def test_coordinator_sees_only_the_rooms_of_their_sites(demo):
    app, [_, (output, _, _)] = demo
    phone, password = _logins(output)["coordinator"]
    app.test_client_class = IsolatedClient
    client = app.test_client()
    assert client.post("/login", data={"phone": phone, "password": password}).status_code == 302
    account = db.session.scalar(sa.select(Account).where(Account.phone == phone))
    own = {s.id for s in account.sites}
    assert 1 < len(own) < 84
    other = db.session.scalar(sa.select(Room).where(Room.site_id.not_in(own)).limit(1))
    mine = db.session.scalar(sa.select(Room).where(Room.site_id.in_(own)).limit(1))
    assert client.get(f"/admin/rooms/{mine.id}/edit").status_code == 200
    assert client.get(f"/admin/rooms/{other.id}/edit").status_code == 403
