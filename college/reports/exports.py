"""Week grids as files: CSV that Excel opens in Chinese (UTF-8 with a byte-order mark) and XLSX.

A grid becomes a table of strings first (`grid_rows`): a title row, a header of periods, then one
row per day whose cells list that slot's meetings one per line. Both formats write that table,
so what a file holds is what the page shows.
"""

from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from college.timetable import grids
from college.timetable.grids import Entry, Grid
from college.timetable.models import TimetableVersion

BOM = "\ufeff"


def every_grid(version: TimetableVersion, kind: str, keys: list[int]) -> dict[int, Grid]:
    """The week grids of many records of one kind (see `grids.week_grids`: one read of the meetings)."""
    return grids.week_grids(version, kind, keys)


def lines_needed(grid: Grid) -> int:
    """Meetings stacked down the page: per day, its fullest slot (at least one), summed."""
    return sum(max([len(grid.cells.get((day, code), [])) for code, _p in grid.periods] + [1])
               for day, _label in grid.days)


def entry_text(entry: Entry) -> str:
    """One meeting on one line: class, course, where, who."""
    return f"{entry.section} {entry.course} · {entry.site} {entry.room} · {entry.teacher}".rstrip(" ·")


def grid_rows(grid: Grid, title: str) -> list[list[str]]:
    """[title], ["", period labels...], then [day label, cell, ...] per day; a cell's meetings one per line."""
    rows = [[title], [""] + [label for _code, label in grid.periods]]
    for day, label in grid.days:
        rows.append([label] + ["\n".join(entry_text(e) for e in grid.cells.get((day, code), []))
                               for code, _plabel in grid.periods])
    return rows


FORMULA_STARTS = ("=", "+", "-", "@")


def _as_text(cell: str) -> str:
    # A cell starting like a formula (a course named "=SUM(...)") would be run by Excel; a quote keeps it text.
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def to_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 with BOM and CRLF line ends (what Excel expects); cells with line breaks are quoted, and a
    cell that starts like a formula gets a leading quote so that Excel shows it instead of running it."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([[_as_text(c) for c in row] for row in rows])
    return (BOM + out.getvalue()).encode("utf-8")


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(text: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _SHEET_FORBIDDEN.sub("_", text).strip("'") or "Sheet"
    name, n = base[:31], 2
    while name in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def to_xlsx(sheets: list[tuple[str, list[list[str]]]]) -> bytes:
    """A workbook with one sheet per (name, rows): bold title, framed cells that wrap, A4 landscape."""
    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin", color="000000")
    frame = Border(left=thin, right=thin, top=thin, bottom=thin)
    taken: set[str] = set()
    for name, rows in sheets:
        sheet = book.create_sheet(sheet_title(name, taken))
        for row in rows:
            sheet.append(row)
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":     # openpyxl reads "=..." as a formula; ours are always text
                    cell.data_type = "s"
        sheet["A1"].font = Font(bold=True, size=14)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.border = frame
                if cell.row == 2 or cell.column == 1:
                    cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 10
        for col in range(2, max((len(r) for r in rows), default=1) + 1):
            sheet.column_dimensions[get_column_letter(col)].width = 36
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if not sheets:
        book.create_sheet("Sheet")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
