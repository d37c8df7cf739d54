"""Attendance of one dated session: who may take it and when, the sheet and its marks, the tallies on the
class lists, and the pages a teacher uses on the day.

The term is `published_small_term` moved to run from three weeks before today (its sessions are then partly
past, partly to come): C001 书法入门 on Mondays and Wednesdays at 08:30 in 书画室 (S01) with 王老师 (T01)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from college.attendance.models import Attendance, Presence
from college.attendance.operations import record, sheet, tallies
from college.calendar.operations import cancel_session, substitute_session
from college.enrollment.operations import enroll, withdraw
from college.extensions import db
from college.models import Account, AuditEntry, Role, SectionStatus, Teacher
from college.records import RecordError
from tests.college import factories as f
from tests.college.calendar.helpers import section, site, teacher
from tests.college.concurrency import at_once
from tests.college.enrollment.helpers import learner
from tests.college.people import quick as q
from tests.college.timetable.builders import published_small_term

PRESENT, ABSENT, EXCUSED = Presence.PRESENT, Presence.ABSENT, Presence.EXCUSED


@pytest.fixture
def term(app):
    """The small published term, three weeks under way; C001 with three learners enrolled."""
    term, _version = published_small_term()
    today = date.today()
    term.first_day = today - timedelta(days=today.weekday(), weeks=3)      # a Monday
    term.last_day = term.first_day + timedelta(weeks=12)
    term.calendar_days = []
    for s in term.sections:
        s.status = SectionStatus.OPEN
    db.session.flush()
    for n in range(3):
        enroll(learner(n, name=f"学员{n}"), section("C001"), None, today=term.first_day - timedelta(days=7))
    db.session.commit()
    return term


def _first_monday(term) -> date:
    return term.first_day


def _teacher_account(code="T01", phone="13900000001") -> Account:
    acc = q.account(phone, Role.TEACHER, teacher(code).name)
    acc.teacher_id = teacher(code).id
    db.session.commit()
    return acc


def test_the_teacher_marks_the_session_and_may_correct_it(term):
    wang = _teacher_account()
    c001, monday = section("C001"), _first_monday(term)
    lines = sheet(c001, 0, monday)
    assert [(line.learner.name, line.presence, line.enrolled) for line in lines] == \
        [("学员0", None, True), ("学员1", None, True), ("学员2", None, True)]
    ids = [line.learner.id for line in lines]
    assert record(c001, 0, monday, {ids[0]: PRESENT, ids[1]: ABSENT, ids[2]: EXCUSED}, wang, today=monday) == 3
    assert [line.presence for line in sheet(c001, 0, monday)] == [PRESENT, ABSENT, EXCUSED]
    assert record(c001, 0, monday, {ids[0]: PRESENT, ids[1]: PRESENT, ids[2]: EXCUSED}, wang, today=monday) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 3
    record(c001, 1, monday + timedelta(days=2), {ids[0]: ABSENT}, wang, today=monday + timedelta(days=2))
    t = tallies(c001)
    assert (t[ids[0]].present, t[ids[0]].marked) == (1, 2) and (t[ids[2]].present, t[ids[2]].marked) == (0, 1)
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "attendance")).all()
    assert len(entries) == 3 and entries[0].changes["absent"] == 1


def test_a_learner_who_left_stays_on_the_sheets_already_marked(term):
    wang = _teacher_account()
    c001, monday = section("C001"), _first_monday(term)
    first = sheet(c001, 0, monday)[0].learner
    record(c001, 0, monday, {first.id: PRESENT}, wang, today=monday)
    row = db.session.scalars(sa.select(db.Model.metadata.tables["enrollment"].c.id).where(
        db.Model.metadata.tables["enrollment"].c.learner_id == first.id)).one()
    from college.models import Enrollment
    withdraw(db.session.get(Enrollment, row), None)
    assert [(line.learner.name, line.enrolled) for line in sheet(c001, 0, monday)][0] == ("学员0", False)
    next_week = monday + timedelta(weeks=1)
    assert "学员0" not in [line.learner.name for line in sheet(c001, 0, next_week)]
    error = pytest.raises(RecordError, record, c001, 0, next_week, {first.id: PRESENT}, wang, today=next_week)
    assert "不在这个班：学员0" in str(error.value.message)


def test_who_may_take_attendance_and_when(term):
    wang, li = _teacher_account(), _teacher_account("T02", "13900000002")
    c001, monday = section("C001"), _first_monday(term)
    first = sheet(c001, 0, monday)[0].learner.id
    with pytest.raises(RecordError, match="只有这次课的老师"):
        record(c001, 0, monday, {first: PRESENT}, li, today=monday)
    with pytest.raises(RecordError, match="当天或之后点名"):
        record(c001, 0, monday, {first: PRESENT}, wang, today=monday - timedelta(days=1))
    admin = f.account("13800000009")
    cancel_session(c001, 0, monday + timedelta(weeks=1), "停电", admin)
    with pytest.raises(RecordError, match="停电"):
        record(c001, 0, monday + timedelta(weeks=1), {first: PRESENT}, wang, today=monday + timedelta(weeks=1))
    # a coordinator of the site may; of another site may not
    north = f.account("13800000002", Role.COORDINATOR, "协调员", sites=[site("S01")])
    south = f.account("13800000003", Role.COORDINATOR, "协调员二", sites=[site("S02")])
    record(c001, 0, monday, {first: PRESENT}, north, today=monday)
    with pytest.raises(RecordError):
        record(c001, 0, monday, {first: ABSENT}, south, today=monday)
    # a substitute takes the attendance of the session they teach; the usual teacher does not, that day
    zhao = Teacher(code="T03", name="赵老师", subjects=[c001.course.subject], available=["mon:am1"])
    db.session.add(zhao)
    db.session.flush()
    later = monday + timedelta(weeks=2)
    substitute_session(c001, 0, later, zhao, "王老师生病", admin)
    zhao_account = _teacher_account("T03", "13900000003")
    record(c001, 0, later, {first: PRESENT}, zhao_account, today=later)
    with pytest.raises(RecordError, match="只有这次课的老师"):
        record(c001, 0, later, {first: ABSENT}, wang, today=later)


# --- pages -----------------------------------------------------------------------------------

def test_the_teacher_takes_attendance_from_their_timetable(term, client):
    wang = _teacher_account()
    c001, monday = section("C001"), _first_monday(term)
    q.login(client, wang)
    timetable = client.get(f"/my/timetable?from={monday.isoformat()}").text
    url = f"/attendance/session?section={c001.id}&amp;meeting=0&amp;day={monday.isoformat()}"
    assert url in timetable and "点名" in timetable
    future = monday + timedelta(weeks=4)                           # next week's Monday
    ahead = client.get(f"/my/timetable?from={future.isoformat()}").text
    assert "C001 书法入门" in ahead and "/attendance/session" not in ahead
    page = client.get(url.replace("&amp;", "&"))
    assert page.status_code == 200 and "全部标为到课" in page.text
    assert page.text.count('value="present" checked') == 3
    ids = [line.learner.id for line in sheet(c001, 0, monday)]
    saved = client.post(url.replace("&amp;", "&"), data={f"p-{ids[0]}": "present", f"p-{ids[1]}": "absent",
                                                         f"p-{ids[2]}": "excused"}, follow_redirects=True)
    assert "点名已保存：到课 1 人，缺课 1 人，请假 1 人。" in saved.text
    assert 'value="absent" checked' in saved.text
    assert "已点名" in client.get(f"/my/timetable?from={monday.isoformat()}").text
    roster = client.get(f"/my/classes/{c001.id}/roster").text
    assert "出勤" in roster and "1 / 1" in roster and "0 / 1" in roster
    # another teacher may not open it; a session not held yet cannot be taken
    q.login(client, _teacher_account("T02", "13900000002"))
    assert client.get(url.replace("&amp;", "&")).status_code == 403
    q.login(client, wang)
    answer = client.post(f"/attendance/session?section={c001.id}&meeting=0&day={future.isoformat()}",
                         data={f"p-{ids[0]}": "present"})
    assert answer.status_code == 422 and "当天或之后点名" in answer.text
    assert client.get(f"/attendance/session?section={c001.id}&meeting=0&day=2000-01-03").status_code == 404


def test_the_office_sees_the_tallies_on_the_class_list_and_in_the_spreadsheet(term, client):
    c001, monday = section("C001"), _first_monday(term)
    admin = q.account("13800000009")
    db.session.commit()
    ids = [line.learner.id for line in sheet(c001, 0, monday)]
    record(c001, 0, monday, {ids[0]: PRESENT, ids[1]: ABSENT}, admin, today=monday)
    db.session.commit()
    q.login(client, admin)
    page = client.get(f"/admin/sections/{c001.id}/enrollments").text
    assert "出勤" in page and "1 / 1" in page
    lines = client.get(f"/admin/sections/{c001.id}/enrollments.csv").get_data(as_text=True).splitlines()
    assert lines[0].endswith("出勤次数,点名次数")
    by_name = {line.split(",")[2]: line.split(",")[-2:] for line in lines[1:]}
    assert by_name["学员0"] == ["1", "1"] and by_name["学员1"] == ["0", "1"] and by_name["学员2"] == ["", ""]
    sessions = client.get(f"/admin/calendar/?term={term.id}&site={site('S01').id}&from={monday.isoformat()}").text
    assert "已点名" in sessions and "点名" in sessions


def test_the_term_at_a_glance_counts_sessions_taken_and_finds_learners_absent_twice_in_a_row(term, client):
    c001, monday = section("C001"), _first_monday(term)
    admin = q.account("13800000009")
    db.session.commit()
    ids = [line.learner.id for line in sheet(c001, 0, monday)]
    wednesday, next_monday = monday + timedelta(days=2), monday + timedelta(weeks=1)
    record(c001, 0, monday, {ids[0]: PRESENT, ids[1]: PRESENT, ids[2]: ABSENT}, admin, today=monday)
    record(c001, 1, wednesday, {ids[0]: ABSENT, ids[1]: EXCUSED, ids[2]: ABSENT}, admin, today=wednesday)
    record(c001, 0, next_monday, {ids[0]: ABSENT, ids[1]: ABSENT, ids[2]: ABSENT}, admin, today=next_monday)
    db.session.commit()
    from college.attendance.operations import term_attendance

    classes, absent = term_attendance(term, today=next_monday)
    c = next(row for row in classes if row.section.code == "C001")
    # held: Monday, Wednesday, next Monday (the Friday class C003 is another class)
    assert (c.held, c.taken, c.present, c.marked) == (3, 3, 2, 9)
    assert [(a.learner.name, a.streak, a.last_present) for a in absent] == \
        [("学员2", 3, None), ("学员0", 2, monday)]                  # 学员1 had leave in between
    south = q.account("13800000002", Role.COORDINATOR, "协调员", sites=[site("S02")])
    db.session.commit()
    southern, nobody = term_attendance(term, {site("S02").id}, today=next_monday)
    assert [row.section.code for row in southern] == ["C002"] and nobody == []
    q.login(client, admin)
    assert "/admin/attendance" in client.get("/admin/").text
    page = client.get(f"/admin/attendance?term={term.id}").text
    assert "连续缺课" in page and "学员2" in page and "tel:" in page and "C001 书法入门" in page
    q.login(client, south)
    page = client.get(f"/admin/attendance?term={term.id}").text
    assert "学员2" not in page
    q.login(client, _teacher_account())
    assert client.get(f"/admin/attendance?term={term.id}").status_code == 403


def _record(section_id, on_date, marks, actor_id):
    """A call for `at_once`: one person saves the sheet of the section's session of `on_date`."""
    from college.models import Section

    def call() -> str:
        record(db.session.get(Section, section_id), 0, on_date, marks, db.session.get(Account, actor_id),
               today=on_date)
        return "saved"
    return call


def test_the_teacher_and_the_coordinator_saving_one_sheet_at_once_both_save(app, term):
    wang = _teacher_account()
    north = f.account("13800000002", Role.COORDINATOR, "协调员", sites=[site("S01")])
    db.session.commit()
    c001, monday = section("C001"), _first_monday(term)
    ids = [line.learner.id for line in sheet(c001, 0, monday)]
    outcomes = at_once(app, *(_record(c001.id, monday, {i: presence for i in ids}, who)
                              for presence, who in ((PRESENT, wang.id), (ABSENT, north.id))))
    assert outcomes == ["saved", "saved"], outcomes
    db.session.expire_all()
    marks = {line.presence for line in sheet(section("C001"), 0, monday)}
    assert len(marks) == 1 and db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 3
