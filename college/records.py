"""Creating, changing and deleting records: the one path every page and import goes through.

Each domain's operations.py calls these with its own checks; every change is flushed and
written to the audit log in the caller's transaction. Only a request handler or a CLI
command commits.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

from college.audit.operations import differences, log_change, snapshot
from college.extensions import db


class RecordError(Exception):
    """Bad input for a record: `field` names the form field or CSV column (None: the whole record)."""

    def __init__(self, field: str | None, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def entity_name(obj_or_model) -> str:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return model.__tablename__


def _label(obj) -> str:
    return str(obj)[:120]


def create_record(model, values: dict, actor, *, summary: str | None = None):
    obj = model()
    for key, value in values.items():
        setattr(obj, key, value)
    db.session.add(obj)
    db.session.flush()
    log_change(actor, "create", entity_name(model), obj.id, summary or _label(obj), snapshot(obj))
    return obj


def update_record(obj, values: dict, actor, *, summary: str | None = None):
    before = snapshot(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    db.session.flush()
    changes = differences(before, snapshot(obj))
    if changes:
        log_change(actor, "update", entity_name(obj), obj.id, summary or _label(obj), changes)
    return obj


def references_to(obj) -> list[tuple[str, int]]:
    """(table, count) for every table that still points at obj through a restricting foreign key."""
    table = inspect(obj).mapper.local_table
    found = []
    for other in db.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is not table or (fk.ondelete or "").upper() in ("CASCADE", "SET NULL"):
                continue
            column = fk.parent
            count = db.session.scalar(
                sa.select(sa.func.count()).select_from(other).where(column == getattr(obj, fk.column.key)))
            if count and not (other is table and column.key == fk.column.key):
                found.append((other.name, count))
    return found


TABLE_LABELS = {
    "site": _l("sites"), "room": _l("rooms"), "area": _l("areas"), "section": _l("sections"),
    "course": _l("courses"), "teacher": _l("teachers"), "subject": _l("subjects"),
    "teacher_subject": _l("teachers"), "section_site": _l("sections"), "children_group": _l("children groups"),
    "children_group_site": _l("children groups"), "learner": _l("learners"), "term": _l("terms"),
    "account": _l("accounts"), "enrollment": _l("enrollments"), "session_change": _l("session changes"),
    "attendance": _l("attendance records"),
}


def delete_record(obj, actor, *, summary: str | None = None) -> None:
    """Delete obj, or refuse with a RecordError naming what still uses it."""
    used = references_to(obj)
    if used:
        what = ", ".join(f"{count} {TABLE_LABELS.get(name, name)}" for name, count in used)
        raise RecordError(None, _l("Cannot delete: still used by %(what)s.", what=what))
    record_id = obj.id
    before = snapshot(obj)
    db.session.delete(obj)
    db.session.flush()
    log_change(actor, "delete", entity_name(obj), record_id, summary or _label(obj), before)
