"""Timetable operations: ask for a solve, cancel it, publish a version. They flush; callers commit."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from college.audit.operations import log_change
from college.catalog.models import Term
from college.extensions import db
from college.records import RecordError
from college.timetable.adapter import build_problem
from college.timetable.models import ACTIVE_STATES, JobState, SolverStatus, TimetableVersion

STALE_SECONDS = 120     # a running solve that has not written for this long has died with its process
MAX_TIME_LIMIT = 3600


def active_version(term: Term) -> TimetableVersion | None:
    """The term's queued or running solve, if any."""
    return db.session.scalar(sa.select(TimetableVersion).where(
        TimetableVersion.term_id == term.id, TimetableVersion.state.in_(ACTIVE_STATES)))


def published_version(term: Term) -> TimetableVersion | None:
    """The term's published version, if any."""
    return db.session.scalar(sa.select(TimetableVersion).where(
        TimetableVersion.term_id == term.id, TimetableVersion.published_at.is_not(None)))


def version_by_number(term: Term, number: int) -> TimetableVersion | None:
    """Version `number` of the term."""
    return db.session.scalar(sa.select(TimetableVersion).where(
        TimetableVersion.term_id == term.id, TimetableVersion.number == number))


def fail_stale_solves(term: Term) -> int:
    """Mark as failed the term's solves whose process died: running ones that stopped writing, and
    in-process ones still queued (their pool starts them at once, so the web process that held them ended)."""
    cutoff = datetime.utcnow() - timedelta(seconds=STALE_SECONDS)
    lost = sa.or_(TimetableVersion.state == JobState.RUNNING,
                  sa.and_(TimetableVersion.state == JobState.QUEUED, TimetableVersion.job_id == "inproc"))
    result = db.session.execute(
        sa.update(TimetableVersion)
        .where(TimetableVersion.term_id == term.id, lost, TimetableVersion.heartbeat_at < cutoff)
        .values(state=JobState.FAILED, finished_at=datetime.utcnow(),
                log=TimetableVersion.log + "\nThe solving process stopped responding.\n")
        .execution_options(synchronize_session=False))
    return result.rowcount


def request_solve(term: Term, actor, *, time_limit: float = 60.0, note: str = "") -> TimetableVersion:
    """A new queued version of the term with its problem; refused while another solve of the term is active.

    The refusal is race-safe: a partial unique index allows one queued-or-running version per term,
    so of two processes asking at once, one insert fails.
    """
    if not 1 <= time_limit <= MAX_TIME_LIMIT:
        raise RecordError("time_limit", _("The time limit must be between 1 and %(max)s seconds.",
                                          max=MAX_TIME_LIMIT))
    fail_stale_solves(term)
    busy = active_version(term)
    if busy is not None:
        raise _busy(term, busy)
    problem = build_problem(term)
    if not problem["sections"]:
        raise RecordError(None, _("%(term)s has no classes to place.", term=term.name))
    number = (db.session.scalar(sa.select(sa.func.max(TimetableVersion.number))
                                .where(TimetableVersion.term_id == term.id)) or 0) + 1
    version = TimetableVersion(term=term, number=number, created_by=actor, state=JobState.QUEUED,
                               time_limit=float(time_limit), problem=problem, note=note, log="",
                               heartbeat_at=datetime.utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(version)
    except IntegrityError:
        busy = active_version(term)
        raise _busy(term, busy) from None
    log_change(actor, "create", "timetable_version", version.id, str(version),
               {"time_limit": version.time_limit, "note": note})
    return version


def _busy(term: Term, busy: TimetableVersion | None) -> RecordError:
    if busy is None:
        return RecordError(None, _("Another timetable of %(term)s was started at the same moment; "
                                   "wait for it or cancel it.", term=term.name))
    return RecordError(None, _("A timetable of %(term)s is already being built (version %(n)s); "
                               "wait for it or cancel it.", term=term.name, n=busy.number))


def cancel_solve(version: TimetableVersion, actor) -> None:
    """Cancel a queued or running solve; its result, if one still arrives, is thrown away."""
    result = db.session.execute(
        sa.update(TimetableVersion)
        .where(TimetableVersion.id == version.id, TimetableVersion.state.in_(ACTIVE_STATES))
        .values(state=JobState.CANCELLED, finished_at=datetime.utcnow(),
                log=TimetableVersion.log + "Cancelled.\n")
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.refresh(version)
        raise RecordError(None, _("This solve has already ended (%(state)s).", state=state_name(version.state)))
    db.session.refresh(version)
    log_change(actor, "update", "timetable_version", version.id, str(version), {"state": "cancelled"})


def state_name(state: JobState) -> str:
    return {JobState.QUEUED: _("queued"), JobState.RUNNING: _("running"), JobState.FINISHED: _("finished"),
            JobState.FAILED: _("failed"), JobState.CANCELLED: _("cancelled")}[state]


def publish_version(version: TimetableVersion, actor) -> None:
    """Make this version the term's published timetable (the one published before stops being so)."""
    if version.state != JobState.FINISHED or version.solver_status not in (SolverStatus.OPTIMAL,
                                                                           SolverStatus.FEASIBLE):
        raise RecordError(None, _("Version %(n)s has no timetable to publish.", n=version.number))
    if not version.valid:
        raise RecordError(None, _("Version %(n)s breaks a hard rule and cannot be published.", n=version.number))
    if version.published_at is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.execute(
                sa.update(TimetableVersion)
                .where(TimetableVersion.term_id == version.term_id, TimetableVersion.published_at.is_not(None))
                .values(published_at=None, published_by_id=None)
                .execution_options(synchronize_session=False))
            version.published_at = datetime.utcnow()
            version.published_by = actor
            db.session.flush()
    except IntegrityError:
        db.session.refresh(version)
        raise RecordError(None, _("Another version was published at the same moment; try again.")) from None
    log_change(actor, "update", "timetable_version", version.id, str(version), {"published": True})
