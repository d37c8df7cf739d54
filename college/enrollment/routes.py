"""Enrollment pages: the administrators' class roster (enroll by phone, withdraw, CSV), a teacher's list
of who is in their class, and the learners' own path (confirm, the enrollment slip, my classes,
withdraw) for learners and their proxies. Rules live in operations.py."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from college.attendance.operations import tallies
from college.auth.access import admin_required, roles_required
from college.auth.models import Role
from college.calendar.forms import ButtonForm
from college.catalog.models import Section, Term
from college.enrollment import lottery, slips
from college.enrollment import operations as ops
from college.enrollment.forms import ChooseLearnerForm, EnrollByPhoneForm
from college.enrollment.models import Enrollment, EnrollmentStatus
from college.extensions import db
from college.i18n import format_day
from college.records import RecordError
from college.reports.exports import to_csv
from college.timetable.models import MeetingAssignment
from college.timetable.operations import published_version
from college.timetable.sessions import covered_meetings

bp = Blueprint("enrollment", __name__)


def _section(section_id: int) -> Section:
    section = db.session.get(Section, section_id)
    if section is None:
        abort(404)
    return section


@bp.route("/admin/sections/<int:section_id>/enrollments", methods=["GET", "POST"])
@admin_required
def roster(section_id: int):
    """The class roster; the form enrolls a learner found by phone number."""
    section = _section(section_id)
    form = EnrollByPhoneForm()
    status = 200
    if form.validate_on_submit():
        found = ops.find_learner_by_phone(form.phone.data)
        form.learner_id.choices = [(str(le.id), f"{le.name} {le.phone}") for le in found]
        chosen = [le for le in found if str(le.id) == form.learner_id.data] if len(found) > 1 else found
        if not found:
            form.phone.errors = [_("No learner has the phone number %(phone)s.", phone=form.phone.data)]
        elif not chosen:
            form.learner_id.errors = [_("Several learners share this number: choose one.")]
        else:
            learner = chosen[0]
            try:
                row = ops.enroll(learner, section, current_user)
                position = ops.waitlist_position(row)
                db.session.commit()
                if row.status == EnrollmentStatus.REQUESTED:
                    flash(_("%(name)s asked for a seat in %(section)s: the seats are drawn by lot on %(day)s.",
                            name=learner.name, section=section.code, day=format_day(section.term.lottery_on)),
                          "success")
                elif position is None:
                    flash(_("%(name)s is enrolled in %(section)s.", name=learner.name, section=section.code),
                          "success")
                else:
                    flash(_("%(section)s is full: %(name)s is number %(n)s on the waitlist.",
                            name=learner.name, section=section.code, n=position), "success")
                return redirect(url_for(".roster", section_id=section.id))
            except RecordError as error:
                db.session.rollback()
                form.form_errors.append(str(error.message))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("enrollment/roster.html", section=section, roster=ops.roster(section), form=form,
                           button=ButtonForm(), tally=tallies(section)), status


@bp.route("/admin/enrollments/<int:enrollment_id>/withdraw", methods=["POST"])
@admin_required
def withdraw(enrollment_id: int):
    """Withdraw a learner (the first on the waitlist moves up into a freed seat)."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name, section_id = enrollment.learner.name, enrollment.section_id
    try:
        ops.withdraw(enrollment, current_user)
        db.session.commit()
        flash(_("%(name)s is withdrawn.", name=name), "success")
    except RecordError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    return redirect(url_for(".roster", section_id=section_id))


