"""List, search, create, edit and delete pages for one kind of record.

A domain describes its records with `RecordPages` and calls `register_pages(bp, pages)`;
the route handlers here stay thin: the form validates, the domain's operation changes the
database (and writes the audit log), the handler commits or rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from college.auth.access import roles_required
from college.auth.models import Role
from college.extensions import db
from college.records import RecordError

IGNORED_FIELDS = {"csrf_token", "submit"}

# (list endpoint, pages) for every registered kind of record, for the dashboard's menu.
REGISTRY: list = []


@dataclass
class Column:
    label: Any
    value: Callable[[Any], Any]


@dataclass
class RecordPages:
    name: str                       # URL part and endpoint prefix, e.g. "rooms"
    model: type
    title: Any                      # plural, shown as the page heading
    singular: Any
    form: type
    columns: list[Column]
    create: Callable[[dict, Any], Any]
    update: Callable[[Any, dict, Any], Any]
    delete: Callable[[Any, Any], None]
    search: list = field(default_factory=list)            # model columns matched with LIKE
    order_by: list = field(default_factory=list)
    roles: tuple = (Role.ADMIN,)
    form_values: Callable | None = None                   # form -> dict of model values
    fill_form: Callable | None = None                     # (form, obj) -> None, for edit pages
    scope: Callable | None = None                         # (select, account) -> select: what one sees
    allowed: Callable | None = None                       # (obj or None, account, values) -> bool
    options: Callable | None = None                       # query options for the list (eager loads)
    extra_actions: list = field(default_factory=list)     # (label, endpoint) buttons on the list page
    delete_roles: tuple | None = None                     # who may delete (default: `roles`)
    links: Callable | None = None                         # (obj, account) -> [(label, url)] per record

    def may_create(self, account) -> bool:
        return account.role in self.roles and (self.allowed is None or self.allowed(None, account, None))

    def record_links(self, obj, account) -> list:
        return list(self.links(obj, account)) if self.links else []

    def may_delete(self, obj, account) -> bool:
        if account.role not in (self.delete_roles or self.roles):
            return False
        return self.allowed is None or self.allowed(obj, account, None)

    def values(self, form) -> dict:
        if self.form_values:
            return self.form_values(form)
        return {k: v for k, v in form.data.items() if k not in IGNORED_FIELDS}


CONSTRAINT_MESSAGES = {
    "uq_": "This is already taken: names and codes must be unique here.",
    "ck_": "A value is out of its allowed range.",
    "fk_": "A linked record does not exist, or this record is still in use.",
}


def integrity_message(error: IntegrityError) -> str:
    """A sentence for a database refusal, naming the constraint that refused."""
    text = str(error.orig)
    for prefix, message in CONSTRAINT_MESSAGES.items():
        if prefix in text:
            name = next((w.strip('".,()') for w in text.split() if prefix in w), "")
            return _(message) + (f" ({name})" if name else "")
    if "UNIQUE" in text.upper():
        return _(CONSTRAINT_MESSAGES["uq_"])
    if "FOREIGN KEY" in text.upper():
        return _(CONSTRAINT_MESSAGES["fk_"])
    return _("The database refused this change.")


def apply_error(form, error: RecordError) -> None:
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = list(target.errors) + [str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def save(form, operation: Callable[[], Any]) -> Any | None:
    """Run one operation in the request's transaction; commit, or roll back and explain on the form."""
    try:
        result = operation()
        db.session.commit()
        return result if result is not None else True
    except RecordError as error:
        db.session.rollback()
        apply_error(form, error)
    except IntegrityError as error:
        db.session.rollback()
        form.form_errors.append(integrity_message(error))
    return None


def register_pages(bp: Blueprint, pages: RecordPages) -> None:
    """Add /<name>/, /<name>/new, /<name>/<id>/edit and /<name>/<id>/delete to `bp`."""
    ep = pages.name
    guard = roles_required(*pages.roles)

    def visible(query):
        return pages.scope(query, current_user) if pages.scope else query

    def load(record_id: int):
        obj = db.session.scalar(visible(sa.select(pages.model).where(pages.model.id == record_id)))
        if obj is None:
            if db.session.get(pages.model, record_id) is not None:
                abort(403)
            abort(404)
        if pages.allowed and not pages.allowed(obj, current_user, None):
            abort(403)
        return obj

    def check_values(obj, values) -> None:
        if pages.allowed and not pages.allowed(obj, current_user, values):
            abort(403)

    @guard
    def list_view():
        q = request.args.get("q", "").strip()[:100]
        page = max(request.args.get("page", 1, type=int), 1)
        query = visible(sa.select(pages.model))
        if q and pages.search:
            query = query.where(sa.or_(*[col.ilike(f"%{q}%") for col in pages.search]))
        if pages.options:
            query = query.options(*pages.options())
        query = query.order_by(*(pages.order_by or [pages.model.id]))
        result = db.paginate(query, page=page, per_page=50, error_out=False)
        return render_template("admin/list.html", pages=pages, rows=result.items, result=result, q=q)

    @guard
    def new_view():
        if not pages.may_create(current_user):
            abort(403)
        form = pages.form()
        if form.validate_on_submit():
            values = pages.values(form)
            check_values(None, values)
            if save(form, lambda: pages.create(values, current_user)):
                flash(_("Saved."), "success")
                return redirect(url_for(f".{ep}_list"))
        return render_template("admin/form.html", pages=pages, form=form, obj=None), (
            422 if request.method == "POST" else 200)

    @guard
    def edit_view(record_id: int):
        obj = load(record_id)
        form = pages.form(obj=obj)
        if hasattr(form, "editing"):
            form.editing = obj
        if request.method == "GET" and pages.fill_form:
            pages.fill_form(form, obj)
        if form.validate_on_submit():
            values = pages.values(form)
            check_values(obj, values)
            if save(form, lambda: pages.update(obj, values, current_user)):
                flash(_("Saved."), "success")
                return redirect(url_for(f".{ep}_list"))
        return render_template("admin/form.html", pages=pages, form=form, obj=obj), (
            422 if request.method == "POST" else 200)

    @guard
    def delete_view(record_id: int):
        from flask_wtf import FlaskForm

        obj = load(record_id)
        if not pages.may_delete(obj, current_user):
            abort(403)
        form = FlaskForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            pages.delete(obj, current_user)
            db.session.commit()
            flash(_("Deleted."), "success")
        except RecordError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        except IntegrityError as error:
            db.session.rollback()
            flash(integrity_message(error), "error")
        return redirect(url_for(f".{ep}_list"))

    REGISTRY.append((f"{bp.name}.{ep}_list", pages))
    bp.add_url_rule(f"/{ep}/", f"{ep}_list", list_view)
    bp.add_url_rule(f"/{ep}/new", f"{ep}_new", new_view, methods=["GET", "POST"])
    bp.add_url_rule(f"/{ep}/<int:record_id>/edit", f"{ep}_edit", edit_view, methods=["GET", "POST"])
    bp.add_url_rule(f"/{ep}/<int:record_id>/delete", f"{ep}_delete", delete_view, methods=["POST"])
