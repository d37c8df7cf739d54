"""Reading and writing CSV files the way Excel and WPS save them.

Reading accepts UTF-8 with or without a byte-order mark and GB18030 (what Chinese Excel
writes for "CSV (逗号分隔)"); anything else is refused with a sentence saying what to do.
Line numbers are spreadsheet rows: line 1 is the header, line 2 the first record.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# Control characters other than tab, carriage return and line feed: a sign of a binary file.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FileRefused(Exception):
    """The file as a whole cannot be read: `message` says why in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Table:
    """A CSV file read into a header and its non-blank records, each with its line number."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    encoding: str = "utf-8"


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of the file: UTF-8 (BOM or not) first, then GB18030; refuses anything else."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(_l("This is an Excel workbook, not a CSV file. In Excel choose "
                             "\"Save as\" and the type \"CSV UTF-8\", then upload that file."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(_l("This file is saved as UTF-16 (\"Unicode text\"). Save it as "
                             "\"CSV UTF-8\" instead, then upload it again."))
    if b"\x00" in data:
        raise FileRefused(_l("This is not a text file. Please upload a CSV file."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if CONTROL.search(text):
            raise FileRefused(_l("This is not a text file. Please upload a CSV file."))
        return text, ("utf-8" if encoding == "utf-8-sig" else encoding)
    raise FileRefused(_l("The file is neither UTF-8 nor GB18030 text. Save it as \"CSV UTF-8\" "
                         "and upload it again."))


def read_table(data: bytes, *, max_bytes: int | None = None, max_rows: int | None = None) -> Table:
    """The header and records of a CSV file; refuses an empty, too large or malformed file."""
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    max_rows = MAX_ROWS if max_rows is None else max_rows
    if len(data) > max_bytes:
        raise FileRefused(_l("The file is larger than %(mb)s MB. Split it into smaller files.",
                             mb=max_bytes // (1024 * 1024)))
    text, encoding = decode(data)
    text = text.lstrip("\ufeff")  # a second BOM left by some editors
    if not text.strip():
        raise FileRefused(_l("The file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    table, number = None, 0
    try:
        for cells in reader:
            number += 1
            cells = [cell.strip() for cell in cells]
            if table is None:
                table = Table(header=[cell.lstrip("\ufeff").strip().lower() for cell in cells],
                              encoding=encoding)
                continue
            if not any(cells):
                continue  # a blank row, e.g. ",,,," left at the end by a spreadsheet
            if len(table.rows) >= max_rows:
                raise FileRefused(_l("The file has more than %(n)s rows. Split it into smaller files.",
                                     n=max_rows))
            table.rows.append((number, cells))
    except csv.Error:
        raise FileRefused(_l("Line %(line)s is not well-formed CSV: check its quotation marks.",
                             line=number + 1)) from None
    if table is None or not any(table.header):
        raise FileRefused(_l("The file is empty."))
    return table


def write_table(header: list[str], rows: list[list[str]]) -> bytes:
    """CSV bytes in UTF-8 with a BOM (so Excel shows Chinese correctly), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")
