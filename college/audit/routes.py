"""The audit log, filtered by record and by person (administrators only)."""

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from college.audit.operations import find_entries
from college.auth.access import admin_required
from college.auth.models import Account
from college.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.route("/")
@admin_required
def log():
    entity = request.args.get("entity", "").strip() or None
    record_id = request.args.get("record", type=int)
    phone = request.args.get("person", "").strip()
    account_id = None
    if phone:
        account_id = db.session.scalar(sa.select(Account.id).where(Account.phone == phone)) or -1
    entries = find_entries(entity, record_id, account_id)
    return render_template("audit/log.html", entries=entries, entity=entity or "",
                           record=record_id or "", person=phone)
