"""Locked meetings are kept; repair after a change moves only what it must."""

from __future__ import annotations

import json
import time

from sched_cases import tiny

import scheduler.solve as solve_module
from scheduler import Status
from scheduler.generate import generate
from scheduler.heuristic import repair_start
from scheduler.precheck import candidates
from scheduler.problem import load_problem
from scheduler.solution import Solution
from scheduler.solve import solve, unkeepable
from scheduler.validate import validate


def test_locked_meetings_are_kept():
    problem = tiny()
    problem["locked"] = [{"section": "C1", "meeting": 1, "slot": "mon:pm2", "room": "R1"},
                         {"section": "C2", "meeting": 0, "slot": "tue:am2", "teacher": "T2"}]
    solution = solve(problem, time_limit=20)
    assert solution.status is Status.OPTIMAL
    got = {(a.section, a.meeting): a for a in solution.assignments}
    assert (got[("C1", 1)].slot, got[("C1", 1)].room) == ("mon:pm2", "R1")
    assert (got[("C2", 0)].slot, got[("C2", 0)].teacher) == ("tue:am2", "T2")
    assert validate(problem, solution.to_json())["valid"]


def test_a_lock_that_cannot_hold_is_reported():
    problem = tiny()
    problem["locked"] = [{"section": "C3", "meeting": 0, "slot": "mon:am1"}]
    solution = solve(problem, time_limit=10)
    assert solution.status is Status.INFEASIBLE
    assert any(d.startswith("locked[0]") for d in solution.diagnostics)


def test_repair_after_a_teacher_falls_ill_moves_only_that_teachers_meetings():
    problem = generate("small", 5)
    first = solve(problem, time_limit=30)
    assert first.has_timetable
    # the busiest teacher cannot come on the day they teach most
    load = {}
    for a in first.assignments:
        load[(a.teacher, a.slot.split(":")[0])] = load.get((a.teacher, a.slot.split(":")[0]),
                                                            0) + 1
    (teacher, day), _ = max(load.items(), key=lambda kv: kv[1])
    hit = [a for a in first.assignments if a.teacher == teacher and a.slot.startswith(day + ":")]
    for t in problem["teachers"]:
        if t["id"] == teacher:
            t["available"] = [s for s in t["available"] if not s.startswith(day + ":")]
    problem["reference"] = first.to_json()
    problem["weights"] = {**problem["weights"], "perturbation": 100}
    second = solve(problem, time_limit=30)
    assert second.has_timetable
    report = validate(problem, second.to_json())
    assert report["valid"], report["violations"]
    before = {(a.section, a.meeting): a for a in first.assignments}
    moved = [a for a in second.assignments if a != before[(a.section, a.meeting)]]
    # every meeting of the ill teacher's day had to move; anything else only to make room
    # (with perturbation at 100 a move costs more than any other penalty it could save)
    assert {(a.section, a.meeting) for a in hit} <= {(a.section, a.meeting) for a in moved}
    assert second.status is Status.OPTIMAL
    assert len(moved) <= 2 * len(hit)
    assert second.penalties["perturbation"] == len(moved)


def _ill_teacher(problem: dict, first) -> tuple[dict, list]:
    """Make the busiest teacher unavailable on their busiest day; the hit meetings."""
    load: dict = {}
    for a in first.assignments:
        key = (a.teacher, a.slot.split(":")[0])
        load[key] = load.get(key, 0) + 1
    (teacher, day), _ = max(load.items(), key=lambda kv: kv[1])
    hit = [a for a in first.assignments if a.teacher == teacher and a.slot.startswith(day + ":")]
    changed = json.loads(json.dumps(problem))
    for t in changed["teachers"]:
        if t["id"] == teacher:
            t["available"] = [s for s in t["available"] if not s.startswith(day + ":")]
    changed["reference"] = first.to_json()
    return changed, hit


def test_the_mended_reference_keeps_every_meeting_that_still_fits():
    problem = generate("small", 3)
    first = solve(problem, time_limit=30)
    assert first.has_timetable
    changed, hit = _ill_teacher(problem, first)
    p = load_problem(changed)
    cand = candidates(p)
    placements, failed = repair_start(p, cand, [c for c in p.sections if c not in cand.reasons])
    assert failed == []
    mended = Solution(p.name, Status.FEASIBLE, assignments=placements)
    report = validate(changed, mended.to_json())
    assert not [v for v in report["violations"] if v["rule"] not in ("objective", "bound")]
    before = {(a.section, a.meeting): a for a in first.assignments}
    moved = {(a.section, a.meeting) for a in placements if a != before[(a.section, a.meeting)]}
    hit_keys = {(a.section, a.meeting) for a in hit}
    # the hit meetings moved; anything else only to make room for them
    assert hit_keys <= moved
    assert len(moved) <= 2 * len(hit)
    assert unkeepable(p, cand) == sorted(
        i for i, ref in enumerate(p.reference) if (ref.section, ref.meeting) in hit_keys)


def test_repair_of_a_model_too_big_to_build_stops_early_with_a_true_bound(monkeypatch):
    problem = generate("small", 5)
    first = solve(problem, time_limit=30)
    changed, hit = _ill_teacher(problem, first)
    monkeypatch.setattr(solve_module, "BIG_MODEL", 10)   # take the district path
    started = time.monotonic()
    second = solve(changed, time_limit=60)
    assert time.monotonic() - started < 40   # no local search until the time limit
    assert second.status is Status.FEASIBLE
    assert second.solver.startswith("repair")
    report = validate(changed, second.to_json())
    assert report["valid"], report["violations"]
    assert second.penalties["perturbation"] >= len(hit)
    # the bound counts the meetings that had to move, and stays below the optimum
    monkeypatch.undo()
    exact = solve(changed, time_limit=60)
    assert exact.status is Status.OPTIMAL
    assert len(hit) * changed["weights"]["perturbation"] <= second.bound <= exact.objective
