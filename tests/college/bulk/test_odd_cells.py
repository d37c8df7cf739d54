"""No cell an import can send makes it fail: every odd value is a row error or a valid value."""

import pytest

from college.bulk.csvfiles import read_table
from college.bulk.operations import export_rows, import_file
from college.extensions import db
from tests.college import factories as f
from tests.college.bulk import world
from tests.college.bulk.helpers import audit_count, csv_bytes

ODD = ["", " ", "x" * 300, "-1", "0", "99999999999", "1e400", "NaN", "2.5", "=cmd()", "'=1", "S01;S01;S99",
       "mon:am1;funday:x", "是", "，；、", "\u3000", "K020", "2027年春季学期", "T01", "G01", "麒麟区 / 南宁街道"]


@pytest.mark.parametrize("kind", ["sites", "rooms", "teachers", "courses", "sections"])
def test_odd_values_in_every_column_give_row_errors_never_an_exception(app, kind):
    world.build()
    admin = f.account()
    db.session.commit()
    header, rows = export_rows(kind)
    base = rows[0]
    key_column = header.index("name" if kind == "rooms" else "code")
    lines = [header]
    for column in range(len(header)):
        for value in ODD:
            row = list(base)
            row[key_column] = f"N{len(lines)}"
            row[column] = value
            lines.append(row)
    data = csv_bytes(lines)
    assert len(read_table(data).rows) == len(lines) - 1
    entries = audit_count()
    result = import_file(kind, data, admin)
    db.session.rollback()
    assert not result.ok and len(result.errors) > len(header)
    assert all(error.line >= 2 and str(error.message) for error in result.errors)
    assert audit_count() == entries
