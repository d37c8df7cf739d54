"""Solving ITC-2007 CB-CTT instances (scheduler/ctt_solve.py, ctt_model.py, ctt_search.py).

Every solution is judged by the independent evaluator, never by the solver's own numbers.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pulp
import pytest

from scheduler.ctt import read_ctt, read_solution
from scheduler.ctt_evaluate import evaluate
from scheduler.ctt_model import (
    build_periods_model,
    penalty_curriculum_compactness,
    penalty_min_working_days,
    penalty_room_capacity,
)
from scheduler.ctt_solve import solve_ctt

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "itc2007"


def instance(courses: list[str], rooms: list[str], curricula: list[str] = (),
             unavailable: list[str] = (), days: int = 1, per_day: int = 2):
    text = "\n".join([
        "Name: tiny", f"Courses: {len(courses)}", f"Rooms: {len(rooms)}", f"Days: {days}",
        f"Periods_per_day: {per_day}", f"Curricula: {len(curricula)}",
        f"Constraints: {len(unavailable)}", "", "COURSES:", *courses, "", "ROOMS:", *rooms, "",
        "CURRICULA:", *curricula, "", "UNAVAILABILITY_CONSTRAINTS:", *unavailable, "", "END.",
        ""])
    return read_ctt(text)


def stage1_optimum(inst, penalty) -> float:
    """The optimum of stage 1 with one penalty term only."""
    m = build_periods_model(inst, [penalty])
    m.prob.solve(pulp.HiGHS(msg=False))
    assert pulp.LpStatus[m.prob.status] == "Optimal"
    return pulp.value(m.prob.objective) or 0.0


def solved(inst, time_limit: float = 10.0):
    result = solve_ctt(inst, time_limit=time_limit)
    assert result.report is not None
    again = evaluate(inst, result.lectures)
    assert again.hard_cost == 0
    assert result.report.cost == again.cost
    return result


# --- each penalty term on a tiny instance whose optimum is known by hand -------------------

# A course of 3 lectures wanting 3 days, in a week of 2 days: one day short, 5.
SHORT_OF_DAYS = dict(courses=["c1 t1 3 3 10"], rooms=["r1 10"], days=2, per_day=2)

# Two courses of one curriculum, 1 lecture each, forced onto different days: both isolated.
APART = dict(courses=["c1 t1 1 1 10", "c2 t2 1 1 10"], rooms=["r1 10"],
             curricula=["q1 2 c1 c2"],
             unavailable=["c1 1 0", "c1 1 1", "c2 0 0", "c2 0 1"], days=2, per_day=2)

# One period, two lectures, rooms of 25 and 10 for 30 and 20 students: 30 -> 25 (5) and
# 20 -> 10 (10) is the cheapest pairing, 15; the other pairing costs 20.
CROWDED = dict(courses=["c1 t1 1 1 30", "c2 t2 1 1 20"], rooms=["r1 25", "r2 10"], per_day=1)

# Two periods; X (2 lectures) and Y (1 lecture) have 40 students, rooms of 50 and 10. In Y's
# period one of them sits in the small room (30 over). Y there costs 30; X there costs 30 + 1
# for changing rooms. The optimum is 30, every lecture but one in the big room.
STAY = dict(courses=["X t1 2 1 40", "Y t2 1 1 40"], rooms=["big 50", "small 10"], per_day=2)


def test_min_working_days_costs_5_per_missing_day():
    inst = instance(**SHORT_OF_DAYS)
    assert stage1_optimum(inst, penalty_min_working_days) == pytest.approx(5)
    result = solved(inst)
    assert result.report.cost == 5
    assert result.bound == 5
    assert result.status == "optimal"


def test_curriculum_compactness_costs_2_per_isolated_lecture():
    inst = instance(**APART)
    assert stage1_optimum(inst, penalty_curriculum_compactness) == pytest.approx(4)
    result = solved(inst)
    assert result.report.cost == 4
    assert result.status == "optimal"


def test_curriculum_compactness_is_0_when_adjacent():
    inst = instance(courses=APART["courses"], rooms=["r1 10", "r2 10"],
                    curricula=APART["curricula"], days=2, per_day=2)
    assert stage1_optimum(inst, penalty_curriculum_compactness) == pytest.approx(0)
    assert solved(inst).report.cost == 0


def test_room_capacity_is_priced_exactly_by_room_classes():
    inst = instance(**CROWDED)
    assert stage1_optimum(inst, penalty_room_capacity) == pytest.approx(15)
    result = solved(inst)
    assert result.report.cost == 15
    assert result.bound == 15
    assert sorted((x.course, x.room) for x in result.lectures) == [("c1", "r1"), ("c2", "r2")]


def test_room_stability_against_capacity():
    inst = instance(**STAY)
    result = solved(inst)
    assert result.report.cost == 30
    assert result.status == "optimal"
    assert {x.room for x in result.lectures if x.course == "X"} == {"big"}


# Three courses of 2 lectures and 40 students, 3 periods, rooms of 50 and 39: every period has
# one lecture 1 over (3, the stage-1 optimum), and 3 big-room slots cannot be shared by whole
# courses, so one course changes rooms: the optimum is 4, one above the stage-1 bound, and it
# is proven by the single-room model finding no timetable without a room change at cost 3.
THREE = dict(courses=["X t1 2 1 40", "Y t2 2 1 40", "Z t3 2 1 40"], rooms=["big 50", "mid 39"],
             per_day=3)


def test_room_stability_bound_from_the_single_room_model():
    inst = instance(**THREE)
    assert stage1_optimum(inst, penalty_room_capacity) == pytest.approx(3)
    result = solved(inst)
    assert result.report.cost == 4
    assert result.report.by_kind()["room_stability"] == 1
    assert result.bound == 4
    assert result.status == "optimal"


def test_a_time_limited_run_is_optimal_only_at_its_bound():
    result = solved(instance(**SHORT_OF_DAYS), time_limit=2)
    assert result.status in ("optimal", "feasible")
    if result.status == "optimal":
        assert result.report.cost == result.bound


# --- the competition instances ---------------------------------------------------------------

@pytest.mark.slow
def test_comp11_reaches_its_optimum_0():
    inst = read_ctt(BENCH / "comp11.ctt")
    result = solved(inst, time_limit=40)
    assert result.report.cost == 0
    assert result.status == "optimal"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scheduler", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_cli_solves_comp01_and_prints_the_evaluators_cost(tmp_path):
    out = tmp_path / "comp01.sol"
    done = run("ctt", str(BENCH / "comp01.ctt"), "-o", str(out), "--time-limit", "20")
    assert done.returncode == 0, done.stderr
    inst = read_ctt(BENCH / "comp01.ctt")
    report = evaluate(inst, read_solution(out.read_text()))
    assert report.hard_cost == 0
    printed = re.search(r"(optimal|feasible): cost (\d+), bound ([-0-9.]+),", done.stdout)
    assert printed is not None, done.stdout
    assert int(printed.group(2)) == report.cost
    # comp01's optimum is 5 (proven in the literature): no true bound may exceed it
    assert report.cost >= 5
    assert printed.group(3) == "-" or float(printed.group(3)) <= 5
    for label in ("room capacity", "min working days", "curriculum compactness",
                  "room stability"):
        line = re.search(rf"{label}\s+(\d+)", done.stdout)
        assert line is not None, label
    by_kind = report.by_kind()
    assert int(re.search(r"room stability\s+(\d+)", done.stdout).group(1)) == by_kind[
        "room_stability"]
    assert int(re.search(r"hard violations\s+(\d+)", done.stdout).group(1)) == 0


def test_cli_exits_2_on_a_malformed_instance_naming_the_line(tmp_path):
    bad = tmp_path / "bad.ctt"
    text = (BENCH / "comp01.ctt").read_text().replace("c0001 t000 6 4 130", "c0001 t000 six 4 130")
    bad.write_text(text)
    out = tmp_path / "bad.sol"
    done = run("ctt", str(bad), "-o", str(out), "--time-limit", "5")
    assert done.returncode == 2
    assert "bad.ctt line 10" in done.stderr
    assert "'six'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_cli_exits_2_on_a_missing_file(tmp_path):
    done = run("ctt", str(tmp_path / "none.ctt"), "-o", str(tmp_path / "x.sol"))
    assert done.returncode == 2
    assert "cannot read" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_with_cbc_on_a_tiny_instance(tmp_path):
    path = tmp_path / "stay.ctt"
    path.write_text("\n".join([
        "Name: stay", "Courses: 2", "Rooms: 2", "Days: 1", "Periods_per_day: 2", "Curricula: 0",
        "Constraints: 0", "", "COURSES:", *STAY["courses"], "", "ROOMS:", *STAY["rooms"], "",
        "CURRICULA:", "", "UNAVAILABILITY_CONSTRAINTS:", "", "END.", ""]))
    out = tmp_path / "stay.sol"
    done = run("ctt", str(path), "-o", str(out), "--solver", "cbc", "--time-limit", "10")
    assert done.returncode == 0, done.stderr
    report = evaluate(read_ctt(path), read_solution(out.read_text()))
    assert (report.hard_cost, report.cost) == (0, 30)
    assert "optimal: cost 30, bound 30," in done.stdout
