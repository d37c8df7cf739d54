"""The database's term becomes a problem the scheduler accepts, solves and validates."""

from datetime import date

from college.extensions import db
from college.models import ChildrenGroup, SectionStatus, SiteClosure, Teacher
from college.timetable.adapter import build_problem, travel_minutes
from scheduler.problem import load_problem
from scheduler.solve import solve
from scheduler.validate import validate
from tests.college import factories as f


def _small_term():
    term = f.term()
    calligraphy = f.subject("calligraphy", "书法")
    near = f.site("S01", "鼓楼社区银发先锋之家", latitude=25.490, longitude=103.790, child_safe=True)
    far = f.site("S02", "南宁街道银发先锋之家", latitude=25.520, longitude=103.830)
    f.room(near, "书画室", seats=30, features=["desks"])
    f.room(far, "大教室", seats=60, features=["desks", "piano"])
    teacher = Teacher(code="T01", name="王老师", subjects=[calligraphy],
                      available=["mon:am1", "wed:am1", "fri:pm2", "tue:xx9"], preferred=["mon:am1"],
                      max_meetings=4, max_sites_per_day=1, intergenerational=True)
    db.session.add(teacher)
    course = f.course(calligraphy, seats=25)
    course.meetings_per_week = 2
    course.features = ["desks"]
    f.section(term, course, code="C001", seats=25, sites=[near, far])
    cancelled = f.section(term, course, code="C002", seats=25, sites=[near])
    cancelled.status = SectionStatus.CANCELLED
    group = ChildrenGroup(code="G01", name="四点半课堂", organisation="鼓楼社区", size=5,
                          available=["fri:pm2"], sites=[near])
    db.session.add(group)
    db.session.flush()
    return term, near, far


def test_term_becomes_a_valid_problem_that_solves_and_validates(app):
    term, near, far = _small_term()
    problem = build_problem(term)
    parsed = load_problem(problem)   # raises ProblemError with the paths if anything is off
    assert list(parsed.sections) == ["C001"]          # the cancelled class is left out
    assert problem["sections"][0]["meetings"] == 2 and problem["sections"][0]["sites"] == ["S01", "S02"]
    assert problem["teachers"][0]["available"] == ["mon:am1", "wed:am1", "fri:pm2"]  # unknown period dropped
    assert problem["travel_minutes"]["S01"]["S02"] == problem["travel_minutes"]["S02"]["S01"] > 10

    solution = solve(problem, time_limit=20).to_json()
    report = validate(problem, solution)
    assert report["valid"], report["violations"]
    assert {a["slot"] for a in solution["assignments"]} <= {"mon:am1", "wed:am1", "fri:pm2"}


def test_a_closure_over_the_whole_term_closes_every_slot_and_opening_times_close_the_rest(app):
    term, near, far = _small_term()
    far.open_slots = ["mon:am1"]
    db.session.add(SiteClosure(site=near, first_day=date(2027, 2, 1), last_day=date(2027, 7, 31), reason="装修"))
    db.session.flush()
    sites = {s["id"]: s for s in build_problem(term)["sites"]}
    assert len(sites["S01"]["closed"]) == 14
    assert "mon:am1" not in sites["S02"]["closed"] and len(sites["S02"]["closed"]) == 13


def test_travel_needs_coordinates_and_grows_with_distance(app):
    a = f.site("S01", "甲", latitude=25.49, longitude=103.79)
    b = f.site("S02", "乙", latitude=25.50, longitude=103.79)
    c = f.site("S03", "丙", latitude=25.60, longitude=103.79)
    d = f.site("S04", "丁")
    assert travel_minutes(a, a) == 0
    assert 10 < travel_minutes(a, b) < travel_minutes(a, c)
    assert travel_minutes(a, d) is None
