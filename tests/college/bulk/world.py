"""A small district with every field the CSV files carry filled in, Chinese names included."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from college.extensions import db
from college.models import (
    Area,
    AreaLevel,
    ChildrenGroup,
    Course,
    Period,
    Room,
    Section,
    SectionStatus,
    Site,
    Subject,
    Teacher,
    TeacherKind,
    Term,
)


def build() -> dict:
    """Flush a district: 3 sites, 4 rooms, 2 subjects, 3 courses, 2 teachers, 1 group, 3 sections."""
    district = Area(name="麒麟区", level=AreaLevel.DISTRICT)
    street = Area(name="南宁街道", level=AreaLevel.SUBDISTRICT, parent=district)
    other_street = Area(name="建宁街道", level=AreaLevel.SUBDISTRICT, parent=district)
    community = Area(name="建设社区", level=AreaLevel.COMMUNITY, parent=street)
    same_name = Area(name="建设社区", level=AreaLevel.COMMUNITY, parent=other_street)
    db.session.add_all([district, street, other_street, community, same_name])
    s1 = Site(code="S01", name="区老年大学本部", area=district, address="麒麟路 1 号, 二楼",
              latitude=25.4912345, longitude=103.7961, child_safe=True, step_free=True,
              contact_phone="08743120000", open_slots=None)
    s2 = Site(code="S02", name="建设社区银发先锋之家", area=community, address='"老"厂房',
              latitude=None, longitude=None, child_safe=False, step_free=False,
              contact_phone="", open_slots=["mon:am1", "tue:pm2"])
    s3 = Site(code="S03", name="=建宁点", area=same_name, address="", latitude=-0.5, longitude=0.0)
    db.session.add_all([s1, s2, s3])
    rooms = [Room(site=s1, name="书画室", seats=30, features=["desks", "easels"]),
             Room(site=s1, name="舞蹈房", seats=40, features=["dance_floor", "step_free"]),
             Room(site=s2, name="活动室", seats=20, features=[]),
             Room(site=s3, name="一号教室", seats=12, features=["piano"])]
    db.session.add_all(rooms)
    calligraphy = Subject(code="calligraphy", name="书法")
    painting = Subject(code="painting", name="国画")
    db.session.add_all([calligraphy, painting])
    db.session.flush()
    # K010 comes first by code but needs K020: the export must put K020 before it.
    k020 = Course(code="K020", subject=calligraphy, name="书法入门", level=1, seats=25, fee=Decimal("0"),
                  features=["desks"], description="楷书基础")
    k010 = Course(code="K010", subject=calligraphy, name="书法提高", level=2, meetings_per_week=2,
                  minutes=120, seats=20, fee=Decimal("150.50"), min_age=50, max_age=85,
                  prerequisite=k020, description="行书,\n多行说明")
    k030 = Course(code="K030", subject=painting, name="祖孙同画", seats=16, intergenerational=True)
    db.session.add_all([k020, k010, k030])
    t1 = Teacher(code="T01", name="王老师", kind=TeacherKind.PROFESSIONAL, phone="13800000011",
                 email="wang@example.com", subjects=[calligraphy, painting],
                 available=["mon:am1", "tue:pm2", "wed:am1"], preferred=["mon:am1"], max_meetings=6,
                 max_sites_per_day=2, intergenerational=True)
    t2 = Teacher(code="T02", name="李志愿", kind=TeacherKind.VOLUNTEER, subjects=[painting],
                 available=[], preferred=[])
    db.session.add_all([t1, t2])
    group = ChildrenGroup(code="G01", name="四点半课堂", organisation="建设社区", size=15, sites=[s1])
    db.session.add(group)
    term = Term(name="2027年春季学期", first_day=date(2027, 3, 1), last_day=date(2027, 6, 30))
    term.periods = [Period(code="am1", start=time(8, 30), end=time(10, 0)),
                    Period(code="pm2", start=time(16, 30), end=time(18, 0), penalty=3)]
    db.session.add(term)
    db.session.flush()
    sections = [
        Section(code="C001", term=term, course=k020, seats=25, sites=[s1, s2], teacher=t1,
                status=SectionStatus.OPEN, min_days_apart=1, allowed_slots=["mon:am1", "tue:pm2"]),
        Section(code="C002", term=term, course=k010, seats=20, sites=[s1], status=SectionStatus.DRAFT,
                min_days_apart=2, allowed_slots=None),
        Section(code="C003", term=term, course=k030, seats=16, sites=[s1, s2], children_group=group,
                teacher=t1, status=SectionStatus.DRAFT, min_days_apart=0),
    ]
    db.session.add_all(sections)
    db.session.flush()
    return {"sites": [s1, s2, s3], "rooms": rooms, "term": term, "group": group,
            "courses": [k010, k020, k030], "teachers": [t1, t2], "subjects": [calligraphy, painting]}
