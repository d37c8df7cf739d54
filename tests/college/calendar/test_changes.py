"""Cancelling and moving single sessions: the dated sessions around them, and every refusal with its reason.

The published timetable is the `published` fixture's (conftest.py)."""

from datetime import date, datetime

from sqlalchemy import select

from college.calendar.operations import cancel_session, move_session, undo_change
from college.extensions import db
from college.models import (
    AuditEntry,
    CalendarDay,
    DayKind,
    Role,
    RoomClosure,
    SiteClosure,
    TeacherAbsence,
)
from college.timetable.models import SessionChange
from college.timetable.sessions import TIMEZONE, dated_sessions
from tests.college import factories as f
from tests.college.calendar.helpers import refused, room, section, site, teacher


def _c001_days(version, term):
    return [(s.day, s.cancelled, s.moved_from) for s in dated_sessions(version, term) if s.section == "C001"]


def test_a_cancelled_session_stays_in_the_list_as_cancelled_with_its_reason(published):
    term, version, admin = published
    before = [s.day for s in dated_sessions(version, term)]
    cancel_session(section("C001"), 0, date(2027, 3, 8), "社区活动室用于选举", admin)
    sessions = dated_sessions(version, term)
    assert [s.day for s in sessions] == before
    cancelled = [s for s in sessions if s.cancelled]
    assert [(s.section, s.day, s.reason) for s in cancelled] == [("C001", date(2027, 3, 8), "社区活动室用于选举")]
    neighbours = [s for s in sessions if s.section == "C001" and s.day in (date(2027, 3, 1), date(2027, 3, 15))]
    assert len(neighbours) == 2 and not any(s.cancelled for s in neighbours)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "session_change")).one()
    assert entry.action == "create" and "C001" in entry.summary and entry.account_id == admin.id


def test_a_moved_session_is_at_its_new_date_period_and_room_and_not_at_the_old_one(published):
    term, version, admin = published
    move_session(section("C001"), 0, date(2027, 3, 15), date(2027, 3, 16), "pm2", room("大教室"), "老师出差", admin)
    days = _c001_days(version, term)
    assert (date(2027, 3, 15), False, None) not in days
    assert (date(2027, 3, 16), False, date(2027, 3, 15)) in days
    assert (date(2027, 3, 8), False, None) in days and (date(2027, 3, 22), False, None) in days
    moved = next(s for s in dated_sessions(version, term) if s.moved_from == date(2027, 3, 15))
    assert moved.start == datetime(2027, 3, 16, 16, 30, tzinfo=TIMEZONE)
    assert (moved.room, moved.site, moved.reason) == ("大教室", "南宁街道银发先锋之家", "老师出差")
    # The list stays in time order: the moved session sits after C002's Tuesday morning.
    starts = [s.start for s in dated_sessions(version, term)]
    assert starts == sorted(starts)


def test_undo_puts_the_session_back(published):
    term, version, admin = published
    before = _c001_days(version, term)
    change = move_session(section("C001"), 0, date(2027, 3, 15), date(2027, 3, 16), None, None, "调休", admin)
    assert _c001_days(version, term) != before
    undo_change(change, admin)
    assert _c001_days(version, term) == before
    assert db.session.scalar(select(SessionChange)) is None
    actions = [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "session_change")
                                                     .order_by(AuditEntry.id))]
    assert actions == ["create", "delete"]


def test_a_cancellation_needs_a_reason_and_an_existing_session(published):
    _term, _version, admin = published
    error = refused(cancel_session, section("C001"), 0, date(2027, 3, 8), "   ", admin)
    assert error.field == "reason" and str(error.message) == "请简单写明原因：学员会看到这个原因。"
    error = refused(cancel_session, section("C001"), 0, date(2027, 3, 9), "病假", admin)
    assert str(error.message) == "C001 班在 2027年3月9日 周二 没有课。"
    error = refused(cancel_session, section("C001"), 5, date(2027, 3, 8), "病假", admin)
    assert str(error.message) == "已发布的课表中，C001 班没有第 6 次课。"
    cancel_session(section("C001"), 0, date(2027, 3, 8), "病假", admin)
    error = refused(move_session, section("C001"), 0, date(2027, 3, 8), date(2027, 3, 9), None, None, "补课", admin)
    assert str(error.message) == "这次课已经取消（病假）；请先撤销。"


