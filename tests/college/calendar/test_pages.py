"""Calendar pages: staff cancel and move sessions, a teacher's own timetable (published version only),
the learners' classes near home (published classes only), and the secret calendar feed."""

import re
from datetime import date, datetime

from icalendar import Calendar
from sqlalchemy import select

from college.calendar.operations import cancel_session, move_session
from college.extensions import db
from college.models import (
    Account,
    Area,
    AreaLevel,
    JobState,
    MeetingAssignment,
    Role,
    Section,
    TimetableVersion,
)
from college.timetable.models import SessionChange
from college.timetable.sessions import TIMEZONE
from tests.college import factories as f
from tests.college.calendar.helpers import room, section, site, teacher
from tests.college.people import quick as q
from tests.college.timetable.builders import published_small_term, small_term


def _draft(term, placements) -> TimetableVersion:
    """An unpublished finished version 2 of the term with these (section, meeting, slot, room) rows."""
    version = TimetableVersion(term=term, number=2, state=JobState.FINISHED, job_id="inproc", log="", valid=True,
                               solution={"assignments": []})
    version.meetings = [MeetingAssignment(section=section(s), meeting=m, slot=slot, room=room(r),
                                          teacher=teacher("T02" if s == "C002" else "T01"))
                        for s, m, slot, r in placements]
    db.session.add(version)
    db.session.commit()
    return version


def _teacher_account(code="T01", phone="13900000001") -> Account:
    acc = q.account(phone, Role.TEACHER, "王老师")
    acc.teacher_id = teacher(code).id
    db.session.commit()
    return acc


# --- staff pages -----------------------------------------------------------------------------

def test_an_admin_cancels_and_moves_sessions_through_the_pages_and_undoes_one(app, client):
    term, _version = published_small_term()
    admin = q.account()
    db.session.commit()
    q.login(client, admin)
    listing = client.get(f"/admin/calendar/?term={term.id}&from=2027-03-08").get_data(as_text=True)
    assert "2027年3月8日 周一" in listing and "C001 书法入门" in listing and "C002 合唱" in listing
    c001 = section("C001").id
    url = f"/admin/calendar/session?section={c001}&meeting=0&day=2027-03-08"
    page = client.post(url, data={"cancel-reason": "", "cancel-submit": "x"})
    assert page.status_code == 200 and "请简单写明原因：学员会看到这个原因。" in page.get_data(as_text=True)
    assert client.post(url, data={"cancel-reason": "社区选举", "cancel-submit": "x"}).status_code == 302
    url = f"/admin/calendar/session?section={c001}&meeting=0&day=2027-03-15"
    busy = client.post(url, data={"move-new_date": "2027-03-17", "move-new_period": "", "move-new_room": "",
                                  "move-reason": "补课", "move-submit": "x"}).get_data(as_text=True)
    assert "教室 书画室 那时已有课：C001 书法入门，08:30–10:00。" in busy
    moved = client.post(url, data={"move-new_date": "2027-03-16", "move-new_period": "pm2",
                                   "move-new_room": str(room("大教室").id), "move-reason": "老师出差",
                                   "move-submit": "x"})
    assert moved.status_code == 302
    # One site over four weeks: the session moved from S01 to S02 is listed at both.
    for code in ("S01", "S02"):
        listing = client.get(f"/admin/calendar/?term={term.id}&site={site(code).id}&from=2027-03-08")
        assert "由 2027年3月15日 周一 调来:</strong> 老师出差" in listing.get_data(as_text=True)
    listing = client.get(f"/admin/calendar/?term={term.id}&from=2027-03-08").get_data(as_text=True)
    assert "2027年3月8日 周一 至 2027年3月14日 周日" in listing          # every site: one week
    assert "停课:</strong> 社区选举" in listing and "老师出差" not in listing
    changes = client.get(f"/admin/calendar/changes?term={term.id}").get_data(as_text=True)
    assert "社区选举" in changes and "调到 2027年3月16日 周二" in changes
    cancelled = db.session.scalars(select(SessionChange).where(SessionChange.reason == "社区选举")).one()
    assert client.post(f"/admin/calendar/changes/{cancelled.id}/undo").status_code == 302
    assert [c.reason for c in db.session.scalars(select(SessionChange))] == ["老师出差"]


