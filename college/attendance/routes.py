"""The attendance sheet of one dated session: the teacher (or a substitute, the site's coordinator, the
office) marks each learner present, absent or on leave; and the term's attendance at a glance for staff."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from college.attendance import operations as ops
from college.attendance.models import Presence
from college.auth.access import staff_required
from college.calendar.forms import ButtonForm
from college.catalog.models import Section, Term
from college.extensions import db
from college.records import RecordError

bp = Blueprint("attendance", __name__)


def _session_args() -> tuple[Section, int, date]:
    section = db.session.get(Section, request.args.get("section", type=int) or 0)
    meeting = request.args.get("meeting", type=int)
    try:
        on_date = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        on_date = None
    if section is None or meeting is None or on_date is None:
        abort(404)
    return section, meeting, on_date


@bp.route("/attendance/session", methods=["GET", "POST"])
@login_required
def take():
    """GET: the sheet, each learner's mark (present by default when none is saved yet). POST: save it."""
    section, meeting, on_date = _session_args()
    try:
        session = ops.session_of(section, meeting, on_date)
    except RecordError:
        abort(404)
    if not ops.may_take(current_user, session):
        abort(403)
    form, status = ButtonForm(), 200
    lines = ops.sheet(section, meeting, on_date)
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        marks = {}
        for line in lines:
            value = request.form.get(f"p-{line.learner.id}", "")
            if value in {p.value for p in Presence}:
                marks[line.learner.id] = Presence(value)
        try:
            ops.record(section, meeting, on_date, marks, current_user)
            db.session.commit()
            counts = {p: sum(1 for v in marks.values() if v == p) for p in Presence}
            flash(_("Attendance saved: %(present)s present, %(absent)s absent, %(excused)s on leave.",
                    present=counts[Presence.PRESENT], absent=counts[Presence.ABSENT],
                    excused=counts[Presence.EXCUSED]), "success")
            return redirect(request.full_path.rstrip("?"), 303)
        except RecordError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            status = 422
            lines = ops.sheet(section, meeting, on_date)
    return render_template("attendance/sheet.html", section=section, session=session, lines=lines, form=form,
                           presences=list(Presence), taken=any(line.presence for line in lines),
                           back=url_for("calendar.my_timetable") if current_user.teacher_id else
                           url_for("enrollment.roster", section_id=section.id)), status


@bp.route("/admin/attendance")
@staff_required
def overview():
    """Each class's attendance so far, and the learners absent at their last sessions (to phone them): the
    whole district for the office, their own sites for a coordinator."""
    from college.calendar import operations as calendar_ops

    term_id = request.args.get("term", type=int)
    if term_id is not None:
        term = db.session.get(Term, term_id)
        if term is None:
            abort(404)
    else:
        versions = calendar_ops.published_versions()
        if not versions:
            return render_template("calendar/no_term.html")
        term = versions[0].term
    sites = calendar_ops.session_sites(current_user)
    classes, absent = ops.term_attendance(term, sites)
    return render_template("attendance/overview.html", term=term, classes=classes, absent=absent,
                           untaken=sum(c.held - c.taken for c in classes))
