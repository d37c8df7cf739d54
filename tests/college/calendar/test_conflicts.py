"""Session changes against other people and other timetables: two people changing one session at once, an
undo whose usual place is no longer free, changes a later published version no longer matches, and a form
submitted after another version was published.

The published timetable is the `published` fixture's (conftest.py)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import select

from college.calendar import operations as ops
from college.calendar.operations import cancel_session, move_session, undo_change, unmatched_changes
from college.extensions import db
from college.models import (
    AuditEntry,
    CalendarDay,
    DayKind,
    RoomClosure,
    SiteClosure,
    TeacherAbsence,
)
from college.timetable.models import SessionAction, SessionChange
from college.timetable.sessions import dated_sessions
from tests.college.calendar.helpers import (
    SMALL,
    publish_new_version,
    refused,
    room,
    section,
    site,
    teacher,
)
from tests.college.people import quick as q
from tests.college.timetable.builders import published_small_term


def _someone_else_commits_between_check_and_write(monkeypatch, **values) -> None:
    """Another request (its own connection) commits a change of the same session after this one's check."""
    check = ops._not_changed_yet

    def check_then_the_other_request_commits(section, meeting, on_date):
        check(section, meeting, on_date)
        with db.engine.begin() as other:
            other.execute(sa.insert(SessionChange).values(
                section_id=section.id, meeting=meeting, on_date=on_date, created_at=datetime.utcnow(), **values))

    monkeypatch.setattr(ops, "_not_changed_yet", check_then_the_other_request_commits)


def _changes() -> list[tuple]:
    db.session.expire_all()
    return [(c.section.code, c.on_date, c.action, c.reason) for c in db.session.scalars(select(SessionChange))]


# --- 1. two people change one session at once -------------------------------------------------

def test_the_second_of_two_changes_at_once_is_refused_saying_what_the_first_one_did(published, monkeypatch):
    _term, _version, admin = published
    _someone_else_commits_between_check_and_write(monkeypatch, action=SessionAction.CANCELLED, reason="停电")
    error = refused(cancel_session, section("C001"), 0, date(2027, 3, 8), "社区选举", admin)
    assert (error.field, str(error.message)) == (None, "这次课刚刚被别人调整了：已停课（停电）。")
    db.session.rollback()
    assert _changes() == [("C001", date(2027, 3, 8), SessionAction.CANCELLED, "停电")]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "session_change")) is None

    monkeypatch.undo()
    _someone_else_commits_between_check_and_write(
        monkeypatch, action=SessionAction.MOVED, new_date=date(2027, 3, 16), new_period="pm2",
        new_room_id=room("大教室").id, reason="老师出差")
    error = refused(move_session, section("C001"), 0, date(2027, 3, 15), date(2027, 3, 19), None, None,
                     "补课", admin)
    assert str(error.message) == "这次课刚刚被别人调整了：已调到 2027年3月16日 周二 pm2 大教室（老师出差）。"
    db.session.rollback()
    assert [c[:3] for c in _changes()] == [("C001", date(2027, 3, 8), SessionAction.CANCELLED),
                                           ("C001", date(2027, 3, 15), SessionAction.MOVED)]


