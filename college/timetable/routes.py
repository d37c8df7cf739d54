"""Administrators' timetable pages: versions of a term, a solve's live progress, week grids; copying a
version to edit, locking and moving its meetings, re-solving, repair, the diff of two versions, JSON."""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from college.auth.access import admin_required
from college.catalog.models import Term
from college.extensions import db
from college.records import RecordError
from college.timetable import grids
from college.timetable.forms import ButtonForm, MoveForm, SolveForm
from college.timetable.jobs import dispatch
from college.timetable.models import JobState, MeetingAssignment, SolverStatus, TimetableVersion
from college.timetable.operations import (
    MoveRefused,
    cancel_solve,
    copy_version,
    fail_stale_solves,
    has_timetable,
    is_draft,
    move_check,
    move_meeting,
    publish_version,
    published_version,
    request_solve,
    set_locked,
    state_name,
)

bp = Blueprint("timetable", __name__, url_prefix="/admin/timetable")

LOG_LINES = 12


def _term(term_id: int) -> Term:
    term = db.session.get(Term, term_id)
    if term is None:
        abort(404)
    return term


def _version(version_id: int) -> TimetableVersion:
    version = db.session.get(TimetableVersion, version_id)
    if version is None:
        abort(404)
    return version


def state_label(version: TimetableVersion) -> str:
    """The job state in the user's language."""
    return state_name(version.state)


def status_label(version: TimetableVersion) -> str:
    """The solver's answer in the user's language ('' before it answers)."""
    return {None: "", SolverStatus.OPTIMAL: _("optimal (best possible)"),
            SolverStatus.FEASIBLE: _("feasible (good, maybe not the best)"),
            SolverStatus.INFEASIBLE: _("impossible with these rules"),
            SolverStatus.UNKNOWN: _("no timetable found in time")}[version.solver_status]


def may_publish(version: TimetableVersion) -> bool:
    """A finished, valid version with a timetable that is not yet published."""
    return (version.state == JobState.FINISHED and bool(version.valid) and version.published_at is None
            and version.solver_status in (SolverStatus.OPTIMAL, SolverStatus.FEASIBLE))


def elapsed_seconds(version: TimetableVersion) -> float | None:
    """Seconds the solve has run (so far, or in all)."""
    if version.started_at is None:
        return None
    end = version.finished_at or datetime.utcnow()
    return max(0.0, (end - version.started_at).total_seconds())


def progress(version: TimetableVersion) -> dict:
    """What the solve page shows, as JSON for its polling script."""
    lines = [line for line in (version.log or "").splitlines() if line.strip()]
    elapsed = elapsed_seconds(version)
    return {
        "state": version.state.value, "state_label": state_label(version), "active": version.active,
        "solver_status": version.solver_status.value if version.solver_status else None,
        "solver_status_label": status_label(version),
        "elapsed": None if elapsed is None else round(elapsed, 1),
        "objective": version.objective, "bound": version.bound, "valid": version.valid,
        "published": version.published_at is not None, "may_publish": may_publish(version),
        "log": lines[-LOG_LINES:],
    }


def _start_solve(term: Term, form: SolveForm, **options) -> TimetableVersion:
    """Queue a solve of the term and hand it to the job runner; RecordError (nothing written) when refused.

    A runner that cannot take the job is flashed, not raised: the version exists and shows as failed."""
    try:
        version = request_solve(term, current_user, time_limit=form.time_limit.data, **options)
        db.session.commit()
    except RecordError:
        db.session.rollback()
        raise
    try:
        dispatch(version)
    except RecordError as error:
        flash(error.message, "error")
    return version


def _solve_from_form(term: Term, form: SolveForm, **options) -> tuple[TimetableVersion | None, int]:
    """(the version started, or None; HTTP status) for a posted SolveForm. A refusal is put on the
    form (on its field when it names one) with 422; a GET is (None, 200)."""
    if not form.validate_on_submit():
        return None, 422 if request.method == "POST" else 200
    try:
        return _start_solve(term, form, **options), 200
    except RecordError as error:
        errors = form[error.field].errors if error.field in form._fields else form.form_errors
        errors.append(error.message)
        return None, 422


@bp.route("/")
@admin_required
def index():
    terms = db.session.scalars(sa.select(Term).order_by(Term.first_day.desc(), Term.id.desc())).all()
    if len(terms) == 1:
        return redirect(url_for(".versions", term_id=terms[0].id))
    return render_template("timetable/index.html", terms=terms)


