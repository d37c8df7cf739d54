"""A substitute teacher takes one dated session at its usual time and room: who may, what everyone then sees
(the substitute's timetable, feed and class list, the usual teacher's, the learners'), undo, and how it
handles a short absence.

The published timetable is the `published` fixture's (conftest.py): C001 书法入门 on Monday and Wednesday
am1 (08:30) in 书画室 at S01 with 王老师 (T01); C002 合唱 with 李老师 (T02) at S02; C003, with children, on
Friday pm2 with 王老师. 赵老师 (T03) teaches calligraphy on Monday and Wednesday mornings."""

from datetime import date

import pytest
from icalendar import Calendar
from sqlalchemy import select

from college.calendar.operations import (
    cancel_absence_sessions,
    cancel_session,
    cover_candidates,
    move_session,
    next_teaching_session,
    substitute_session,
    undo_change,
)
from college.extensions import db
from college.models import Account, AuditEntry, Role, Teacher, TeacherAbsence
from college.places.models import TravelOverride
from college.timetable.sessions import (
    absence_sessions,
    dated_sessions,
    handled_by_session_changes,
    teacher_sessions,
)
from tests.college import factories as f
from tests.college.calendar.helpers import refused, room, section, site, teacher
from tests.college.concurrency import at_once
from tests.college.people import quick as q

MONDAY = date(2027, 3, 8)


def _zhao(**overrides) -> Teacher:
    values = {"code": "T03", "name": "赵老师", "subjects": [section("C001").course.subject],
              "available": ["mon:am1", "wed:am1"]}
    zhao = Teacher(**{**values, **overrides})
    db.session.add(zhao)
    db.session.flush()
    return zhao


def _c001_on(version, term, day):
    return next(s for s in dated_sessions(version, term) if s.section == "C001" and s.original_day == day)


def test_a_substitute_teaches_one_session_at_its_usual_time_and_room(published):
    term, version, admin = published
    zhao = _zhao()
    before = _c001_on(version, term, MONDAY)
    substitute_session(section("C001"), 0, MONDAY, zhao, "王老师生病", admin)
    after = _c001_on(version, term, MONDAY)
    assert (after.teacher, after.teacher_id, after.covered_for, after.reason) == ("赵老师", zhao.id, "王老师", "王老师生病")
    assert (after.start, after.room, after.site, after.cancelled, after.moved_from) == \
        (before.start, before.room, before.site, False, None)
    # every other session keeps its teacher
    others = [s for s in dated_sessions(version, term) if s.original_day != MONDAY or s.section != "C001"]
    assert {s.teacher for s in others if s.section == "C001"} == {"王老师"}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "session_change")).one()
    assert "T03" in entry.summary and "王老师" in entry.summary


def test_the_substitute_and_the_usual_teacher_each_see_the_session_as_theirs_or_not(published):
    term, version, admin = published
    zhao = _zhao()
    wang = teacher("T01")
    substitute_session(section("C001"), 0, MONDAY, zhao, "王老师生病", admin)
    mine = teacher_sessions(version.meetings, zhao.id, term)
    assert [(s.section, s.day, s.teacher_id) for s in mine] == [("C001", MONDAY, zhao.id)]
    covered = [s for s in teacher_sessions(version.meetings, wang.id, term) if s.original_day == MONDAY]
    assert [(s.section, s.teacher, s.covered_for_id) for s in covered] == [("C001", "赵老师", wang.id)]
    assert next_teaching_session(zhao.id, today=date(2027, 3, 2)).day == MONDAY
    assert next_teaching_session(zhao.id, today=date(2027, 3, 9)) is None
    # 王老师's next class after the first Monday is Wednesday's, not the Monday 赵老师 takes
    assert next_teaching_session(wang.id, today=date(2027, 3, 2)).day == date(2027, 3, 3)
    assert next_teaching_session(wang.id, today=date(2027, 3, 4)).day == date(2027, 3, 5)
    assert next_teaching_session(wang.id, today=MONDAY).day == date(2027, 3, 10)


