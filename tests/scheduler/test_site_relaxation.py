"""The site relaxation (rooms counted, not named) is a true bound and sees site changes."""

from __future__ import annotations

import copy
from collections import defaultdict

import pulp
from sched_cases import random_problem, tiny

from scheduler.generate import generate
from scheduler.improve import relaxation
from scheduler.model import build_model
from scheduler.precheck import candidates
from scheduler.problem import load_problem
from scheduler.siterelax import site_relaxation
from scheduler.solve import _extract, penalties_of


def _optimum(raw: dict):
    """The plain MILP solved to optimality by HiGHS alone, or None when it has no timetable."""
    p = load_problem(raw)
    cand = candidates(p)
    sections = [c for c in p.sections if c not in cand.reasons]
    if not sections or (cand.reasons and not p.allow_unassigned):
        return None
    m = build_model(p, cand, sections)
    status = m.prob.solve(pulp.HiGHS(msg=False, timeLimit=60))
    if pulp.LpStatus[status] != "Optimal":
        return None
    return p, cand, sections, pulp.value(m.prob.objective), _extract(m)


def _outside(p, cand) -> float:
    return p.weights["unassigned"] * sum(p.sections[c].meetings for c in cand.reasons)


FIXED = [tiny, lambda: generate("small", 1), lambda: generate("small", 2)]
RANDOM_SEEDS = range(60)


def _solved_cases():
    """The fixed cases and the random problems the plain MILP proves optimal."""
    for make in FIXED:
        yield _optimum(make())
    for seed in RANDOM_SEEDS:
        solved = _optimum(random_problem(seed))
        if solved is not None:
            yield solved


def test_the_site_bound_never_exceeds_the_optimum():
    compared = 0
    for p, cand, sections, best, _timetable in _solved_cases():
        bound, plan, value = site_relaxation(p, cand, sections, seconds=30)
        assert bound is not None, p.name
        assert bound + _outside(p, cand) <= best + 1e-6, p.name
        # solved to optimality: the plan's value is the bound
        assert plan is not None and abs(value - bound) <= 1e-4 * max(1.0, abs(value)), p.name
        # ...and it is never weaker than who-teaches-when alone
        old, _ = relaxation(p, cand, sections, seconds=30)
        assert old is None or bound >= old - 1e-4, p.name
        # its LP is a weaker bound still
        lp, _, _ = site_relaxation(p, cand, sections, seconds=30, integer=False)
        assert lp is not None and lp <= bound + 1e-6, p.name
        compared += 1
    assert compared >= 15


def test_every_timetable_is_a_point_of_the_site_relaxation():
    """Held to one valid timetable's teachers, slots and sites, the relaxation is feasible
    and costs no more than the timetable (equal when each section stays in one room)."""
    compared = 0
    for p, cand, sections, _best, (placements, unplaced) in _solved_cases():
        held = copy.deepcopy(cand)
        slots, sites = defaultdict(set), defaultdict(set)
        for a in placements:
            held.teachers[a.section] = [a.teacher]
            slots[a.section].add(a.slot)
            sites[a.section].add(p.rooms[a.room].site)
        for c in sections:
            t = held.teachers[c][0]
            held.teacher_slots[(c, t)] = slots[c]
            held.rooms[c] = [r for r in cand.rooms[c] if p.rooms[r].site in sites[c]]
        _bound, _plan, value = site_relaxation(p, held, sections, seconds=30)
        counts = penalties_of(p, placements, unplaced)
        objective = sum(p.weights[k] * counts[k] for k in counts)   # sections in the model
        assert value is not None and value <= objective + 1e-6, p.name
        compared += 1
    assert compared >= 15


def test_a_teacher_who_must_change_sites_is_charged_for_it():
    """C1 (S1 only) and C3 (S2 only) both fall to T1 on the only day there is: the older
    who-teaches-when relaxation counts no site change, the site relaxation counts one."""
    raw = tiny()
    raw["days"] = ["tue"]
    raw["sites"][1]["closed"] = []
    raw["travel_minutes"] = {"S1": {"S2": 10}, "S2": {"S1": 10}}
    raw["sections"] = [
        {"id": "C1", "subject": "calligraphy", "meetings": 1, "size": 20, "sites": ["S1"],
         "features": ["desks"], "teacher": "T1"},
        {"id": "C3", "subject": "calligraphy", "meetings": 1, "size": 12, "sites": ["S2"],
         "teacher": "T1"},
    ]
    raw["conflicts"] = []
    raw["children_groups"] = []
    for t in raw["teachers"]:
        t["subjects"] = t["subjects"] + ["calligraphy"]
        t.pop("max_sites_per_day", None)
        t["available"] = [s for s in t["available"] if s.startswith("tue:")]
        t["preferred"] = [s for s in t.get("preferred", []) if s.startswith("tue:")]
    p = load_problem(raw)
    cand = candidates(p)
    sections = list(p.sections)
    old, _ = relaxation(p, cand, sections, seconds=10)
    bound, plan, value = site_relaxation(p, cand, sections, seconds=10)
    assert bound >= old + p.weights["site_change"] - 1e-4
    solved = _optimum(raw)
    assert solved is not None and abs(solved[3] - value) <= 1e-6
