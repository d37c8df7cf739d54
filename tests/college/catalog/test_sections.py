"""Sections: a course in a term at candidate sites, with its teacher, children group and times."""

import sqlalchemy as sa

from college.extensions import db
from college.models import AreaLevel, ChildrenGroup, Section, SectionStatus
from tests.college import factories as f


def _world():
    term = f.term()
    calligraphy = f.subject("calligraphy", "书法")
    course = f.course(calligraphy, code="K001", name="书法入门")
    district = f.area("麒麟区")
    south = f.area("南宁街道", AreaLevel.SUBDISTRICT, district)
    north = f.area("建宁街道", AreaLevel.SUBDISTRICT, district)
    s1 = f.site("S01", "紫云之家", area_=f.area("紫云社区", AreaLevel.COMMUNITY, south))
    s2 = f.site("S02", "建宁之家", area_=north)
    teacher = f.teacher("T01", "王老师", subjects=[calligraphy])
    return term, course, s1, s2, teacher


def _section_form(term, course, where, **changes) -> dict:
    data = {"code": "C101", "term_id": term.id, "course_id": course.id, "seats": "25",
            "sites": [s.id for s in where], "teacher_id": "", "children_group_id": "", "status": "open",
            "min_days_apart": "1", "allowed_slots": ["mon:am1", "wed:am1"]}
    data.update(changes)
    return data


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Section))


def test_admin_creates_a_section_at_two_sites_and_edits_it(client):
    admin = f.account()
    term, course, s1, s2, teacher = _world()
    db.session.commit()
    f.login(client, admin)
    form = client.get("/admin/sections/new").get_data(as_text=True)
    assert "<details" in form and "南宁街道" in form and "建宁街道" in form
    response = client.post("/admin/sections/new", data=_section_form(term, course, [s1, s2], teacher_id=teacher.id))
    assert response.status_code == 302
    section = db.session.scalar(sa.select(Section))
    assert [s.code for s in section.sites] == ["S01", "S02"]
    assert (section.teacher_id, section.status, section.allowed_slots) == (
        teacher.id, SectionStatus.OPEN, ["mon:am1", "wed:am1"])
    listing = client.get("/admin/sections/").get_data(as_text=True)
    assert "C101" in listing and "书法入门" in listing and "王老师" in listing
    assert "C101" in client.get("/admin/sections/?q=书法").get_data(as_text=True)
    assert "C101" not in client.get("/admin/sections/?q=舞蹈").get_data(as_text=True)
    edit = client.get(f"/admin/sections/{section.id}/edit").get_data(as_text=True)
    assert f'value="{s1.id}" checked' in edit and 'value="mon:am1" checked' in edit
    response = client.post(f"/admin/sections/{section.id}/edit", data=_section_form(
        term, course, [s2], allowed_slots=[], status="closed"))
    assert response.status_code == 302
    db.session.expire_all()
    section = db.session.get(Section, section.id)
    assert [s.code for s in section.sites] == ["S02"] and section.allowed_slots is None
    assert section.teacher_id is None and section.status == SectionStatus.CLOSED
    assert client.post(f"/admin/sections/{section.id}/delete").status_code == 302
    assert _count() == 0


def test_section_rules_refuse_bad_data_next_to_the_field_and_write_nothing(client):
    admin = f.account()
    term, course, s1, s2, teacher = _world()
    f.section(term_=term, course_=course, code="C001", sites=[s1])
    stranger = f.teacher("T02", "李老师", subjects=[f.subject("dance", "舞蹈")])
    group = ChildrenGroup(code="G01", name="四点半课堂", organisation="鼓楼社区", size=18)
    db.session.add(group)
    db.session.commit()
    f.login(client, admin)
    cases = [
        ({"code": "C001"}, "code"),
        ({"seats": "0"}, "seats"),
        ({"sites": []}, "sites"),
        ({"sites": ["999999"]}, "sites"),
        ({"teacher_id": stranger.id}, "teacher_id"),
        ({"children_group_id": group.id}, "children_group_id"),
        ({"min_days_apart": "9"}, "min_days_apart"),
        ({"allowed_slots": ["mon:am2"]}, "allowed_slots"),
        ({"status": "finished"}, "status"),
        ({"term_id": "999999"}, "term_id"),
    ]
    for change, field in cases:
        response = client.post("/admin/sections/new", data=_section_form(term, course, [s1], **change))
        assert response.status_code == 422, change
        assert f'id="{field}-err"' in response.get_data(as_text=True), change
    assert _count() == 1


def test_a_children_group_needs_a_child_safe_site_it_reaches_and_a_cleared_teacher(client):
    admin = f.account()
    term, course, s1, s2, teacher = _world()
    course.intergenerational = True
    s2.child_safe = True
    group = ChildrenGroup(code="G01", name="四点半课堂", organisation="鼓楼社区", size=18, sites=[s1, s2])
    db.session.add(group)
    db.session.commit()
    f.login(client, admin)
    unsafe = client.post("/admin/sections/new", data=_section_form(term, course, [s1], children_group_id=group.id))
    assert unsafe.status_code == 422
    assert 'id="sites-err"' in unsafe.get_data(as_text=True) and "四点半课堂" in unsafe.get_data(as_text=True)
    uncleared = client.post("/admin/sections/new", data=_section_form(
        term, course, [s1, s2], children_group_id=group.id, teacher_id=teacher.id))
    assert uncleared.status_code == 422 and 'id="teacher_id-err"' in uncleared.get_data(as_text=True)
    assert _count() == 0
    teacher.intergenerational = True
    db.session.commit()
    response = client.post("/admin/sections/new", data=_section_form(
        term, course, [s1, s2], children_group_id=group.id, teacher_id=teacher.id))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Section)).children_group_id == group.id