@bp.route("/terms/<int:term_id>", methods=["GET", "POST"])
@admin_required
def versions(term_id: int):
    term = _term(term_id)
    form = SolveForm()
    version, status = _solve_from_form(term, form, note=form.note.data or "")
    if version is not None:
        return redirect(url_for(".solve", version_id=version.id))
    if request.method != "POST":
        fail_stale_solves(term)
        db.session.commit()
    rows = db.session.scalars(sa.select(TimetableVersion).where(TimetableVersion.term_id == term.id)
                              .order_by(TimetableVersion.number.desc())).all()
    counts = {v.id: grids.placed_counts(v) for v in rows}
    return render_template("timetable/versions.html", term=term, form=form, rows=rows, counts=counts,
                           state_label=state_label, status_label=status_label), status


@bp.route("/versions/<int:version_id>")
@admin_required
def solve(version_id: int):
    version = _version(version_id)
    published = published_version(version.term)
    return render_template("timetable/solve.html", version=version, p=progress(version),
                           button=ButtonForm(), counts=grids.placed_counts(version),
                           penalties=grids.penalty_sentences(version), unplaced=grids.unplaced(version),
                           draft=is_draft(version), has_timetable=has_timetable(version), published=published,
                           resolve_form=SolveForm(formdata=None))