def test_the_page_shows_the_form_again_with_the_other_change_instead_of_an_error_page(app, client, monkeypatch):
    published_small_term()
    admin = q.account()
    db.session.commit()
    q.login(client, admin)
    url = f"/admin/calendar/session?section={section('C001').id}&meeting=0&day=2027-03-08"
    _someone_else_commits_between_check_and_write(monkeypatch, action=SessionAction.CANCELLED, reason="停电")
    page = client.post(url, data={"cancel-reason": "社区选举", "cancel-submit": "x"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "这次课刚刚被别人调整了：已停课（停电）。" in text
    assert "这次课已取消：停电" in text and "撤销这次调整" in text      # the other change, with its undo
    assert _changes() == [("C001", date(2027, 3, 8), SessionAction.CANCELLED, "停电")]
    # A form sent after the other change was committed (no race): refused with the change it would overwrite.
    monkeypatch.undo()
    page = client.post(url, data={"move-new_date": "2027-03-09", "move-new_period": "", "move-new_room": "",
                                  "move-reason": "补课", "move-submit": "x"})
    assert page.status_code == 200 and "这次课已经取消（停电）；请先撤销。" in page.get_data(as_text=True)
    assert _changes() == [("C001", date(2027, 3, 8), SessionAction.CANCELLED, "停电")]


# --- 2. undo checks the usual place again -----------------------------------------------------

def _c001_on(day: date, version, term):
    return [(s.day, s.moved_from) for s in dated_sessions(version, term) if s.section == "C001" and s.day == day]


def test_undoing_a_move_is_refused_when_its_usual_place_became_a_holiday_closed_or_the_teacher_away(published):
    term, version, admin = published
    change = move_session(section("C001"), 0, date(2027, 3, 15), date(2027, 3, 19), None, None, "老师出差", admin)
    back = "这次课不能回到 2027年3月15日 周一 08:30–10:00 的 书画室："
    holiday = CalendarDay(day=date(2027, 3, 15), kind=DayKind.HOLIDAY, name="调休")
    term.calendar_days.append(holiday)
    db.session.flush()
    # The moved session still takes place on Friday: only its own day became a holiday.
    assert _c001_on(date(2027, 3, 19), version, term) == [(date(2027, 3, 19), date(2027, 3, 15))]
    error = refused(undo_change, change, admin)
    assert str(error.message) == back + "2027年3月15日 周一 是法定节假日（调休）。"
    term.calendar_days.remove(holiday)
    near, shut, wang = site("S01"), room("书画室"), teacher("T01")
    closures = [SiteClosure(site_id=near.id, first_day=date(2027, 3, 15), last_day=date(2027, 3, 15), reason="停电"),
                RoomClosure(room_id=shut.id, first_day=date(2027, 3, 14), last_day=date(2027, 3, 16), reason="漏水"),
                TeacherAbsence(teacher_id=wang.id, first_day=date(2027, 3, 15), last_day=date(2027, 3, 15),
                               days=[], reason="体检")]
    messages = ["鼓楼社区银发先锋之家 在 2027年3月15日 周一 闭馆（停电）。",
                "教室 书画室 在 2027年3月15日 周一 不能使用（漏水）。",
                "王老师 在 2027年3月15日 周一 不能上课（体检）。"]
    for closure, message in zip(closures, messages, strict=True):
        db.session.add(closure)
        db.session.flush()
        db.session.expire_all()
        error = refused(undo_change, change, admin)
        assert str(error.message) == back + message
        db.session.execute(sa.delete(type(closure)))
        db.session.expire_all()
    assert db.session.get(SessionChange, change.id) is not None
    assert undo_change(change, admin) is True
    assert _c001_on(date(2027, 3, 15), version, term) == [(date(2027, 3, 15), None)]


def test_undoing_is_refused_when_a_session_moved_there_now_uses_the_room_or_the_teacher(published):
    _term, _version, admin = published
    change = move_session(section("C001"), 0, date(2027, 3, 15), date(2027, 3, 19), None, None, "老师出差", admin)
    # C003 (王老师's) moves into the freed Monday 08:30 in 书画室: the room is busy then.
    into_room = move_session(section("C003"), 0, date(2027, 3, 19), date(2027, 3, 15), "am1", None, "补课", admin)
    error = refused(undo_change, change, admin)
    assert str(error.message) == ("这次课不能回到 2027年3月15日 周一 08:30–10:00 的 书画室："
                                  "教室 书画室 那时已有课：C003 老少同乐书法，08:30–10:00。")
    undo_change(into_room, admin)
    # C003 at that time in 大教室 at the other site: 王老师 is busy then.
    move_session(section("C003"), 0, date(2027, 3, 19), date(2027, 3, 15), "am1", room("大教室"), "补课", admin)
    error = refused(undo_change, change, admin)
    assert str(error.message) == ("这次课不能回到 2027年3月15日 周一 08:30–10:00 的 书画室："
                                  "王老师 那时已有课：C003 老少同乐书法，在 南宁街道银发先锋之家，08:30–10:00。")
    # A cancelled session is checked the same way: its room was given to C003's moved Friday session.
    cancelled = cancel_session(section("C001"), 0, date(2027, 3, 22), "老师生病", admin)
    move_session(section("C003"), 0, date(2027, 3, 26), date(2027, 3, 22), "am1", None, "补课", admin)
    error = refused(undo_change, cancelled, admin)
    assert str(error.message).endswith("教室 书画室 那时已有课：C003 老少同乐书法，08:30–10:00。")
    assert {c.id for c in db.session.scalars(select(SessionChange))} >= {change.id, cancelled.id}


def test_the_undo_page_names_the_reason_it_is_refused(app, client):
    published_small_term()
    admin = q.account()
    db.session.commit()
    change = move_session(section("C001"), 0, date(2027, 3, 15), date(2027, 3, 19), None, None, "老师出差", admin)
    db.session.add(RoomClosure(room=room("书画室"), first_day=date(2027, 3, 15), last_day=date(2027, 3, 15),
                               reason="漏水"))
    db.session.commit()
    q.login(client, admin)
    page = client.post(f"/admin/calendar/changes/{change.id}/undo", follow_redirects=True)
    assert "教室 书画室 在 2027年3月15日 周一 不能使用（漏水）。" in page.get_data(as_text=True)
    assert db.session.get(SessionChange, change.id) is not None


# --- 3. changes a later published version no longer matches -----------------------------------

def test_changes_that_a_new_version_no_longer_matches_are_listed_and_counted_at_publishing(published):
    term, _version, admin = published
    cancel_session(section("C001"), 0, date(2027, 3, 8), "社区选举", admin)            # Monday meeting
    move_session(section("C001"), 1, date(2027, 3, 10), date(2027, 3, 12), None, None, "调休", admin)
    cancel_session(section("C002"), 0, date(2027, 3, 9), "停电", admin)                 # stays on Tuesday
    cancel_session(section("C003"), 0, date(2027, 3, 12), "活动", admin)
    db.session.commit()
    assert unmatched_changes(term) == []
    # Version 2: C001's Monday meeting on Tuesday, C003 left out; C001's Wednesday meeting and C002 unchanged.
    placements = [("C001", 0, "tue:pm2", "书画室"), *SMALL[1:4], ("C003", 0, None, None)]
    new, count = publish_new_version(term, placements)
    assert count == 2
    found = unmatched_changes(term)
    assert [(u.change.section.code, u.change.on_date, u.slot) for u in found] == [
        ("C001", date(2027, 3, 8), "tue:pm2"), ("C003", date(2027, 3, 12), None)]
    # They change nothing, and they are kept.
    sessions = dated_sessions(new, term)
    assert [(s.section, s.day) for s in sessions if s.cancelled] == [("C002", date(2027, 3, 9))]
    assert ("C001", date(2027, 3, 12)) in [(s.section, s.day) for s in sessions if s.moved_from]
    assert len(_changes()) == 4
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "timetable_version")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.changes["unmatched_session_changes"] == 2
    # Undoing one just removes it: no session comes back, so no place is checked.
    assert undo_change(found[0].change, admin) is False
    assert [(u.change.section.code, u.slot) for u in unmatched_changes(term)] == [("C003", None)]


def test_publishing_says_how_many_changes_no_longer_match_and_the_list_marks_them(app, client):
    from college.models import JobState, MeetingAssignment, SolverStatus, TimetableVersion

    term, _version = published_small_term()
    admin = q.account()
    cancel_session(section("C001"), 0, date(2027, 3, 8), "社区选举", admin)
    cancel_session(section("C002"), 0, date(2027, 3, 9), "停电", admin)
    placements = [("C001", 0, "tue:pm2", "书画室"), *SMALL[1:]]
    draft = TimetableVersion(term=term, number=2, state=JobState.FINISHED, job_id="inproc", log="", valid=True,
                             solver_status=SolverStatus.FEASIBLE, solution={"assignments": []},
                             meetings=[MeetingAssignment(section=section(s), meeting=m, slot=slot, room=room(r),
                                                         teacher=teacher("T02" if s == "C002" else "T01"))
                                       for s, m, slot, r in placements])
    db.session.add(draft)
    db.session.commit()
    q.login(client, admin)
    text = client.post(f"/admin/timetable/versions/{draft.id}/publish", follow_redirects=True).get_data(as_text=True)
    assert "有 1 次停课或调课已与已发布的课表不符" in text
    listing = client.get(f"/admin/calendar/changes?term={term.id}").get_data(as_text=True)
    assert "其中 1 项调整已与已发布的课表不符" in listing
    mark = "<strong>已与已发布的课表不符：</strong>"
    assert listing.count(mark) == 1 and "这次课现在排在 周二 pm2。" in listing
    marked_row = listing[listing.index(mark):].split("</tr>")[0]
    assert "社区选举" in marked_row and "停电" not in marked_row                 # C001's row, not C002's
    stale = db.session.scalars(select(SessionChange).where(SessionChange.reason == "社区选举")).one()
    page = client.post(f"/admin/calendar/changes/{stale.id}/undo", follow_redirects=True).get_data(as_text=True)
    assert "已删除这项调整；它不对应已发布课表中的任何一次课。" in page
    assert "已与已发布的课表不符" not in page


# --- 4. a form opened before another version was published -------------------------------------

def test_a_move_is_checked_against_the_version_published_after_the_form_was_opened(app, client):
    term, _version = published_small_term()
    admin = q.account()
    db.session.commit()
    q.login(client, admin)
    url = f"/admin/calendar/session?section={section('C001').id}&meeting=0&day=2027-03-15"
    assert client.get(url).status_code == 200
    # Meanwhile version 2 is published: C003 on Tuesday 08:30 in 书画室, where the move wants to go.
    publish_new_version(term, [*SMALL[:4], ("C003", 0, "tue:am1", "书画室")])
    form = {"move-new_date": "2027-03-16", "move-new_period": "", "move-new_room": "", "move-reason": "补课",
            "move-submit": "x"}
    page = client.post(url, data=form)
    assert page.status_code == 200
    assert "教室 书画室 那时已有课：C003 老少同乐书法，08:30–10:00。" in page.get_data(as_text=True)
    assert _changes() == []
    # Version 3 has no Monday session of C001 at all: the form is sent back to the list, saying so.
    publish_new_version(term, [("C001", 0, "sat:am1", "书画室"), *SMALL[1:]], number=3)
    page = client.post(url, data=form)
    assert page.status_code == 302
    listing = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "C001 班在 2027年3月15日 周一 没有课。" in listing
    assert _changes() == []


def test_the_move_operation_uses_the_version_published_now(published):
    term, _version, admin = published
    publish_new_version(term, [*SMALL[:4], ("C003", 0, "tue:am1", "书画室")])
    error = refused(move_session, section("C001"), 0, date(2027, 3, 15), date(2027, 3, 16), None, None,
                     "补课", admin)
    assert str(error.message) == "教室 书画室 那时已有课：C003 老少同乐书法，08:30–10:00。"
