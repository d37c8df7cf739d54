"""Administrators' timetable pages: versions of a term, a solve's live progress, week grids."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from college.auth.access import admin_required
from college.catalog.models import Term
from college.extensions import db
from college.records import RecordError
from college.timetable import grids
from college.timetable.forms import ButtonForm, SolveForm
from college.timetable.jobs import dispatch
from college.timetable.models import JobState, SolverStatus, TimetableVersion
from college.timetable.operations import (
    cancel_solve,
    fail_stale_solves,
    publish_version,
    request_solve,
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
    status = 200
    if form.validate_on_submit():
        try:
            version = request_solve(term, current_user, time_limit=form.time_limit.data,
                                    note=form.note.data or "")
            db.session.commit()
        except RecordError as error:
            db.session.rollback()
            if error.field in form._fields:
                form[error.field].errors.append(error.message)
            else:
                form.form_errors.append(error.message)
            status = 422
        else:
            try:
                dispatch(version)
            except RecordError as error:
                flash(error.message, "error")
            return redirect(url_for(".solve", version_id=version.id))
    elif request.method == "POST":
        status = 422
    else:
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
    return render_template("timetable/solve.html", version=version, p=progress(version),
                           button=ButtonForm(), counts=grids.placed_counts(version),
                           penalties=grids.penalty_sentences(version), unplaced=grids.unplaced(version))


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
        publish_version(version, current_user)
        db.session.commit()
        flash(_("Version %(n)s is now the published timetable.", n=version.number), "success")
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
                           unplaced=grids.unplaced(version) if version else [],
                           penalties=grids.penalty_sentences(version) if version else [])


CALENDAR_KINDS = ("teacher", "room", "site")


@bp.route("/terms/<int:term_id>/calendar/<kind>/<code>.ics")
@admin_required
def calendar(term_id: int, kind: str, code: str):
    """The published timetable's dated sessions of one teacher, room (by id) or site, as iCalendar."""
    from college.timetable.exports import ical_feed
    from college.timetable.sessions import dated_sessions

    term = _term(term_id)
    if kind not in CALENDAR_KINDS:
        abort(404)
    version = db.session.scalars(sa.select(TimetableVersion).where(
        TimetableVersion.term_id == term.id, TimetableVersion.published_at.is_not(None))).first()
    if version is None:
        return _("This term has no published timetable yet."), 404, {"Content-Type": "text/plain; charset=utf-8"}
    if kind == "teacher":
        chosen = [m for m in version.meetings if m.teacher is not None and m.teacher.code == code]
    elif kind == "site":
        chosen = [m for m in version.meetings if m.room is not None and m.room.site.code == code]
    else:
        chosen = [m for m in version.meetings if m.room is not None and str(m.room_id) == code]
    if not chosen:
        abort(404)
    body = ical_feed(dated_sessions(chosen, term), f"{term.name} {code}")
    return body, 200, {"Content-Type": "text/calendar; charset=utf-8",
                       "Content-Disposition": f'attachment; filename="{kind}-{code}.ics"'}
