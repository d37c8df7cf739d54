"""Small helpers for the import tests: CSV bytes from rows, counts of records and audit entries."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from college.extensions import db
from college.models import AuditEntry


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    """Rows (header first) as a CSV file in the given encoding."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def audit_count() -> int:
    return count(AuditEntry)


def errors_of(result) -> list[tuple[int, str]]:
    """(line, column) of each error, in order."""
    return [(error.line, error.column) for error in result.errors]


def messages_of(result) -> list[str]:
    return [str(error.message) for error in result.errors]
