"""Import and export pages: /admin/<kind>/import and /admin/<kind>/export.csv (URL rules only)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import BuildError

from college.auth.access import roles_required
from college.auth.models import Role
from college.bulk.actions import KIND_ROLES, bulk_actions  # noqa: F401  (bulk_actions for RecordPages)
from college.bulk.csvfiles import MAX_BYTES, FileRefused
from college.bulk.forms import ImportForm
from college.bulk.kinds import KIND_NAMES, get_kind
from college.bulk.operations import export_file, import_file
from college.extensions import db

bp = Blueprint("bulk", __name__, url_prefix="/admin")

LIST_ENDPOINTS = {"sites": "places.sites_list", "rooms": "places.rooms_list",
                  "teachers": "people.teachers_list", "courses": "catalog.courses_list",
                  "sections": "catalog.sections_list"}
SHOWN_ERRORS = 500


def _list_url(kind_name: str) -> str | None:
    try:
        return url_for(LIST_ENDPOINTS[kind_name])
    except BuildError:  # the list page's blueprint is not registered
        return None


def _import_view(kind_name: str):
    def view():
        kind = get_kind(kind_name)
        form = ImportForm()
        result, status = None, 200
        if request.method == "POST":
            if form.validate_on_submit():
                upload = form.file.data
                data = upload.read(MAX_BYTES + 1)
                try:
                    result = import_file(kind_name, data, current_user, filename=upload.filename or "")
                except FileRefused as refused:
                    form.file.errors = list(form.file.errors) + [str(refused.message)]
                if result is not None and result.ok:
                    db.session.commit()
                else:
                    db.session.rollback()
            if result is None or not result.ok:
                status = 422
        return render_template("bulk/import.html", kind=kind, form=form, result=result,
                               shown_errors=SHOWN_ERRORS, list_url=_list_url(kind_name),
                               export_url=url_for(f".export_{kind_name}")), status
    view.__name__ = f"import_{kind_name}"
    return roles_required(*KIND_ROLES[kind_name])(view)


def _export_view(kind_name: str):
    def view():
        data = export_file(kind_name, current_user)
        name = f"{kind_name}-{date.today().isoformat()}.csv"
        return Response(data, mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"',
                                 "Cache-Control": "no-store"})
    view.__name__ = f"export_{kind_name}"
    return roles_required(*KIND_ROLES[kind_name])(view)


for _name in KIND_NAMES:
    bp.add_url_rule(f"/{_name}/import", f"import_{_name}", _import_view(_name), methods=["GET", "POST"])
    bp.add_url_rule(f"/{_name}/export.csv", f"export_{_name}", _export_view(_name))


@bp.route("/data/")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def overview():
    """The kinds this account may import and export, one line each."""
    kinds = [get_kind(name) for name in KIND_NAMES if current_user.has_role(*KIND_ROLES[name])]
    if not kinds:
        abort(403)
    return render_template("bulk/overview.html", kinds=kinds, title=_l("Import and export"))
