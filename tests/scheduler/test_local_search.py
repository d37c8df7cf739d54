"""The local search keeps its objective by deltas: it must agree with a full recount."""

from __future__ import annotations

import random
import time

import pytest

from scheduler.generate import generate
from scheduler.heuristic import _Ledger, greedy, improve_locally
from scheduler.precheck import candidates
from scheduler.problem import Placement, load_problem
from scheduler.solution import Unplaced
from scheduler.solve import objective_of, penalties_of, solve


def _search(problem, placements, left_out, tie=0.0, seconds=4.0):
    cand = candidates(problem)
    seen = []

    def better(items, value):
        counts = penalties_of(problem, items, left_out)
        seen.append((value, objective_of(problem, counts) + tie * counts["perturbation"]))

    result = improve_locally(problem, cand, placements, time.monotonic() + seconds, better,
                             left_out=len(left_out), tie=tie)
    return result, seen


@pytest.mark.parametrize("scale,seed", [("small", 1), ("small", 4), ("medium", 2)])
def test_every_improvement_it_reports_is_the_recounted_objective(scale, seed):
    problem = load_problem(generate(scale, seed))
    cand = candidates(problem)
    sections = [c for c in problem.sections if c not in cand.reasons]
    placements, failed = greedy(problem, cand, sections, seconds=5)
    start = objective_of(problem, penalties_of(problem, placements, []))
    result, seen = _search(problem, placements, [])
    assert seen, "the search found nothing better than the greedy timetable"
    for value, recount in seen:
        assert value == pytest.approx(recount, abs=1e-9)
    final = objective_of(problem, penalties_of(problem, result, []))
    assert final == pytest.approx(seen[-1][1]) and final < start


def test_the_ledger_follows_any_change_with_a_reference_and_meetings_left_out():
    raw = generate("small", 5)
    first = solve(raw, time_limit=20)
    raw["reference"] = first.to_json()
    problem = load_problem(raw)
    cand = candidates(problem)
    sections = [c for c in problem.sections if c not in cand.reasons]
    placements, _failed = greedy(problem, cand, sections, seconds=5, seed=3)
    by_section: dict = {}
    for a in placements:
        by_section.setdefault(a.section, []).append(a)
    # one section taken out of the timetable altogether: its meetings are left out
    gone = sorted(by_section)[0]
    left_out = [Unplaced(gone, k, "") for k in range(problem.sections[gone].meetings)]
    del by_section[gone]
    tie = 1e-3
    ledger = _Ledger(problem, by_section, problem.weights["unassigned"] * len(left_out), tie)
    rng = random.Random(5)

    def recount() -> float:
        items = [a for v in by_section.values() for a in v]
        counts = penalties_of(problem, items, left_out)
        return objective_of(problem, counts) + tie * counts["perturbation"]

    assert ledger.total == pytest.approx(recount())
    for _ in range(300):
        # any change, valid or not: other slots, rooms and teachers for a few sections
        moved = rng.sample(sorted(by_section), rng.randint(1, 3))
        new = {}
        for c in moved:
            t = rng.choice(cand.teachers[c])
            new[c] = [Placement(c, a.meeting, rng.choice(cand.slots[c]),
                                rng.choice(cand.rooms[c]), t) for a in by_section[c]]
        old = {c: by_section[c] for c in moved}
        delta = ledger.replace(new, old)
        before = recount()
        by_section.update(new)
        assert ledger.total == pytest.approx(recount(), abs=1e-9)
        assert delta == pytest.approx(recount() - before, abs=1e-9)
        if rng.random() < 0.3:   # and back, as a rejected move does
            ledger.replace(old, new)
            by_section.update(old)
            assert ledger.total == pytest.approx(recount(), abs=1e-9)


def test_before_the_milp_the_search_of_a_medium_model_uses_its_whole_share_and_a_small_one_stops_at_stalls():
    """On a model of SEARCH_PAYS variables or more the search is restarted until its third of the time
    is up; the MILP proves a small model at once, so its search stops after three stalled restarts."""
    from scheduler.solve import SEARCH_PAYS, _polish, _Progress, estimate_size

    for scale, seed, whole in (("medium", 1, True), ("small", 2, False)):
        problem = load_problem(generate(scale, seed))
        cand = candidates(problem)
        sections = [c for c in problem.sections if c not in cand.reasons]
        assert (estimate_size(problem, cand, sections) >= SEARCH_PAYS) is whole
        first = greedy(problem, cand, sections, seconds=5)
        said = []
        start = time.monotonic()
        placements, _failed = _polish(problem, cand, first, start, 6.0, said.append,
                                      _Progress(None, start, 0.0), until_deadline=whole)
        spent = time.monotonic() - start
        assert len(placements) == sum(s.meetings for s in problem.sections.values())
        if whole:
            assert spent >= 1.9, (scale, spent, said)       # a third of 6 s
        else:
            assert spent < 1.0, (scale, spent, said)
