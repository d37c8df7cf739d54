"""Checks the domain operations share: each refuses bad input with a RecordError naming the field."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from college.extensions import db
from college.records import RecordError


def current(values: dict, obj, name: str, default=None):
    """The value a record will have: the new one if given, else the stored one."""
    if name in values:
        return values[name]
    return getattr(obj, name) if obj is not None else default


def text(values: dict, obj, name: str, max_length: int, required=None) -> str:
    """A trimmed text value (stored back into values); `required` is the message when it is empty."""
    raw = current(values, obj, name, "")
    value = "" if raw is None else str(raw).strip()
    if required is not None and not value:
        raise RecordError(name, required)
    if len(value) > max_length:
        raise RecordError(name, _l("At most %(max)d characters.", max=max_length))
    if name in values or obj is None:
        values[name] = value
    return value


def unique(model, column, value, obj, field: str, message, *where) -> None:
    """Refuse `value` when another record of `model` already has it (within `where`)."""
    query = sa.select(model.id).where(column == value, *where)
    if obj is not None and obj.id is not None:
        query = query.where(model.id != obj.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise RecordError(field, message)


def record(model, record_id):
    """The record with this id, or None (also for ids no integer column can hold)."""
    if isinstance(record_id, bool) or not isinstance(record_id, int) or not 0 < record_id < 2**31:
        return None
    return db.session.get(model, record_id)
