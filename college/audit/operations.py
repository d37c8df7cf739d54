"""Writing and reading the audit log."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum

import sqlalchemy as sa
from sqlalchemy import inspect

from college.audit.models import AuditEntry
from college.extensions import db


def plain(value):
    """A JSON-able form of a column value, for the log."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, db.Model):
        return getattr(value, "code", None) or getattr(value, "id", None)
    return value


def snapshot(obj) -> dict:
    """Column values and many-to-many ids of a record, as plain data."""
    mapper = inspect(obj).mapper
    data = {c.key: plain(getattr(obj, c.key)) for c in mapper.column_attrs if c.key != "password_hash"}
    for rel in mapper.relationships:
        if rel.secondary is not None:
            data[rel.key] = sorted(plain(v) for v in getattr(obj, rel.key))
    return data


def differences(before: dict, after: dict) -> dict:
    """{field: [old, new]} for every field that changed."""
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after))
            if before.get(k) != after.get(k)}


def log_change(actor, action: str, entity: str, record_id: int | None, summary: str,
               changes: dict | None = None) -> AuditEntry:
    """Add one audit entry to the session (the caller's transaction commits it)."""
    entry = AuditEntry(account_id=getattr(actor, "id", None), action=action, entity=entity,
                       record_id=record_id, summary=summary[:200], changes=changes or {})
    db.session.add(entry)
    return entry


def find_entries(entity: str | None = None, record_id: int | None = None,
                 account_id: int | None = None, limit: int = 200) -> list[AuditEntry]:
    """Newest first, filtered by record and/or by person."""
    query = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if record_id is not None:
        query = query.where(AuditEntry.record_id == record_id)
    if account_id is not None:
        query = query.where(AuditEntry.account_id == account_id)
    return list(db.session.scalars(query))
