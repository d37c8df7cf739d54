"""The CB-CTT local search (scheduler/ctt_search.py): every neighbourhood keeps the timetable
feasible and prices its move exactly as the independent evaluator counts the difference."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from scheduler.ctt import Lecture, read_ctt
from scheduler.ctt_evaluate import evaluate
from scheduler.ctt_search import Search, State, anneal
from scheduler.ctt_solve import greedy_periods, greedy_rooms

BENCH = Path(__file__).resolve().parents[2] / "bench" / "itc2007"


@pytest.fixture(scope="module")
def comp01():
    inst = read_ctt(BENCH / "comp01.ctt")
    periods = greedy_periods(inst, deadline=time.monotonic() + 20)
    assert periods is not None
    return inst, greedy_rooms(inst, periods)


def judged(inst, state: State):
    per_day = inst.periods_per_day
    return evaluate(inst, [Lecture(c, r, p // per_day, p % per_day)
                           for (c, p), r in state.placement().items()])


def scrambled(inst, placed, seed: int) -> State:
    """A random feasible state: the greedy timetable after many accepted random moves."""
    state = State(inst, placed)
    search = Search(state, random.Random(seed))
    done = 0
    while done < 300:
        moves = search.propose()
        if moves and state.relocate(moves) is not None:
            done += 1
    return state


def check(inst, state: State, moves) -> bool:
    """Apply `moves`; if feasible, the delta must be the evaluator's difference and the
    result feasible; then undo and check the state is back. True if the move was made."""
    before = judged(inst, state)
    assert before.hard_cost == 0
    assert state.cost() == before.cost
    snapshot = state.placement()
    delta = state.relocate(moves)
    if delta is None:
        assert state.placement() == snapshot   # a refused move changes nothing
        return False
    after = judged(inst, state)
    assert after.hard_cost == 0
    assert delta == after.cost - before.cost
    assert state.cost() == after.cost
    state.undo()
    assert state.placement() == snapshot
    return True


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kempe_chain_keeps_feasibility_and_its_delta_is_exact(comp01, seed):
    inst, placed = comp01
    state = scrambled(inst, placed, seed)
    rng = random.Random(seed)
    made = multi = 0
    for _ in range(150):
        moves = state.kempe(rng.randrange(state.L), rng.randrange(state.P))
        if moves and check(inst, state, moves):
            made += 1
            # a chain of more than two lectures: both periods' sides really moved
            multi += len(moves) > 2
    assert made > 20
    assert multi > 0


def test_kempe_chain_swaps_conflicting_lectures_between_the_two_periods(comp01):
    inst, placed = comp01
    state = scrambled(inst, placed, 4)
    rng = random.Random(4)
    for _ in range(500):
        lec, p2 = rng.randrange(state.L), rng.randrange(state.P)
        p1 = state.lp[lec]
        moves = state.kempe(lec, p2)
        if not moves or len(moves) < 3:
            continue
        went = [x for x, p, _r in moves if p == p2]
        came = [x for x, p, _r in moves if p == p1]
        assert lec in went and came
        # every lecture staying in p2 is free of conflicts with those arriving
        staying = {state.lc[x] for x in range(state.L) if state.lp[x] == p2} - {
            state.lc[x] for x in came}
        assert not any(state.near[state.lc[x]] & staying for x in went)
        return
    pytest.fail("no Kempe chain of three or more lectures found")


@pytest.mark.parametrize("seed", [5, 6])
def test_moves_swaps_and_room_moves_are_priced_exactly(comp01, seed):
    inst, placed = comp01
    state = scrambled(inst, placed, seed)
    rng = random.Random(seed)
    made = swaps = 0
    for _ in range(200):
        lec = rng.randrange(state.L)
        p = state.lp[lec] if rng.random() < 0.3 else rng.randrange(state.P)
        moves = state.move_or_swap(lec, p, rng.randrange(state.R))
        if moves and check(inst, state, moves):
            made += 1
            swaps += len(moves) == 2
    assert made > 30 and swaps > 5


def test_room_stability_move_puts_a_course_in_one_room(comp01):
    inst, placed = comp01
    state = scrambled(inst, placed, 7)
    spread = [c for c in range(state.C) if state.nrooms[c] > 1]
    assert spread
    made = 0
    for c in spread:
        room = max(range(state.R), key=lambda r: state.rcnt[c * state.R + r])
        moves = state.one_room(c, room)
        if moves is None:   # an earlier swap left it in one room already
            continue
        if check(inst, state, moves):
            made += 1
            state.relocate(moves)
            assert state.nrooms[c] == 1
            assert judged(inst, state).hard_cost == 0
    assert made > 0


def test_a_move_breaking_a_hard_rule_is_refused(comp01):
    inst, placed = comp01
    state = State(inst, placed)
    # two lectures of courses that conflict, in different periods: neither may join the other
    for a in range(state.L):
        for b in range(state.L):
            if state.lc[a] != state.lc[b] and state.lc[b] in state.near[state.lc[a]] \
                    and state.lp[a] != state.lp[b]:
                free = [r for r in range(state.R)
                        if state.slot[state.lp[b] * state.R + r] < 0]
                if free:
                    snapshot = state.placement()
                    assert state.relocate([(a, state.lp[b], free[0])]) is None
                    assert state.placement() == snapshot
                    return
    pytest.fail("no conflicting pair found")


def test_anneal_is_deterministic_for_a_seed_and_improves(comp01):
    inst, placed = comp01
    start = State(inst, placed).cost()
    runs = [anneal(inst, None, placed, time.monotonic() + 60, seed=3, cycle_moves=20_000,
                   stop_at=-1, max_cycles=2) for _ in range(2)]
    assert runs[0] == runs[1]
    found, cost = runs[0]
    per_day = inst.periods_per_day
    report = evaluate(inst, [Lecture(c, r, p // per_day, p % per_day)
                             for (c, p), r in found.items()])
    assert report.hard_cost == 0
    assert report.cost == cost < start