def test_only_a_qualified_free_teacher_who_is_not_away_may_take_a_session(published):
    _term, _version, admin = published
    zhao = _zhao()
    c001 = section("C001")
    error = refused(substitute_session, c001, 0, MONDAY, teacher("T02"), "病假", admin)
    assert error.field == "teacher" and str(error.message) == "李老师 不教书法。"
    error = refused(substitute_session, c001, 0, MONDAY, teacher("T01"), "病假", admin)
    assert str(error.message) == "这次课本来就是 王老师 上。"
    error = refused(substitute_session, c001, 0, MONDAY, None, "病假", admin)
    assert str(error.message) == "请选择代课的老师。"
    error = refused(substitute_session, c001, 0, MONDAY, zhao, " ", admin)
    assert error.field == "reason"
    # classes with children need a teacher cleared for them
    error = refused(substitute_session, section("C003"), 0, date(2027, 3, 5), zhao, "病假", admin)
    assert str(error.message) == "赵老师 不能上老少同乐课。"
    # the weekly available times
    zhao.available = ["wed:am1"]
    error = refused(substitute_session, c001, 0, MONDAY, zhao, "病假", admin)
    assert str(error.message) == "赵老师 每周这个时段不上课（见其可上课时段）。"
    zhao.available = ["mon:am1", "wed:am1"]
    # away that day
    db.session.add(TeacherAbsence(teacher=zhao, first_day=MONDAY, last_day=MONDAY, reason="体检"))
    db.session.flush()
    error = refused(substitute_session, c001, 0, MONDAY, zhao, "病假", admin)
    assert str(error.message) == "赵老师 在 2027年3月8日 周一 不能上课（体检）。"
    assert cover_candidates(c001, 0, MONDAY, admin) == []
    substitute_session(c001, 0, date(2027, 3, 15), zhao, "病假", admin)
    assert db.session.scalar(select(db.func.count()).select_from(TeacherAbsence)) == 1


def test_a_substitute_must_be_free_and_able_to_travel_from_the_rest_of_their_day(published):
    term, version, admin = published
    li = teacher("T02")
    li.subjects = [*li.subjects, section("C001").course.subject]
    li.available = [*li.available, "mon:am1", "mon:pm2"]
    # 李老师 teaches C002's Tuesday session on Monday 3月8日 am1 instead: busy then
    move_session(section("C002"), 0, date(2027, 3, 9), MONDAY, None, None, "调休", admin)
    error = refused(substitute_session, section("C001"), 0, MONDAY, li, "病假", admin)
    assert str(error.message).startswith("李老师 那时已有课：C002 合唱")
    assert li not in cover_candidates(section("C001"), 0, MONDAY, admin)
    # 15 March: C002's Tuesday session moved to Monday pm2 at S02, and 6½ hours are not enough to travel
    move_session(section("C002"), 0, date(2027, 3, 16), date(2027, 3, 15), "pm2", None, "调休", admin)
    s01, s02 = site("S01"), site("S02")
    db.session.add(TravelOverride(site_a_id=min(s01.id, s02.id), site_b_id=max(s01.id, s02.id), minutes=400))
    db.session.flush()
    error = refused(substitute_session, section("C001"), 0, date(2027, 3, 15), li, "病假", admin)
    assert "从鼓楼社区银发先锋之家到南宁街道银发先锋之家路上要 400 分钟，两节课之间只有 390 分钟" in str(error.message)
    # with a shorter way it fits, and 李老师 is offered
    db.session.scalars(select(TravelOverride)).one().minutes = 60
    db.session.flush()
    assert li in cover_candidates(section("C001"), 0, date(2027, 3, 15), admin)
    substitute_session(section("C001"), 0, date(2027, 3, 15), li, "病假", admin)
    day = [s for s in teacher_sessions(version.meetings, li.id, term) if s.day == date(2027, 3, 15)]
    assert [(s.section, s.period) for s in day] == [("C001", "am1"), ("C002", "pm2")]
    # now 李老师 is busy at 3月15日 am1: C002's Thursday session cannot be moved there
    error = refused(move_session, section("C002"), 1, date(2027, 3, 18), date(2027, 3, 15), "am1", None,
                    "调休", admin)
    assert str(error.message).startswith("李老师 那时已有课：C001 书法入门")


def test_a_move_that_leaves_the_teacher_no_time_to_travel_is_refused(published):
    _term, _version, admin = published
    s01, s02 = site("S01"), site("S02")
    db.session.add(TravelOverride(site_a_id=min(s01.id, s02.id), site_b_id=max(s01.id, s02.id), minutes=400))
    db.session.flush()
    # 王老师 teaches C001 at S01 on Monday am1; C001's Wednesday session moved to Monday pm2 at S02
    error = refused(move_session, section("C001"), 1, date(2027, 3, 10), MONDAY, "pm2", room("大教室"),
                    "调休", admin)
    assert error.field == "new_period" and "路上要 400 分钟" in str(error.message)
    move_session(section("C001"), 1, date(2027, 3, 10), MONDAY, "pm2", room("书画室"), "调休", admin)


