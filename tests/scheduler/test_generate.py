"""Generated instances: realistic sizes, deterministic per seed, feasible by their plant."""

import json
import time

import pytest

from scheduler.generate import generate, generate_with_plant
from scheduler.validate import validate

CASES = [("small", 1), ("small", 2), ("small", 3), ("medium", 1), ("medium", 7),
         ("district", 1), ("district", 2)]


@pytest.fixture(scope="module")
def instances():
    return {case: generate_with_plant(*case) for case in CASES}


@pytest.mark.parametrize("case", CASES)
def test_planted_timetable_keeps_every_rule(instances, case):
    problem, plant = instances[case]
    report = validate(problem, plant)
    assert report["violations"] == []
    assert report["valid"] is True
    assert report["objective"] == plant["objective"]


@pytest.mark.parametrize("case", CASES)
def test_instances_are_plain_json(instances, case):
    problem, plant = instances[case]
    assert json.loads(json.dumps(problem)) == problem
    assert json.loads(json.dumps(plant)) == plant


@pytest.mark.parametrize("case", CASES)
def test_every_reference_points_at_an_existing_id(instances, case):
    problem, _ = instances[case]
    slots = {f"{d}:{p['id']}" for d in problem["days"] for p in problem["periods"]}
    sites = {s["id"] for s in problem["sites"]}
    teachers = {t["id"] for t in problem["teachers"]}
    groups = {g["id"] for g in problem["children_groups"]}
    sections = {s["id"] for s in problem["sections"]}
    for name in ("sites", "rooms", "teachers", "children_groups", "sections"):
        ids = [x["id"] for x in problem[name]]
        assert len(ids) == len(set(ids)), name
    assert all(set(s["closed"]) <= slots for s in problem["sites"])
    assert all(r["site"] in sites for r in problem["rooms"])
    assert all(set(row) <= sites and a in sites for a, row in problem["travel_minutes"].items())
    for t in problem["teachers"]:
        assert set(t["available"]) | set(t.get("preferred") or []) <= slots
        assert set(t.get("preferred") or []) <= set(t["available"])
    for g in problem["children_groups"]:
        assert set(g["available"]) <= slots and set(g["sites"]) <= sites
    for s in problem["sections"]:
        assert set(s["sites"]) <= sites
        assert s["teacher"] in teachers | {None}
        assert s["children_group"] in groups | {None}
        assert s["allowed"] is None or set(s["allowed"]) <= slots
    assert all(set(group) <= sections and len(group) >= 2 for group in problem["conflicts"])


def test_children_groups_only_after_school_and_at_weekends(instances):
    problem, _ = instances[("district", 1)]
    for group in problem["children_groups"]:
        for slot in group["available"]:
            day, period = slot.split(":")
            assert day in ("sat", "sun") or period == "pm2"


@pytest.mark.parametrize("scale, sections, meetings", [
    ("small", (20, 20), (30, 40)), ("medium", (150, 150), (250, 300)),
    ("district", (500, 500), (900, 1050)),
])
def test_sizes_match_the_scale(instances, scale, sections, meetings):
    problem, plant = instances[(scale, 1)]
    assert sections[0] <= len(problem["sections"]) <= sections[1]
    total = sum(s["meetings"] for s in problem["sections"])
    assert meetings[0] <= total <= meetings[1]
    assert len(plant["assignments"]) == total
    assert {s["meetings"] for s in problem["sections"]} <= {1, 2}
    assert any(s["children_group"] for s in problem["sections"])


def test_district_scale_is_the_whole_district(instances):
    problem, _ = instances[("district", 1)]
    assert len(problem["days"]) * len(problem["periods"]) == 28
    assert len(problem["sites"]) == 84
    assert len(problem["teachers"]) == 110
    assert len(problem["children_groups"]) >= 10
    assert len({s["subject"] for s in problem["sections"]}) >= 14
    features = {f for r in problem["rooms"] for f in r["features"]}
    assert {"piano", "dance_floor", "computers", "desks", "kitchen", "step_free"} <= features


def test_problem_offers_more_than_the_plant(instances):
    problem, plant = instances[("district", 1)]
    used = {}
    for a in plant["assignments"]:
        used.setdefault(a["teacher"], set()).add(a["slot"])
    for t in problem["teachers"]:
        assert used.get(t["id"], set()) < set(t["available"])
    available = sum(len(t["available"]) for t in problem["teachers"])
    assert available > 2 * len(plant["assignments"])
    qualified = [sum(s["subject"] in t["subjects"] for t in problem["teachers"])
                 for s in problem["sections"] if s["teacher"] is None]
    assert min(qualified) >= 2
    assert sum(len(s["sites"]) > 1 for s in problem["sections"]) > len(problem["sections"]) / 3


def test_same_seed_same_problem_other_seed_other_problem():
    first, plant = generate_with_plant("medium", 5)
    again, plant_again = generate_with_plant("medium", 5)
    assert json.dumps(first) == json.dumps(again)
    assert json.dumps(plant) == json.dumps(plant_again)
    assert generate("medium", 5) == first
    assert generate("medium", 6) != first


def test_district_generation_is_fast():
    start = time.perf_counter()
    generate("district", 11)
    assert time.perf_counter() - start < 2.0


def test_unknown_scale_is_refused():
    with pytest.raises(ValueError, match="scale"):
        generate("city", 1)


def test_a_broken_plant_is_caught(instances):
    problem, plant = instances[("medium", 1)]
    broken = json.loads(json.dumps(plant))
    first, other = broken["assignments"][0], broken["assignments"][2]
    other.update(slot=first["slot"], room=first["room"])
    report = validate(problem, broken)
    assert report["valid"] is False
    assert any(v["rule"] == "H2" and first["room"] in v["ids"] for v in report["violations"])
