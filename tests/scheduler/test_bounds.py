"""The lower bounds are true bounds: never above an optimum proved without them."""

from __future__ import annotations

import pulp
import pytest
from sched_cases import tiny

from scheduler.generate import generate
from scheduler.improve import _site_cuts, flow_bound, relaxation
from scheduler.model import build_model
from scheduler.precheck import candidates
from scheduler.problem import load_problem
from scheduler.solve import _extract, section_bound


def _optimum(raw: dict):
    """The plain MILP solved to optimality by HiGHS alone (no relaxation, no warm start)."""
    p = load_problem(raw)
    cand = candidates(p)
    sections = [c for c in p.sections if c not in cand.reasons]
    m = build_model(p, cand, sections)
    status = m.prob.solve(pulp.HiGHS(msg=False, timeLimit=60))
    assert pulp.LpStatus[status] == "Optimal"
    return p, cand, sections, pulp.value(m.prob.objective), _extract(m)[0]


@pytest.mark.parametrize("make", [tiny, lambda: generate("small", 1),
                                  lambda: generate("small", 2), lambda: generate("small", 4)])
def test_every_bound_stays_below_the_optimum(make):
    p, cand, sections, best, placements = _optimum(make())
    relaxed, plan = relaxation(p, cand, sections, seconds=30)
    assert relaxed is not None and relaxed <= best + 1e-6
    assert flow_bound(p, cand, sections) <= best + 1e-6
    assert section_bound(p, cand, sections) <= best + 1e-6
    # the relaxation is no weaker than its LP, which is no weaker than one section alone
    assert relaxed >= flow_bound(p, cand, sections) - 1e-6
    # the travel and site cuts never cut off a valid timetable
    optimal_plan: dict = {}
    for a in placements:
        optimal_plan.setdefault(a.section, (a.teacher, []))[1].append(a.slot)
    at: dict = {}
    for c in sections:
        for t in cand.teachers[c]:
            for s in cand.teacher_slots[(c, t)]:
                at.setdefault((t, s), []).append(c)
    assert _site_cuts(p, cand, optimal_plan, at) == []


def test_the_site_cuts_catch_a_teacher_at_two_far_sites_back_to_back():
    raw = tiny()
    raw["travel_minutes"] = {"S1": {"S2": 45}, "S2": {"S1": 45}}   # more than the 20' gap
    raw["sections"][0]["sites"] = ["S1"]          # C1, calligraphy: T1
    raw["sections"][2]["sites"] = ["S2"]          # C3, painting: T1 (or T2)
    del raw["sections"][2]["children_group"]
    p = load_problem(raw)
    cand = candidates(p)
    at = {("T1", "tue:am1"): ["C1"], ("T1", "tue:am2"): ["C3"]}
    plan = {"C1": ("T1", ["tue:am1"]), "C3": ("T1", ["tue:am2"])}
    assert _site_cuts(p, cand, plan, at) == [[("C1", "T1", "tue:am1"), ("C3", "T1", "tue:am2")],
                                            [("C3", "T1", "tue:am2"), ("C1", "T1", "tue:am1")]]
    # a morning and an afternoon leave time to travel: nothing to cut
    at = {("T1", "tue:am1"): ["C1"], ("T1", "tue:pm1"): ["C3"]}
    plan = {"C1": ("T1", ["tue:am1"]), "C3": ("T1", ["tue:pm1"])}
    assert _site_cuts(p, cand, plan, at) == []
