"""How a CSV cell becomes a value for an operation, and how a record's value becomes a cell.

A `Column` names its CSV header, the key it fills in the operation's `values` (a model
attribute: `site_id`, `subjects`), a parser (cell -> value, or CellError with a sentence)
and a formatter (record -> cell). References are written by code or name, never by id.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from college.extensions import db

# Items of a list cell: "S01;S02". Chinese input methods often give the full-width ones.
LIST_SEPARATORS = re.compile(r"[;；,，、\s]+")
# Spreadsheets run a cell starting with one of these as a formula: exported text gets a "'".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_INT = 2**31 - 1
TRUE_WORDS = {"yes", "y", "true", "1", "是", "有", "√"}
FALSE_WORDS = {"no", "n", "false", "0", "否", "无", "×", ""}


class CellError(Exception):
    """A cell that cannot become a value: `message` says why in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Context:
    """One import or export: who runs it, and lookups shared by its rows."""

    account: Any = None
    cache: dict = field(default_factory=dict)


Parser = Callable[[str, Context], Any]


@dataclass
class Column:
    name: str                                   # CSV header, a stable English code
    attr: str                                   # key in the operation's values
    parse: Parser
    show: Callable[[Any], str]                  # record -> cell
    required: bool = False                      # the header must have it
    hint: Any = ""                              # what to write, for the import page


# Cells -> values -----------------------------------------------------------------------------

def text(max_length: int | None = None) -> Parser:
    """Free text; a leading "'" that guarded a formula-like value on export is taken off."""

    def parse(cell: str, _ctx: Context) -> str:
        if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@":
            cell = cell[1:]
        if max_length is not None and len(cell) > max_length:
            raise CellError(_l("At most %(n)s characters, please.", n=max_length))
        return cell
    return parse


def integer(*, required: bool = False, default: int | None = None) -> Parser:
    """A whole number; an empty cell is the default (None: the operation says whether that is allowed)."""

    def parse(cell: str, _ctx: Context) -> int | None:
        if not cell:
            if required:
                raise CellError(_l("Please enter a whole number."))
            return default
        try:
            number = int(cell)
        except ValueError:
            try:
                value = float(cell)  # "12.0" from a spreadsheet
            except ValueError:
                raise CellError(_l("%(value)s is not a whole number.", value=cell[:40])) from None
            if not math.isfinite(value) or value != int(value):
                raise CellError(_l("%(value)s is not a whole number.", value=cell[:40])) from None
            number = int(value)
        if abs(number) > MAX_INT:
            raise CellError(_l("%(value)s is too large.", value=cell[:40]))
        return number
    return parse


def number(cell: str, _ctx: Context) -> float | None:
    """A decimal number such as 25.49; empty is None."""
    if not cell:
        return None
    try:
        value = float(cell)
    except ValueError:
        raise CellError(_l("%(value)s is not a number.", value=cell[:40])) from None
    if not math.isfinite(value):
        raise CellError(_l("%(value)s is not a number.", value=cell[:40]))
    return value


def money(cell: str, _ctx: Context) -> Decimal | None:
    """An amount such as 120 or 120.50; empty is None (the operation makes it 0)."""
    if not cell:
        return None
    try:
        value = Decimal(cell.replace("¥", "").replace("￥", "").strip())
    except InvalidOperation:
        raise CellError(_l("%(value)s is not an amount like 120.50.", value=cell[:40])) from None
    if not value.is_finite():
        raise CellError(_l("%(value)s is not an amount like 120.50.", value=cell[:40]))
    return value


def boolean(cell: str, _ctx: Context) -> bool:
    """yes/no (also true/false, 1/0, 是/否); empty is no."""
    word = cell.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_l("Write yes or no, not %(value)s.", value=cell[:40]))


def items(cell: str) -> list[str]:
    """The items of a list cell, in order, each once."""
    return list(dict.fromkeys(part for part in LIST_SEPARATORS.split(cell) if part))


def words(cell: str, _ctx: Context) -> list[str]:
    """A list such as piano;desks (lower case)."""
    return items(cell.lower())


def slots_or_none(cell: str, ctx: Context) -> list[str] | None:
    """Weekly slots mon:am1;tue:pm2; empty means "no limit" (None)."""
    return words(cell, ctx) or None


def choice(enum_cls: type[Enum], default=None) -> Parser:
    """One of an enumeration's codes; empty is the default."""

    def parse(cell: str, _ctx: Context):
        if not cell and default is not None:
            return default
        try:
            return enum_cls(cell.lower())
        except ValueError:
            allowed = ", ".join(member.value for member in enum_cls)
            raise CellError(_l("Write one of %(allowed)s.", allowed=allowed)) from None
    return parse


def reference(model, key, message, *, required: bool = True, objects: bool = False) -> Parser:
    """A record named by its code (or name): its id, or the record itself with objects=True."""

    def parse(cell: str, ctx: Context):
        if not cell:
            if required:
                raise CellError(message(""))
            return None
        found = _lookup(ctx, model, key, cell)
        if found is None:
            raise CellError(message(cell[:40]))
        return found if objects else found.id
    return parse


def _lookup(ctx: Context, model, key, cell: str):
    """The record whose `key` is `cell`, remembered for the import's later rows (records found
    stay found: an import creates and changes records but never deletes or renames them by key)."""
    cache_key = (model, key.key, cell)
    found = ctx.cache.get(cache_key)
    if found is None:
        found = db.session.scalar(sa.select(model).where(key == cell))
        if found is not None:
            ctx.cache[cache_key] = found
    return found


def references(model, key, message) -> Parser:
    """Several records named by code, "S01;S02": a list of the records."""

    def parse(cell: str, ctx: Context) -> list:
        codes = items(cell)
        found = [_lookup(ctx, model, key, code) for code in codes]
        missing = [code for code, obj in zip(codes, found, strict=True) if obj is None]
        if missing:
            raise CellError(message(", ".join(code[:40] for code in missing[:5])))
        return found
    return parse


# Values -> cells ----------------------------------------------------------------------------

def cell_text(value) -> str:
    """A value as a cell: yes/no, lists joined with ";", enums by code, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list | tuple):
        return ";".join(cell_text(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def guarded(value: str) -> str:
    """Text that a spreadsheet would run as a formula, with a "'" in front (taken off on import)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def attr(name: str) -> Callable[[Any], str]:
    """Formatter: the record's attribute as a cell."""
    return lambda obj: cell_text(getattr(obj, name))


def free_text(name: str) -> Callable[[Any], str]:
    """Formatter: a free-text attribute, guarded against formulas."""
    return lambda obj: guarded(cell_text(getattr(obj, name)))


def code_of(relation: str, key: str = "code") -> Callable[[Any], str]:
    """Formatter: the code (or name) of a related record, empty when there is none."""

    def show(obj) -> str:
        other = getattr(obj, relation)
        return "" if other is None else cell_text(getattr(other, key))
    return show


def codes_of(relation: str, key: str = "code") -> Callable[[Any], str]:
    """Formatter: the codes of related records, "S01;S02"."""
    return lambda obj: ";".join(cell_text(getattr(other, key)) for other in getattr(obj, relation))


def default_of(column):
    """The model column's plain default value (None when it has none or a computed one)."""
    default = column.default
    return default.arg if default is not None and default.is_scalar else None


def length_of(column) -> int | None:
    """The declared length of a string column (None for unbounded text)."""
    return getattr(column.type, "length", None)
