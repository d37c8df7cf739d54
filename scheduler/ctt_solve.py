"""`solve_ctt(instance) -> CttResult`: an ITC-2007 CB-CTT instance solved in stages.

1. a greedy placement of lectures in periods (with ejections when it gets stuck), HiGHS's warm
   start;
2. stage 1 of `ctt_model` (periods, rooms as capacity classes, the three period penalties),
   solved by HiGHS (or CBC) within 25 % of the time limit; its dual bound is a true lower bound
   of the whole problem because capacity overflow is priced exactly there;
3. stage 2 (a room per lecture: overflow + room stability) on the stage-1 placement;
4. simulated annealing over periods and rooms (`ctt_search`) for the rest of the time;
5. when stage 1 was solved to optimality and the timetable costs one more than its optimum,
   the single-room model decides whether a timetable with no room change reaches that optimum:
   if not, the timetable is proven optimal (room stability costs at least 1 more).

The cost, the breakdown and the hard violations come from `ctt_evaluate.evaluate`, never from
the model. The status is the solver's truth: a run stopped by its time limit is never
`optimal`; `optimal` means the evaluated cost meets a proven lower bound.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pulp

from scheduler.ctt import Instance, Lecture
from scheduler.ctt_evaluate import Report, evaluate
from scheduler.ctt_model import (
    RoomsModel,
    build_periods_model,
    build_rooms_model,
    build_single_room_model,
)
from scheduler.ctt_search import anneal
from scheduler.solve import _cbc_solve, _HiGHS, _Progress

__all__ = ["CttResult", "solve_ctt", "greedy_periods", "greedy_rooms"]

SOLVERS = ("highs", "cbc")
STAGE1_SHARE = 0.25  # of the time limit, for stage 1 (periods)
STAGE2_SHARE = 0.1   # of what is left then, for stage 2 (rooms); annealing gets the rest


@dataclass
class CttResult:
    status: str                     # optimal | feasible | infeasible | unknown
    lectures: list[Lecture]         # empty without a solution
    report: Report | None           # the evaluator's verdict on `lectures`
    bound: float | None             # a proven lower bound of the competition cost
    seconds: float

    @property
    def has_solution(self) -> bool:
        return bool(self.lectures)


def solve_ctt(instance: Instance, time_limit: float = 60.0, solver: str = "highs",
              threads: int | None = None, log: Callable[[str], None] | None = None,
              seed: int = 1) -> CttResult:
    """Solve within about `time_limit` seconds (model building included)."""
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {', '.join(SOLVERS)}, not {solver!r}")
    start = time.monotonic()

    def say(msg: str) -> None:
        if log is not None:
            log(f"{time.monotonic() - start:7.1f}s  {msg}")

    def left() -> float:
        return time_limit - (time.monotonic() - start)

    first = greedy_periods(instance, deadline=start + min(time_limit * 0.2, 20.0), seed=seed)
    say("greedy placement: " + ("complete" if first is not None else "incomplete"))
    with _Progress(log, start, 0.0) as progress:
        one = _stage1(instance, first, max(1.0, left() * STAGE1_SHARE), solver, threads,
                      progress, say)
    if one.infeasible:
        say("stage 1 infeasible: no timetable exists")
        return CttResult("infeasible", [], None, None, time.monotonic() - start)
    periods, bound = one.periods or first, one.bound
    if bound is not None:
        bound = float(math.ceil(bound - 1e-6))   # the competition cost is an integer
    if periods is None:
        say("no placement found")
        return CttResult("unknown", [], None, bound, time.monotonic() - start)
    rooms = _stage2(instance, periods, max(1.0, left() * STAGE2_SHARE), solver, threads, say)
    cost = evaluate(instance, _lectures(instance, periods, rooms)).cost
    near = conflict_graph(instance)
    proven = one.proven and bound is not None
    if left() > 0.5 and (bound is None or cost > bound):
        # with stage 1 proven, stop one above its optimum: the single-room model may then
        # prove that cost optimal, or find the stage-1 optimum itself
        stats: dict = {}
        placed, found = anneal(instance, near, rooms, start + time_limit - 0.3, seed,
                               stop_at=int(bound) + 1 if proven else 0, stats=stats,
                               start_temperature=_start_temperature(cost, bound))
        say(f"annealing: {cost} -> {found} ({stats.get('tried', 0)} moves, "
            f"{stats.get('per_second', 0):.0f}/s, {stats.get('cycles', 0)} cycles)")
        if found < cost:
            rooms, cost = placed, found
    if proven and cost == bound + 1 and left() > 1:
        # a timetable either keeps every course in one room or pays at least 1 for room
        # stability on top of the stage-1 optimum: the single-room model settles which
        single = _single_room(instance, rooms, cost, max(1.0, min(left(), 2 + left() * 0.1)),
                              solver, threads, say)
        if single is None:
            bound = float(cost)
        elif single[1] < cost:
            rooms, cost = single
        if cost > bound and left() > 0.5:
            placed, found = anneal(instance, near, rooms, start + time_limit - 0.3, seed + 1,
                                   stop_at=int(bound), start_temperature=COLD)
            say(f"annealing again: {cost} -> {found}")
            if found < cost:
                rooms, cost = placed, found
    periods = _periods_of(rooms)
    lectures = _lectures(instance, periods, rooms)
    report = evaluate(instance, lectures)
    status = "optimal" if (report.feasible and bound is not None
                           and report.cost <= bound) else "feasible"
    say(f"{status}: cost {report.cost}, hard violations {report.hard_cost}")
    return CttResult(status, lectures, report, bound, time.monotonic() - start)


COLD = 0.3   # the first annealing temperature for a timetable already near its lower bound


def _start_temperature(cost: int, bound: float | None) -> float | None:
    """A cold start when the MILP's timetable is within half its lower bound (plus 5) of it:
    the calibrated temperature would throw away what the model found."""
    return COLD if bound is not None and cost <= 1.5 * bound + 5 else None


@dataclass
class _Stage1:
    periods: dict[str, list[int]] | None
    infeasible: bool
    proven: bool
    bound: float | None


def _stage1(instance: Instance, warm_periods, time_limit: float, solver: str,
            threads: int | None, progress: _Progress, say: Callable[[str], None]) -> _Stage1:
    m = build_periods_model(instance)
    say(f"stage 1: {m.prob.numVariables()} variables, {m.prob.numConstraints()} constraints")
    warm = m.warm(warm_periods) if warm_periods is not None else None
    found, infeasible, proven, bound = _run(m.prob, warm, time_limit, solver, threads, progress)
    value = _value(m.prob) if found else None
    say(f"stage 1 {'optimal' if proven else 'stopped'}: objective "
        f"{'-' if value is None else f'{value:g}'}, bound {'-' if bound is None else f'{bound:g}'}")
    return _Stage1(m.placements() if found else None, infeasible, proven, bound)


def _periods_of(rooms: dict[tuple[str, int], str]) -> dict[str, list[int]]:
    periods: dict[str, list[int]] = defaultdict(list)
    for c, p in rooms:
        periods[c].append(p)
    return {c: sorted(ps) for c, ps in periods.items()}


def _single_room(instance: Instance, rooms: dict[tuple[str, int], str], cost: int,
                 time_limit: float, solver: str,
                 threads: int | None, say: Callable[[str], None]
                 ) -> tuple[dict[tuple[str, int], str], int] | None:
    """Search the timetables that keep every course in one room for one cheaper than `cost`:
    None when HiGHS proves there is none, (rooms, cost) for one it finds, and (`rooms`,
    `cost`) unchanged when it runs out of time (or the solver is CBC, which has no cutoff)."""
    if solver != "highs":
        return rooms, cost
    import highspy
    m = build_single_room_model(instance)
    engine = _HiGHS(None, _Progress(None, time.monotonic(), 0.0), msg=False,
                    timeLimit=time_limit, threads=threads)
    engine.createAndConfigureSolver(m.prob)
    engine.buildSolverModel(m.prob)
    h = m.prob.solverModel
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("objective_bound", cost - 0.5)
    engine.callSolver(m.prob)
    status, info = h.getModelStatus(), h.getInfo()
    ended = status in (highspy.HighsModelStatus.kInfeasible,
                       highspy.HighsModelStatus.kObjectiveBound,
                       highspy.HighsModelStatus.kOptimal)
    if info.primal_solution_status >= 2 and info.objective_function_value < cost - 0.5:
        values = list(h.getSolution().col_value)
        room = {c: r for (c, r), var in m.room.items() if values[var.index] > 0.5}
        found = {(c, p): room[c] for (c, p), var in m.x.items() if values[var.index] > 0.5}
        say(f"single-room model: found cost {info.objective_function_value:g}")
        return found, round(info.objective_function_value)
    if ended:
        say(f"single-room model: none cheaper than {cost}, so {cost} is a lower bound")
        return None
    say("single-room model: stopped by the time limit")
    return rooms, cost


def _value(prob: pulp.LpProblem) -> float:
    return sum(c * (v.varValue or 0.0) for v, c in prob.objective.items()) + (
        prob.objective.constant)


def _run(lp: pulp.LpProblem, warm: dict | None, time_limit: float, solver: str,
         threads: int | None, progress: _Progress) -> tuple[bool, bool, bool, float | None]:
    """(found, infeasible, proven, bound) of one MILP; variable values set when found."""
    if solver == "cbc":
        if warm:
            for var in lp.variables():
                var.setInitialValue(warm.get(var.name, 0.0))
        status, sol_status, timed_out = _cbc_solve(lp, time_limit, threads, None, bool(warm))
        if status == pulp.LpStatusInfeasible:
            return False, True, False, None
        found = sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
        proven = found and sol_status == pulp.LpSolutionOptimal and not timed_out
        bound = _value(lp) if proven else None
        return found, False, proven, bound
    import highspy
    engine = _HiGHS(warm, progress, msg=False, timeLimit=time_limit, threads=threads)
    engine.createAndConfigureSolver(lp)
    engine.buildSolverModel(lp)
    h = lp.solverModel
    h.setOptionValue("mip_rel_gap", 0.0)
    engine.callSolver(lp)
    status = h.getModelStatus()
    info = h.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        return False, True, False, None
    # HiGHS is given the objective without its constant
    bound = (info.mip_dual_bound + lp.objective.constant if math.isfinite(info.mip_dual_bound)
             else None)
    if info.primal_solution_status < 2:
        return False, False, False, bound
    values = list(h.getSolution().col_value)
    for var in lp.variables():
        var.varValue = values[var.index]
    proven = status == highspy.HighsModelStatus.kOptimal
    return True, False, proven, bound


def _stage2(instance: Instance, periods: dict[str, list[int]], time_limit: float, solver: str,
            threads: int | None, say: Callable[[str], None]) -> dict[tuple[str, int], str]:
    """Rooms for the placement: the greedy ones, improved by the stage-2 MILP if it can."""
    rooms = greedy_rooms(instance, periods)
    m, _constant = build_rooms_model(instance, periods)
    warm = _rooms_warm(m, rooms)
    with _Progress(None, time.monotonic(), 0.0) as progress:
        found, _inf, proven, _bound = _run(m.prob, warm, time_limit, solver, threads, progress)
    if found:
        solved = m.rooms()
        if len(solved) == len(rooms) and _room_cost(instance, solved) <= _room_cost(instance,
                                                                                    rooms):
            rooms = solved
    say(f"stage 2 {'optimal' if proven else 'stopped'}: rooms cost "
        f"{_room_cost(instance, rooms)}")
    return rooms


def _rooms_warm(m: RoomsModel, rooms: dict[tuple[str, int], str]) -> dict[str, float]:
    values = {}
    for (c, p), r in rooms.items():
        values[m.u[(c, p, r)].name] = 1.0
        values[m.w[(c, r)].name] = 1.0
    return values


def _room_cost(instance: Instance, rooms: dict[tuple[str, int], str]) -> int:
    """Capacity overflow plus room stability of a room assignment."""
    students = {c.id: c.students for c in instance.courses}
    capacity = {r.id: r.capacity for r in instance.rooms}
    used: dict[str, set[str]] = defaultdict(set)
    cost = 0
    for (c, _p), r in rooms.items():
        cost += max(0, students[c] - capacity[r])
        used[c].add(r)
    return cost + sum(len(rs) - 1 for rs in used.values())


def _lectures(instance: Instance, periods: dict[str, list[int]],
              rooms: dict[tuple[str, int], str]) -> list[Lecture]:
    per_day = instance.periods_per_day
    return sorted(Lecture(c, rooms[(c, p)], p // per_day, p % per_day)
                  for c, ps in periods.items() for p in ps)


# -- constructive heuristics ----------------------------------------------------------------------

def conflict_graph(instance: Instance) -> dict[str, set[str]]:
    """Course → the courses it may not share a period with (same curriculum or teacher)."""
    near: dict[str, set[str]] = {c.id: set() for c in instance.courses}
    groups = [list(q.courses) for q in instance.curricula]
    by_teacher: dict[str, list[str]] = defaultdict(list)
    for c in instance.courses:
        by_teacher[c.teacher].append(c.id)
    groups += list(by_teacher.values())
    for group in groups:
        for a in group:
            near[a].update(b for b in group if b != a)
    return near


def greedy_periods(instance: Instance, deadline: float, seed: int = 1
                   ) -> dict[str, list[int]] | None:
    """Course → periods with every hard rule kept (no conflict, no unavailable period, no more
    lectures than rooms in a period), or None if not found by `deadline`.

    Lectures go, hardest first, to the allowed period that spreads the course over new days;
    a lecture with no allowed period evicts the conflicting lectures of the period with the
    fewest of them (never a period it just left), and they are queued again.
    """
    rng = random.Random(seed)
    near = conflict_graph(instance)
    per_day, n_rooms = instance.periods_per_day, len(instance.rooms)
    allowed = {c.id: [p for p in range(instance.periods)
                      if (c.id, p // per_day, p % per_day) not in instance.unavailable]
               for c in instance.courses}
    lectures = {c.id: c.lectures for c in instance.courses}
    at: dict[int, set[str]] = defaultdict(set)
    placed: dict[str, list[int]] = {c.id: [] for c in instance.courses}
    tabu: dict[tuple[str, int], int] = {}

    def difficulty(c: str) -> float:
        return len(allowed[c]) / lectures[c] - len(near[c])

    queue = sorted((c for c in lectures for _ in range(lectures[c])), key=difficulty)
    step = 0
    while queue:
        step += 1
        if step % 256 == 0 and time.monotonic() > deadline:
            return None
        c = queue.pop(0)
        days = {p // per_day for p in placed[c]}
        free = [p for p in allowed[c] if c not in at[p] and len(at[p]) < n_rooms
                and not (near[c] & at[p])]
        if free:
            p = min(free, key=lambda p: ((p // per_day) in days, len(at[p]), rng.random()))
        else:
            options = [p for p in allowed[c] if c not in at[p] and tabu.get((c, p), -1) < step]
            if not options:
                options = [p for p in allowed[c] if c not in at[p]]
            if not options:
                return None

            def evicted(p: int, c=c) -> list[str]:
                out = sorted(near[c] & at[p])
                if len(at[p]) - len(out) >= n_rooms:
                    out.append(rng.choice(sorted(at[p] - set(out))))
                return out
            p = min(options, key=lambda p: (len(evicted(p)), rng.random()))
            for other in evicted(p):
                at[p].discard(other)
                placed[other].remove(p)
                tabu[(other, p)] = step + 10 + rng.randrange(10)
                queue.append(other)
        at[p].add(c)
        placed[c].append(p)
    return {c: sorted(ps) for c, ps in placed.items()}


def greedy_rooms(instance: Instance, periods: dict[str, list[int]]
                 ) -> dict[tuple[str, int], str]:
    """(course, period) → room: per period, largest course first, the room it used before if
    that fits and is free, else the smallest free room that holds it, else the largest free."""
    students = {c.id: c.students for c in instance.courses}
    rooms = sorted(instance.rooms, key=lambda r: r.capacity)
    at: dict[int, list[str]] = defaultdict(list)
    for c, ps in periods.items():
        for p in ps:
            at[p].append(c)
    usual: dict[str, str] = {}
    out: dict[tuple[str, int], str] = {}
    for p in sorted(at):
        free = list(rooms)
        for c in sorted(at[p], key=lambda c: -students[c]):
            same = [r for r in free if r.id == usual.get(c) and r.capacity >= students[c]]
            fits = same or [r for r in free if r.capacity >= students[c]] or [free[-1]]
            room = fits[0]
            free.remove(room)
            out[(c, p)] = room.id
            usual.setdefault(c, room.id)
    return out
