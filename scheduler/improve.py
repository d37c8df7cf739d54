"""Large neighbourhood search on the MILP, and an LP bound, for instances too big to prove.

The whole model is loaded into one HiGHS instance once. Each step frees the sections of a
few related teachers (same subjects, same day, nearby sites), fixes every other section's
variables at the incumbent and re-solves that small MILP from the incumbent: the result is
a timetable of the full model, never worse. In parallel the LP relaxation of the full model
(interior point, no crossover) gives a proven lower bound: a true relaxation, so a true bound.

`relaxation` is a smaller one, who teaches when (no rooms): as a MILP it gives a true bound
and a plan that `solve` tries to give rooms to (when it succeeds at the bound, the timetable
is proved optimal); travel and one-site-a-day cuts are added while the plan breaks them.
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


def flow_bound(problem, cand, sections: list[str], seconds: float = 60.0,
               threads: int | None = None) -> float | None:
    """A proven lower bound from a small relaxation: the LP optimum of `relaxation` (below).
    Every timetable is a solution of it, so its LP optimum is a bound."""
    bound, _plan = relaxation(problem, cand, sections, seconds, integer=False, strong=False,
                              threads=threads)
    return bound


def new_highs(threads: int | None = None):
    """A quiet HiGHS instance. HiGHS keeps one thread scheduler per process, made by the
    first solve: every instance of a solve with `threads` must ask for that same number,
    or HiGHS refuses to run it (`solve` resets the scheduler when `threads` is given)."""
    import highspy
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if threads:
        h.setOptionValue("threads", int(threads))
    return h


def relaxation(problem, cand, sections: list[str], seconds: float = 60.0,
               integer: bool = True, strong: bool = True,
               threads: int | None = None) -> tuple[float | None, dict | None]:
    """A proven lower bound from a relaxation of the timetable that keeps only who teaches
    when: meetings go to (teacher, slot) pairs at their time and teacher_pref cost, with
    teacher clashes, weekly caps, one meeting of a section per slot and per window of
    min_days_apart days, children groups, conflicts and locked slots and teachers; with
    `strong` also one teacher per section and, at each slot, no more sections than rooms
    among any section's candidate rooms. Which room, sites and travel are dropped and the
    other penalties count zero.

    Every timetable is a solution of it, so the solver's dual bound (the LP optimum with
    `integer=False`, the MILP's proven bound otherwise) is a true lower bound of the
    timetable's time + teacher_pref + unassigned penalties. Returns (bound or None, plan):
    the plan is the relaxation's optimal assignment {section: (teacher, [slots])} when the
    MILP was solved to optimality, else None.
    """
    import highspy
    w = problem.weights
    days = list(problem.days)
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
    extra: dict[tuple, int] = {}          # ("un", c) and ("y", c, t) columns after the x ones
    if problem.allow_unassigned:
        for c in sections:
            extra[("un", c)] = n + len(extra)
    for c in sections if strong else ():
        if len(cand.teachers[c]) > 1:
            for t in cand.teachers[c]:
                extra[("y", c, t)] = n + len(extra)
    inf = highspy.kHighsInf
    rows: dict[tuple, list[tuple[int, float]]] = defaultdict(list)
    bounds: dict[tuple, tuple[float, float]] = {}
    conflicts_of: dict[str, list[int]] = defaultdict(list)
    for k, group in enumerate(problem.conflicts):
        for c in set(group):
            conflicts_of[c].append(k)
    for i, (c, t, s) in enumerate(cols):
        section = problem.sections[c]
        rows[("meet", c)].append((i, 1.0))
        rows[("teacher", t, s)].append((i, 1.0))
        rows[("load", t)].append((i, 1.0))
        rows[("slot", c, s)].append((i, 1.0))
        k = min(section.min_days_apart, len(days))
        if k >= 1 and section.meetings > 1:
            d = days.index(problem.day_of(s))
            for j in range(max(0, d - k + 1), min(d, len(days) - k) + 1):
                rows[("window", c, j)].append((i, 1.0))
        if section.children_group:
            rows[("group", section.children_group, s)].append((i, 1.0))
        for k in conflicts_of[c]:
            rows[("conflict", k, s)].append((i, 1.0))
        if ("y", c, t) in extra:
            rows[("taught", c, t)].append((i, 1.0))
    for key, j in extra.items():
        if key[0] == "un":
            rows[("meet", key[1])].append((j, 1.0))
        else:
            _, c, t = key
            # the chosen teacher teaches every placed meeting, the others none
            rows[("taught", c, t)].append((j, -float(problem.sections[c].meetings)))
            rows[("one", c)].append((j, 1.0))
            bounds[("taught", c, t)] = (-inf if problem.allow_unassigned else 0.0, 0.0)
            bounds[("one", c)] = (1.0, 1.0)
    # rooms: at each slot, the sections whose open candidate rooms all lie in a set Q of
    # rooms are at most |Q| (Q runs over the sections' own candidate sets)
    at_slot: dict[str, dict[str, frozenset]] = defaultdict(dict)
    for c in sections:
        for r in cand.rooms[c]:
            for s in cand.room_slots[(c, r)]:
                at_slot[s][c] = at_slot[s].get(c, frozenset()) | {r}
    by_cs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (c, _t, s) in enumerate(cols):
        by_cs[(c, s)].append(i)
    for s, sets in at_slot.items() if strong else ():
        for q in set(sets.values()):
            inside = [c for c, rs in sets.items() if rs <= q]
            if len(inside) > len(q):
                key = ("rooms", s, tuple(sorted(q)))
                rows[key] = [(i, 1.0) for c in inside for i in by_cs[(c, s)]]
                bounds[key] = (-inf, float(len(q)))
    in_model = set(sections)
    for lock in problem.locked:
        c = lock.section
        if c not in in_model:
            continue
        rows[("lock", c, lock.slot)] = [(i, 1.0) for i, (cc, t, s) in enumerate(cols)
                                       if cc == c and s == lock.slot
                                       and lock.teacher in (None, t)]
        bounds[("lock", c, lock.slot)] = (1.0, inf)
    for c in sections:
        m = float(problem.sections[c].meetings)
        bounds[("meet", c)] = (m, m)
    lo, up, starts, index, value = [], [], [], [], []
    for key, items in rows.items():
        kind = key[0]
        if kind == "load":
            cap = problem.teachers[key[1]].max_meetings
            if cap is None or len(items) <= cap:
                continue
            bound_pair = (-inf, float(cap))
        elif key in bounds:
            bound_pair = bounds[key]
        else:
            if len(items) < 2:
                continue
            bound_pair = (-inf, 1.0)
        lo.append(bound_pair[0])
        up.append(bound_pair[1])
        starts.append(len(index))
        index += [i for i, _ in items]
        value += [v for _, v in items]
    total = n + len(extra)
    upper = [1.0] * n + [float(problem.sections[k[1]].meetings) if k[0] == "un" else 1.0
                         for k in extra]
    costs = cost + [w["unassigned"] if k[0] == "un" else 0.0 for k in extra]
    h = new_highs(threads)
    h.setOptionValue("time_limit", max(1.0, seconds))
    h.addVars(total, [0.0] * total, upper)
    h.changeColsCost(total, list(range(total)), costs)
    if integer and total:
        h.changeColsIntegrality(total, list(range(total)),
                                [highspy.HighsVarType.kInteger] * total)
    h.addRows(len(lo), lo, up, len(index), starts, index, value)
    deadline = time.monotonic() + max(1.0, seconds)
    index_of = {col: i for i, col in enumerate(cols)}
    at: dict[tuple[str, str], list[str]] = defaultdict(list)    # (teacher, slot) -> sections
    for c, t, s in cols:
        at[(t, s)].append(c)
    bound = None
    while True:
        h.setOptionValue("time_limit", max(1.0, deadline - time.monotonic()))
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        if not integer:
            if status != highspy.HighsModelStatus.kOptimal:
                return None, None
            value_ = info.objective_function_value
            return value_ - 1e-6 * max(1.0, abs(value_)), None
        if status == highspy.HighsModelStatus.kInfeasible:
            return None, None
        if math.isfinite(info.mip_dual_bound):
            # every cut below holds in every timetable: each round's bound is a true one
            value_ = info.mip_dual_bound - 1e-6 * max(1.0, abs(info.mip_dual_bound))
            bound = value_ if bound is None else max(bound, value_)
        if status != highspy.HighsModelStatus.kOptimal or info.primal_solution_status < 2:
            return bound, None
        x = h.getSolution().col_value
        plan: dict = {}
        for i, (c, t, s) in enumerate(cols):
            if x[i] > 0.5:
                plan.setdefault(c, (t, []))[1].append(s)
        cuts = _site_cuts(problem, cand, plan, at) if strong else []
        if not cuts:
            return bound, plan
        if time.monotonic() > deadline - 1.0:
            return bound, None
        h.addRows(len(cuts), [-inf] * len(cuts), [1.0] * len(cuts),
                  sum(len(cut) for cut in cuts),
                  [sum(len(cut) for cut in cuts[:k]) for k in range(len(cuts))],
                  [index_of[col] for cut in cuts for col in cut],
                  [1.0] * sum(len(cut) for cut in cuts))


def _site_cuts(problem, cand, plan: dict, at: dict) -> list[list[tuple]]:
    """Rows (lists of (section, teacher, slot) columns summing to at most one) that the
    plan breaks and every timetable keeps. For a teacher's planned meetings c1 in slot s1
    and c2 in s2 the same day, where A is every site c1 could be at in s1: the teacher
    teaches at most one section in s1 that must be within A, and then none in s2 that
    must be at a site too far from all of A (H6) or, for a teacher allowed one site a
    day, outside A (H7); so such a row holds whenever the plan's pair breaks it."""
    sites_of: dict[tuple[str, str], frozenset[str]] = {}

    def sites(c: str, s: str) -> frozenset[str]:
        if (c, s) not in sites_of:
            sites_of[(c, s)] = frozenset(problem.rooms[r].site for r in cand.rooms[c]
                                         if s in cand.room_slots[(c, r)])
        return sites_of[(c, s)]

    order = {sl: i for i, sl in enumerate(problem.slots)}
    by_day: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for c, (t, slots) in plan.items():
        for s in slots:
            by_day[(t, problem.day_of(s))].append((c, s))
    cuts, seen = [], set()
    for (t, _d), items in by_day.items():
        one_site = problem.teachers[t].max_sites_per_day == 1
        for c1, s1 in items:
            for c2, s2 in items:
                if s1 == s2:
                    continue
                first, second = sorted((s1, s2), key=order.get)
                gap = problem.period_of(second).start - problem.period_of(first).end

                def too_far(a_set: frozenset, b_set: frozenset, one_site: bool = one_site,
                            forward: bool = s1 == first, gap: float = gap) -> bool:
                    if one_site:
                        return not (a_set & b_set)
                    if a_set & b_set:
                        return False
                    pairs = ((a, b) if forward else (b, a) for a in a_set for b in b_set)
                    return all(problem.travel_minutes(x, y) > gap for x, y in pairs)

                a_set = sites(c1, s1)
                if not too_far(a_set, sites(c2, s2)) or (t, s1, s2, a_set) in seen:
                    continue
                seen.add((t, s1, s2, a_set))
                row = [(c, t, s1) for c in at[(t, s1)] if sites(c, s1) <= a_set]
                row += [(c, t, s2) for c in at[(t, s2)] if too_far(a_set, sites(c, s2))]
                cuts.append(row)
    return cuts