def test_a_session_has_one_change_and_undo_gives_it_back_to_its_teacher(published):
    term, version, admin = published
    zhao = _zhao()
    change = substitute_session(section("C001"), 0, MONDAY, zhao, "王老师生病", admin)
    error = refused(cancel_session, section("C001"), 0, MONDAY, "停电", admin)
    assert str(error.message) == "这次课已由赵老师代课（王老师生病）；请先撤销。"
    cancel_session(section("C001"), 0, date(2027, 3, 15), "停电", admin)
    error = refused(substitute_session, section("C001"), 0, date(2027, 3, 15), zhao, "病假", admin)
    assert str(error.message) == "这次课已经取消（停电）；请先撤销。"
    # 王老师 is away on 3月8日 now: the session cannot go back to him
    away = TeacherAbsence(teacher=teacher("T01"), first_day=MONDAY, last_day=MONDAY, reason="病假")
    db.session.add(away)
    db.session.flush()
    error = refused(undo_change, change, admin)
    assert "王老师 在 2027年3月8日 周一 不能上课（病假）" in str(error.message)
    db.session.delete(away)
    db.session.flush()
    assert undo_change(change, admin) is True
    assert _c001_on(version, term, MONDAY).teacher == "王老师"
    assert teacher_sessions(version.meetings, zhao.id, term) == []


def test_a_short_absence_is_handled_by_substitutes_and_a_substitute_who_falls_ill_is_not(published):
    term, version, admin = published
    zhao = _zhao()
    ill = TeacherAbsence(teacher=teacher("T01"), first_day=MONDAY, last_day=date(2027, 3, 10), reason="病假")
    db.session.add(ill)
    db.session.flush()
    assert not handled_by_session_changes(ill, version, term)
    substitute_session(section("C001"), 0, MONDAY, zhao, "王老师生病", admin)
    assert not handled_by_session_changes(ill, version, term)       # Wednesday is still his
    substitute_session(section("C001"), 1, date(2027, 3, 10), zhao, "王老师生病", admin)
    assert handled_by_session_changes(ill, version, term)
    assert cancel_absence_sessions(ill, "王老师请假", admin) == []     # nothing left to cancel
    # the substitute falls ill on Monday: that session needs handling again, and is not cancelled for him
    zhao_ill = TeacherAbsence(teacher=zhao, first_day=MONDAY, last_day=MONDAY, reason="感冒")
    db.session.add(zhao_ill)
    db.session.flush()
    assert [s.day for s in absence_sessions(zhao_ill, version, term)] == [MONDAY]
    assert not handled_by_session_changes(zhao_ill, version, term)
    assert cancel_absence_sessions(zhao_ill, "赵老师请假", admin) == []


def test_a_coordinator_finds_substitutes_only_at_their_sites(published):
    _term, _version, _admin = published
    zhao = _zhao()
    south = f.account("13800000002", Role.COORDINATOR, "协调员", sites=[site("S02")])
    error = refused(substitute_session, section("C001"), 0, MONDAY, zhao, "病假", south)
    assert str(error.message) == "您只能调整自己负责的教学点的课。"
    north = f.account("13800000003", Role.COORDINATOR, "协调员二", sites=[site("S01")])
    assert cover_candidates(section("C001"), 0, MONDAY, north) == [zhao]
    substitute_session(section("C001"), 0, MONDAY, zhao, "病假", north)


# --- pages -----------------------------------------------------------------------------------

def _teacher_account(code: str, phone: str, name: str) -> Account:
    acc = q.account(phone, Role.TEACHER, name)
    acc.teacher_id = teacher(code).id
    db.session.commit()
    return acc


def _token_of(account_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Account, account_id).calendar_token


@pytest.fixture
def pages(app, client):
    from tests.college.timetable.builders import published_small_term

    term, version = published_small_term()
    zhao = _zhao()
    admin = q.account()
    db.session.commit()
    return term, version, zhao, admin


def test_an_admin_finds_a_substitute_on_the_session_page(app, client, pages):
    term, version, zhao, admin = pages
    q.login(client, admin)
    url = f"/admin/calendar/session?section={section('C001').id}&meeting=0&day=2027-03-08"
    page = client.get(url).text
    assert "找老师代课" in page and f'<option value="{zhao.id}">赵老师 (T03)</option>' in page
    assert "李老师 (T02)" not in page and "王老师 (T01)" not in page      # not a calligraphy teacher; his own
    assert 'aria-invalid="None"' not in page and 'aria-describedby="substitute-teacher-hint"' in page
    answer = client.post(url, data={"cover-teacher": "", "cover-reason": "王老师生病", "cover-submit": "x"})
    assert answer.status_code == 200 and "请选择代课的老师。" in answer.text
    answer = client.post(url, data={"cover-teacher": str(teacher("T02").id), "cover-reason": "王老师生病",
                                    "cover-submit": "x"})
    assert answer.status_code == 200 and "李老师 不教书法。" in answer.text
    answer = client.post(url, data={"cover-teacher": str(zhao.id), "cover-reason": "王老师生病",
                                    "cover-submit": "x"}, follow_redirects=True)
    assert "2027年3月8日 周一 的课由赵老师代课；老师和学员都会看到。" in answer.text
    assert "赵老师 代王老师上课" in answer.text                      # the sessions list says so
    page = client.get(url).text
    assert "这次课由赵老师代课：王老师生病" in page and "撤销这次调整" in page
    changes = client.get(f"/admin/calendar/changes?term={term.id}").text
    assert "停课、调课和代课" in changes and "由赵老师代课" in changes


