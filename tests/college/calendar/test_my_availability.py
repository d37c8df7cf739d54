"""A teacher keeps their own weekly times: saved with the office's checks, audited, and the published
classes now outside them listed (the repair page then shows them to the office)."""

from sqlalchemy import select

from college.extensions import db
from college.models import Account, AuditEntry, Role, Teacher
from college.timetable.repair import repair_needs
from tests.college.calendar.helpers import teacher
from tests.college.people import quick as q
from tests.college.timetable.builders import published_small_term


def _wang_account() -> Account:
    acc = q.account("13900000001", Role.TEACHER, "王老师")
    acc.teacher_id = teacher("T01").id
    db.session.commit()
    return acc


def test_a_teacher_ticks_their_times_and_sees_the_classes_now_outside_them(app, client):
    term, _version = published_small_term()
    wang = _wang_account()
    q.login(client, wang)
    assert "/my/availability" in client.get("/").text and "/my/availability" in client.get("/my/timetable").text
    page = client.get("/my/availability").text
    assert "我的上课时间" in page and 'value="mon:am1" checked' in page and "现在不在您时间里的课" not in page
    # Monday morning given up; Wednesday stays; Friday afternoon added as preferred
    answer = client.post("/my/availability", data={"available": ["wed:am1", "fri:am1", "fri:pm2", "sat:am1"],
                                                   "preferred": ["fri:pm2"], "max_meetings": "5"})
    assert answer.status_code == 303
    db.session.expire_all()
    t = db.session.get(Teacher, teacher("T01").id)
    assert sorted(t.available) == ["fri:am1", "fri:pm2", "sat:am1", "wed:am1"] and t.preferred == ["fri:pm2"]
    assert t.max_meetings == 5
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "teacher")).all()[-1]
    assert entry.account_id == wang.id
    page = client.get("/my/availability").text
    assert "现在不在您时间里的课" in page and "C001 书法入门" in page
    assert any(v["section"] == "C001" and v["meeting"] == 0 for v in repair_needs(term).violations)
    # preferred must be among the available ones; nothing is saved then
    refused = client.post("/my/availability", data={"available": ["wed:am1"], "preferred": ["sat:am1"]})
    assert refused.status_code == 422 and "没有勾选为可上课" in refused.text
    db.session.expire_all()
    assert "fri:pm2" in db.session.get(Teacher, teacher("T01").id).available


def test_only_a_teacher_with_a_record_has_the_page(app, client):
    published_small_term()
    learner = q.account("13900000009", Role.LEARNER, "学员")
    bare = q.account("13900000008", Role.TEACHER, "新老师")
    db.session.commit()
    q.login(client, learner)
    assert client.get("/my/availability").status_code == 403
    q.login(client, bare)
    assert "还没有关联教师信息" in client.get("/my/availability").text
