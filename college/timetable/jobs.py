"""Solves as background jobs: a thread pool inside the web process, or RQ on Redis when REDIS_URL is set.

Every job runs `run_solve(version_id)`. The solve itself runs in a child process
(`python -m scheduler solve --log`), so that it neither holds the web process's interpreter
nor outlives a cancel: the job reads the solver's log lines as they come, appends them to the
version row every FLUSH_SECONDS with the best objective and bound so far (a heartbeat), checks
the row for a cancel and, when it finds one, kills the child process. All job state is in the
database; a page reload or another web process sees the same.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from flask_babel import gettext as _

from college.extensions import db
from college.records import RecordError
from college.timetable.adapter import solution_to_version
from college.timetable.models import JobState, TimetableVersion

ROOT = Path(__file__).resolve().parent.parent.parent
INPROC = "inproc"          # job_id of a version run by the in-process pool
FLUSH_SECONDS = 2.0
PROGRESS = re.compile(r"best (\S+)\s+bound (\S+)")

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _update(engine: sa.Engine, version_id: int, where_state: JobState | None = None, **values) -> int:
    """One short transaction of its own updating the version row; the number of rows changed."""
    query = sa.update(TimetableVersion).where(TimetableVersion.id == version_id)
    if where_state is not None:
        query = query.where(TimetableVersion.state == where_state)
    with engine.begin() as conn:
        return conn.execute(query.values(**values)).rowcount


def _state(engine: sa.Engine, version_id: int) -> JobState | None:
    with engine.connect() as conn:
        return conn.scalar(sa.select(TimetableVersion.state).where(TimetableVersion.id == version_id))


def run_solve(version_id: int, echo: Callable[[str], None] | None = None) -> JobState | None:
    """Run a queued version's solve to its end (inside an app context); returns the final job state."""
    engine = db.engine
    now = datetime.utcnow()
    if not _update(engine, version_id, JobState.QUEUED, state=JobState.RUNNING, started_at=now, heartbeat_at=now):
        return _state(engine, version_id)           # cancelled before it started, or taken by another worker
    try:
        return _solve_and_store(engine, version_id, echo)
    except KeyboardInterrupt:                        # Ctrl-C on `flask timetable solve`: free the term at once
        db.session.rollback()
        _update(engine, version_id, JobState.RUNNING, state=JobState.CANCELLED, finished_at=datetime.utcnow(),
                log=TimetableVersion.log + "Interrupted.\n")
        raise
    except Exception as exc:  # noqa: BLE001  (any failure ends as a failed version with its reason)
        db.session.rollback()
        _update(engine, version_id, JobState.RUNNING, state=JobState.FAILED, finished_at=datetime.utcnow(),
                log=TimetableVersion.log + f"Failed: {type(exc).__name__}: {exc}\n")
        current_app.logger.exception("timetable solve %s failed", version_id)
        return _state(engine, version_id)


