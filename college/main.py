"""The home page: where each kind of user starts."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from college.auth.models import Role
from college.calendar.forms import ButtonForm
from college.calendar.operations import group_sessions, next_teaching_session
from college.enrollment.operations import unseen_promotions
from college.enrollment.slips import next_sessions

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.has_role(Role.ADMIN, Role.COORDINATOR):
        return redirect(url_for("admin.dashboard"))
    promotions, upcoming, teaching = [], [], None
    if current_user.role in (Role.LEARNER, Role.PROXY):
        promotions = unseen_promotions(current_user)
        upcoming = next_sessions(current_user)
    elif current_user.role == Role.TEACHER:
        teaching = next_teaching_session(current_user.teacher_id)
    group_next = None
    if current_user.role == Role.GROUP and current_user.children_group_id is not None:
        group_next = next((s for s in group_sessions(current_user.children_group_id) if not s.cancelled), None)
    return render_template("home.html", promotions=promotions, ack_form=ButtonForm(), upcoming=upcoming,
                           teaching=teaching, group_next=group_next)
