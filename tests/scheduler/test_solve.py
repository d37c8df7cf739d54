"""Solving: every timetable the solver returns validates and its objective is the recount."""

from __future__ import annotations

import pulp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sched_cases import random_problem, tiny

from scheduler import Status
from scheduler.generate import generate
from scheduler.solve import solve
from scheduler.validate import validate


def assert_valid(problem: dict, solution) -> dict:
    report = validate(problem, solution.to_json())
    assert report["valid"], report["violations"]
    assert report["objective"] == solution.objective
    return report


def test_the_solvers_we_name_are_available():
    assert "HiGHS" in pulp.listSolvers(onlyAvailable=True)
    from pulp.apis.coin_api import pulp_cbc_path
    assert pulp.COIN_CMD(path=pulp_cbc_path, msg=False).available()


def test_a_tiny_problem_is_solved_to_proven_optimality():
    problem = tiny()
    solution = solve(problem, time_limit=20)
    assert solution.status is Status.OPTIMAL
    assert solution.bound == solution.objective
    assert_valid(problem, solution)
    c3 = [a for a in solution.assignments if a.section == "C3"]
    assert c3[0].slot in ("tue:pm2", "wed:pm2") and c3[0].teacher == "T1"


def test_cbc_solves_the_tiny_problem_too():
    problem = tiny()
    solution = solve(problem, time_limit=20, solver="cbc")
    assert solution.has_timetable
    assert_valid(problem, solution)


def test_a_generated_small_problem_solves_and_validates():
    problem = generate("small", 3)
    solution = solve(problem, time_limit=30)
    assert solution.has_timetable
    assert_valid(problem, solution)
    assert solution.bound is not None and solution.bound <= solution.objective


def test_an_unknown_solver_is_refused():
    with pytest.raises(ValueError):
        solve(tiny(), solver="gurobi")


def test_allow_unassigned_places_what_it_can_and_says_why():
    problem = tiny()
    problem["allow_unassigned"] = True
    problem["sections"].append({"id": "C4", "subject": "erhu", "meetings": 1, "size": 5,
                                "sites": ["S1"]})
    solution = solve(problem, time_limit=20)
    assert solution.status is Status.OPTIMAL
    assert [(u.section, u.meeting) for u in solution.unassigned] == [("C4", 0)]
    assert "erhu" in solution.unassigned[0].reason
    assert len(solution.assignments) == 5
    assert_valid(problem, solution)


def test_a_time_limited_run_is_never_called_optimal_without_proof():
    problem = generate("medium", 2)
    solution = solve(problem, time_limit=3, heuristic_seconds=1)
    assert solution.status in (Status.FEASIBLE, Status.OPTIMAL, Status.UNKNOWN)
    if solution.status is Status.OPTIMAL:
        assert solution.bound == solution.objective
    if solution.has_timetable:
        assert_valid(problem, solution)


def test_the_progress_lines_never_show_a_bound_below_one_already_proven():
    """--log prints "best X  bound Y" every two seconds: once a bound is proven (the relaxation's,
    the MILP's), no later stage (the LP beside the neighbourhood search, a weaker one) may show
    it lower or drop it, and the solution's bound is at least the last one shown."""
    lines: list[str] = []
    solution = solve(generate("medium", 1), time_limit=20, heuristic_seconds=1, exact_first=2,
                     log=lines.append)
    relaxed = next(i for i, line in enumerate(lines) if "relaxation bound" in line)
    shown = [line.rsplit("bound ", 1)[1] for line in lines[relaxed:] if "  best " in line]
    assert shown and "-" not in shown, lines
    values = [float(x) for x in shown]
    assert values == sorted(values), lines
    assert values[0] >= float(lines[relaxed].rsplit(" ", 1)[1]) - 1e-6, lines
    assert solution.bound >= values[-1] - 1e-6


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10_000))
def test_random_small_problems_give_valid_timetables_or_a_reason(seed):
    problem = random_problem(seed)
    solution = solve(problem, time_limit=10)
    if solution.has_timetable:
        assert_valid(problem, solution)
        assert not any("model bug" in d for d in solution.diagnostics), solution.diagnostics
        assert solution.bound is not None and solution.bound <= solution.objective
        if solution.status is Status.OPTIMAL:
            assert solution.bound == solution.objective
    else:
        assert solution.status is Status.INFEASIBLE
        assert solution.diagnostics


def test_a_model_too_big_to_build_gets_local_search_and_a_proven_bound(monkeypatch):
    import sys
    monkeypatch.setattr(sys.modules["scheduler.solve"], "BIG_MODEL", 0)
    problem = generate("small", 4)
    solution = solve(problem, time_limit=4)
    assert solution.status is Status.FEASIBLE
    assert solution.solver.startswith("greedy + local search")
    assert_valid(problem, solution)
    assert solution.bound is not None and solution.bound <= solution.objective


def test_the_flow_relaxation_bound_is_below_a_proven_optimum():
    from scheduler.improve import flow_bound
    from scheduler.precheck import candidates
    from scheduler.problem import load_problem
    problem = generate("small", 1)
    best = solve(problem, time_limit=30)
    assert best.status is Status.OPTIMAL
    p = load_problem(problem)
    assert flow_bound(p, candidates(p), list(p.sections)) <= best.objective


def test_a_solution_reads_back_from_its_json():
    from scheduler.solution import Solution
    solution = solve(tiny(), time_limit=20)
    again = Solution.from_json(solution.to_json())
    assert again.to_json() == solution.to_json()
    with pytest.raises(ValueError):
        Solution.from_json({"format": "senior-college-timetable-solution/1", "status": "done"})


@pytest.mark.parametrize("before, threads", [(2, 1), (1, 2)])
def test_a_thread_count_is_honoured_whatever_ran_before_in_the_process(before, threads):
    """HiGHS keeps one thread scheduler per process: a solve asking for another number of
    threads than an earlier solve used must still run its MILP and prove the optimum."""
    import highspy
    highspy.Highs.resetGlobalScheduler(True)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", before)
    h.addVars(1, [0.0], [1.0])
    h.changeColsIntegrality(1, [0], [highspy.HighsVarType.kInteger])
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    problem = tiny()
    solution = solve(problem, time_limit=20, threads=threads)
    assert solution.status is Status.OPTIMAL
    assert_valid(problem, solution)
