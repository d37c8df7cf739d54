"""Solves as background jobs: in the web process, through Redis, cancelled, one per term at a time."""

import time
import uuid
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from redis import Redis
from rq import Queue, SimpleWorker

from college.extensions import db
from college.models import JobState, MeetingAssignment, SolverStatus, TimetableVersion
from college.records import RecordError
from college.timetable import operations
from college.timetable.jobs import dispatch
from college.timetable.operations import cancel_solve, request_solve
from scheduler.generate import generate
from tests.college import factories as f
from tests.college.timetable.builders import small_term

REDIS_URL = "redis://127.0.0.1:6379/0"


def _fresh(version_id: int) -> TimetableVersion:
    db.session.expire_all()
    return db.session.get(TimetableVersion, version_id)


def _assert_solved(version: TimetableVersion) -> None:
    assert version.state == JobState.FINISHED, version.log
    assert version.solver_status in (SolverStatus.OPTIMAL, SolverStatus.FEASIBLE)
    assert version.valid is True
    assert version.started_at and version.finished_at and version.seconds is not None
    assert "objective" in version.log                      # the solver's own lines, kept on the row
    placed = db.session.scalars(sa.select(MeetingAssignment).where(
        MeetingAssignment.version_id == version.id, MeetingAssignment.slot.is_not(None))).all()
    assert len(placed) == 5


def test_a_solve_runs_in_the_web_process_and_leaves_its_result_and_log_on_the_version(app):
    admin = f.account()
    version = request_solve(small_term(), admin, time_limit=10)
    db.session.commit()
    assert version.state == JobState.QUEUED and version.number == 1 and version.problem["sections"]
    future = dispatch(version)
    assert future.result(timeout=60) == JobState.FINISHED
    version = _fresh(version.id)
    _assert_solved(version)
    assert version.job_id == "inproc" and version.created_by == admin


def test_a_solve_runs_through_redis_and_an_rq_worker(app):
    connection = Redis.from_url(REDIS_URL)
    connection.ping()                                        # no Redis: this test fails, it never skips
    name = f"timetable-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=REDIS_URL, TIMETABLE_QUEUE=name)
    version = request_solve(small_term(), None, time_limit=10)
    db.session.commit()
    job_id = dispatch(version)
    assert _fresh(version.id).job_id == job_id
    rq_queue = Queue(name, connection=connection)
    assert rq_queue.job_ids == [job_id]
    try:
        SimpleWorker([rq_queue], connection=connection).work(burst=True)
        _assert_solved(_fresh(version.id))
        assert rq_queue.fetch_job(job_id).return_value() == "finished"
    finally:
        rq_queue.delete(delete_jobs=True)


def test_a_second_solve_of_the_same_term_is_refused_while_one_is_queued(app):
    term = small_term()
    request_solve(term, None)
    db.session.commit()
    with pytest.raises(RecordError, match="正在生成中"):
        request_solve(term, None)


def test_the_refusal_holds_when_two_processes_ask_at_the_same_moment(app, monkeypatch):
    term = small_term()
    request_solve(term, None)
    db.session.commit()
    # The other process's check ran before this insert was visible: the database still refuses.
    monkeypatch.setattr(operations, "active_version", lambda _term: None)
    with pytest.raises(RecordError, match="同一时刻"):
        request_solve(term, None)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TimetableVersion)) == 1


def test_a_solve_whose_process_died_no_longer_blocks_the_term(app):
    term = small_term()
    dead = request_solve(term, None)
    dead.state = JobState.RUNNING
    dead.heartbeat_at = datetime.utcnow() - timedelta(minutes=10)
    db.session.commit()
    again = request_solve(term, None)
    db.session.refresh(dead)
    assert again.number == 2 and again.state == JobState.QUEUED
    assert dead.state == JobState.FAILED and "stopped responding" in dead.log


def test_cancelling_a_queued_solve_means_it_never_runs(app):
    version = request_solve(small_term(), None)
    db.session.commit()
    cancel_solve(version, None)
    db.session.commit()
    assert dispatch(version).result(timeout=30) == JobState.CANCELLED
    version = _fresh(version.id)
    assert version.started_at is None and version.solution is None
    with pytest.raises(RecordError, match="已经结束"):
        cancel_solve(version, None)


def test_cancelling_a_running_solve_stops_the_solver_and_keeps_no_result(app):
    version = request_solve(small_term(), None, time_limit=60)
    version.problem = generate("medium", 1)      # 150 sections: the solver uses its whole time
    db.session.commit()
    future = dispatch(version)
    deadline = time.monotonic() + 30
    while "greedy timetable" not in _fresh(version.id).log:  # the solver is working
        assert time.monotonic() < deadline and not future.done(), _fresh(version.id).log
        time.sleep(0.5)
    assert _fresh(version.id).state == JobState.RUNNING
    cancel_solve(_fresh(version.id), None)
    db.session.commit()
    cancelled_at = time.monotonic()
    assert future.result(timeout=30) == JobState.CANCELLED
    assert time.monotonic() - cancelled_at < 10             # the solver was stopped, not waited for
    version = _fresh(version.id)
    assert version.state == JobState.CANCELLED and version.solution is None and not version.meetings
    assert "The solver was stopped." in version.log
    # the term is free again
    assert request_solve(version.term, None).number == 2


def test_an_in_process_solve_left_queued_by_a_stopped_web_process_no_longer_blocks_the_term(app):
    term = small_term()
    lost = request_solve(term, None)
    lost.job_id = "inproc"
    lost.heartbeat_at = datetime.utcnow() - timedelta(minutes=10)
    db.session.commit()
    assert request_solve(term, None).number == 2
    db.session.refresh(lost)
    assert lost.state == JobState.FAILED


def test_when_redis_cannot_be_reached_the_solve_fails_with_a_message_and_frees_the_term(app):
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0")     # nothing listens on port 1
    version = request_solve(small_term(), None)
    db.session.commit()
    with pytest.raises(RecordError, match="无法连接任务队列"):
        dispatch(version)
    version = _fresh(version.id)
    assert version.state == JobState.FAILED and "could not be reached" in version.log
    assert request_solve(version.term, None).number == 2
