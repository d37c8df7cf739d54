"""The penalty taken apart: each term's causes add up to the validator's counts, and name the right meetings."""

import random

import pytest

from college.reports.penalties import TERMS, breakdown, counts, objective
from scheduler.generate import generate
from scheduler.solve import solve
from scheduler.validate import penalties_of, validate, weighted_objective
from tests.college.reports.world import hand_made, rooms


def test_every_term_of_a_hand_made_week_names_its_meetings(app):
    _version, problem, solution = hand_made()
    r = rooms()
    terms = {t.name: t for t in breakdown(problem, solution)}
    assert list(terms) == TERMS

    assert [(c.section, c.meeting, c.slot, c.count) for c in terms["time"].causes] == [("C002", 0, "tue:pm2", 3)]
    (change,) = terms["site_change"].causes
    assert (change.teacher, change.day, change.sites, change.count) == ("T01", "fri", ["S02", "S01"], 1)
    (rooms_used,) = terms["room_change"].causes
    assert (rooms_used.section, rooms_used.rooms, rooms_used.count) == ("C001", [r["书画室"], r["大教室"]], 1)
    assert [(c.section, c.meeting, c.slot) for c in terms["teacher_pref"].causes] == [
        ("C001", 1, "fri:am1"), ("C003", 0, "fri:pm2")]
    moved, dropped = terms["perturbation"].causes
    assert (moved.section, moved.meeting, moved.before, moved.after) == (
        "C002", 0, {"slot": "tue:am1", "room": r["小教室"], "teacher": "T02"},
        {"slot": "tue:pm2", "room": r["大教室"], "teacher": "T02"})
    assert (dropped.section, dropped.meeting, dropped.after) == ("C002", 1, None)
    (left,) = terms["unassigned"].causes
    assert (left.section, left.meeting, left.reason) == ("C002", 1, "没有合适的教室")

    assert counts(terms.values()) == penalties_of(problem, solution) == {
        "time": 3, "site_change": 1, "room_change": 1, "teacher_pref": 2, "perturbation": 2, "unassigned": 1}
    assert terms["unassigned"].cost == 1000 and terms["site_change"].cost == 5
    assert objective(terms.values()) == weighted_objective(problem, penalties_of(problem, solution)) == 3 + 5 + 2 + 2 + 20 + 1000


def test_the_counts_of_a_solved_term_equal_the_validators(app):
    from college.timetable.adapter import build_problem
    from tests.college.timetable.builders import small_term

    problem = build_problem(small_term())
    solution = solve(problem, time_limit=10).to_json()
    report = validate(problem, solution)
    assert report["valid"], report["violations"]
    terms = breakdown(problem, solution)
    assert counts(terms) == report["penalties"] == solution["penalties"]
    assert objective(terms) == report["objective"] == solution["objective"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_counts_of_shuffled_timetables_equal_the_validators(seed):
    """A solved generated problem, then meetings moved at random (valid or not: penalties are counted all the same)
    against the first timetable as reference, some left out, and an id the problem lacks."""
    problem = generate("small", seed)
    solution = solve(problem, time_limit=10).to_json()
    assert solution["assignments"]
    problem = {**problem, "reference": solution, "allow_unassigned": True}
    rng = random.Random(seed)
    slots = [f"{d}:{p['id']}" for d in problem["days"] for p in problem["periods"]]
    rooms_ = [r["id"] for r in problem["rooms"]]
    teachers = [t["id"] for t in problem["teachers"]]
    shuffled = []
    for a in solution["assignments"]:
        a = dict(a)
        if rng.random() < 0.4:
            a["slot"] = rng.choice(slots)
        if rng.random() < 0.3:
            a["room"] = rng.choice(rooms_)
        if rng.random() < 0.2:
            a["teacher"] = rng.choice(teachers)
        shuffled.append(a)
    left = [{"section": a["section"], "meeting": a["meeting"], "reason": "test"} for a in shuffled[:2]]
    shuffled = shuffled[2:] + [{**shuffled[2], "room": "R-nowhere"}]
    moved = {**solution, "assignments": shuffled, "unassigned": left}
    terms = breakdown(problem, moved)
    assert counts(terms) == penalties_of(problem, moved)
    assert sum(counts(terms).values()) > 0 and counts(terms)["perturbation"] >= 2
