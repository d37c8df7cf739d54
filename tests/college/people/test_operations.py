"""The operations as an import or the demo loader calls them: plain values in, a record or a RecordError out."""

from datetime import date, datetime

import pytest

from college.extensions import db
from college.models import Role, Section
from college.people import operations as ops
from college.records import RecordError
from tests.college import factories as f
from tests.college.people import quick as q


def refused(call, *args) -> str:
    with pytest.raises(RecordError) as caught:
        call(*args)
    return caught.value.field


def test_teacher_values_from_a_csv_row_are_cleaned(app):
    maths = f.subject("maths", "数学")
    teacher = ops.create_teacher({"code": " T7 ", "name": "周老师", "kind": "volunteer", "phone": "+86 139 0000 7777",
                                  "available": "tue:am1, mon:am1", "preferred": "mon:am1", "subjects": [maths],
                                  "max_meetings": "4"}, None)
    assert (teacher.code, teacher.phone, teacher.max_meetings) == ("T7", "13900007777", 4)
    assert teacher.available == ["mon:am1", "tue:am1"] and teacher.subjects == [maths]
    assert refused(ops.create_teacher, {"code": "T8", "name": "x", "kind": "robot"}, None) == "kind"
    assert refused(ops.create_teacher, {"code": "T8", "name": "x", "max_sites_per_day": 0}, None) == "max_sites_per_day"
    assert refused(ops.create_teacher, {"code": "T7", "name": "x"}, None) == "code"


def test_teacher_who_is_a_sections_fixed_teacher_cannot_be_deleted(app):
    teacher = f.teacher()
    section = f.section(code="C001")
    section.teacher = teacher
    db.session.flush()
    with pytest.raises(RecordError) as caught:
        ops.delete_teacher(teacher, None)
    assert "C001" in str(caught.value.message) and teacher.name in str(caught.value.message)
    section.teacher = None
    ops.delete_teacher(teacher, None)
    assert db.session.get(Section, section.id).teacher_id is None


def test_children_group_needs_children_and_ordered_ages(app):
    site = f.site()
    group = ops.create_children_group({"code": "G1", "name": "四点半课堂", "organisation": "鼓楼社区", "size": 12,
                                       "min_age": 6, "max_age": 11, "sites": [site]}, None)
    assert group.sites == [site]
    base = {"code": "G2", "name": "书法小组", "organisation": "鼓楼社区", "size": 12}
    assert refused(ops.create_children_group, {**base, "size": 0}, None) == "size"
    assert refused(ops.create_children_group, {**base, "min_age": 9, "max_age": 7}, None) == "max_age"
    assert refused(ops.create_children_group, {**base, "max_age": 18}, None) == "max_age"
    assert refused(ops.create_children_group, {**base, "name": "四点半课堂"}, None) == "name"


def test_learner_birth_dates_are_checked_against_today(app):
    learner = ops.create_learner({"name": "吴阿姨", "phone": "13600000001", "birth_date": "1950-05-05"}, None)
    assert learner.birth_date == date(1950, 5, 5)
    base = {"name": "x", "phone": "13600000002"}
    assert refused(ops.create_learner, {**base, "birth_date": "not a date"}, None) == "birth_date"
    assert refused(ops.create_learner, {**base, "birth_date": date(1890, 1, 1)}, None) == "birth_date"
    assert refused(ops.create_learner, {**base, "phone": "12"}, None) == "phone"
    assert ops.create_learner({**base, "birth_date": ""}, None).birth_date is None


def test_a_learner_account_can_be_made_from_a_ready_hash(app):
    from werkzeug.security import generate_password_hash

    ready = generate_password_hash("elder-pass-1")
    learner = ops.create_learner({"name": "郑大爷", "phone": "13600000003", "create_account": True,
                                  "password_hash": ready}, None)
    import sqlalchemy as sa

    from college.models import Account

    account = db.session.scalar(sa.select(Account).where(Account.learner_id == learner.id))
    assert account.role == Role.LEARNER and account.check_password("elder-pass-1")
    assert refused(ops.create_learner, {"name": "郑大爷", "phone": "136 0000 0003", "create_account": True,
                                        "password_hash": ready}, None) == "phone"


def test_proxy_link_needs_a_proxy_account_and_past_consent(app):
    proxy = q.account("13500000001", Role.PROXY, "小刘")
    learner = ops.create_learner({"name": "孙大爷", "phone": "13600000001"}, None)
    base = {"proxy_account_id": proxy.id, "learner_id": learner.id, "relation": "family",
            "consent_at": "2026-03-01T09:30", "consent_note": "电话录音同意"}
    link = ops.create_proxy_link(base, None)
    assert link.consent_at == datetime(2026, 3, 1, 9, 30)
    ops.delete_proxy_link(link, None)
    assert refused(ops.create_proxy_link, {**base, "consent_at": None}, None) == "consent_at"
    assert refused(ops.create_proxy_link, {**base, "consent_note": " "}, None) == "consent_note"
    assert refused(ops.create_proxy_link, {**base, "relation": "neighbour"}, None) == "relation"
    assert refused(ops.create_proxy_link, {**base, "learner_id": 2**40}, None) == "learner_id"
    admin = q.account()
    assert refused(ops.create_proxy_link, {**base, "proxy_account_id": admin.id}, None) == "proxy_account_id"