def test_a_move_onto_a_holiday_a_closure_or_outside_the_term_is_refused_with_the_reason(published):
    term, _version, admin = published
    term.calendar_days.append(CalendarDay(day=date(2027, 4, 5), kind=DayKind.HOLIDAY, name="清明节"))
    near, big = site("S01"), room("大教室")
    db.session.add_all([
        SiteClosure(site=near, first_day=date(2027, 4, 12), last_day=date(2027, 4, 14), reason="装修"),
        RoomClosure(room=big, first_day=date(2027, 4, 20), last_day=date(2027, 4, 20), reason="漏水")])
    db.session.commit()
    c001 = section("C001")
    cases = [
        ((date(2027, 4, 5), None, None), "new_date", "2027年4月5日 周一 是法定节假日（清明节）。"),
        ((date(2027, 4, 13), None, None), "new_date", "鼓楼社区银发先锋之家 在 2027年4月13日 周二 闭馆（装修）。"),
        ((date(2027, 4, 20), None, room("大教室")), "new_room", "教室 大教室 在 2027年4月20日 周二 不能使用（漏水）。"),
        ((date(2027, 7, 5), None, None), "new_date",
         "2027年7月5日 周一 不在本学期内（2027年3月1日 周一 至 2027年6月30日 周三）。"),
        ((date(2027, 3, 16), None, room("小教室")), "new_room", "教室 小教室 只有 20 个座位；C001 班需要 25 个。"),
        ((date(2027, 3, 15), None, None), None, "这次课本来就在这里：请选择别的日期、时段或教室。"),
        ((date(2027, 3, 16), "pm9", None), "new_period", "本学期没有 pm9 这个时段。"),
    ]
    for (new_date, period, new_room), field, message in cases:
        error = refused(move_session, c001, 0, date(2027, 3, 15), new_date, period, new_room, "补课", admin)
        assert (error.field, str(error.message)) == (field, message)
    assert db.session.scalar(select(SessionChange)) is None


def test_a_move_onto_a_busy_room_or_a_busy_teacher_is_refused_naming_the_other_class(published):
    _term, _version, admin = published
    # C003 (Friday pm2, 书画室) to Monday 3月15日 am1: 书画室 holds C001 then.
    error = refused(move_session, section("C003"), 0, date(2027, 3, 19), date(2027, 3, 15), "am1", None, "补课", admin)
    assert (error.field, str(error.message)) == ("new_room", "教室 书画室 那时已有课：C001 书法入门，08:30–10:00。")
    # C001 Monday to Wednesday 3月17日 am1 in the free 大教室: 王老师 teaches C001's Wednesday meeting then.
    error = refused(move_session, section("C001"), 0, date(2027, 3, 15), date(2027, 3, 17), None, room("大教室"),
                     "补课", admin)
    assert (error.field, str(error.message)) == (
        "new_period", "王老师 那时已有课：C001 书法入门，在 鼓楼社区银发先锋之家，08:30–10:00。")
    # A session moved onto Friday 3月19日 am1 makes 书画室 busy then for the next move.
    move_session(section("C001"), 0, date(2027, 3, 15), date(2027, 3, 19), None, None, "补课", admin)
    error = refused(move_session, section("C001"), 1, date(2027, 3, 24), date(2027, 3, 19), None, None, "补课", admin)
    assert str(error.message) == "教室 书画室 那时已有课：C001 书法入门，08:30–10:00。"
    # A cancelled session frees its room: C003 may go to Monday 3月22日 am1 once C001 is cancelled then.
    cancel_session(section("C001"), 0, date(2027, 3, 22), "老师生病", admin)
    move_session(section("C003"), 0, date(2027, 3, 26), date(2027, 3, 22), "am1", None, "补课", admin)


def test_a_move_onto_a_day_the_teacher_is_away_is_refused(published):
    _term, _version, admin = published
    wang = teacher("T01")
    db.session.add(TeacherAbsence(teacher=wang, first_day=date(2027, 3, 18), last_day=None, days=["thu"],
                                  reason="住院"))
    db.session.flush()
    error = refused(move_session, section("C001"), 0, date(2027, 3, 15), date(2027, 3, 18), None, None, "补课", admin)
    assert str(error.message) == "王老师 在 2027年3月18日 周四 不能上课（住院）。"
    move_session(section("C001"), 0, date(2027, 3, 15), date(2027, 3, 19), None, None, "补课", admin)


def test_a_coordinator_changes_sessions_at_their_own_sites_only(published):
    _term, _version, _admin = published
    coordinator = f.account(phone="13800000002", role=Role.COORDINATOR, name="协调员", sites=[site("S01")])
    error = refused(cancel_session, section("C002"), 0, date(2027, 3, 9), "停电", coordinator)
    assert str(error.message) == "您只能调整自己负责的教学点的课。"
    error = refused(move_session, section("C001"), 0, date(2027, 3, 15), date(2027, 3, 19), None, room("大教室"),
                     "补课", coordinator)
    assert str(error.message) == "您只能调整自己负责的教学点的课。"
    change = cancel_session(section("C001"), 0, date(2027, 3, 8), "停电", coordinator)
    assert change.created_by_id == coordinator.id
    teacher_account = f.account(phone="13800000003", role=Role.TEACHER, name="王老师")
    error = refused(undo_change, change, teacher_account)
    assert str(error.message) == "您只能调整自己负责的教学点的课。"
