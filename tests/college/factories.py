"""Small builders for test records (plain functions, flushed in the app's session)."""

from __future__ import annotations

from datetime import date, time

from college.extensions import db
from college.models import (
    Account,
    Area,
    AreaLevel,
    Course,
    Period,
    Role,
    Room,
    Section,
    Site,
    Subject,
    Teacher,
    Term,
)

PASSWORD = "pass-1234"


def account(phone="13800000001", role=Role.ADMIN, name="管理员", sites=()) -> Account:
    acc = Account(phone=phone, display_name=name, role=role)
    acc.set_password(PASSWORD)
    acc.sites = list(sites)
    db.session.add(acc)
    db.session.flush()
    return acc


def area(name="麒麟区", level=AreaLevel.DISTRICT, parent=None) -> Area:
    a = Area(name=name, level=level, parent=parent)
    db.session.add(a)
    db.session.flush()
    return a


def site(code="S01", name="南宁街道银发先锋之家", area_=None, **kw) -> Site:
    s = Site(code=code, name=name, area=area_ or area(name=f"区{code}"), address="", **kw)
    db.session.add(s)
    db.session.flush()
    return s


def room(site_, name="一号教室", seats=30, features=()) -> Room:
    r = Room(site=site_, name=name, seats=seats, features=list(features))
    db.session.add(r)
    db.session.flush()
    return r


def term(name="2027年春季学期") -> Term:
    t = Term(name=name, first_day=date(2027, 3, 1), last_day=date(2027, 6, 30))
    t.periods = [Period(code="am1", start=time(8, 30), end=time(10, 0), penalty=0),
                 Period(code="pm2", start=time(16, 30), end=time(18, 0), penalty=3)]
    db.session.add(t)
    db.session.flush()
    return t


def subject(code="calligraphy", name="书法") -> Subject:
    s = Subject(code=code, name=name)
    db.session.add(s)
    db.session.flush()
    return s


def course(subject_=None, code="K001", name="书法入门", seats=25) -> Course:
    c = Course(code=code, subject=subject_ or subject(), name=name, seats=seats)
    db.session.add(c)
    db.session.flush()
    return c


def teacher(code="T01", name="王老师", subjects=()) -> Teacher:
    t = Teacher(code=code, name=name, subjects=list(subjects), available=["mon:am1"])
    db.session.add(t)
    db.session.flush()
    return t


def section(term_=None, course_=None, code="C001", seats=25, sites=()) -> Section:
    s = Section(code=code, term=term_ or term(), course=course_ or course(), seats=seats, sites=list(sites))
    db.session.add(s)
    db.session.flush()
    return s


def login(client, acc: Account) -> None:
    response = client.post("/login", data={"phone": acc.phone, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def blueprint_requests(app, blueprint: str):
    """(method, url) for each route of one blueprint: POST-only rules as POST, the rest as GET."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(f"{blueprint}."):
            url = rule.rule.replace("<int:record_id>", "1")
            yield ("POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"), url
