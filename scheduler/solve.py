"""`solve(problem) -> Solution`: prechecks, a greedy first timetable, then the MILP.

HiGHS (highspy, through PuLP) is the default; PuLP's bundled CBC is the fallback. The status
is the solver's truth: a run stopped by its time limit is `feasible` or `unknown`, never
`optimal`; the reported objective is recounted from the final assignments.
"""

from __future__ import annotations

import math
import os
import subprocess
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable

import pulp

from scheduler.heuristic import greedy, number_meetings, repair_start
from scheduler.improve import flow_bound, relaxation
from scheduler.model import Model, build_model
from scheduler.precheck import candidates, precheck
from scheduler.problem import Placement, Problem, load_problem
from scheduler.solution import PENALTY_NAMES, Solution, Status, Unplaced

SOLVERS = ("highs", "cbc")
BIG_MODEL = 60_000   # variables; above this the whole MILP is not tried
# variables; from this size up the local search before the MILP runs its whole share of the time
# (restarted with new seeds): on medium instances (27,000-32,000) that gave 16 and 21-23 at 60 s
# where stopping at the third stalled restart gave 17 and 36 (the MILP proves small models at once)
SEARCH_PAYS = 10_000
UNPLACED_REASON = ("no slot, room and teacher were left for it without breaking a hard rule "
                   "(its options clash with other meetings)")


def penalties_of(problem: Problem, placements: list[Placement], unplaced: list) -> dict:
    """Each penalty count of a timetable, recounted from the spec (before weighting)."""
    counts = dict.fromkeys(PENALTY_NAMES, 0)
    rooms = defaultdict(set)
    sites = defaultdict(set)
    for a in placements:
        section, teacher = problem.sections[a.section], problem.teachers[a.teacher]
        if section.children_group is None:
            counts["time"] += problem.period_of(a.slot).penalty
        if teacher.preferred and a.slot not in teacher.preferred:
            counts["teacher_pref"] += 1
        rooms[a.section].add(a.room)
        sites[(a.teacher, problem.day_of(a.slot))].add(problem.rooms[a.room].site)
    counts["site_change"] = sum(len(s) - 1 for s in sites.values())
    counts["room_change"] = sum(len(r) - 1 for r in rooms.values())
    if problem.reference is not None:
        now = {(a.section, a.meeting): a for a in placements}
        for ref in problem.reference:
            a = now.get((ref.section, ref.meeting))
            if a is None or (a.slot, a.room, a.teacher) != (ref.slot, ref.room, ref.teacher):
                counts["perturbation"] += 1
    counts["unassigned"] = len(unplaced)
    return counts


def objective_of(problem: Problem, counts: dict) -> float:
    return sum(problem.weights[k] * counts[k] for k in PENALTY_NAMES)


class _Progress:
    """Progress lines every `every` seconds from a ticker thread (the solver's callbacks only
    record the latest numbers), and the time of the first timetable."""

    def __init__(self, log: Callable[[str], None] | None, start: float, constant: float,
                 every: float = 2.0) -> None:
        self.log, self.start, self.constant, self.every = log, start, constant, every
        self.best: float | None = None
        self.bound: float | None = None     # the best proven so far, constant included
        self.first_solution: float | None = None
        self.whole_model = True
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _Progress:
        if self.log is not None:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _tick(self) -> None:
        while not self._stop.wait(self.every):
            self.say()

    def say(self) -> None:
        if self.log is None:
            return
        def fmt(x):
            return "-" if x is None or not math.isfinite(x) else f"{x:g}"
        best = None if self.best is None else self.best + self.constant
        self.log(f"{time.monotonic() - self.start:7.1f}s  best {fmt(best)}  "
                 f"bound {fmt(self.bound)}")

    def update(self, best: float | None, bound: float | None) -> None:
        """The latest timetable's objective and a proven bound (both less `constant`; None
        when this stage proves none). The bound shown is the best proven so far: a later
        stage's weaker bound (the LP beside a neighbourhood search) does not lower it."""
        self.best = best
        if bound is not None:
            self.proved(bound + self.constant)

    def proved(self, bound: float) -> None:
        """A proven bound of the whole objective (constant included)."""
        if math.isfinite(bound) and (self.bound is None or bound > self.bound):
            self.bound = bound

    def found(self) -> None:
        if self.first_solution is None:
            self.first_solution = time.monotonic() - self.start


