"""Terms: dates, enrollment window, the period grid and the holiday calendar, in one form."""

from datetime import date, time

import sqlalchemy as sa

from college.catalog import operations as ops
from college.extensions import db
from college.models import AuditEntry, CalendarDay, Period, Term
from college.records import RecordError
from tests.college import factories as f

PERIODS = "am1 08:30-10:00 0\nam2 10:20-11:50 0\npm2 16:30-18:00 3"


def _term_form(**changes) -> dict:
    data = {"name": "2027年春季学期", "first_day": "2027-03-01", "last_day": "2027-06-30",
            "enrollment_opens": "2027-02-01", "enrollment_closes": "2027-02-25", "periods": PERIODS,
            "holidays": "2027-04-05 清明节\n2027-05-01~2027-05-05 劳动节",
            "makeup_days": "2027-04-25 周一 劳动节调休"}
    data.update(changes)
    return data


def _count(model=Term) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_admin_creates_a_term_with_its_grid_and_calendar_and_reads_them_back(client):
    admin = f.account()
    db.session.commit()
    f.login(client, admin)
    assert client.post("/admin/terms/new", data=_term_form()).status_code == 302
    term = db.session.scalar(sa.select(Term))
    assert [(p.code, p.start, p.end, p.penalty) for p in term.periods] == [
        ("am1", time(8, 30), time(10, 0), 0), ("am2", time(10, 20), time(11, 50), 0), ("pm2", time(16, 30), time(18), 3)]
    holidays = [d.day for d in term.calendar_days if d.kind == "holiday"]
    assert holidays == [date(2027, 4, 5)] + [date(2027, 5, d) for d in range(1, 6)]
    makeup = [(d.day, d.works_as) for d in term.calendar_days if d.kind == "makeup"]
    assert makeup == [(date(2027, 4, 25), "mon")]
    listing = client.get("/admin/terms/").get_data(as_text=True)
    assert "2027年春季学期" in listing and "2027年3月1日 周一" in listing
    edit = client.get(f"/admin/terms/{term.id}/edit").get_data(as_text=True)
    assert "am2 10:20-11:50 0" in edit and "2027-05-01~2027-05-05 劳动节" in edit and "2027-04-25 周一 劳动节调休" in edit


def test_editing_the_grid_keeps_unchanged_periods_and_replaces_the_rest(client):
    admin = f.account()
    term = f.term()
    db.session.commit()
    am1_id = next(p.id for p in term.periods if p.code == "am1")
    f.login(client, admin)
    response = client.post(f"/admin/terms/{term.id}/edit", data=_term_form(
        name=term.name, periods="am1 08:00-09:30 1\npm1 14:30-16:00 1", holidays="", makeup_days=""))
    assert response.status_code == 302
    db.session.expire_all()
    periods = db.session.scalars(sa.select(Period).order_by(Period.start)).all()
    assert [(p.code, p.start, p.penalty) for p in periods] == [("am1", time(8), 1), ("pm1", time(14, 30), 1)]
    assert periods[0].id == am1_id
    assert _count(CalendarDay) == 0


def test_each_bad_line_is_named_by_its_number_next_to_its_box(client):
    admin = f.account()
    db.session.commit()
    f.login(client, admin)
    cases = [
        ({"periods": "am1 08:30-10:00 0\nam2 half past ten"}, "periods", "第 2 行"),
        ({"periods": "am1 08:30-10:00 0\nam2 25:00-26:00 0"}, "periods", "第 2 行"),
        ({"periods": ""}, "periods", "至少"),
        ({"periods": "am1 10:00-08:30 0"}, "periods", "am1"),
        ({"periods": "am1 08:30-10:00 0\nam1 10:20-11:50 0"}, "periods", "am1"),
        ({"periods": "am1 08:30-10:00 0\nam2 09:30-11:00 0"}, "periods", "am2"),
        ({"holidays": "2027-04-05 清明节\n清明节"}, "holidays", "第 2 行"),
        ({"holidays": "2027-07-05 暑假"}, "holidays", "2027-07-05"),
        ({"makeup_days": "2027-04-25 劳动节调休"}, "makeup_days", "第 1 行"),
        ({"makeup_days": "2027-04-05 周一 调休"}, "makeup_days", "2027-04-05"),
        ({"last_day": "2027-02-01"}, "last_day", ""),
        ({"enrollment_closes": "2027-07-30"}, "enrollment_closes", ""),
        ({"enrollment_opens": "2027-02-20", "enrollment_closes": "2027-02-10"}, "enrollment_closes", ""),
        ({"first_day": "1999-03-01"}, "first_day", ""),
        ({"last_day": "2028-06-30"}, "last_day", ""),
    ]
    for change, field, words in cases:
        response = client.post("/admin/terms/new", data=_term_form(**change))
        assert response.status_code == 422, change
        html = response.get_data(as_text=True)
        assert f'id="{field}-err"' in html, change
        assert words in html, change
    assert _count() == 0 and _count(Period) == 0


def test_term_names_are_unique(client):
    admin = f.account()
    f.term("2027年春季学期")
    db.session.commit()
    f.login(client, admin)
    response = client.post("/admin/terms/new", data=_term_form())
    assert response.status_code == 422 and 'id="name-err"' in response.get_data(as_text=True)


def test_term_with_sections_is_not_deleted_and_an_empty_one_goes_with_its_grid(client):
    admin = f.account()
    busy = f.term("2027年春季学期")
    f.section(term_=busy)
    idle = f.term("2027年秋季学期")
    db.session.commit()
    busy_id, idle_id = busy.id, idle.id
    f.login(client, admin)
    refused = client.post(f"/admin/terms/{busy_id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "不能删除" in refused and "教学班" in refused
    assert client.post(f"/admin/terms/{idle_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Term, busy_id) is not None and db.session.get(Term, idle_id) is None
    assert _count(Period) == 2


def test_term_operation_writes_periods_and_days_together_or_nothing(app):
    admin = f.account()
    values = {"name": "2028年春季学期", "first_day": date(2028, 3, 1), "last_day": date(2028, 6, 30),
              "periods": [{"code": "am1", "start": time(8, 30), "end": time(10), "penalty": 0}],
              "calendar_days": [{"day": date(2028, 4, 4), "kind": "holiday", "name": "清明节", "works_as": None},
                                {"day": date(2028, 4, 30), "kind": "makeup", "name": "调休", "works_as": "mon"}]}
    term = ops.create_term(dict(values), admin)
    assert [p.code for p in term.periods] == ["am1"] and len(term.calendar_days) == 2
    logged = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "term")).all()
    assert [e.action for e in logged] == ["create", "update"]
    assert logged[1].changes["periods"] == [[], ["am1 08:30-10:00 0"]]
    bad = dict(values, name="2029年春季学期", calendar_days=[
        {"day": date(2028, 4, 30), "kind": "makeup", "name": "调休", "works_as": None}])
    try:
        ops.create_term(bad, admin)
    except RecordError as error:
        assert error.field == "makeup_days"
    else:
        raise AssertionError("a make-up day without its weekday was accepted")
    assert _count() == 1 and _count(CalendarDay) == 2