@bp.route("/versions/<int:version_id>/progress.json")
@admin_required
def progress_json(version_id: int):
    response = jsonify(progress(_version(version_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/versions/<int:version_id>/cancel", methods=["POST"])
@admin_required
def cancel(version_id: int):
    version = _version(version_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        cancel_solve(version, current_user)
        db.session.commit()
        flash(_("The solve was cancelled."), "success")
    except RecordError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for(".solve", version_id=version_id))


@bp.route("/versions/<int:version_id>/publish", methods=["POST"])
@admin_required
def publish(version_id: int):
    version = _version(version_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        unmatched = publish_version(version, current_user)
        db.session.commit()
        flash(_("Version %(n)s is now the published timetable.", n=version.number), "success")
        if unmatched:
            flash(_("%(n)s cancelled or moved session(s) no longer match the published timetable (their meeting "
                    "is now on another day or not placed): see the list of session changes.", n=unmatched),
                  "warning")
    except RecordError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for(".solve", version_id=version_id))


@bp.route("/terms/<int:term_id>/grid")
@admin_required
def grid(term_id: int):
    term = _term(term_id)
    versions = grids.viewable_versions(term)
    version = None
    wanted = request.args.get("version", "")
    if wanted.isdigit():
        version = next((v for v in versions if v.number == int(wanted)), None)
    if version is None:
        version = grids.default_version(term)
    options, kind, key, week = {}, None, None, None
    if version is not None:
        options = grids.choices_for(version)
        show = request.args.get("show", "")
        kind, _sep, raw = show.partition(":")
        key = int(raw) if raw.isdigit() else None
        if kind not in grids.KINDS or key not in {i for i, _label in options.get(kind, [])}:
            kind = next((k for k in grids.KINDS if options.get(k)), None)
            key = options[kind][0][0] if kind else None
        if kind is not None:
            week = grids.week_grid(version, kind, key)
    title = ""
    if kind is not None:
        title = dict(options[kind]).get(key, "")
    return render_template("timetable/grid.html", term=term, versions=versions, version=version,
                           options=options, kinds=grids.KINDS, kind=kind, key=key, week=week, title=title,
                           draft=version is not None and is_draft(version),
                           unplaced=grids.unplaced(version) if version else [],
                           penalties=grids.penalty_sentences(version) if version else [])


CALENDAR_KINDS = ("teacher", "room", "site")


@bp.route("/terms/<int:term_id>/calendar/<kind>/<code>.ics")
@admin_required
def calendar(term_id: int, kind: str, code: str):
    """The published timetable's dated sessions of one teacher, room (by id) or site, as iCalendar."""
    from college.people.models import Teacher
    from college.timetable.exports import ical_feed
    from college.timetable.sessions import dated_sessions, teacher_sessions

    term = _term(term_id)
    if kind not in CALENDAR_KINDS:
        abort(404)
    version = db.session.scalars(sa.select(TimetableVersion).where(
        TimetableVersion.term_id == term.id, TimetableVersion.published_at.is_not(None))).first()
    if version is None:
        return _("This term has no published timetable yet."), 404, {"Content-Type": "text/plain; charset=utf-8"}
    if kind == "teacher":
        # their own meetings' sessions and those they take as a substitute
        teacher = db.session.scalar(sa.select(Teacher).where(Teacher.code == code))
        sessions = teacher_sessions(version.meetings, teacher.id, term) if teacher is not None else []
    else:
        if kind == "site":
            chosen = [m for m in version.meetings if m.room is not None and m.room.site.code == code]
        else:
            chosen = [m for m in version.meetings if m.room is not None and str(m.room_id) == code]
        sessions = dated_sessions(chosen, term) if chosen else []
    if not sessions:
        abort(404)
    body = ical_feed(sessions, f"{term.name} {code}")
    return body, 200, {"Content-Type": "text/calendar; charset=utf-8",
                       "Content-Disposition": f'attachment; filename="{kind}-{code}.ics"'}


# --- editing by hand: copy, lock, move, re-solve --------------------------------------------

def _meeting(version: TimetableVersion, meeting_id: int) -> MeetingAssignment:
    row = db.session.get(MeetingAssignment, meeting_id)
    if row is None or row.version_id != version.id:
        abort(404)
    return row


def _refuse(error: RecordError, back: str):
    db.session.rollback()
    flash(error.message, "error")
    return redirect(back)


@bp.route("/versions/<int:version_id>/copy", methods=["POST"])
@admin_required
def copy(version_id: int):
    version = _version(version_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        draft = copy_version(version, current_user)
        db.session.commit()
    except RecordError as error:
        return _refuse(error, url_for(".solve", version_id=version_id))
    flash(_("Version %(n)s is a copy of version %(m)s: change it here.", n=draft.number, m=version.number),
          "success")
    return redirect(url_for(".meetings", version_id=draft.id))


@bp.route("/versions/<int:version_id>/meetings")
@admin_required
def meetings(version_id: int):
    version = _version(version_id)
    if not has_timetable(version):
        abort(404)
    rows = db.session.scalars(
        sa.select(MeetingAssignment).where(MeetingAssignment.version_id == version.id)
        .options(joinedload(MeetingAssignment.section), joinedload(MeetingAssignment.room),
                 joinedload(MeetingAssignment.teacher))).all()
    rows = sorted(rows, key=lambda m: (m.section.code, m.meeting))
    return render_template("timetable/meetings.html", version=version, term=version.term, rows=rows,
                           draft=is_draft(version), button=ButtonForm())


@bp.route("/versions/<int:version_id>/meetings/<int:meeting_id>/lock", methods=["POST"])
@admin_required
def lock(version_id: int, meeting_id: int):
    version = _version(version_id)
    row = _meeting(version, meeting_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    back = url_for(".meetings", version_id=version.id) + f"#m{row.id}"
    try:
        set_locked(row, request.form.get("locked") == "1", current_user)
        db.session.commit()
    except RecordError as error:
        return _refuse(error, back)
    return redirect(back)


def _move_form(version: TimetableVersion, row: MeetingAssignment) -> MoveForm:
    from college.i18n import format_slot
    from college.people.models import Teacher
    from college.places.models import Room, Site
    from college.timetable.adapter import slot_list

    form = MoveForm()
    form.slot.choices = [(s, format_slot(s)) for s in slot_list(version.term)]
    rooms = db.session.execute(sa.select(Room.id, Room.name, Room.seats, Site.name).join(Room.site)
                               .order_by(Site.code, Room.name)).all()
    form.room.choices = [(rid, f"{site} · {name} ({seats})") for rid, name, seats, site in rooms]
    subject = row.section.course.subject_id
    teachers = db.session.scalars(sa.select(Teacher).order_by(Teacher.code)).all()
    # Those who teach the class's subject first; the others stay choosable and the check says why not.
    teachers.sort(key=lambda t: subject not in {s.id for s in t.subjects})
    form.teacher.choices = [(t.id, f"{t.name} ({t.code})") for t in teachers]
    if request.method == "GET":
        form.slot.data = row.slot
        form.room.data = row.room_id
        form.teacher.data = row.teacher_id
    return form


def _move_target(form: MoveForm):
    from college.people.models import Teacher
    from college.places.models import Room

    room = db.session.get(Room, form.room.data) if form.room.data is not None else None
    teacher = db.session.get(Teacher, form.teacher.data) if form.teacher.data is not None else None
    return form.slot.data, room, teacher


def _submit_move(version: TimetableVersion, row: MeetingAssignment, form: MoveForm) -> tuple[bool, list[dict], str]:
    """Move the meeting where the validated form says and commit, flashing the new penalty:
    (moved, the rules it breaks, the message refusing it); nothing is written when refused."""
    try:
        move_meeting(row, *_move_target(form), current_user)
        db.session.commit()
    except MoveRefused as refused:
        db.session.rollback()
        return False, refused.violations, refused.message
    except RecordError as error:
        db.session.rollback()
        return False, [], error.message
    flash(_("The meeting was moved; the penalty is now %(p)s.", p=f"{version.objective:g}"), "success")
    return True, [], ""


@bp.route("/versions/<int:version_id>/meetings/<int:meeting_id>/move", methods=["GET", "POST"])
@admin_required
def move(version_id: int, meeting_id: int):
    version = _version(version_id)
    row = _meeting(version, meeting_id)
    if not is_draft(version):
        flash(_("Version %(n)s cannot be changed: make a copy to edit first.", n=version.number), "error")
        return redirect(url_for(".meetings", version_id=version.id))
    form = _move_form(version, row)
    violations, status = [], 200
    if form.validate_on_submit():
        moved, violations, message = _submit_move(version, row, form)
        if moved:
            return redirect(url_for(".meetings", version_id=version.id) + f"#m{row.id}")
        form.form_errors.append(message)
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("timetable/move.html", version=version, term=version.term, row=row, form=form,
                           violations=violations), status


@bp.route("/versions/<int:version_id>/meetings/<int:meeting_id>/check.json")
@admin_required
def check_move_json(version_id: int, meeting_id: int):
    """The validator's answer to a move the form is about to make: {ok, violations, penalties, objective}."""
    from college.people.models import Teacher
    from college.places.models import Room

    version = _version(version_id)
    row = _meeting(version, meeting_id)
    if not has_timetable(version):
        abort(404)
    room = db.session.get(Room, request.args.get("room", type=int) or 0)
    teacher = db.session.get(Teacher, request.args.get("teacher", type=int) or 0)
    slot = request.args.get("slot", "")
    check = move_check(row, slot, room, teacher)
    response = jsonify(check.as_json())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/versions/<int:version_id>/meetings/<int:meeting_id>/move.json", methods=["POST"])
@admin_required
def move_json(version_id: int, meeting_id: int):
    """The move form's POST for a script (a meeting dropped on a draft's week grid): the same form, CSRF
    token and operation; answers {ok, violations, message}, 422 when refused (nothing written)."""
    version = _version(version_id)
    row = _meeting(version, meeting_id)
    form = _move_form(version, row)
    if form.validate_on_submit():
        moved, violations, message = _submit_move(version, row, form)
    else:
        moved, violations = False, []
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
    response = jsonify({"ok": moved, "violations": violations, "message": message})
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if moved else 422


@bp.route("/versions/<int:version_id>/resolve", methods=["POST"])
@admin_required
def resolve(version_id: int):
    """A new solve of the term keeping this version's locked meetings, with the published timetable as reference."""
    version = _version(version_id)
    form = SolveForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for(".solve", version_id=version_id))
    try:
        new = _start_solve(version.term, form, locks_from=version,
                           note=form.note.data or _("Re-solve from version %(n)s", n=version.number))
    except RecordError as error:
        return _refuse(error, url_for(".solve", version_id=version_id))
    return redirect(url_for(".solve", version_id=new.id))


# --- repair, diff, JSON -----------------------------------------------------------------------

@bp.route("/terms/<int:term_id>/repair", methods=["GET", "POST"])
@admin_required
def repair(term_id: int):
    from college.timetable.repair import day_list, repair_needs

    term = _term(term_id)
    form = SolveForm()
    version, status = _solve_from_form(term, form, note=form.note.data or _("Repair"), repair=True)
    if version is not None:
        return redirect(url_for(".solve", version_id=version.id))
    return render_template("timetable/repair.html", term=term, form=form, needs=repair_needs(term),
                           published=published_version(term), day_list=day_list,
                           button_form=ButtonForm()), status


@bp.route("/terms/<int:term_id>/diff")
@admin_required
def diff(term_id: int):
    """Two versions of the term side by side: every moved meeting, who is affected, the penalties."""
    from college.timetable.diff import PENALTY_NAMES, diff_versions

    term = _term(term_id)
    versions = grids.viewable_versions(term)
    by_number = {v.number: v for v in versions}
    published = published_version(term)
    old = by_number.get(request.args.get("old", type=int) or -1) or published or (versions[-1] if versions else None)
    new = by_number.get(request.args.get("new", type=int) or -1) or (versions[0] if versions else None)
    result = diff_versions(old, new) if old is not None and new is not None else None
    if request.args.get("format") == "csv" and result is not None:
        from college.reports.exports import to_csv
        from college.timetable.diff import learner_rows

        filename = f"affected-learners-{term.id}-v{old.number}-v{new.number}.csv"
        return Response(to_csv(learner_rows(result)), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    return render_template("timetable/diff.html", term=term, versions=versions, old=old, new=new, diff=result,
                           penalty_names=PENALTY_NAMES)


def _json_download(data: dict, filename: str) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/versions/<int:version_id>/problem.json")
@admin_required
def problem_json(version_id: int):
    """The problem this version was solved from, in the shared format."""
    version = _version(version_id)
    if not version.problem:
        abort(404)
    return _json_download(version.problem, f"problem-{version.term_id}-{version.number}.json")


@bp.route("/versions/<int:version_id>/solution.json")
@admin_required
def solution_json(version_id: int):
    """The version's timetable as a solution in the shared format (read from its meeting rows)."""
    from college.timetable.adapter import version_to_solution

    version = _version(version_id)
    if not has_timetable(version):
        abort(404)
    return _json_download(version_to_solution(version), f"solution-{version.term_id}-{version.number}.json")