class _HiGHS(pulp.HiGHS):
    """PuLP's HiGHS with a vectorised model build, a warm start and progress callbacks."""

    def __init__(self, warm: dict | None, progress: _Progress, **kwargs) -> None:
        super().__init__(**kwargs)
        self.warm = warm
        self.progress = progress

    def buildSolverModel(self, lp):  # noqa: N802 (PuLP's name)
        import highspy
        inf = highspy.kHighsInf
        variables = lp.variables()
        h = lp.solverModel
        costs, lower, upper, ints = [], [], [], []
        for i, var in enumerate(variables):
            var.index = i
            costs.append(lp.objective.get(var, 0.0))
            lower.append(-inf if var.lowBound is None else var.lowBound)
            upper.append(inf if var.upBound is None else var.upBound)
            if self.mip and var.cat == pulp.LpInteger:
                ints.append(i)
        h.addVars(len(variables), lower, upper)
        h.changeColsCost(len(variables), list(range(len(variables))), costs)
        if ints:
            h.changeColsIntegrality(len(ints), ints,
                                    [highspy.HighsVarType.kInteger] * len(ints))
        rlo, rup, starts, index, value = [], [], [], [], []
        for i, con in enumerate(lp._constraints.values()):
            con.index = i
            starts.append(len(index))
            for var, coef in con.items():
                if coef:
                    index.append(var.index)
                    value.append(coef)
            lb, ub = con.getLb(), con.getUb()
            rlo.append(-inf if lb is None else lb)
            rup.append(inf if ub is None else ub)
        h.addRows(len(rlo), rlo, rup, len(index), starts, index, value)

    def callSolver(self, lp):  # noqa: N802
        import highspy
        h = lp.solverModel
        if self.warm:
            sol = highspy.HighsSolution()
            sol.col_value = [float(self.warm.get(v.name, 0.0)) for v in lp.variables()]
            sol.value_valid = True
            h.setSolution(sol)
        progress = self.progress

        def improving(event):
            if progress.whole_model:
                progress.found()
                progress.update(event.data_out.mip_primal_bound, event.data_out.mip_dual_bound)

        def ticking(event):
            if progress.whole_model:   # a neighbourhood's bound is no bound of the whole
                progress.update(event.data_out.mip_primal_bound, event.data_out.mip_dual_bound)

        h.cbMipImprovingSolution.subscribe(improving)
        h.cbMipInterrupt.subscribe(ticking)
        h.run()


def _cbc_solve(lp: pulp.LpProblem, time_limit: float, threads: int | None,
               gap: float | None, warm: bool) -> tuple[int, int, bool]:
    """Run the bundled CBC ourselves so that its time limit is enforced: (status,
    sol_status, timed_out)."""
    from pulp.apis.coin_api import pulp_cbc_path
    solver = pulp.COIN_CMD(path=pulp_cbc_path, msg=False)
    path = solver.executableExtension(pulp_cbc_path)
    if not os.access(path, os.X_OK):
        os.chmod(path, 0o755)
    with tempfile.TemporaryDirectory() as tmp:
        mps, sol, mst = (os.path.join(tmp, f"model.{e}") for e in ("mps", "sol", "mst"))
        vs, var_names, con_names, _ = lp.writeMPS(mps, rename=1)
        args = [path, mps, "-sec", str(max(1, int(time_limit)))]
        if warm:
            solver.writesol(mst, lp, vs, var_names, con_names)
            args += ["-mips", mst]
        if threads:
            args += ["-threads", str(threads)]
        if gap is not None:
            args += ["-ratio", str(gap)]
        args += ["-solve", "-printingOptions", "all", "-solution", sol]
        timed_out = False
        try:
            subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=time_limit * 1.25 + 5, check=False)
        except subprocess.TimeoutExpired:
            timed_out = True
        if not os.path.exists(sol):
            return pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound, True
        status, values, _, _, _, sol_status = solver.readsol_MPS(sol, lp, vs, var_names,
                                                                 con_names)
        lp.assignVarsVals(values)
        return status, sol_status, timed_out


