"""The command line: exit codes, messages, files written or not."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sched_cases import tiny

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scheduler", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_solve_then_validate(tmp_path):
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(tiny()))
    out = tmp_path / "solution.json"
    done = run("solve", str(problem), "-o", str(out), "--time-limit", "20", "--log")
    assert done.returncode == 0, done.stderr
    assert "optimal" in done.stdout
    assert "greedy timetable" in done.stderr and "model built" in done.stderr
    assert json.loads(out.read_text())["status"] == "optimal"
    checked = run("validate", str(problem), str(out))
    assert checked.returncode == 0
    assert json.loads(checked.stdout)["valid"] is True


def test_solve_with_cbc(tmp_path):
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(tiny()))
    out = tmp_path / "solution.json"
    done = run("solve", str(problem), "-o", str(out), "--solver", "cbc", "--time-limit", "20")
    assert done.returncode == 0, done.stderr


def test_a_bad_problem_exits_2_with_one_message_per_problem_and_writes_nothing(tmp_path):
    doc = tiny()
    doc["sections"][1]["sites"] = ["S99"]
    doc["rooms"][0]["capacity"] = -1
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(doc))
    out = tmp_path / "solution.json"
    done = run("solve", str(problem), "-o", str(out))
    assert done.returncode == 2
    assert done.stderr.splitlines() == ['rooms[0].capacity: must be at least 0, not -1',
                                        'sections[1].sites[0]: unknown site "S99"']
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_a_file_that_is_not_json_exits_2(tmp_path):
    problem = tmp_path / "problem.json"
    problem.write_text("{not json")
    done = run("solve", str(problem), "-o", str(tmp_path / "s.json"))
    assert done.returncode == 2 and "not JSON" in done.stderr


def test_an_infeasible_problem_exits_1(tmp_path):
    doc = tiny()
    doc["sections"][1]["size"] = 99
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(doc))
    out = tmp_path / "solution.json"
    done = run("solve", str(problem), "-o", str(out))
    assert done.returncode == 1
    assert json.loads(out.read_text())["status"] == "infeasible"
    explained = run("explain", str(problem))
    assert explained.returncode == 0 and "C2 needs 99 seats" in explained.stdout


def test_validate_exits_1_on_an_invalid_solution(tmp_path):
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(tiny()))
    bad = {"format": "senior-college-timetable-solution/1", "problem": "tiny",
           "status": "feasible", "objective": 0, "bound": None, "seconds": 0, "solver": "",
           "assignments": [], "unassigned": [], "penalties": None}
    solution = tmp_path / "solution.json"
    solution.write_text(json.dumps(bad))
    done = run("validate", str(problem), str(solution))
    assert done.returncode == 1
    assert json.loads(done.stdout)["valid"] is False


def test_generate_writes_a_problem_that_loads(tmp_path):
    out = tmp_path / "p.json"
    done = run("generate", "--scale", "small", "--seed", "4", "-o", str(out))
    assert done.returncode == 0
    from scheduler.problem import load_problem
    assert load_problem(json.loads(out.read_text())).sections
