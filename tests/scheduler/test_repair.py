"""Locked meetings are kept; repair after a change moves only what it must."""

from __future__ import annotations

from sched_cases import tiny

from scheduler import Status
from scheduler.generate import generate
from scheduler.solve import solve
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