@bp.route("/admin/sections/<int:section_id>/enrollments.csv")
@admin_required
def roster_csv(section_id: int):
    """The roster for a spreadsheet: UTF-8 with BOM, enrolled first, then the waitlist and the requests in
    the draw; with each learner's sessions attended out of those marked."""
    section = _section(section_id)
    result = ops.roster(section)
    rows = [[_("Status"), _("Waitlist position"), _("Full name"), _("Phone"), _("Age"), _("Home community"),
             _("Emergency contact"), _("Emergency phone"), _("Sessions attended"), _("Sessions marked")]]
    tally = tallies(section)
    for line in result.enrolled + result.waitlist + result.requested:
        le = line.learner
        status = line.enrollment.status
        attended = tally.get(le.id)
        rows.append([{"enrolled": _("enrolled"), "waitlisted": _("waitlisted")}.get(status, _("in the draw")),
                     "" if line.position is None else str(line.position), le.name, le.phone,
                     "" if line.age is None else str(line.age), line.community, le.emergency_name, le.emergency_phone,
                     str(attended.present) if attended else "", str(attended.marked) if attended else ""])
    filename = f"roster-{section.term_id}-{section.code}.csv"
    return Response(to_csv(rows), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def teaches(account, section: Section) -> bool:
    """The teacher teaches this class in its term's published timetable, or takes one of its sessions as a
    substitute."""
    teacher_id = account.teacher_id
    if teacher_id is None:
        return False
    version = published_version(section.term)
    if version is None:
        return False
    if any(section_id == section.id for section_id, _meeting in covered_meetings(teacher_id)):
        return True
    return db.session.scalar(sa.select(MeetingAssignment.id).where(
        MeetingAssignment.version_id == version.id, MeetingAssignment.section_id == section.id,
        sa.func.coalesce(MeetingAssignment.teacher_id, section.teacher_id) == teacher_id).limit(1)) is not None


@bp.route("/my/classes/<int:section_id>/roster")
@roles_required(Role.TEACHER)
def teacher_roster(section_id: int):
    """Who is in my class: names and phone numbers of the enrolled learners."""
    section = _section(section_id)
    if not teaches(current_user, section):
        abort(403)
    return render_template("enrollment/teacher_roster.html", section=section, roster=ops.roster(section),
                           tally=tallies(section))


# --- learners and their proxies: confirm, the slip, my classes, withdraw ----------------------

LEARNER_ROLES = (Role.LEARNER, Role.PROXY)


def _my_enrollment(enrollment_id: int) -> Enrollment:
    """The enrollment, if the user may act for its learner (404 when there is none, 403 otherwise)."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None:
        abort(404)
    if not ops.can_act_for(current_user, enrollment.learner):
        abort(403)
    return enrollment


def _active_row(learner, section: Section) -> Enrollment | None:
    return db.session.scalar(sa.select(Enrollment).where(
        Enrollment.section_id == section.id, Enrollment.learner_id == learner.id,
        Enrollment.status != EnrollmentStatus.WITHDRAWN))


@bp.route("/classes/<int:section_id>/enroll", methods=["GET", "POST"])
@roles_required(*LEARNER_ROLES)
def confirm(section_id: int):
    """What the learner signs up for, and one button; a proxy also chooses which linked learner.

    POST enrolls and redirects to the slip (a repeated POST finds the same enrollment: one seat).
    A refusal is said in words on this page."""
    section = _section(section_id)
    learners = ops.learners_for(current_user)
    form = ChooseLearnerForm()
    form.learner_id.choices = [(str(le.id), le.name) for le in learners]
    refusal, status = None, 200
    if request.method == "POST":
        chosen = form.learner_id.data or (str(learners[0].id) if len(learners) == 1 else None)
        learner = next((le for le in learners if str(le.id) == chosen), None)
        if chosen and learner is None:
            abort(403)      # not the account's own learner, nor one linked to this proxy
        if not form.validate_on_submit():
            status = 422
        elif learner is None:
            form.learner_id.errors = [_("Please choose who is enrolling.")]
            status = 422
        else:
            try:
                row = ops.enroll(learner, section, current_user)
                db.session.commit()
                return redirect(url_for(".slip", enrollment_id=row.id), 303)
            except ops.EnrollmentError as error:
                db.session.rollback()
                if error.code == "not_allowed":
                    abort(403)
                refusal, status = str(error.message), 422
                section = _section(section_id)
    elif len(learners) == 1:
        already = _active_row(learners[0], section)
        if already is not None:
            return redirect(url_for(".slip", enrollment_id=already.id))
        try:
            ops.check_enrollment(learners[0], section)
        except ops.EnrollmentError as error:
            refusal = str(error.message)
    # One learner refused: nothing to press but "choose another class"; a proxy may choose someone else.
    may_submit = bool(learners) and (refusal is None or len(learners) > 1)
    return render_template("enrollment/confirm.html", section=section, details=slips.class_details(section),
                           learners=learners, form=form, refusal=refusal, may_submit=may_submit,
                           draw_day=section.term.lottery_on if ops.lottery_pending(section.term) else None), status


@bp.route("/my/classes/<int:enrollment_id>")
@login_required
def slip(enrollment_id: int):
    """The enrollment slip: enrolled or the place on the waitlist, and everything needed to turn up."""
    enrollment = _my_enrollment(enrollment_id)
    return render_template("enrollment/slip.html", enrollment=enrollment,
                           position=ops.waitlist_position(enrollment),
                           details=slips.class_details(enrollment.section))


@bp.route("/admin/terms/<int:term_id>/draw", methods=["GET", "POST"])
@admin_required
def draw(term_id: int):
    """The term's seat draw: before it, the requests against the free seats of each class and the button
    that draws them (from the draw day on); after it, when, by whom, its seed and what each class got."""
    term = db.session.get(Term, term_id)
    if term is None:
        abort(404)
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            done = lottery.run_draw(term, current_user)
            db.session.commit()
            flash(_("The seats are drawn: %(seated)s learners got a seat, %(waiting)s are on waitlists in the "
                    "order drawn.", seated=done.seated, waiting=done.waitlisted), "success")
        except RecordError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        return redirect(url_for(".draw", term_id=term_id), 303)
    done = lottery.draw_of(term)
    return render_template("enrollment/draw.html", term=term, done=done, form=form,
                           demand=lottery.demand(term) if done is None else [],
                           results=lottery.results(term) if done is not None else [],
                           may_draw=term.lottery_on is not None and date.today() >= term.lottery_on)


@bp.route("/my/classes")
@roles_required(*LEARNER_ROLES)
def my_classes():
    """The classes of this term of the learner, or of each learner a proxy acts for."""
    return render_template("enrollment/my_classes.html", groups=slips.my_classes(current_user),
                           proxy=current_user.role == Role.PROXY,
                           promotions=ops.unseen_promotions(current_user), ack_form=ButtonForm())


@bp.route("/my/classes/<int:enrollment_id>/seen", methods=["POST"])
@login_required
def acknowledge(enrollment_id: int):
    """"Got it" on the notice that the waitlist gave the learner a seat: the notice goes away."""
    enrollment = _my_enrollment(enrollment_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    ops.acknowledge_promotion(enrollment, current_user)
    db.session.commit()
    back = "main.home" if request.form.get("back") == "home" else ".my_classes"
    return redirect(url_for(back), 303)


@bp.route("/my/classes/<int:enrollment_id>/withdraw", methods=["GET", "POST"])
@login_required
def leave(enrollment_id: int):
    """Ask once more, then withdraw (the seat goes to the first on the waitlist)."""
    enrollment = _my_enrollment(enrollment_id)
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        name, course = enrollment.learner.name, enrollment.section.course.name
        try:
            ops.withdraw(enrollment, current_user)
            db.session.commit()
            flash(_("%(name)s has left %(course)s.", name=name, course=course), "success")
        except RecordError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        if current_user.role in LEARNER_ROLES:
            return redirect(url_for(".my_classes"), 303)
        return redirect(url_for(".slip", enrollment_id=enrollment_id), 303)
    return render_template("enrollment/leave.html", enrollment=enrollment, form=form,
                           details=slips.class_details(enrollment.section))
