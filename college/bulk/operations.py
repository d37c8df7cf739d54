"""Importing and exporting one kind of record as CSV: all rows or none.

An import parses every row, runs it through the domain's create/update operation in its own
savepoint (so a later row sees the earlier ones and one bad row does not stop the search for
the others), and keeps the changes only when no row failed: then it adds one audit entry
"import" summing up the file. With any error it rolls everything back, audit entries too, and
returns every bad row by line and column. It never commits: the caller does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError, IntegrityError

from college.admin.pages import integrity_message
from college.audit.operations import log_change, snapshot
from college.bulk.columns import CellError, Context
from college.bulk.csvfiles import Table, read_table, write_table
from college.bulk.kinds import Kind, get_kind
from college.extensions import db
from college.records import RecordError

HEADER_LINE = 1


@dataclass
class RowError:
    line: int            # 1 is the header
    column: str          # CSV column name, "" for the whole row
    message: Any         # lazy string: shown in the reader's language


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"

    def summary(self) -> str:
        return f"{self.kind}: {self.counts()}"


def check_header(kind: Kind, header: list[str]) -> list[RowError]:
    """Errors for unknown, repeated and missing required columns of the header row."""
    errors = []
    known = [c.name for c in kind.columns]
    seen = set()
    for name in header:
        if not name:
            errors.append(RowError(HEADER_LINE, "", _l("A column has no name in the header row.")))
        elif name not in known:
            errors.append(RowError(HEADER_LINE, name, _l(
                "Unknown column. The columns are: %(names)s.", names=", ".join(known))))
        elif name in seen:
            errors.append(RowError(HEADER_LINE, name, _l("This column appears twice.")))
        seen.add(name)
    for column in kind.columns:
        if column.required and column.name not in seen:
            errors.append(RowError(HEADER_LINE, column.name, _l("This column is required but missing.")))
    return errors


def _begin_real_transaction() -> None:
    # pysqlite opens its transaction at the first write; a SAVEPOINT before that would be the
    # outermost one and releasing it would commit, so open the transaction first.
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN")


def import_table(kind_name: str, table: Table, actor, *, filename: str = "") -> ImportResult:
    """Create or update one record per row; keep all or nothing (see the module docstring)."""
    kind = get_kind(kind_name)
    result = ImportResult(kind.name)
    result.errors = check_header(kind, table.header)
    if result.errors:
        return result
    if not table.rows:
        result.errors.append(RowError(HEADER_LINE, "", _l("The file has a header row but no records.")))
        return result
    ctx = Context(account=actor)
    columns = [kind.column(name) for name in table.header]
    _begin_real_transaction()
    outer = db.session.begin_nested()
    try:
        seen_keys: dict[tuple, int] = {}
        for line, cells in table.rows:
            result.rows += 1
            _import_row(kind, columns, line, cells, ctx, seen_keys, result)
        if result.errors:
            outer.rollback()
            return result
        log_change(actor, "import", kind.entity, None, f"{filename or kind.name}: {result.counts()}",
                   {"kind": kind.name, "file": filename[:100], "rows": result.rows,
                    "created": result.created, "updated": result.updated, "unchanged": result.unchanged})
        db.session.flush()
        outer.commit()
    except BaseException:
        if outer.is_active:
            outer.rollback()
        raise
    return result


def _import_row(kind: Kind, columns, line: int, cells: list[str], ctx: Context,
                seen_keys: dict, result: ImportResult) -> None:
    if len(cells) != len(columns):
        result.errors.append(RowError(line, "", _l(
            "This row has %(n)s cells but the header has %(m)s columns.", n=len(cells), m=len(columns))))
        return
    named = {column.name: cell for column, cell in zip(columns, cells, strict=True)}
    values, failed = {}, False
    for column, cell in zip(columns, cells, strict=True):
        try:
            values[column.attr] = column.parse(cell, ctx)
        except CellError as error:
            result.errors.append(RowError(line, column.name, error.message))
            failed = True
    if failed:
        return
    key = tuple(named[name] for name in kind.key)
    if key in seen_keys:
        result.errors.append(RowError(line, kind.key[-1], _l(
            "Line %(other)s has the same %(key)s: each record once per file, please.",
            other=seen_keys[key], key=" + ".join(kind.key))))
        return
    seen_keys[key] = line
    try:
        with db.session.begin_nested():
            if kind.check_row:
                kind.check_row(values, named, ctx)
            existing = kind.find(values)
            if existing is None:
                kind.create({**kind.defaults(set(values)), **values}, ctx.account)
                result.created += 1
            else:
                before = snapshot(existing)
                kind.update(existing, values, ctx.account)
                if snapshot(existing) == before:
                    result.unchanged += 1
                else:
                    result.updated += 1
    except RecordError as error:
        result.errors.append(RowError(line, kind.column_for(error.field), error.message))
    except IntegrityError as error:
        result.errors.append(RowError(line, "", integrity_message(error)))
    except DataError:
        result.errors.append(RowError(line, "", _l("A value is too long or out of range.")))


def import_file(kind_name: str, data: bytes, actor, *, filename: str = "") -> ImportResult:
    """Read CSV bytes (UTF-8 with or without BOM, or GB18030) and import them; FileRefused
    (from college.bulk.csvfiles) when the file as a whole cannot be read."""
    return import_table(kind_name, read_table(data), actor, filename=filename)


def export_rows(kind_name: str, account=None) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of every record the account may see (all of them for account None)."""
    kind = get_kind(kind_name)
    ctx = Context(account=account)
    header = [c.name for c in kind.columns]
    return header, [[c.show(record) for c in kind.columns] for record in kind.records(ctx)]


def export_file(kind_name: str, account=None) -> bytes:
    """The CSV file of export_rows: UTF-8 with a BOM, for Excel."""
    return write_table(*export_rows(kind_name, account))
