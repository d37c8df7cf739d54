"""The administrators' and coordinators' start page."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from college.admin.pages import REGISTRY
from college.auth.access import staff_required
from college.extensions import db
from college.models import Learner, Room, Section, Site, Teacher

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@staff_required
def dashboard():
    counts = {label: db.session.scalar(sa.select(sa.func.count()).select_from(model))
              for label, model in (("sites", Site), ("rooms", Room), ("teachers", Teacher),
                                   ("sections", Section), ("learners", Learner))}
    menu = [(endpoint, pages) for endpoint, pages in REGISTRY if current_user.role in pages.roles]
    return render_template("admin/dashboard.html", menu=menu, counts=counts)
