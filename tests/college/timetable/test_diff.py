"""The diff of two versions lists exactly the meetings that moved, who they touch, and the penalty change."""

import sqlalchemy as sa

from college.extensions import db
from college.models import MeetingAssignment, Room, Teacher
from college.timetable.diff import diff_versions
from college.timetable.operations import copy_version, move_meeting
from tests.college import factories as f
from tests.college.people import quick as q
from tests.college.timetable.builders import published_small_term


def _row(version, code: str, meeting: int) -> MeetingAssignment:
    return next(m for m in version.meetings if m.section.code == code and m.meeting == meeting)


def _room(name: str) -> Room:
    return db.session.scalar(sa.select(Room).where(Room.name == name))


def _teacher(code: str) -> Teacher:
    return db.session.scalar(sa.select(Teacher).where(Teacher.code == code))


def _edited():
    term, published = published_small_term()
    draft = copy_version(published, None)
    move_meeting(_row(draft, "C002", 0), "sat:am1", _room("大教室"), _teacher("T02"), None)
    move_meeting(_row(draft, "C001", 1), "wed:am1", _room("大教室"), _teacher("T01"), None)
    db.session.commit()
    return term, published, draft


def test_the_diff_lists_exactly_the_moved_meetings_the_people_and_the_penalties(app):
    _term, published, draft = _edited()
    diff = diff_versions(published, draft)
    assert [(m.section, m.meeting, m.changed()) for m in diff.moved] == [("C001", 1, ["room"]),
                                                                         ("C002", 0, ["slot"])]
    c001 = diff.moved[0]
    assert (c001.old.room, c001.new.room, c001.old.site, c001.new.site) == (
        "书画室", "大教室", "鼓楼社区银发先锋之家", "南宁街道银发先锋之家")
    assert [name for _id, name in diff.teachers] == ["李老师", "王老师"]
    assert [(s.code, s.seats, s.moved) for s in diff.sections] == [("C001", 25, 1), ("C002", 30, 1)]
    assert diff.seats == 55
    deltas = {d.name: d.delta for d in diff.penalties}
    assert deltas["room_change"] == 1                               # C001 now uses two rooms
    assert diff.objective.delta == draft.objective - published.objective
    assert diff_versions(published, published).moved == []


def test_the_diff_page_shows_the_moves_and_says_who_the_learners_are(app, client):
    term, published, draft = _edited()
    q.login(client, f.account())
    db.session.commit()
    page = client.get(f"/admin/timetable/terms/{term.id}/diff?old={published.number}&new={draft.number}")
    assert page.status_code == 200
    assert "2 次课有变动" in page.text and "C002" in page.text and "C001" in page.text
    assert "C003" not in page.text.split("受影响的班级")[1]            # an unmoved class is not listed


def test_the_diff_lists_every_enrolled_learner_of_a_moved_class_with_a_csv_to_phone_them(app, client):
    from datetime import date

    from college.enrollment.operations import enroll, withdraw
    from college.models import Learner, SectionStatus

    term, published, draft = _edited()
    admin = f.account()
    sections = {s.code: s for s in term.sections}
    for s in sections.values():
        s.status = SectionStatus.OPEN
    people = [Learner(name=name, phone=f"1390000000{i}", birth_date=date(1955, 1, 1))
              for i, name in enumerate(["张秀英", "李建国", "王桂兰", "赵大爷"])]
    db.session.add_all(people)
    db.session.flush()
    enroll(people[0], sections["C001"], admin, today=date(2027, 2, 20))
    enroll(people[1], sections["C002"], admin, today=date(2027, 2, 20))
    enroll(people[2], sections["C003"], admin, today=date(2027, 2, 20))       # C003 did not move
    left = enroll(people[3], sections["C002"], admin, today=date(2027, 2, 20))
    withdraw(left, admin)                                                      # no longer in the class
    db.session.commit()
    diff = diff_versions(published, draft)
    assert [(a.name, a.phone, a.section) for a in diff.learners] == [
        ("张秀英", "13900000000", "C001"), ("李建国", "13900000001", "C002")]
    assert diff.people == 2 and [s.enrolled for s in diff.sections] == [1, 1]
    q.login(client, admin)
    url = f"/admin/timetable/terms/{term.id}/diff?old={published.number}&new={draft.number}"
    page = client.get(url).text
    assert "2 位学员需要通知" in page and "张秀英" in page and "13900000001" in page
    assert "王桂兰" not in page and "赵大爷" not in page
    csv = client.get(url + "&format=csv")
    assert csv.status_code == 200 and csv.data.startswith("\ufeff".encode())
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("姓名") and lines[1:] == ["张秀英,13900000000,C001,书法入门", "李建国,13900000001,C002,合唱"]
    default = client.get(f"/admin/timetable/terms/{term.id}/diff")  # the published against the newest
    assert default.status_code == 200 and "2 次课有变动" in default.text