def test_a_coordinator_sees_and_changes_only_their_own_sites(app, client):
    term, _version = published_small_term()
    coordinator = q.account("13800000002", Role.COORDINATOR, "协调员", sites=[site("S01")])
    db.session.commit()
    q.login(client, coordinator)
    listing = client.get(f"/admin/calendar/?term={term.id}&from=2027-03-08").get_data(as_text=True)
    assert "C001 书法入门" in listing and "C002 合唱" not in listing
    assert client.get(f"/admin/calendar/?term={term.id}&site={site('S02').id}").status_code == 403
    other = f"/admin/calendar/session?section={section('C002').id}&meeting=0&day=2027-03-09"
    assert client.get(other).status_code == 403
    assert client.post(other, data={"cancel-reason": "停电", "cancel-submit": "x"}).status_code == 403
    own = f"/admin/calendar/session?section={section('C001').id}&meeting=0&day=2027-03-08"
    assert client.post(own, data={"cancel-reason": "停电", "cancel-submit": "x"}).status_code == 302
    assert db.session.scalar(select(SessionChange)).created_by_id == coordinator.id


def test_a_session_that_does_not_exist_is_not_found(app, client):
    published_small_term()
    admin = q.account()
    db.session.commit()
    q.login(client, admin)
    c001 = section("C001").id
    assert client.get(f"/admin/calendar/session?section={c001}&meeting=0&day=2027-03-09").status_code == 404
    assert client.get(f"/admin/calendar/session?section={c001}&meeting=0&day=nonsense").status_code == 404


# --- a teacher's own timetable ---------------------------------------------------------------

def test_the_teacher_sees_only_the_published_version_with_seats_sites_and_cancellations(app, client):
    term, _version = published_small_term()
    # Version 2, not published, puts C001's Monday meeting on Saturday in 大教室.
    _draft(term, [("C001", 0, "sat:am1", "大教室"), ("C001", 1, "wed:am1", "书画室"),
                  ("C002", 0, "tue:am1", "大教室"), ("C002", 1, "thu:am1", "大教室"), ("C003", 0, "fri:pm2", "书画室")])
    admin = q.account()
    cancel_session(section("C001"), 0, date(2027, 3, 8), "社区选举", admin)
    db.session.commit()
    wang = _teacher_account()
    q.login(client, wang)
    page = client.get("/my/timetable?from=2027-03-01").get_data(as_text=True)
    assert "2027年3月1日 周一 08:30–10:00" in page and "2027年3月3日 周三 08:30–10:00" in page
    assert "2027年3月6日 周六" not in page                       # the unpublished version's Saturday
    assert "停课:</strong> 社区选举" in page
    assert "C002" not in page                                    # 李老师's class
    # each class links to its roster and shows enrolled / seats (nobody has enrolled here)
    for code, course, seats in (("C001", "书法入门", 25), ("C003", "老少同乐书法", 10)):
        sec = db.session.scalar(select(Section).where(Section.code == code))
        assert (f'<td><a href="/my/classes/{sec.id}/roster">{code} {course}</a></td>'
                f"<td>0 / {seats}</td><td>鼓楼社区银发先锋之家</td>") in page


def test_my_timetable_is_for_teachers_only_and_says_when_nothing_is_published(app, client):
    small_term()
    db.session.commit()
    assert client.get("/my/timetable").status_code == 302            # to the login page
    learner = q.account("13900000009", Role.LEARNER, "学员")
    db.session.commit()
    q.login(client, learner)
    assert client.get("/my/timetable").status_code == 403
    client.post("/logout")
    wang = _teacher_account()
    q.login(client, wang)
    assert "还没有发布课表。" in client.get("/my/timetable").get_data(as_text=True)


# --- classes near home -----------------------------------------------------------------------

def _areas():
    """麒麟区 → 南宁街道 → 鼓楼社区 (site S01) and 南宁社区 (site S02)."""
    district = f.area("麒麟区", AreaLevel.DISTRICT)
    street = f.area("南宁街道", AreaLevel.SUBDISTRICT, district)
    gulou = f.area("鼓楼社区", AreaLevel.COMMUNITY, street)
    nanning = f.area("南宁社区", AreaLevel.COMMUNITY, street)
    near, far = site("S01"), site("S02")
    near.area, far.area = gulou, nanning
    db.session.commit()
    return street, gulou, nanning