def warm_values(m: Model, placements: list[Placement], unplaced_sections: dict[str, int]
                ) -> dict[str, float]:
    """Every model variable's value for a given timetable (by variable name)."""
    p = m.problem
    val: dict = {}
    teacher_of = {}
    by_section = defaultdict(list)
    for a in placements:
        if a.section not in m.sections:
            continue
        val[m.x[(a.section, a.slot, a.room)].name] = 1
        teacher_of[a.section] = a.teacher
        by_section[a.section].append(a)
        site = p.rooms[a.room].site
        if (a.section, a.teacher, a.slot, site) in m.v:
            val[m.v[(a.section, a.teacher, a.slot, site)].name] = 1
        if (a.teacher, p.day_of(a.slot), site) in m.h:
            val[m.h[(a.teacher, p.day_of(a.slot), site)].name] = 1
        if (a.section, a.room) in m.z:
            val[m.z[(a.section, a.room)].name] = 1
    for c in m.sections:
        t = teacher_of.get(c) or m.cand.teachers[c][0]
        val[m.y[(c, t)].name] = 1
        if c in m.un:
            val[m.un[c].name] = unplaced_sections.get(c, 0)
        if c in m.rc:
            val[m.rc[c].name] = max(0, len({a.room for a in by_section[c]}) - 1)
    sites = defaultdict(set)
    for a in placements:
        sites[(a.teacher, p.day_of(a.slot))].add(p.rooms[a.room].site)
    for key, var in m.sc.items():
        val[var.name] = max(0, len(sites.get(key, ())) - 1)
    now = {(a.section, a.slot, a.room, a.teacher) for a in placements}
    for i, var in m.keep.items():
        ref = p.reference[i]
        val[var.name] = 1 if (ref.section, ref.slot, ref.room, ref.teacher) in now else 0
    return val


def _extract(m: Model) -> tuple[list[Placement], list[Unplaced]] | None:
    """The timetable in the model's variable values, or None when the values do not make
    one (a solver that returned a broken point)."""
    p = m.problem
    chosen = defaultdict(list)
    for (c, s, r), var in m.x.items():
        if (var.varValue or 0) > 0.5:
            chosen[c].append((s, r))
    placements, unplaced = [], []
    for c in m.sections:
        t = next((t for t in m.cand.teachers[c] if (m.y[(c, t)].varValue or 0) > 0.5), None)
        if len(chosen[c]) > p.sections[c].meetings or (chosen[c] and t is None):
            return None
        got, left = number_meetings(p, c, t, chosen[c])
        placements += got
        unplaced += [Unplaced(c, k, UNPLACED_REASON) for k in left]
    return placements, unplaced


