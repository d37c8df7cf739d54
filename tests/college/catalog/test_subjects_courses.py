"""Subjects and courses: unique codes and names, ranges, prerequisites without cycles."""

import sqlalchemy as sa

from college.extensions import db
from college.models import Course, Subject
from tests.college import factories as f


def _course_form(subject, **changes) -> dict:
    data = {"code": "K010", "subject_id": subject, "name": "钢琴入门", "level": "1", "meetings_per_week": "2",
            "minutes": "90", "features": ["piano"], "seats": "20", "fee": "120.50", "min_age": "50",
            "max_age": "85", "prerequisite_id": "", "description": "从识谱开始"}
    data.update(changes)
    return data


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_admin_creates_edits_and_deletes_a_subject(client):
    admin = f.account()
    db.session.commit()
    f.login(client, admin)
    assert client.post("/admin/subjects/new", data={"code": "piano", "name": "钢琴"}).status_code == 302
    subject = db.session.scalar(sa.select(Subject))
    assert "钢琴" in client.get("/admin/subjects/?q=钢").get_data(as_text=True)
    assert client.post(f"/admin/subjects/{subject.id}/edit", data={"code": "piano", "name": "钢琴与声乐"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Subject, subject.id).name == "钢琴与声乐"
    assert client.post(f"/admin/subjects/{subject.id}/delete").status_code == 302
    assert _count(Subject) == 0


def test_subject_code_and_name_are_unique_and_one_with_courses_stays(client):
    admin = f.account()
    calligraphy = f.subject("calligraphy", "书法")
    f.course(calligraphy)
    db.session.commit()
    f.login(client, admin)
    for data, field in (({"code": "calligraphy", "name": "硬笔书法"}, "code"),
                        ({"code": "pen", "name": "书法"}, "name"),
                        ({"code": "has space", "name": "新"}, "code")):
        response = client.post("/admin/subjects/new", data=data)
        assert response.status_code == 422 and f'id="{field}-err"' in response.get_data(as_text=True), data
    refused = client.post(f"/admin/subjects/{calligraphy.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "不能删除" in refused and "课程" in refused
    assert _count(Subject) == 1


def test_admin_creates_a_course_and_sees_it_listed(client):
    admin = f.account()
    piano = f.subject("piano", "钢琴")
    db.session.commit()
    f.login(client, admin)
    assert client.post("/admin/courses/new", data=_course_form(piano.id, intergenerational="y")).status_code == 302
    course = db.session.scalar(sa.select(Course))
    assert (course.features, course.meetings_per_week, str(course.fee), course.intergenerational) == (
        ["piano"], 2, "120.50", True)
    listing = client.get("/admin/courses/").get_data(as_text=True)
    assert "钢琴入门" in listing and "钢琴" in listing


def test_course_rules_refuse_bad_data_next_to_the_field_and_write_nothing(client):
    admin = f.account()
    piano = f.subject("piano", "钢琴")
    f.course(piano, code="K001", name="钢琴基础")
    db.session.commit()
    f.login(client, admin)
    cases = [
        ({"meetings_per_week": "8"}, "meetings_per_week"),
        ({"meetings_per_week": "0"}, "meetings_per_week"),
        ({"seats": "0"}, "seats"),
        ({"fee": "-1"}, "fee"),
        ({"fee": "lots"}, "fee"),
        ({"min_age": "80", "max_age": "60"}, "max_age"),
        ({"minutes": "5"}, "minutes"),
        ({"code": "K001"}, "code"),
        ({"name": "钢琴基础"}, "name"),
        ({"subject_id": "999999"}, "subject_id"),
        ({"prerequisite_id": "999999"}, "prerequisite_id"),
        ({"features": ["rocket"]}, "features"),
    ]
    for change, field in cases:
        response = client.post("/admin/courses/new", data=_course_form(piano.id, **change))
        assert response.status_code == 422, change
        assert f'id="{field}-err"' in response.get_data(as_text=True), change
    assert _count(Course) == 1


def test_a_prerequisite_is_never_the_course_itself_nor_a_cycle(client):
    admin = f.account()
    piano = f.subject("piano", "钢琴")
    basic = f.course(piano, code="K001", name="钢琴基础")
    middle = f.course(piano, code="K002", name="钢琴进阶")
    middle.prerequisite = basic
    db.session.commit()
    f.login(client, admin)
    own = client.post(f"/admin/courses/{basic.id}/edit", data=_course_form(
        piano.id, code="K001", name="钢琴基础", prerequisite_id=basic.id))
    assert own.status_code == 422 and 'id="prerequisite_id-err"' in own.get_data(as_text=True)
    cycle = client.post(f"/admin/courses/{basic.id}/edit", data=_course_form(
        piano.id, code="K001", name="钢琴基础", prerequisite_id=middle.id))
    assert cycle.status_code == 422 and 'id="prerequisite_id-err"' in cycle.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Course, basic.id).prerequisite_id is None
    refused = client.post(f"/admin/courses/{basic.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "不能删除" in refused and "课程" in refused


def test_course_with_sections_is_not_deleted(client):
    admin = f.account()
    course = f.course()
    f.section(course_=course)
    db.session.commit()
    f.login(client, admin)
    refused = client.post(f"/admin/courses/{course.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "不能删除" in refused and "教学班" in refused
    assert db.session.get(Course, course.id) is not None