def test_the_learner_page_lists_only_published_classes_of_the_chosen_place(app, client):
    term = small_term()
    street, gulou, nanning = _areas()
    # Only an unpublished version so far: nothing is shown.
    _draft(term, [("C002", 0, "sat:am1", "书画室")])
    page = client.get("/classes").get_data(as_text=True)
    assert "课表还没有发布，请过些天再来看。" in page
    assert "合唱" not in client.get(f"/classes?area={gulou.id}").get_data(as_text=True)
    db.session.delete(db.session.scalars(select(TimetableVersion)).one())
    db.session.commit()
    published_small_term_in(term)
    assert _draft(term, [("C002", 0, "sat:am1", "书画室")]).published_at is None
    choose = client.get("/classes").get_data(as_text=True)
    assert "第一步：选择您所在的街道或社区。" in choose
    assert f'href="/classes?area={street.id}"' in choose and f'href="/classes?area={gulou.id}"' in choose
    near = client.get(f"/classes?area={gulou.id}").get_data(as_text=True)
    assert "书法入门" in near and "老少同乐书法" in near and "合唱" not in near and "周六" not in near
    assert near.index("周一") < near.index("周三") < near.index("周五")
    assert "适合儿童（四点半课堂）。" in near and "入口有台阶。" in near and "王老师" in near
    # 书法入门 meets on Monday and Wednesday: each of its two cards says it is one class
    weekly = re.findall(r'<p class="class-weekly">([^<]*)</p>', near)
    assert len(weekly) == 2 and len(set(weekly)) == 1, weekly
    assert re.fullmatch(r"每周上课：周一 \d\d:\d\d、周三 \d\d:\d\d。报名一次，每次课都能上。", weekly[0])
    whole_street = client.get(f"/classes?area={street.id}").get_data(as_text=True)
    assert "书法入门" in whole_street and "合唱" in whole_street and "共 5 节课。" in whole_street
    assert client.get("/classes?area=999999").status_code == 404


def published_small_term_in(term):
    """Publish the hand-made timetable of small_term for a term already built."""
    from college.timetable.adapter import build_problem, solution_to_version
    from college.timetable.operations import publish_version
    from tests.college.timetable.builders import hand_made_solution

    problem = build_problem(term)
    version = TimetableVersion(term=term, number=1, state=JobState.FINISHED, job_id="inproc", log="",
                               problem=problem, valid=True)
    db.session.add(version)
    db.session.flush()
    solution_to_version(version, hand_made_solution(problem))
    publish_version(version, None)
    db.session.commit()
    return version


# --- the secret calendar URL -----------------------------------------------------------------

def _token_of(account_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Account, account_id).calendar_token


