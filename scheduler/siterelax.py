"""Who teaches when and at which site: a relaxation of the timetable with rooms aggregated.

`site_relaxation` keeps every hard rule of `spec/timetable-format.md` except the identity of
rooms. A meeting goes to a (teacher, slot, site) triple; rooms enter only as counts: at each
site and slot, for every set Q of rooms in the union-closure of the sections' candidate room
sets there, the sections whose candidate rooms all lie in Q number at most |Q|. By Hall's
theorem these rows are exactly the condition for the sections placed at one site and slot to
get distinct rooms of their own (sets have distinct representatives iff every k of them have
at least k elements in their union; given such k sections, Q = their union is in the closure
and its row counts them all). So a plan of this relaxation always has rooms, slot by slot;
what it loses is only which room a section keeps from one meeting to the next (room_change,
counted here as at least the number of distinct sites the section uses minus one).

Why its optimum is a lower bound of every timetable's objective (so its MILP dual bound is a
true bound): take any valid timetable and read off, for each meeting, its teacher, slot and
the site of its room; set h[t,d,a] = 1 when teacher t is at site a on day d, u[c,a] = 1 when
section c meets at site a. That point keeps every row below:
- meetings, one teacher per section, teacher clashes, weekly caps, slot/day spread, children
  groups, conflicts and locks: the same rules as H1, H3, H5, H7, H8, H9 on the same data;
- travel rows (H6): a teacher at site a in period p and at a site b too far from a in a later
  period q of the same day would break H6, so at most one of those two happens;
- max_sites_per_day (H7) on h; the room rows as argued above (H2 and H4);
and its cost is time + teacher_pref + unassigned exactly, site_change exactly (Σ_a h − 1 per
teacher-day, all h of a day at once), room_change at most the timetable's (a section at k sites
uses at least k rooms), perturbation 0 (the caller adds the unkeepable floor). So the
relaxation's optimum is at most the optimum of the timetable problem.

When the relaxation is solved to optimality and its plan's rooms can be chosen with no room
change beyond the relaxation's count (a matching per site and slot that keeps each section in
one room), that timetable's objective equals the relaxation's optimum, which proves it optimal.
On the generated medium instances HiGHS does not solve it within a minute (the root LP alone
takes about 9 s on one thread and its bound, 12-13, is the who-teaches-when bound plus a
little), so `solve` does not run it: it is a tool for measuring where the gap is. Its LP is
weak for the same reason as the full model's: a teacher's week is fractional (half a meeting
at each of two sites in a slot, a section spread over four days), and the integer cost of a
teacher's own week, held to a set of sections, is often ten or more above its LP value.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict

from scheduler.improve import new_highs


def _room_sets(problem, cand, sections: list[str]) -> dict[tuple[str, str], dict[str, frozenset]]:
    """(site, slot) -> section -> its candidate rooms at that site open in that slot."""
    out: dict[tuple[str, str], dict[str, frozenset]] = defaultdict(dict)
    for c in sections:
        for r in cand.rooms[c]:
            a = problem.rooms[r].site
            for s in cand.room_slots[(c, r)]:
                out[(a, s)][c] = out[(a, s)].get(c, frozenset()) | {r}
    return out


def _closure(sets: set[frozenset], limit: int = 256) -> set[frozenset]:
    """The sets and their unions (up to `limit` sets: beyond it the family is left partial,
    which only weakens the relaxation, never makes it wrong)."""
    family = set(sets)
    frontier = list(family)
    while frontier and len(family) < limit:
        new = []
        for q in frontier:
            for p in sets:
                u = q | p
                if u not in family:
                    family.add(u)
                    new.append(u)
                    if len(family) >= limit:
                        break
        frontier = new
    return family


def site_relaxation(problem, cand, sections: list[str], seconds: float = 60.0,
                    integer: bool = True, log=None, threads: int | None = None
                    ) -> tuple[float | None, dict | None, float | None]:
    """(bound or None, plan or None, plan value or None).

    The bound is the MILP's proven dual bound (a true lower bound of time + teacher_pref +
    site_change + room_change + unassigned, see the module docstring). The plan is the best
    solution found, {section: (teacher, [(slot, site), ...])}, with its relaxation value
    (None when none was found); it is optimal for the relaxation when value == bound.
    With `integer=False` only the LP is solved: (its optimum, None, None), a weaker bound.
    """
    import highspy
    w = problem.weights
    days = list(problem.days)
    rooms_at = _room_sets(problem, cand, sections)
    sites_at: dict[tuple[str, str], list[str]] = defaultdict(list)   # (c, s) -> sites
    for (a, s), sets in rooms_at.items():
        for c in sets:
            sites_at[(c, s)].append(a)
    cols: list[tuple] = []
    cost: list[float] = []
    upper: list[float] = []
    index: dict[tuple, int] = {}

    def col(key: tuple, c_: float, up: float = 1.0) -> int:
        index[key] = len(cols)
        cols.append(key)
        cost.append(c_)
        upper.append(up)
        return index[key]

    for c in sections:
        section = problem.sections[c]
        for t in cand.teachers[c]:
            pref = problem.teachers[t].preferred
            for s in sorted(cand.teacher_slots[(c, t)]):
                price = ((0 if section.children_group else
                          w["time"] * problem.period_of(s).penalty)
                         + (w["teacher_pref"] if pref and s not in pref else 0))
                for a in sorted(sites_at.get((c, s), ())):
                    col(("w", c, t, s, a), price)
    n_w = len(cols)
    inf = highspy.kHighsInf
    rows: list[tuple[float, float, list[tuple[int, float]]]] = []

    def row(lo: float, up: float, items: list[tuple[int, float]]) -> None:
        rows.append((lo, up, items))

    by_c: dict[str, list[int]] = defaultdict(list)
    by_ts: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_tsa: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    by_ct: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_cs: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_ca: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_csa: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    by_t: dict[str, list[int]] = defaultdict(list)
    for i in range(n_w):
        _, c, t, s, a = cols[i]
        by_c[c].append(i)
        by_ts[(t, s)].append(i)
        by_tsa[(t, s, a)].append(i)
        by_ct[(c, t)].append(i)
        by_cs[(c, s)].append(i)
        by_ca[(c, a)].append(i)
        by_csa[(c, s, a)].append(i)
        by_t[t].append(i)
    # H1: meetings, one teacher
    for c in sections:
        m = float(problem.sections[c].meetings)
        items = [(i, 1.0) for i in by_c[c]]
        if problem.allow_unassigned:
            items.append((col(("un", c), w["unassigned"], m), 1.0))
        row(m, m, items)
        teachers = cand.teachers[c]
        if len(teachers) > 1:
            ys = [col(("y", c, t), 0.0) for t in teachers]
            row(1.0, 1.0, [(j, 1.0) for j in ys])
            for t, j in zip(teachers, ys, strict=True):
                lo = -inf if problem.allow_unassigned else 0.0
                row(lo, 0.0, [(i, 1.0) for i in by_ct[(c, t)]] + [(j, -m)])
    # H3 teacher clash, H7 weekly cap
    for items in by_ts.values():
        if len(items) > 1:
            row(-inf, 1.0, [(i, 1.0) for i in items])
    for t, items in by_t.items():
        cap = problem.teachers[t].max_meetings
        if cap is not None and len(items) > cap:
            row(-inf, float(cap), [(i, 1.0) for i in items])
    # H5 one meeting a slot and min_days_apart windows
    conflicts_of: dict[str, list[int]] = defaultdict(list)
    for k, group in enumerate(problem.conflicts):
        for c in set(group):
            conflicts_of[c].append(k)
    group_rows: dict[tuple, list[int]] = defaultdict(list)
    for c in sections:
        section = problem.sections[c]
        k = min(section.min_days_apart, len(days))
        windows: dict[int, list[int]] = defaultdict(list)
        for s in cand.slots[c]:
            items = by_cs.get((c, s), [])
            if not items:
                continue
            if len(items) > 1:
                row(-inf, 1.0, [(i, 1.0) for i in items])
            if k >= 1 and section.meetings > 1:
                d = days.index(problem.day_of(s))
                for j in range(max(0, d - k + 1), min(d, len(days) - k) + 1):
                    windows[j] += items
            if section.children_group:
                group_rows[("g", section.children_group, s)] += items
            for g in conflicts_of[c]:
                group_rows[("k", g, s)] += items
        for items in windows.values():
            if len(items) > 1:
                row(-inf, 1.0, [(i, 1.0) for i in items])
    for (kind, _g, _s), items in group_rows.items():
        if kind == "k" and len({cols[i][1] for i in items}) < 2:
            continue
        if len(items) > 1:
            row(-inf, 1.0, [(i, 1.0) for i in items])
    # H2 + H4: distinct rooms at each site and slot (Hall's condition on unions)
    for (a, s), sets in rooms_at.items():
        if len(sets) < 2:
            continue
        for q in _closure(set(sets.values())):
            inside = [c for c, rs in sets.items() if rs <= q]
            if len(inside) > len(q):
                row(-inf, float(len(q)),
                    [(i, 1.0) for c in inside for i in by_csa.get((c, s, a), [])])
    # H6 travel and H7 sites a day, with the site_change cost
    tsites: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for (t, s, a) in by_tsa:
        tsites[(t, problem.day_of(s))][a].append(s)
    for (t, d), sites in tsites.items():
        if len(sites) < 2:
            continue
        for sp, a, sq, bad in problem.travel_clashes(d, sites,
                                                     lambda s, x, t=t: (t, s, x) in by_tsa):
            items = [(j, 1.0) for j in by_tsa[(t, sp, a)]]
            items += [(j, 1.0) for b in bad for j in by_tsa[(t, sq, b)]]
            row(-inf, 1.0, items)
        hs = []
        for a, slots in sites.items():
            h = col(("h", t, d, a), 0.0)
            hs.append(h)
            for s in slots:
                row(-inf, 0.0, [(j, 1.0) for j in by_tsa[(t, s, a)]] + [(h, -1.0)])
        cap = problem.teachers[t].max_sites_per_day
        if cap is not None and len(sites) > cap:
            row(-inf, float(cap), [(h, 1.0) for h in hs])
        sc = col(("sc", t, d), w["site_change"], inf)
        row(-inf, 1.0, [(h, 1.0) for h in hs] + [(sc, -1.0)])
    # room_change: a section at k sites uses at least k rooms
    for c in sections:
        m = problem.sections[c].meetings
        sites = sorted({a for (cc, a) in by_ca if cc == c})
        if m < 2 or len(sites) < 2 or not w["room_change"]:
            continue
        us = []
        for a in sites:
            u = col(("u", c, a), 0.0)
            us.append(u)
            row(-inf, 0.0, [(i, 1.0) for i in by_ca[(c, a)]] + [(u, -float(m))])
        rc = col(("rc", c), w["room_change"], inf)
        row(-inf, 1.0, [(u, 1.0) for u in us] + [(rc, -1.0)])
    # H9 locks
    in_model = set(sections)
    for lock in problem.locked:
        c = lock.section
        if c not in in_model:
            continue
        site = problem.rooms[lock.room].site if lock.room is not None else None
        items = [(i, 1.0) for i in by_cs.get((c, lock.slot), [])
                 if lock.teacher in (None, cols[i][2]) and site in (None, cols[i][4])]
        row(1.0, inf, items)

    h = new_highs(threads)
    total = len(cols)
    h.addVars(total, [0.0] * total, upper)
    h.changeColsCost(total, list(range(total)), cost)
    if integer:
        ints = [i for i, key in enumerate(cols) if key[0] not in ("sc", "rc")]
        h.changeColsIntegrality(len(ints), ints, [highspy.HighsVarType.kInteger] * len(ints))
    lo, up, starts, idx, val = [], [], [], [], []
    for r_lo, r_up, items in rows:
        lo.append(r_lo)
        up.append(r_up)
        starts.append(len(idx))
        idx += [i for i, _ in items]
        val += [v for _, v in items]
    h.addRows(len(lo), lo, up, len(idx), starts, idx, val)
    h.setOptionValue("time_limit", max(1.0, seconds))
    if log is not None:
        log(f"site relaxation: {total} columns, {len(lo)} rows")
    began = time.monotonic()
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if log is not None:
        log(f"site relaxation: {status} in {time.monotonic() - began:.1f}s, "
            f"value {info.objective_function_value}, bound {info.mip_dual_bound}")
    if status == highspy.HighsModelStatus.kInfeasible:
        return None, None, None
    if not integer:
        if status != highspy.HighsModelStatus.kOptimal:
            return None, None, None
        v = info.objective_function_value
        return v - 1e-6 * max(1.0, abs(v)), None, None
    bound = None
    if math.isfinite(info.mip_dual_bound):
        bound = info.mip_dual_bound - 1e-6 * max(1.0, abs(info.mip_dual_bound))
    if info.primal_solution_status < 2:
        return bound, None, None
    x = h.getSolution().col_value
    plan: dict = {}
    for i in range(n_w):
        if x[i] > 0.5:
            _, c, t, s, a = cols[i]
            plan.setdefault(c, (t, []))[1].append((s, a))
    return bound, plan, info.objective_function_value

