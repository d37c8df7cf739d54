"""Large neighbourhood search on the MILP, and an LP bound, for instances too big to prove.

The whole model is loaded into one HiGHS instance once. Each step frees the sections of a
few related teachers (same subjects, same day, nearby sites), fixes every other section's
variables at the incumbent and re-solves that small MILP from the incumbent: the result is
a timetable of the full model, never worse. In parallel the LP relaxation of the full model
(interior point, no crossover) gives a proven lower bound: a true relaxation, so a true bound.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable

from scheduler.model import Model


class Incumbent:
    """The best column vector found so far and its objective (model value + constant)."""

    def __init__(self, values: list[float], objective: float) -> None:
        self.values = values
        self.objective = objective


def lp_bound(model: Model, build: Callable, seconds: float, result: dict) -> None:
    """Solve the LP relaxation of the full model; put a proven lower bound in result."""
    import highspy
    try:
        h = build(mip=False)
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("run_crossover", "off")
        h.setOptionValue("time_limit", max(1.0, seconds))
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            info = h.getInfo()
            # the dual objective of a converged interior point is a bound up to tolerance
            value = info.objective_function_value + model.constant
            result["bound"] = value - 1e-6 * max(1.0, abs(value))
    except Exception as exc:  # noqa: BLE001 - a missing bound must not lose the timetable
        result["error"] = repr(exc)


def _free_sets(model: Model) -> dict[str, list[int]]:
    """section -> column indices of its own variables (x, y, v, unassigned)."""
    out: dict[str, list[int]] = defaultdict(list)
    for (c, _s, _r), var in model.x.items():
        out[c].append(var.index)
    for (c, _t), var in model.y.items():
        out[c].append(var.index)
    for (c, _t, _s, _a), var in model.v.items():
        out[c].append(var.index)
    for c, var in model.un.items():
        out[c].append(var.index)
    return out


def _neighbourhood(model: Model, values: list[float], rng: random.Random,
                   size: int) -> set[str]:
    """Sections of a few teachers who could swap work: a seed teacher, then teachers who
    share a section's candidate list with those already taken."""
    teacher_of: dict[str, str] = {}
    for (c, t), var in model.y.items():
        if values[var.index] > 0.5:
            teacher_of[c] = t
    by_teacher: dict[str, list[str]] = defaultdict(list)
    for c, t in teacher_of.items():
        by_teacher[t].append(c)
    teachers = sorted(by_teacher)
    if not teachers:
        return set(model.sections)
    chosen: set[str] = set()
    frontier = [rng.choice(teachers)]
    seen_t: set[str] = set()
    while frontier and len(chosen) < size:
        t = frontier.pop(rng.randrange(len(frontier)))
        if t in seen_t:
            continue
        seen_t.add(t)
        for c in by_teacher.get(t, []):
            chosen.add(c)
            others = [u for u in model.cand.teachers[c] if u not in seen_t]
            rng.shuffle(others)
            frontier += others[:2]
    return chosen