def test_a_teacher_makes_a_calendar_url_whose_feed_parses_and_replacing_it_revokes_the_old_one(app, client):
    _term, _version = published_small_term()
    admin = q.account()
    cancel_session(section("C001"), 0, date(2027, 3, 8), "社区选举", admin)
    move_session(section("C001"), 0, date(2027, 3, 15), date(2027, 3, 16), "pm2", room("大教室"), "老师出差", admin)
    db.session.commit()
    wang = _teacher_account()
    q.login(client, wang)
    assert "您还没有日历地址。" in client.get("/my/calendar-link").get_data(as_text=True)
    assert client.post("/my/calendar-link").status_code == 302
    token = _token_of(wang.id)
    assert token and len(token) >= 40
    assert f"/calendar/{token}.ics" in client.get("/my/calendar-link").get_data(as_text=True)
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    stranger = app.test_client()                                 # a phone calendar: no login
    response = stranger.get(f"/calendar/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    # 王老师: C001 on 18 Mondays and 18 Wednesdays (3月1日 to 6月30日), C003 on 17 Fridays; not 李老师's C002.
    assert len(events) == 18 + 18 + 17
    assert {str(e["UID"]).split("-")[0] for e in events} == {"C001", "C003"}
    by_uid = {str(e["UID"]): e for e in events}
    cancelled = by_uid["C001-0-2027-03-08@silver-college"]
    assert str(cancelled["STATUS"]) == "CANCELLED" and "社区选举" in str(cancelled["DESCRIPTION"])
    moved = by_uid["C001-0-2027-03-15@silver-college"]
    assert moved.decoded("DTSTART") == datetime(2027, 3, 16, 16, 30, tzinfo=TIMEZONE)
    assert str(moved["LOCATION"]) == "南宁街道银发先锋之家 大教室" and str(moved["STATUS"]) == "CONFIRMED"
    assert str(by_uid["C001-0-2027-03-22@silver-college"]["STATUS"]) == "CONFIRMED"
    # Replacing the URL: the old one is gone at once, the new one works.
    q.login(client, wang)
    client.post("/my/calendar-link")
    new_token = _token_of(wang.id)
    assert new_token != token
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get(f"/calendar/{new_token}.ics").status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_who_may_have_a_calendar_url_and_what_a_coordinators_feed_holds(app, client):
    published_small_term()
    learner = q.account("13900000009", Role.LEARNER, "学员")
    coordinator = q.account("13800000002", Role.COORDINATOR, "协调员", sites=[site("S02")])
    db.session.commit()
    q.login(client, learner)
    assert client.get("/my/calendar-link").status_code == 403
    assert client.post("/my/calendar-link").status_code == 403
    q.login(client, coordinator)
    client.post("/my/calendar-link")
    events = Calendar.from_ical(client.get(f"/calendar/{_token_of(coordinator.id)}.ics").data).walk("VEVENT")
    assert events and {str(e["LOCATION"]) for e in events} == {"南宁街道银发先锋之家 大教室"}
    # A disabled account's URL stops working.
    db.session.get(Account, coordinator.id).active = False
    db.session.commit()
    assert client.get(f"/calendar/{_token_of(coordinator.id)}.ics").status_code == 404


def test_a_calendar_polling_again_gets_304_until_what_its_feed_shows_changes(app, client):
    """The feed carries a weak ETag; asked again with it (If-None-Match), as phone calendars do every hour,
    it answers 304 with no body until a session is cancelled or its change undone, a room renamed through
    its page, or the feed asked in another language; a replaced token's old URL is gone whatever it sends."""
    from college.calendar.operations import new_calendar_token, undo_change
    from college.places.operations import update_room

    published_small_term()
    admin = q.account()
    db.session.commit()
    token = new_calendar_token(admin, admin)
    db.session.commit()
    phone = app.test_client()
    url = f"/calendar/{token}.ics"

    def poll(tag: str | None = None, path: str = url):
        return phone.get(path, headers={"If-None-Match": tag} if tag else {})

    first = poll()
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag.startswith('W/"') and len(Calendar.from_ical(first.data).walk("VEVENT"))
    again = poll(tag)
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    assert poll('"some-other-tag"').status_code == 200
    assert poll("*").status_code == 304
    assert poll().headers["ETag"] == tag                               # the same content: the same tag

    change = cancel_session(section("C001"), 0, date(2027, 3, 8), "社区选举", admin)
    db.session.commit()
    changed = poll(tag)
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert "社区选举" in changed.get_data(as_text=True)
    tag = changed.headers["ETag"]
    assert poll(tag).status_code == 304

    undo_change(change, admin)                                          # a deleted change: a new tag too
    db.session.commit()
    undone = poll(tag)
    assert undone.status_code == 200 and "社区选举" not in undone.get_data(as_text=True)
    tag = undone.headers["ETag"]

    update_room(room("书画室"), {"name": "书画教室"}, admin)
    db.session.commit()
    renamed = poll(tag)
    assert renamed.status_code == 200 and "书画教室" in renamed.get_data(as_text=True)
    tag = renamed.headers["ETag"]
    assert poll(tag).status_code == 304
    english = poll(tag, f"{url}?lang=en")
    assert english.status_code == 200 and english.headers["ETag"] != tag

    new_calendar_token(admin, admin)
    db.session.commit()
    assert poll(tag).status_code == 404


def test_an_area_without_streets_still_offers_its_sites_areas(app, client):
    published_small_term()
    db.session.commit()
    page = client.get("/classes").get_data(as_text=True)
    assert "区S01" in page and "区S02" in page
    s01_area = db.session.scalars(select(Area).where(Area.name == "区S01")).one()
    assert "书法入门" in client.get(f"/classes?area={s01_area.id}").get_data(as_text=True)


def test_the_sessions_pages_say_so_when_there_is_no_term_or_nothing_is_published(app, client):
    admin = q.account()
    db.session.commit()
    q.login(client, admin)
    assert "还没有学期，所以还没有课。" in client.get("/admin/calendar/").get_data(as_text=True)
    assert "还没有学期，所以还没有课。" in client.get("/admin/calendar/changes").get_data(as_text=True)
    assert 'href="/admin/calendar/"' in client.get("/admin/").get_data(as_text=True)
    term = small_term()
    db.session.commit()
    assert "本学期还没有发布课表。" in client.get(f"/admin/calendar/?term={term.id}").get_data(as_text=True)
    assert client.get("/admin/calendar/?term=999999").status_code == 404


def test_the_pages_work_in_english_too(app, client):
    published_small_term()
    street = _areas()[0]
    wang = _teacher_account()
    assert "Classes near home" in client.get(f"/classes?area={street.id}&lang=en").get_data(as_text=True)
    q.login(client, wang)
    page = client.get("/my/timetable?lang=en&from=2027-03-01").get_data(as_text=True)
    assert "My timetable" in page and "Mon 1 Mar 2027 08:30–10:00" in page


def test_a_teachers_home_page_says_where_they_teach_next(app, client):
    published_small_term()
    admin = q.account()
    cancel_session(section("C001"), 0, date(2027, 3, 1), "社区选举", admin)
    db.session.commit()
    wang = _teacher_account()
    q.login(client, wang)
    home = client.get("/").get_data(as_text=True)
    assert "您下一次上课" in home and "2027年3月3日 周三 08:30–10:00" in home   # Monday's is cancelled
    assert "书法入门（C001）" in home and "书画室" in home
    assert "您的课程和课表会显示在这里" not in home