def _solve_and_store(engine: sa.Engine, version_id: int, echo: Callable[[str], None] | None) -> JobState | None:
    version = db.session.get(TimetableVersion, version_id)
    problem, time_limit = version.problem, version.time_limit
    db.session.rollback()                            # no transaction held while the solver runs
    with tempfile.TemporaryDirectory(prefix="timetable-") as tmp:
        problem_path, solution_path = Path(tmp) / "problem.json", Path(tmp) / "solution.json"
        problem_path.write_text(json.dumps(problem, ensure_ascii=False), encoding="utf-8")
        outcome, output = _run_solver(engine, version_id, problem_path, solution_path, time_limit, echo)
        if outcome == "cancelled":
            return JobState.CANCELLED
        if not solution_path.exists():
            _update(engine, version_id, JobState.RUNNING, state=JobState.FAILED, finished_at=datetime.utcnow(),
                    log=TimetableVersion.log + f"The solver stopped without an answer ({outcome}).\n")
            return _state(engine, version_id)
        solution = json.loads(solution_path.read_text(encoding="utf-8"))

    from scheduler.validate import validate

    report = validate(problem, solution)
    lines = ""
    if solution["assignments"] and not report["valid"]:
        lines = "".join(f"Invalid: {v}\n" for v in report.get("violations", [])[:50])
    # Claim the end first: a cancel that lands while the result is stored waits for this
    # transaction and then finds the solve ended; a cancel that landed before wins.
    claimed = db.session.execute(
        sa.update(TimetableVersion)
        .where(TimetableVersion.id == version_id, TimetableVersion.state == JobState.RUNNING)
        .values(state=JobState.FINISHED, finished_at=datetime.utcnow(), log=TimetableVersion.log + lines)
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        db.session.rollback()
        return _state(engine, version_id)
    version = db.session.get(TimetableVersion, version_id)
    db.session.refresh(version)
    solution_to_version(version, solution)
    version.valid = bool(solution["assignments"]) and bool(report["valid"])
    db.session.commit()
    return JobState.FINISHED


def _run_solver(engine: sa.Engine, version_id: int, problem_path: Path, solution_path: Path,
                time_limit: float, echo: Callable[[str], None] | None) -> tuple[str, str]:
    """Run the solver process; flush its log lines; kill it on a cancel. ("done"|"cancelled"|"timeout", output)."""
    command = [sys.executable, "-m", "scheduler", "solve", str(problem_path), "-o", str(solution_path),
               "--time-limit", f"{time_limit:g}", "--log"]
    threads = current_app.config.get("TIMETABLE_SOLVER_THREADS")
    if threads:
        command += ["--threads", str(threads)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, encoding="utf-8", errors="replace")
    lines: list[str] = []
    everything: list[str] = []
    lock = threading.Lock()

    def read() -> None:
        with process.stdout:
            for line in process.stdout:
                with lock:
                    lines.append(line)
                    everything.append(line)
                if echo is not None:
                    echo(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True, name=f"timetable-log-{version_id}")
    reader.start()
    try:
        outcome = _watch(engine, version_id, process, reader, lines, lock, time_limit)
    finally:
        if process.poll() is None:                   # an error or an interrupt here: no orphan solver
            process.kill()
            process.wait()
            reader.join(timeout=10)
    if outcome == "cancelled":
        _update(engine, version_id, JobState.CANCELLED,
                log=TimetableVersion.log + "The solver was stopped.\n")
    return outcome, "".join(everything)


def _watch(engine: sa.Engine, version_id: int, process: subprocess.Popen, reader: threading.Thread,
           lines: list[str], lock: threading.Lock, time_limit: float) -> str:
    """Flush the log every FLUSH_SECONDS until the solver ends, is cancelled or overruns its time."""
    deadline = time.monotonic() + time_limit * 1.5 + 120
    outcome = "done"
    while True:
        try:
            process.wait(timeout=FLUSH_SECONDS)
            finished = True
        except subprocess.TimeoutExpired:
            finished = False
        if finished:
            reader.join(timeout=10)
        with lock:
            chunk, lines[:] = "".join(lines), []
        values: dict = {"heartbeat_at": datetime.utcnow()}
        if chunk:
            values["log"] = TimetableVersion.log + chunk
            found = PROGRESS.findall(chunk)
            if found:
                values["objective"], values["bound"] = (_number(x) for x in found[-1])
        if not _update(engine, version_id, JobState.RUNNING, **values):
            outcome = "cancelled"                    # the row left "running": a cancel
        elif not finished and time.monotonic() > deadline:
            outcome = "timeout"
        if finished:
            break
        if outcome != "done":
            process.kill()
            process.wait()
            reader.join(timeout=10)
            break
    return outcome


# --- running jobs ---------------------------------------------------------------------------

def _executor_for(app: Flask) -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            # The threads only watch the solver processes, so a few are cheap; a solve never waits long
            # for one (a queued in-process solve that waits STALE_SECONDS is taken for lost).
            _executor = ThreadPoolExecutor(max_workers=app.config.get("TIMETABLE_WORKERS", 4),
                                           thread_name_prefix="timetable")
        return _executor


def _in_thread(app: Flask, version_id: int) -> JobState | None:
    with app.app_context():
        try:
            return run_solve(version_id)
        finally:
            db.session.remove()


def redis_connection(url: str):
    """A Redis client for RQ."""
    from redis import Redis

    return Redis.from_url(url)


def queue(app: Flask):
    """The RQ queue of timetable solves."""
    from rq import Queue

    return Queue(app.config.get("TIMETABLE_QUEUE", "timetable"),
                 connection=redis_connection(app.config["REDIS_URL"]))


def rq_job(version_id: int) -> str | None:
    """The RQ job: builds its own app context (the worker's app from the environment when it has none)."""
    if has_app_context():
        app = current_app._get_current_object()
    else:
        from college import create_app

        app = create_app()
    state = _in_thread(app, version_id)
    return state.value if state else None


def dispatch(version: TimetableVersion) -> Future | str:
    """Start a committed queued version: RQ when REDIS_URL is set (the job id), else the in-process pool (a Future)."""
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        from redis.exceptions import RedisError

        try:
            job = queue(app).enqueue(rq_job, version.id, job_timeout=int(version.time_limit * 1.5) + 300,
                                     result_ttl=3600, failure_ttl=86400)
        except RedisError as error:
            _update(db.engine, version.id, JobState.QUEUED, state=JobState.FAILED, finished_at=datetime.utcnow(),
                    log=TimetableVersion.log + f"The job queue could not be reached: {error}\n")
            raise RecordError(None, _("The job queue (Redis) could not be reached; the solve did not start.")) \
                from None
        _update(db.engine, version.id, job_id=job.id)
        return job.id
    _update(db.engine, version.id, job_id=INPROC)
    return _executor_for(app).submit(_in_thread, app, version.id)
