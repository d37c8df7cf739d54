"""`flask timetable solve|publish|export`: what an operator or cron job sees."""

import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from college.extensions import db
from college.models import JobState, TimetableVersion
from college.timetable.operations import published_version
from tests.college.timetable.builders import small_term

ROOT = Path(__file__).resolve().parents[3]


def test_solve_publish_export_and_the_scheduler_validates_what_the_app_holds(app, runner, tmp_path):
    term = small_term()
    db.session.commit()
    result = runner.invoke(args=["timetable", "solve", "--time-limit", "10", "--publish", "--quiet"])
    assert result.exit_code == 0, result.output
    status, published = result.output.strip().splitlines()
    assert status.startswith("2027年春季学期 version 1: ") and "(finished, valid)" in status
    assert "meetings placed 5, unplaced 0" in status and "objective" in status and "bound" in status
    assert published == "Published version 1 of 2027年春季学期."
    assert published_version(term).number == 1

    problem, solution = tmp_path / "problem.json", tmp_path / "solution.json"
    result = runner.invoke(args=["timetable", "export", str(problem), str(solution)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(solution.read_text(encoding="utf-8"))["assignments"]) == 5
    check = subprocess.run([sys.executable, "-m", "scheduler", "validate", str(problem), str(solution)],
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert json.loads(check.stdout)["valid"] is True


def test_export_needs_a_published_timetable_and_publish_a_version_that_exists(app, runner, tmp_path):
    small_term()
    db.session.commit()
    result = runner.invoke(args=["timetable", "export", "--term", "2027年春季学期",
                                 str(tmp_path / "p.json"), str(tmp_path / "s.json")])
    assert result.exit_code == 1 and "has no published timetable" in result.output
    assert not (tmp_path / "p.json").exists()
    result = runner.invoke(args=["timetable", "publish", "--version", "3"])
    assert result.exit_code == 1 and "has no version 3" in result.output
    result = runner.invoke(args=["timetable", "solve", "--term", "no such term"])
    assert result.exit_code == 1 and "no term named" in result.output


def test_publish_by_number_and_a_solve_with_no_timetable_fails_loudly(app, runner):
    term = small_term()
    for section in term.sections:                 # nobody can teach on Sundays: no timetable exists
        section.allowed_slots = ["sun:am1"]
    db.session.commit()
    result = runner.invoke(args=["timetable", "solve", "--time-limit", "5", "--publish", "--quiet"])
    assert result.exit_code == 1
    assert "infeasible" in result.output and "no valid timetable" in result.output
    version = db.session.scalar(sa.select(TimetableVersion))
    assert version.state == JobState.FINISHED and version.published_at is None
    result = runner.invoke(args=["timetable", "publish", "--version", "1"])
    assert result.exit_code == 1 and "第 1 版没有可发布的课表" in result.output


def test_the_worker_command_needs_redis(app, runner):
    app.config["REDIS_URL"] = None
    result = runner.invoke(args=["timetable", "worker", "--burst"])
    assert result.exit_code == 1 and "REDIS_URL is not set" in result.output