def solve(problem: Problem | dict, time_limit: float = 60.0, gap: float | None = None,
          solver: str = "highs", threads: int | None = None,
          log: Callable[[str], None] | None = None, heuristic_seconds: float | None = None,
          exact_first: float | None = None) -> Solution:
    """The best timetable found within `time_limit` seconds (wall time, all stages).

    `gap` stops the MILP once its proven relative gap is below it (the status then stays
    `feasible` unless the optimum is proved). After a greedy timetable and a local search,
    models under BIG_MODEL variables go to HiGHS: the whole MILP first for `exact_first`
    seconds (default a quarter of the time left), then a large neighbourhood search while
    the LP relaxation proves a bound; bigger ones stay with the local search and a small
    relaxation's bound. `log` gets a progress line every two seconds. Refuses an unknown
    `solver` with ValueError; a malformed problem dict raises ProblemError.
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}: use one of {', '.join(SOLVERS)}")
    start = time.monotonic()
    if threads:
        # HiGHS makes one thread scheduler per process, at its first solve, and refuses an
        # instance asking for another number: start this solve's with `threads`
        import highspy
        highspy.Highs.resetGlobalScheduler(True)
    progress = _Progress(log, start, 0.0)
    with progress:
        return _solve(problem, time_limit, gap, solver, threads, log, heuristic_seconds,
                      exact_first, start, progress)


def _solve(problem: Problem | dict, time_limit: float, gap: float | None, solver: str,
           threads: int | None, log: Callable[[str], None] | None,
           heuristic_seconds: float | None, exact_first: float | None, start: float,
           progress: _Progress) -> Solution:
    if isinstance(problem, dict):
        problem = load_problem(problem)
    say = log or (lambda _msg: None)
    cand = candidates(problem)
    reasons = precheck(problem, cand)
    fatal = [r for c, rs in cand.reasons.items() for r in rs] if not problem.allow_unassigned \
        else []
    fatal += [r for r in reasons if r not in
              {x for rs in cand.reasons.values() for x in rs}]
    if problem.allow_unassigned:
        # a fixed teacher overloaded is not fatal when meetings may be left out
        fatal = [r for r in fatal if r.startswith("locked[")]
    if fatal:
        return Solution(problem.name, Status.INFEASIBLE, seconds=time.monotonic() - start,
                        solver="precheck", diagnostics=fatal)
    sections = [c for c in problem.sections if c not in cand.reasons]
    outside = [Unplaced(c, k, "; ".join(cand.reasons[c]))
               for c in problem.sections if c in cand.reasons
               for k in range(problem.sections[c].meetings)]

    budget = heuristic_seconds if heuristic_seconds is not None else min(10.0, time_limit / 4)
    first = None
    repairing = False
    if problem.reference is not None:
        # repair: the reference with only what no longer fits placed again
        first = repair_start(problem, cand, sections)
        if first is not None and first[1] and not problem.allow_unassigned:
            first = None
        repairing = first is not None
    if first is None:
        first = greedy(problem, cand, sections, seconds=budget)
    first_at = None
    if first is not None:
        first_at = time.monotonic() - start
        g_place, g_failed = first
        say(f"{first_at:7.1f}s  {'mended reference' if repairing else 'greedy'} timetable, "
            f"{len(g_place)} meetings placed, {len(g_failed)} sections left out")
    # what every timetable pays beyond the relaxations: the sections no timetable can hold
    # and the reference meetings none can keep (the relaxations count neither)
    floor_outside = (problem.weights["unassigned"] * len(outside)
                     + problem.weights["perturbation"] * len(unkeepable(problem, cand)))
    estimate = estimate_size(problem, cand, sections)
    big = solver == "highs" and estimate >= BIG_MODEL and first is not None
    if first is not None:
        first = _polish(problem, cand, first, start, time_limit, say, progress,
                        until_deadline=estimate >= SEARCH_PAYS)
    bound = None
    relaxed_bound = None
    proven = False
    if big:
        # too big to prove in minutes: local search on the greedy timetable while a small
        # relaxation proves a bound beside it; the MILP is not built
        model = None
        n_vars, n_cons = estimate, None
        build_seconds = 0.0
        build_done = time.monotonic()
        say(f"{build_done - start:7.1f}s  the MILP would have about {estimate} variables: "
            "local search instead")
        solver_name = "greedy + local search (bound: HiGHS " + _highs_version() + ")"
        if repairing:
            # a mended reference after a local search that stopped by itself: a re-solve
            # of the whole district would only trade moved meetings for other penalties
            solver_name = "repair + local search (bound: HiGHS " + _highs_version() + ")"
            left = time_limit - (time.monotonic() - start)
            bound = flow_bound(problem, cand, sections,
                               seconds=max(1.0, min(left * 0.8 - 1.0, 20.0)), threads=threads)
        else:
            first, bound = _solve_big(problem, cand, sections, first, start, time_limit,
                                      progress, say, threads)
        if bound is not None:   # the relaxation counts no perturbation: add the floor
            bound += floor_outside
        has_solution = infeasible = False
    else:
        building = time.monotonic()
        model = build_model(problem, cand, sections)
        n_vars, n_cons = model.size()
        build_done = time.monotonic()
        build_seconds = build_done - building
        say(f"{build_done - start:7.1f}s  model built: {n_vars} variables, {n_cons} "
            "constraints")
        warm = None
        if first is not None:
            g_place, g_failed = first
            left = {c: problem.sections[c].meetings for c in g_failed}
            warm = warm_values(model, g_place, left)
        remaining = max(1.0, time_limit - (time.monotonic() - start))
        progress.constant = model.constant
        solver_name = ""
        # who teaches when, as a small MILP: a true bound, and a plan to place rooms around
        relaxed_bound, plan = relaxation(problem, cand, sections,
                                         seconds=min(10.0, max(1.0, remaining / 4)),
                                         threads=threads)
        say(f"{time.monotonic() - start:7.1f}s  relaxation bound "
            f"{'-' if relaxed_bound is None else f'{relaxed_bound:.6g}'}")
        if relaxed_bound is not None:
            relaxed_bound += floor_outside
            progress.proved(relaxed_bound)
    if big:
        pass   # the timetable is in `first`, the bound in `bound`
    elif solver == "highs":
        solver_name = "HiGHS " + _highs_version()
        has_solution, infeasible, proven, bound = _solve_highs(
            model, warm, progress, start, time_limit, gap, threads, say, exact_first,
            plan=None if relaxed_bound is None or plan is None else (relaxed_bound, plan))
    else:
        solver_name = "CBC (PuLP bundled)"
        remaining = max(1.0, time_limit - (time.monotonic() - start))
        status, sol_status, timed_out = _cbc_solve(model.prob, remaining, threads, gap,
                                                   warm is not None)
        if warm is not None and sol_status == pulp.LpSolutionNoSolutionFound:
            for var in model.prob.variables():
                var.varValue = warm.get(var.name, 0.0)
            sol_status = pulp.LpSolutionIntegerFeasible
        has_solution = sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
        proven = sol_status == pulp.LpSolutionOptimal and not timed_out \
            and status == pulp.LpStatusOptimal
        # never trust a CBC "infeasible" alone: the bundled 2.10.3 has said it wrongly
        infeasible = False
        if status == pulp.LpStatusInfeasible and warm is None:
            check = solve(problem, time_limit=max(5.0, remaining / 2), solver="highs",
                          threads=threads)
            return check if check.status == Status.INFEASIBLE else Solution(
                problem.name, Status.UNKNOWN, seconds=time.monotonic() - start,
                solver=solver_name, diagnostics=["CBC said infeasible; HiGHS did not confirm"])

    diagnostics = []
    extracted = _extract(model) if has_solution else None
    if has_solution and extracted is not None \
            and not _broken(problem, extracted[0], outside + extracted[1]):
        placements, unplaced = extracted
        if progress.first_solution is not None and first_at is None:
            first_at = progress.first_solution
    elif first is not None:
        if has_solution:
            # never pass on a solver's point that is no timetable: fall back to our own
            diagnostics.append(f"{solver_name} returned a point that breaks a hard rule; "
                               "the heuristic timetable is reported instead")
            has_solution = False
        placements, unplaced = _from_greedy(problem, first)
        proven = False
    else:
        status = Status.INFEASIBLE if infeasible else Status.UNKNOWN
        diagnostics = ["the model has no valid timetable (run `explain` for why)"] \
            if infeasible else ["time limit reached before any timetable was found"]
        return Solution(problem.name, status, bound=None, seconds=time.monotonic() - start,
                        solver=solver_name, diagnostics=diagnostics)
    unplaced = outside + unplaced
    counts = penalties_of(problem, placements, unplaced)
    objective = objective_of(problem, counts)
    if has_solution:
        model_value = pulp.value(model.prob.objective)
        # an incumbent may carry slack in its penalty variables (model above the recount),
        # but a model value below the recount means the model misses a cost: a bug
        if model_value is not None and model_value < objective - 1e-4 * max(1, objective):
            diagnostics.append(f"model objective {model_value:g} is below the recount "
                               f"{objective:g} (a model bug)")
            proven = False
    if solver == "cbc" and proven:
        bound = objective
    floor = section_bound(problem, cand, sections) + floor_outside
    if not big and relaxed_bound is not None:
        floor = max(floor, relaxed_bound)
    bound = floor if bound is None else max(bound, floor)
    if bound is not None:
        if _integral(problem):   # an integral objective is at least the bound rounded up
            bound = float(math.ceil(bound - 1e-6))
        if bound > objective + 1e-6 * max(1.0, abs(objective)):
            # never hide it by clamping: a bound above a valid timetable is a model bug
            diagnostics.append(f"bound {bound:g} is above the objective {objective:g} "
                               "(a model bug); no bound reported")
            bound = None
            proven = False
    is_optimal = proven and bound is not None and objective - bound <= 1e-6 * max(1, objective)
    sol = Solution(problem.name, Status.OPTIMAL if is_optimal else Status.FEASIBLE,
                   assignments=placements, unassigned=unplaced, penalties=counts,
                   objective=objective, bound=bound, seconds=time.monotonic() - start,
                   solver=solver_name, diagnostics=diagnostics)
    sol.first_seconds = first_at  # type: ignore[attr-defined]
    sol.model_size = (n_vars, n_cons)  # type: ignore[attr-defined]
    sol.build_seconds = build_seconds  # type: ignore[attr-defined]
    say(f"{sol.seconds:7.1f}s  {sol.status.value}: objective {objective:g}, bound "
        f"{'-' if bound is None else f'{bound:g}'}")
    return sol


def _solve_highs(model: Model, warm: dict | None, progress: _Progress, start: float,
                 time_limit: float, gap: float | None, threads: int | None,
                 say: Callable[[str], None], exact_first: float | None,
                 plan: tuple[float, dict] | None = None
                 ) -> tuple[bool, bool, bool, float | None]:
    """(has_solution, infeasible, proven, bound) of the model, solved with HiGHS.

    With `plan` = (bound, {section: (teacher, slots)}) from `improve.relaxation` (the bound
    a true lower bound of the whole objective), the model is first solved with every
    section held to its planned teacher and slots (rooms only): a timetable that reaches
    the bound is optimal; otherwise it is the warm start if it beats `warm`.
    """
    import highspy

    from scheduler.improve import (
        Incumbent,
        large_neighbourhood_search,
        new_highs,
        run_parallel_bound,
    )

    lp = model.prob
    remaining = max(1.0, time_limit - (time.monotonic() - start))
    n_vars = len(lp.variables())
    if exact_first is None:
        exact_first = remaining / 4 if n_vars < 60_000 else 0.0
    stage1 = min(remaining, max(1.0, exact_first)) if exact_first > 0 or warm is None \
        else 0.0
    engine = _HiGHS(warm, progress, msg=False, timeLimit=stage1 or 1.0, gapRel=gap,
                    threads=threads)
    engine.createAndConfigureSolver(lp)
    engine.buildSolverModel(lp)
    h = lp.solverModel
    bound = None
    infeasible = proven = False
    best = None
    if plan is not None:
        bound = plan[0]
        realised = _realise(model, h, plan[1], min(20.0, max(1.0, remaining / 3)))
        if realised is not None:
            say(f"{time.monotonic() - start:7.1f}s  planned timetable: {realised.objective:g} "
                f"(bound {plan[0]:.6g})")
            progress.found()
            progress.update(realised.objective - model.constant, plan[0] - model.constant)
            if realised.objective <= _reachable(model.problem, plan[0]):
                for var in lp.variables():
                    var.varValue = realised.values[var.index]
                return True, False, True, plan[0]
            warm_objective = None if warm is None else model.constant + sum(
                c * float(warm.get(v.name, 0.0)) for v, c in lp.objective.items())
            if warm_objective is None or realised.objective < warm_objective:
                warm = {v.name: realised.values[v.index] for v in lp.variables()}
                engine.warm = warm
        remaining = max(1.0, time_limit - (time.monotonic() - start))
        stage1 = min(stage1, remaining)
        h.setOptionValue("time_limit", stage1 or 1.0)
    if stage1 > 0:
        engine.callSolver(lp)
        status = h.getModelStatus()
        info = h.getInfo()
        if status == highspy.HighsModelStatus.kInfeasible:
            return False, True, False, None
        if math.isfinite(info.mip_dual_bound):
            bound = max(bound if bound is not None else -math.inf,
                        info.mip_dual_bound + model.constant)
        if info.primal_solution_status >= 2:
            best = Incumbent(list(h.getSolution().col_value),
                             info.objective_function_value + model.constant)
        if status == highspy.HighsModelStatus.kOptimal:
            proven = True
    if best is None and warm is not None:
        values = [float(warm.get(v.name, 0.0)) for v in lp.variables()]
        best = Incumbent(values, sum(c * values[v.index] for v, c in lp.objective.items())
                         + model.constant)
    left = time_limit - (time.monotonic() - start)
    if not proven and best is not None and left > 2:
        say(f"{time.monotonic() - start:7.1f}s  neighbourhood search from {best.objective:g}")
        frozen = h.getLp()
        frozen.integrality_ = []

        def build(mip: bool = False):
            other = new_highs(threads)
            other.passModel(frozen)
            return other

        thread, result = run_parallel_bound(model, build, left * 0.9)
        progress.whole_model = False
        progress.update(best.objective - model.constant, None)

        def better(inc: Incumbent) -> None:
            progress.found()
            progress.update(inc.objective - model.constant,
                            None if not math.isfinite(result["bound"])
                            else result["bound"] - model.constant)

        best = large_neighbourhood_search(model, h, best, start + time_limit, better)
        thread.join(timeout=max(0.0, start + time_limit - time.monotonic()) + 5)
        if math.isfinite(result.get("bound", -math.inf)):
            bound = result["bound"] if bound is None else max(bound, result["bound"])
    if best is None:
        return False, False, False, bound
    for var in lp.variables():
        var.varValue = best.values[var.index]
    return True, infeasible, proven, bound


def _reachable(problem: Problem, bound: float) -> float:
    """The least objective a timetable can have given a proven bound: the bound itself, or
    the bound rounded up when every weight and period penalty is whole."""
    if _integral(problem):
        return math.ceil(bound - 1e-6) + 1e-6
    return bound + 1e-9 * max(1.0, abs(bound))


def _realise(model: Model, h, plan: dict, seconds: float):
    """Solve the loaded model with every section held to its planned teacher and slots;
    the bounds are put back afterwards. An Incumbent, or None when no timetable fits."""
    from scheduler.improve import Incumbent
    lp = h.getLp()
    lower0, upper0 = list(lp.col_lower_), list(lp.col_upper_)
    shut = []
    for (c, s, _r), var in model.x.items():
        if c not in plan or s not in plan[c][1]:
            shut.append(var.index)
    for (c, t), var in model.y.items():
        if c in plan and t != plan[c][0]:
            shut.append(var.index)
    for (c, t, _s, _a), var in model.v.items():
        if c in plan and t != plan[c][0]:
            shut.append(var.index)
    h.changeColsBounds(len(shut), shut, [0.0] * len(shut), [0.0] * len(shut))
    h.setOptionValue("time_limit", max(1.0, seconds))
    try:
        h.run()
        info = h.getInfo()
        if info.primal_solution_status < 2:
            return None
        return Incumbent(list(h.getSolution().col_value),
                         info.objective_function_value + model.constant)
    finally:
        h.changeColsBounds(len(shut), shut, [lower0[i] for i in shut],
                           [upper0[i] for i in shut])
        h.clearSolver()


def _polish(problem: Problem, cand, first, start: float, time_limit: float,
            say: Callable[[str], None], progress: _Progress, until_deadline: bool = False):
    """Ruin-and-recreate local search on the greedy timetable, for up to a third of the
    time (a sixth in a repair): a better warm start for the MILP. A stalled search is
    restarted with another seed until its time is up (`until_deadline`), or else until three
    restarts in a row find nothing; a repair stops at the first stall."""
    from scheduler.heuristic import improve_locally

    placements, failed = first
    left_out = [Unplaced(c, k, UNPLACED_REASON) for c in failed
                for k in range(problem.sections[c].meetings)]

    # in a repair, a move that changes nothing else must not count as free: a tiny
    # extra per moved meeting keeps such ties with the reference
    tie = 1e-3 if problem.reference else 0.0

    def cost(items: list[Placement]) -> float:
        counts = penalties_of(problem, items, left_out)
        return objective_of(problem, counts) + tie * counts["perturbation"]

    # a repair starts next to a good timetable: a shorter search leaves time for the bound
    deadline = time.monotonic() + max(0.0, min(time_limit / (6 if problem.reference else 3),
                                               60.0))
    value = cost(placements)
    progress.update(value, None)
    seed = stalled = 0
    while True:
        placements = improve_locally(problem, cand, placements, deadline,
                                     lambda _items, v: progress.update(v, None),
                                     seed=seed, left_out=len(left_out), tie=tie)
        seed += 1
        before, value = value, cost(placements)
        stalled = stalled + 1 if value >= before - 1e-9 else 0
        # a repair stops at the first stall: its time is the bound's
        if problem.reference or (stalled >= 3 and not until_deadline) \
                or time.monotonic() >= deadline - 0.05:
            break
    say(f"{time.monotonic() - start:7.1f}s  local search: {value:g} ({seed} run(s))")
    return placements, failed


def section_bound(problem: Problem, cand, sections: list[str]) -> float:
    """A proven lower bound: each section alone at its cheapest (time and teacher_pref)
    slots with its cheapest teacher, every other penalty at zero. A true relaxation."""
    w = problem.weights
    total = 0.0
    for c in sections:
        section = problem.sections[c]
        best = math.inf
        for t in cand.teachers[c]:
            pref = problem.teachers[t].preferred
            costs = sorted(
                (0 if section.children_group else w["time"] * problem.period_of(s).penalty)
                + (w["teacher_pref"] if pref and s not in pref else 0)
                for s in cand.teacher_slots[(c, t)])
            if len(costs) >= section.meetings:
                each = costs[:section.meetings]
                if problem.allow_unassigned:
                    each = [min(x, w["unassigned"]) for x in each]
                best = min(best, sum(each))
        if math.isfinite(best):
            total += best
    return total


def unkeepable(problem: Problem, cand) -> list[int]:
    """Indexes of reference meetings no valid timetable can keep as they were: their
    teacher, slot or room is outside what the changed problem allows the section, or their
    section is left out whole. Each costs `perturbation` in every timetable (the other
    bounds count perturbation as zero, so adding this keeps the sum a true bound)."""
    out = []
    for i, ref in enumerate(problem.reference or ()):
        c = ref.section
        if c not in problem.sections or c in cand.reasons \
                or ref.meeting >= problem.sections[c].meetings \
                or ref.teacher not in cand.teachers.get(c, ()) \
                or ref.slot not in cand.teacher_slots.get((c, ref.teacher), ()) \
                or ref.room not in cand.rooms.get(c, ()) \
                or ref.slot not in cand.room_slots.get((c, ref.room), ()):
            out.append(i)
    return out


def estimate_size(problem: Problem, cand, sections: list[str]) -> int:
    """The number of x, y and v variables the MILP would have (the bulk of it)."""
    n = 0
    for c in sections:
        sites_at: dict[str, set[str]] = defaultdict(set)
        for r in cand.rooms[c]:
            for s in cand.room_slots[(c, r)]:
                sites_at[s].add(problem.rooms[r].site)
                n += 1
        teachers = cand.teachers[c]
        n += len(teachers)
        if len(teachers) > 1:
            n += sum(len(sites_at.get(s, ())) for t in teachers
                     for s in cand.teacher_slots[(c, t)])
    return n


def _solve_big(problem: Problem, cand, sections: list[str], first, start: float,
               time_limit: float, progress: _Progress, say: Callable[[str], None],
               threads: int | None = None):
    """Local search until the time limit, with the flow bound computed in a thread."""
    import threading as _threading

    from scheduler.heuristic import improve_locally

    deadline = start + time_limit - 1.0   # the recount and the final check come after it
    result: dict = {"bound": None}

    def bound_job() -> None:
        try:
            result["bound"] = flow_bound(problem, cand, sections,
                                         seconds=max(1.0, deadline - time.monotonic()),
                                         threads=threads)
        except Exception as exc:  # noqa: BLE001 - a missing bound must not lose the timetable
            result["error"] = repr(exc)

    thread = _threading.Thread(target=bound_job, daemon=True)
    thread.start()
    placements, failed = first
    left_out = [Unplaced(c, k, UNPLACED_REASON) for c in failed
                for k in range(problem.sections[c].meetings)]

    def cost(items: list[Placement]) -> float:
        return objective_of(problem, penalties_of(problem, items, left_out))

    progress.update(cost(placements), None)

    def better(items: list[Placement], value: float) -> None:
        progress.found()
        progress.update(value, result["bound"])

    seed = 0
    while time.monotonic() < deadline - 0.5:
        placements = improve_locally(problem, cand, placements, deadline, better,
                                     seed=seed, left_out=len(left_out))
        seed += 1
    thread.join(timeout=max(0.0, deadline - time.monotonic()) + 2)
    return (placements, failed), result["bound"]


def _broken(problem: Problem, placements: list[Placement], unplaced: list[Unplaced]) -> bool:
    """Does the independent validator find a hard-rule violation in this timetable?"""
    from scheduler.validate import validate
    if not problem.raw:
        return False
    draft = Solution(problem.name, Status.FEASIBLE, assignments=placements, unassigned=unplaced)
    report = validate(problem.raw, draft.to_json())
    return any(v["rule"] not in ("objective", "bound") for v in report["violations"])


def _from_greedy(problem: Problem, first) -> tuple[list[Placement], list[Unplaced]]:
    placements, failed = first
    unplaced = [Unplaced(c, k, UNPLACED_REASON) for c in failed
                for k in range(problem.sections[c].meetings)]
    return list(placements), unplaced


def _integral(problem: Problem) -> bool:
    return all(float(w).is_integer() for w in problem.weights.values()) and all(
        float(p.penalty).is_integer() for p in problem.periods)


def _highs_version() -> str:
    try:
        from importlib.metadata import version
        return version("highspy")
    except Exception:  # pragma: no cover - metadata missing
        return ""