def large_neighbourhood_search(model: Model, h, start: Incumbent, deadline: float,
                               on_better: Callable[[Incumbent], None],
                               seed: int = 0, step_seconds: float = 4.0) -> Incumbent:
    """Improve `start` until `deadline` (time.monotonic()); returns the best incumbent."""
    import highspy
    rng = random.Random(seed)
    cols = _free_sets(model)
    sections = list(model.sections)
    owned = sorted({i for idx in cols.values() for i in idx})
    lp = h.getLp()
    lower0 = list(lp.col_lower_)
    upper0 = list(lp.col_upper_)
    best = start
    size = max(6, min(30, len(sections) // 10))
    h.setOptionValue("presolve", "on")
    # a neighbourhood only has to beat the incumbent, not be proved best
    h.setOptionValue("mip_rel_gap", 0.01)
    stale = 0
    while time.monotonic() < deadline - 1.0 and len(sections) > 0:
        free = _neighbourhood(model, best.values, rng, size)
        free_idx = {i for c in free for i in cols[c]}
        lo = [lower0[i] if i in free_idx else round(best.values[i]) for i in owned]
        up = [upper0[i] if i in free_idx else round(best.values[i]) for i in owned]
        h.changeColsBounds(len(owned), owned, lo, up)
        sol = highspy.HighsSolution()
        sol.col_value = list(best.values)
        sol.value_valid = True
        h.setSolution(sol)
        h.setOptionValue("time_limit", max(1.0, min(step_seconds, deadline - time.monotonic())))
        h.run()
        info = h.getInfo()
        value = info.objective_function_value + model.constant
        if info.primal_solution_status >= 2 and value < best.objective - 1e-6:
            best = Incumbent(list(h.getSolution().col_value), value)
            on_better(best)
            stale = 0
        else:
            stale += 1
            if stale >= 4:   # grow the neighbourhood when small ones stop paying
                size = min(len(sections), int(size * 1.5) + 1)
                stale = 0
    h.changeColsBounds(len(owned), owned, [lower0[i] for i in owned],
                       [upper0[i] for i in owned])
    return best


def run_parallel_bound(model: Model, build: Callable, seconds: float) -> tuple[threading.Thread,
                                                                             dict]:
    result: dict = {"bound": -math.inf}
    thread = threading.Thread(target=lp_bound, args=(model, build, seconds, result),
                              daemon=True)
    thread.start()
    return thread, result


def flow_bound(problem, cand, sections: list[str], seconds: float = 60.0) -> float | None:
    """A proven lower bound from a small relaxation: meetings go to (teacher, slot) pairs
    at their time and teacher_pref cost, keeping teacher clashes, weekly caps, one meeting
    of a section per slot and per day (when min_days_apart >= 1), children groups and
    conflicts; rooms, sites, travel and one-teacher-per-section are dropped and the other
    penalties count zero. Every timetable is a solution of it, so its LP optimum is a bound.
    """
    import highspy
    w = problem.weights
    cols: list[tuple[str, str, str]] = []
    cost: list[float] = []
    for c in sections:
        section = problem.sections[c]
        for t in cand.teachers[c]:
            pref = problem.teachers[t].preferred
            for s in sorted(cand.teacher_slots[(c, t)]):
                cols.append((c, t, s))
                cost.append((0 if section.children_group else
                             w["time"] * problem.period_of(s).penalty)
                            + (w["teacher_pref"] if pref and s not in pref else 0))
    n = len(cols)
    unassigned = {}
    if problem.allow_unassigned:
        for c in sections:
            unassigned[c] = n + len(unassigned)
    rows: dict[tuple, list[int]] = defaultdict(list)
    for i, (c, t, s) in enumerate(cols):
        g = problem.sections[c].children_group
        rows[("meet", c)].append(i)
        rows[("teacher", t, s)].append(i)
        rows[("load", t)].append(i)
        rows[("slot", c, s)].append(i)
        if problem.sections[c].min_days_apart >= 1:
            rows[("day", c, problem.day_of(s))].append(i)
        if g:
            rows[("group", g, s)].append(i)
    for k, group in enumerate(problem.conflicts):
        members = set(group)
        for i, (c, _t, s) in enumerate(cols):
            if c in members:
                rows[("conflict", k, s)].append(i)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(1.0, seconds))
    total = n + len(unassigned)
    h.addVars(total, [0.0] * total,
              [1.0] * n + [float(problem.sections[c].meetings) for c in unassigned])
    h.changeColsCost(total, list(range(total)),
                     cost + [w["unassigned"]] * len(unassigned))
    lo, up, starts, index, value = [], [], [], [], []
    for key, idx in rows.items():
        kind = key[0]
        if kind == "meet":
            m = problem.sections[key[1]].meetings
            idx = idx + ([unassigned[key[1]]] if key[1] in unassigned else [])
            lo.append(m)
            up.append(m)
        elif kind == "load":
            cap = problem.teachers[key[1]].max_meetings
            if cap is None:
                continue
            lo.append(-highspy.kHighsInf)
            up.append(cap)
        else:
            if len(idx) < 2:
                continue
            lo.append(-highspy.kHighsInf)
            up.append(1.0)
        starts.append(len(index))
        index += idx
        value += [1.0] * len(idx)
    h.addRows(len(lo), lo, up, len(index), starts, index, value)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    info = h.getInfo()
    value = info.objective_function_value
    return value - 1e-6 * max(1.0, abs(value))
