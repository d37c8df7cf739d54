"""`flask timetable solve|publish|export|import|worker`: the timetable for operators and cron."""

from __future__ import annotations

import json
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from college.catalog.models import Term
from college.extensions import db
from college.records import RecordError
from college.timetable.adapter import build_problem, version_to_solution
from college.timetable.jobs import queue, redis_connection, run_solve
from college.timetable.models import JobState, MeetingAssignment, SolverStatus, TimetableVersion
from college.timetable.operations import (
    ImportRefused,
    import_solution,
    publish_version,
    published_version,
    request_solve,
    version_by_number,
)

timetable_cli = AppGroup("timetable", help="Build, publish and export the timetable.")


def find_term(name: str | None) -> Term:
    """The named term, or the one that starts last when no name is given."""
    if name:
        term = db.session.scalar(sa.select(Term).where(Term.name == name))
        if term is None:
            raise click.ClickException(f"no term named {name!r}")
        return term
    term = db.session.scalar(sa.select(Term).order_by(Term.first_day.desc(), Term.id.desc()).limit(1))
    if term is None:
        raise click.ClickException("there is no term yet")
    return term


def status_line(version: TimetableVersion) -> str:
    """status, objective, bound, seconds, meetings placed/unplaced of a version."""
    counts = dict(db.session.execute(
        sa.select(MeetingAssignment.slot.is_not(None), sa.func.count())
        .where(MeetingAssignment.version_id == version.id)
        .group_by(MeetingAssignment.slot.is_not(None))).all())

    def num(x):
        return "-" if x is None else f"{x:g}"

    status = version.solver_status.value if version.solver_status else version.state.value
    validity = {True: "valid", False: "INVALID", None: "not validated"}[version.valid]
    return (f"{version.term.name} version {version.number}: {status} ({version.state.value}, {validity}), "
            f"objective {num(version.objective)}, bound {num(version.bound)}, {num(version.seconds)} s, "
            f"meetings placed {counts.get(True, 0)}, unplaced {counts.get(False, 0)}")


@timetable_cli.command("solve")
@click.option("--term", "term_name", help="Term name (default: the term that starts last).")
@click.option("--time-limit", type=float, default=60.0, show_default=True, help="Seconds for the solver.")
@click.option("--publish", is_flag=True, help="Publish the timetable when it is valid.")
@click.option("--quiet", is_flag=True, help="Print only the status line.")
def solve_command(term_name: str | None, time_limit: float, publish: bool, quiet: bool) -> None:
    """Solve a term to the end in this process and print its status line (exit 1 without a valid timetable)."""
    term = find_term(term_name)
    try:
        version = request_solve(term, None, time_limit=time_limit, note="flask timetable solve")
        db.session.commit()
    except RecordError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    version_id = version.id
    run_solve(version_id, echo=None if quiet else click.echo)
    db.session.expire_all()
    version = db.session.get(TimetableVersion, version_id)
    click.echo(status_line(version))
    good = version.state == JobState.FINISHED and version.valid and version.solver_status in (
        SolverStatus.OPTIMAL, SolverStatus.FEASIBLE)
    if not good:
        raise click.ClickException(f"no valid timetable for {term.name}; see the log of version {version.number}")
    if publish:
        unmatched = publish_version(version, None)
        db.session.commit()
        click.echo(f"Published version {version.number} of {term.name}.")
        _echo_unmatched(unmatched)


@timetable_cli.command("publish")
@click.option("--term", "term_name", help="Term name (default: the term that starts last).")
@click.option("--version", "number", type=int, help="Version number (default: the latest valid one).")
def publish_command(term_name: str | None, number: int | None) -> None:
    """Publish a version of a term's timetable."""
    term = find_term(term_name)
    if number is None:
        version = db.session.scalar(
            sa.select(TimetableVersion)
            .where(TimetableVersion.term_id == term.id, TimetableVersion.state == JobState.FINISHED,
                   TimetableVersion.valid.is_(True))
            .order_by(TimetableVersion.number.desc()).limit(1))
        if version is None:
            raise click.ClickException(f"{term.name} has no valid timetable version to publish")
    else:
        version = version_by_number(term, number)
        if version is None:
            raise click.ClickException(f"{term.name} has no version {number}")
    try:
        unmatched = publish_version(version, None)
        db.session.commit()
    except RecordError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Published version {version.number} of {term.name}.")
    _echo_unmatched(unmatched)


def _echo_unmatched(count: int) -> None:
    if count:
        click.echo(f"{count} cancelled or moved session(s) no longer match the published timetable "
                   "(their meeting is now on another day or not placed); see /admin/calendar/changes.")


@timetable_cli.command("export")
@click.option("--term", "term_name", help="Term name (default: the term that starts last).")
@click.argument("problem_path", type=click.Path(dir_okay=False, writable=True))
@click.argument("solution_path", type=click.Path(dir_okay=False, writable=True))
def export_command(term_name: str | None, problem_path: str, solution_path: str) -> None:
    """Write the term's problem (from today's data) and its published timetable in the shared format."""
    term = find_term(term_name)
    version = published_version(term)
    if version is None:
        raise click.ClickException(f"{term.name} has no published timetable; publish a version first")
    problem = build_problem(term)
    solution = version_to_solution(version)
    for path, data in ((problem_path, problem), (solution_path, solution)):
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    click.echo(f"{term.name}: problem -> {problem_path}; published version {version.number} -> {solution_path}")


@timetable_cli.command("import")
@click.option("--term", "term_name", help="Term name (default: the term that starts last).")
@click.option("--problem", "problem_path", type=click.Path(exists=True, dir_okay=False),
              help="The problem the solution answers (default: the term's problem from today's data).")
@click.option("--note", default="", help="A note for the new version.")
@click.argument("solution_path", type=click.Path(exists=True, dir_okay=False))
def import_command(term_name: str | None, problem_path: str | None, note: str, solution_path: str) -> None:
    """Store a solution file as a new version of the term, if `scheduler.validate` finds it valid (else nothing)."""
    term = find_term(term_name)
    try:
        solution = json.loads(Path(solution_path).read_text(encoding="utf-8"))
        problem = (json.loads(Path(problem_path).read_text(encoding="utf-8")) if problem_path
                   else build_problem(term))
    except (OSError, ValueError) as error:
        raise click.ClickException(f"cannot read the JSON: {error}") from None
    if not isinstance(solution, dict) or not isinstance(problem, dict):
        raise click.ClickException("the problem and the solution must each be a JSON object")
    try:
        version = import_solution(term, problem, solution, None, note=note or f"flask timetable import {solution_path}")
        db.session.commit()
    except ImportRefused as refused:
        db.session.rollback()
        for v in refused.violations:
            click.echo(f"{v['rule']}: {v['message']}", err=True)
        raise click.ClickException(f"{refused.message} ({solution_path})") from None
    except RecordError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    click.echo(status_line(version))


@timetable_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run an RQ worker for timetable solves (needs REDIS_URL)."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("REDIS_URL is not set: solves run inside the web process, no worker needed")
    from rq import Worker

    Worker([queue(current_app)], connection=redis_connection(url)).work(burst=burst)