def test_the_substitute_sees_the_session_its_class_list_and_their_feed(app, client, pages):
    term, version, zhao, admin = pages
    zhao_account = _teacher_account("T03", "13900000003", "赵老师")
    wang_account = _teacher_account("T01", "13900000001", "王老师")
    c001 = section("C001")
    q.login(client, zhao_account)
    assert client.get(f"/my/classes/{c001.id}/roster").status_code == 403
    substitute_session(c001, 0, MONDAY, db.session.get(Teacher, zhao.id), "王老师生病", admin)
    db.session.commit()
    page = client.get("/my/timetable?from=2027-03-08").text
    assert "C001 书法入门" in page and "赵老师 代王老师上课" in page and f"/my/classes/{c001.id}/roster" in page
    assert client.get(f"/my/classes/{c001.id}/roster").status_code == 200
    client.post("/my/calendar-link")
    token = _token_of(zhao_account.id)
    events = Calendar.from_ical(app.test_client().get(f"/calendar/{token}.ics").data).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["C001-0-2027-03-08@silver-college"]
    assert str(events[0]["STATUS"]) == "CONFIRMED" and "代课 (王老师): 王老师生病" in str(events[0]["DESCRIPTION"])
    # 王老师's own feed shows that session as one he need not go to
    q.login(client, wang_account)
    client.post("/my/calendar-link")
    token = _token_of(wang_account.id)
    events = Calendar.from_ical(app.test_client().get(f"/calendar/{token}.ics").data).walk("VEVENT")
    monday = next(e for e in events if str(e["UID"]) == "C001-0-2027-03-08@silver-college")
    assert str(monday["STATUS"]) == "CANCELLED" and "赵老师\n代课 (王老师): 王老师生病" in str(monday["DESCRIPTION"])
    assert "赵老师 代王老师上课" in client.get("/my/timetable?from=2027-03-08").text


def _substitute(section_id: int, teacher_id: int, admin_id: int):
    """A call for `at_once`: an office gives the teacher the section's Monday session, as its own request."""
    from college.models import Section

    def call() -> str:
        substitute_session(db.session.get(Section, section_id), 0, MONDAY, db.session.get(Teacher, teacher_id),
                           "王老师生病", db.session.get(Account, admin_id))
        return "taken"
    return call


def test_two_offices_giving_one_teacher_two_sessions_at_once_give_one(app, published):
    """C004 also meets on Monday at 08:30 (in 大教室 at S02); 赵老师 could take either session, not both:
    asked for both at the same moment, one office gets her, the other is told she teaches then."""
    from college.models import MeetingAssignment

    term, version, admin = published
    zhao = _zhao()
    c004 = f.section(term, f.course(section("C001").course.subject, code="K004", name="楷书"), code="C004",
                     seats=20, sites=[site("S02")])
    db.session.add(MeetingAssignment(version=version, section=c004, meeting=0, slot="mon:am1", room=room("大教室"),
                                     teacher=teacher("T02")))
    db.session.commit()
    outcomes = at_once(app, *(_substitute(section_id, zhao.id, admin.id) for section_id in (section("C001").id, c004.id)))
    assert len(outcomes) == 2 and "taken" in outcomes, outcomes
    assert [o for o in outcomes if o != "taken"][0].startswith("赵老师 那时已有课"), outcomes
    db.session.expire_all()
    assert len(teacher_sessions(version.meetings, zhao.id, term)) == 1


def _move(section_code: str, on_date, admin_id: int):
    """A call for `at_once`: the section's session of `on_date` moved to 17 March 16:30 in 大教室."""
    from college.calendar.operations import move_session

    def call() -> str:
        move_session(section(section_code), 0, on_date, date(2027, 3, 17), "pm2", room("大教室"), "调课",
                     db.session.get(Account, admin_id))
        return "moved"
    return call


def test_two_moves_into_one_room_at_one_time_at_once_make_one(app, published):
    """C001's Monday and C002's Tuesday sessions are both moved to Wednesday 17 March 16:30 in 大教室 at the
    same moment: one is moved, the other is told the room is taken."""
    _term, _version, admin = published
    outcomes = at_once(app, _move("C001", MONDAY, admin.id), _move("C002", date(2027, 3, 9), admin.id))
    assert len(outcomes) == 2 and "moved" in outcomes, outcomes
    assert [o for o in outcomes if o != "moved"][0].startswith("教室 大教室 那时已有课"), outcomes
