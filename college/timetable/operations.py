"""Timetable operations: ask for a solve (plain, keeping locks, or a repair), cancel it, publish a version;
copy a version to edit, lock and move its meetings; import a solution. They flush; callers commit."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from college.audit.operations import log_change
from college.catalog.models import Term
from college.extensions import db
from college.records import RecordError
from college.timetable.adapter import (
    SolutionError,
    build_problem,
    room_id,
    solution_to_version,
    version_to_solution,
)
from college.timetable.models import (
    ACTIVE_STATES,
    JobState,
    MeetingAssignment,
    SolverStatus,
    TimetableVersion,
)
from college.timetable.sessions import unmatched_changes

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


def request_solve(term: Term, actor, *, time_limit: float = 60.0, note: str = "",
                  locks_from: TimetableVersion | None = None, repair: bool = False) -> TimetableVersion:
    """A new queued version of the term with its problem; refused while another solve of the term is active.

    `locks_from`: a re-solve from that version, whose locked meetings go into the problem's `locked`
    list. `repair`: a re-solve after absences or closures, refused without a published version. Both
    give the published timetable (if any) as the problem's `reference`, so that moving a published
    meeting costs a penalty. The refusal is race-safe: a partial unique index allows one
    queued-or-running version per term, so of two processes asking at once, one insert fails.
    """
    if not 1 <= time_limit <= MAX_TIME_LIMIT:
        raise RecordError("time_limit", _("The time limit must be between 1 and %(max)s seconds.",
                                          max=MAX_TIME_LIMIT))
    fail_stale_solves(term)
    busy = active_version(term)
    if busy is not None:
        raise _busy(term, busy)
    published = published_version(term)
    if repair and published is None:
        raise RecordError(None, _("%(term)s has no published timetable to repair.", term=term.name))
    if locks_from is not None and (locks_from.term_id != term.id or not has_timetable(locks_from)):
        raise RecordError(None, _("Version %(n)s has no timetable to start from.", n=locks_from.number))
    reference = version_to_solution(published) if published is not None and (repair or locks_from) else None
    problem = build_problem(term, locked=lock_entries(locks_from) if locks_from else None, reference=reference)
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


def publish_version(version: TimetableVersion, actor) -> int:
    """Make this version the term's published timetable (the one published before stops being so).

    Returns how many of the term's session changes (cancelled or moved single sessions) no session of it
    matches, because it has their meeting on another day of the week or not at all: they are kept (the
    calendar's list of changes marks them), not deleted, and the caller says how many there are."""
    if version.state != JobState.FINISHED or version.solver_status not in (SolverStatus.OPTIMAL,
                                                                           SolverStatus.FEASIBLE):
        raise RecordError(None, _("Version %(n)s has no timetable to publish.", n=version.number))
    if not version.valid:
        raise RecordError(None, _("Version %(n)s breaks a hard rule and cannot be published.", n=version.number))
    if version.published_at is not None:
        return len(unmatched_changes(version))
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
    unmatched = len(unmatched_changes(version))
    log_change(actor, "update", "timetable_version", version.id, str(version),
               {"published": True, "unmatched_session_changes": unmatched})
    return unmatched


# --- editing by hand ------------------------------------------------------------------------

EDIT = "edit"          # job_id of a version copied by hand to be edited (no solver job behind it)
IMPORTED = "import"    # job_id of a version imported from a solution file


def has_timetable(version: TimetableVersion) -> bool:
    """A finished version whose solver gave a timetable."""
    return version.state == JobState.FINISHED and version.solver_status in (SolverStatus.OPTIMAL,
                                                                            SolverStatus.FEASIBLE)


def is_draft(version: TimetableVersion) -> bool:
    """A copy made to be edited by hand and not published: the only kind of version that changes.

    A solver's version stays as the solver gave it and a published one is frozen, so the history
    of versions says truthfully who made each timetable."""
    return version.job_id == EDIT and version.published_at is None and has_timetable(version)


def _require_draft(version: TimetableVersion) -> None:
    if not is_draft(version):
        raise RecordError(None, _("Version %(n)s cannot be changed: make a copy to edit first.",
                                  n=version.number))


def _next_number(term_id: int) -> int:
    return (db.session.scalar(sa.select(sa.func.max(TimetableVersion.number))
                              .where(TimetableVersion.term_id == term_id)) or 0) + 1


def copy_version(version: TimetableVersion, actor) -> TimetableVersion:
    """A new draft version of the term holding the same problem, timetable and locks, to be edited by hand."""
    if not has_timetable(version):
        raise RecordError(None, _("Version %(n)s has no timetable to copy.", n=version.number))
    now = datetime.utcnow()
    draft = TimetableVersion(
        term_id=version.term_id, number=_next_number(version.term_id), created_by=actor,
        state=JobState.FINISHED, job_id=EDIT, time_limit=version.time_limit, started_at=now, finished_at=now,
        heartbeat_at=now, solver_status=version.solver_status, solver=version.solver,
        objective=version.objective, bound=version.bound, seconds=version.seconds, valid=version.valid,
        penalties=version.penalties, problem=version.problem, solution=version.solution,
        note=_("Copy of version %(n)s", n=version.number),
        log=f"Copied from version {version.number}.\n")
    db.session.add(draft)
    db.session.flush()
    rows = [{"version_id": draft.id, "section_id": m.section_id, "meeting": m.meeting, "slot": m.slot,
             "room_id": m.room_id, "teacher_id": m.teacher_id, "locked": m.locked, "reason": m.reason}
            for m in db.session.scalars(sa.select(MeetingAssignment)
                                        .where(MeetingAssignment.version_id == version.id))]
    if rows:
        db.session.execute(sa.insert(MeetingAssignment), rows)
    log_change(actor, "create", "timetable_version", draft.id, str(draft), {"copy_of": version.number})
    return draft


def lock_entries(version: TimetableVersion) -> list[dict]:
    """The version's locked meetings as `locked` entries of the shared format."""
    from college.catalog.models import Section
    from college.people.models import Teacher

    rows = db.session.execute(
        sa.select(MeetingAssignment, Section.code, Teacher.code)
        .join(Section, MeetingAssignment.section_id == Section.id)
        .outerjoin(Teacher, MeetingAssignment.teacher_id == Teacher.id)
        .where(MeetingAssignment.version_id == version.id, MeetingAssignment.locked.is_(True),
               MeetingAssignment.slot.is_not(None))
        .order_by(Section.code, MeetingAssignment.meeting)).all()
    return [{"section": code, "meeting": m.meeting, "slot": m.slot, "room": f"R{m.room_id}", "teacher": teacher}
            for m, code, teacher in rows]


def _meeting_label(row: MeetingAssignment) -> str:
    return f"{row.section.code}#{row.meeting}"


def set_locked(row: MeetingAssignment, locked: bool, actor) -> None:
    """Lock a placed meeting of a draft where it is (a re-solve keeps it there), or unlock it."""
    version = row.version
    _require_draft(version)
    if locked and row.slot is None:
        raise RecordError(None, _("Only a placed meeting can be locked."))
    if row.locked == locked:
        return
    row.locked = locked
    db.session.flush()
    log_change(actor, "update", "timetable_version", version.id, str(version),
               {"meeting": _meeting_label(row), "locked": locked})


class MoveRefused(RecordError):
    """A move that breaks hard rules; `violations` lists them (rule, rule_text, message)."""

    def __init__(self, violations: list[dict]):
        first = violations[0]
        super().__init__(None, _("This move breaks rule %(rule)s (%(text)s): %(message)s",
                                 rule=first["rule"], text=first["rule_text"], message=first["message"]))
        self.violations = violations


def move_check(row: MeetingAssignment, slot: str, room, teacher):
    """The validator's answer on moving the meeting to slot, room and teacher (records), as an `editing.Check`."""
    from college.timetable.editing import Move, check_move

    version = row.version
    move = Move(section=row.section.code, meeting=row.meeting, slot=slot,
                room=room_id(room) if room is not None else "", teacher=teacher.code if teacher is not None else "")
    return check_move(version.problem, version_to_solution(version), lock_entries(version), move)


def move_meeting(row: MeetingAssignment, slot: str, room, teacher, actor) -> None:
    """Move a meeting of a draft to another slot, room and teacher (the teacher of its whole class).

    Refused (`MoveRefused`, with every rule the validator finds broken) unless the timetable keeps every
    hard rule; then the version's penalties and objective are recounted by the validator. A hand-moved
    timetable is no longer the solver's proven best, so its status becomes "feasible"."""
    from college.timetable.editing import with_locks
    from scheduler.validate import validate

    version = row.version
    _require_draft(version)
    if room is None or teacher is None or not slot:
        raise RecordError(None, _("Choose a time, a room and a teacher."))
    before = (row.slot, row.room_id, row.teacher_id)
    check = move_check(row, slot, room, teacher)
    if not check.ok:
        raise MoveRefused(check.violations)
    row.slot, row.room_id, row.reason = slot, room.id, None
    db.session.execute(sa.update(MeetingAssignment)
                       .where(MeetingAssignment.version_id == version.id,
                              MeetingAssignment.section_id == row.section_id,
                              MeetingAssignment.slot.is_not(None))
                       .values(teacher_id=teacher.id).execution_options(synchronize_session=False))
    row.teacher_id = teacher.id
    version.penalties, version.objective = check.penalties, check.objective
    if version.bound is not None and version.bound > check.objective:
        version.bound = None
    if version.solver_status == SolverStatus.OPTIMAL and version.bound != check.objective:
        version.solver_status = SolverStatus.FEASIBLE
    db.session.flush()
    db.session.expire(version, ["meetings"])
    version.solution = version_to_solution(version)
    version.valid = validate(with_locks(version.problem, lock_entries(version)), version.solution)["valid"]
    version.log = (version.log or "") + f"Moved {_meeting_label(row)} to {slot} {room_id(room)} {teacher.code}.\n"
    db.session.flush()
    log_change(actor, "update", "timetable_version", version.id, str(version),
               {"meeting": _meeting_label(row), "from": list(before), "to": [slot, room.id, teacher.id],
                "objective": check.objective})


# --- a solution from a file -------------------------------------------------------------------

class ImportRefused(RecordError):
    """A solution that does not validate against the problem; `violations` lists why."""

    def __init__(self, message, violations: list[dict]):
        super().__init__(None, message)
        self.violations = violations


def import_solution(term: Term, problem: dict, solution: dict, actor, *, note: str = "") -> TimetableVersion:
    """A new finished version of the term from a solution in the shared format, checked by `scheduler.validate`.

    Refused (`ImportRefused` with the validator's violations, nothing written) unless the solution keeps
    every hard rule of `problem` and reports its penalties truly, or names a section, room or teacher
    the college does not have."""
    from scheduler.validate import validate

    try:
        report = validate(problem, solution)
    except ValueError as error:
        raise ImportRefused(_("The problem cannot be read: %(error)s", error=str(error)), []) from None
    if not report["valid"]:
        violations = report["violations"] or [{"rule": "status", "message": report.get("note") or ""}]
        raise ImportRefused(_("The solution breaks %(n)s rule(s); nothing was imported.", n=len(violations)),
                            violations)
    now = datetime.utcnow()
    version = TimetableVersion(
        term=term, number=_next_number(term.id), created_by=actor, state=JobState.FINISHED, job_id=IMPORTED,
        time_limit=float(solution.get("seconds") or 0) or 1.0, started_at=now, finished_at=now,
        heartbeat_at=now, problem=problem, note=note or _("Imported from a file"), log="Imported from a file.\n")
    try:
        with db.session.begin_nested():
            db.session.add(version)
            db.session.flush()
            solution_to_version(version, solution)
    except SolutionError as error:
        raise ImportRefused(_("The solution does not fit this term: %(error)s", error=str(error)), []) from None
    except IntegrityError:
        raise RecordError(None, _("Another version was saved at the same moment; try again.")) from None
    version.valid = True
    db.session.flush()
    log_change(actor, "create", "timetable_version", version.id, str(version),
               {"imported": True, "objective": version.objective})
    return version
