"""Week grids as CSV (UTF-8 with BOM), XLSX and printable A4 pages: read back, they hold what the grid holds."""

import csv
import io

import pytest
from openpyxl import load_workbook

from college.extensions import db
from college.models import Teacher
from college.reports.exports import BOM, entry_text, every_grid, sheet_title
from college.timetable import grids
from tests.college import factories as f
from tests.college.people import quick as q
from tests.college.reports.world import hand_made


def _admin(client):
    admin = f.account()
    db.session.commit()
    q.login(client, admin)


def _expected(week: grids.Grid) -> list[list[str]]:
    """The grid as rows of cell texts, day by day (what the files must hold under their two title rows)."""
    return [[label] + ["\n".join(entry_text(e) for e in week.cells.get((day, code), [])) for code, _p in week.periods]
            for day, label in week.days]


def _teacher_id(code: str) -> int:
    return db.session.scalar(db.select(Teacher.id).where(Teacher.code == code))


def test_a_teachers_week_as_csv_reads_back_in_excel_order(app, client):
    _admin(client)
    version, _p, _s = hand_made()
    db.session.commit()
    key = _teacher_id("T01")
    response = client.get(f"/admin/reports/versions/{version.id}/grids/teacher/{key}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f"teacher-{key}.csv" in response.headers["Content-Disposition"]
    assert response.data.startswith(BOM.encode("utf-8"))
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    with app.test_request_context():
        week = grids.week_grid(version, "teacher", key)
    assert rows[0] == ["2027年春季学期 · 第 1 版 · 按教师: T01 王老师"]
    assert rows[1] == ["", "am1 08:30–10:00", "pm2 16:30–18:00"]
    assert rows[2:] == _expected(week)
    friday = next(r for r in rows if r[0] == "周五")
    assert friday[1] == "C001 书法入门 · 南宁街道银发先锋之家 大教室 · 王老师"
    assert friday[2] == "C003 老少同乐书法 · 鼓楼社区银发先锋之家 书画室 · 王老师"


def test_a_sites_week_as_xlsx_reads_back_the_same(app, client):
    _admin(client)
    version, _p, _s = hand_made()
    db.session.commit()
    with app.test_request_context():
        (key, label), *_ = grids.choices_for(version)["site"]
        week = grids.week_grid(version, "site", key)
    response = client.get(f"/admin/reports/versions/{version.id}/grids/site/{key}.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    (sheet,) = book.worksheets
    rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0].endswith(label) and rows[1] == ["", "am1 08:30–10:00", "pm2 16:30–18:00"]
    assert rows[2:] == _expected(week)
    assert sheet.page_setup.orientation == "landscape"


def test_every_teacher_in_one_workbook_one_sheet_each(app, client):
    _admin(client)
    version, _p, _s = hand_made()
    db.session.commit()
    response = client.get(f"/admin/reports/versions/{version.id}/grids/teacher.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["T01 王老师", "T02 李老师"]
    with app.test_request_context():
        for sheet, code in zip(book.worksheets, ("T01", "T02"), strict=True):
            rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
            assert rows[2:] == _expected(grids.week_grid(version, "teacher", _teacher_id(code)))


def test_the_grids_read_at_once_are_the_grids_read_one_by_one(app):
    version, _p, _s = hand_made()
    with app.test_request_context():
        for kind in grids.KINDS:
            keys = [key for key, _label in grids.choices_for(version)[kind]]
            assert keys, kind
            together = every_grid(version, kind, keys)
            assert {k: (g.days, g.periods, g.cells) for k, g in together.items()} == {
                k: (g.days, g.periods, g.cells) for k, g in ((k, grids.week_grid(version, kind, k)) for k in keys)}


def test_printing_every_room_gives_one_a4_page_each_without_navigation(app, client):
    _admin(client)
    version, _p, _s = hand_made()
    db.session.commit()
    page = client.get(f"/admin/reports/versions/{version.id}/print/room")
    assert page.status_code == 200
    html = page.text
    assert "size: A4 landscape" in html and "break-after: page" in html
    assert html.count('class="print-page"') == 2            # 书画室 and 大教室 hold meetings; 小教室 none
    assert "admin-nav" not in html and "timetable-nav" not in html and "<nav" not in html
    assert "C003 老少同乐书法" in html and "本周 2 次课" in html
    with app.test_request_context():
        key = grids.choices_for(version)["room"][0][0]
    one = client.get(f"/admin/reports/versions/{version.id}/print/room?key={key}")
    assert one.text.count('class="print-page"') == 1


@pytest.mark.parametrize("url", ["grids/teacher/999999.csv", "grids/nothing/1.csv", "grids/nothing.xlsx",
                                 "print/nothing", "print/room?key=999999"])
def test_a_grid_the_version_does_not_have_is_not_found(app, client, url):
    _admin(client)
    version, _p, _s = hand_made()
    db.session.commit()
    assert client.get(f"/admin/reports/versions/{version.id}/{url}").status_code == 404


def test_sheet_names_obey_excel(app):
    taken: set[str] = set()
    assert sheet_title("a/b:c*d?[e]", taken) == "a_b_c_d__e_"
    long = "很长的名字" * 10
    first, second = sheet_title(long, taken), sheet_title(long, taken)
    assert len(first) == len(second) == 31 and first != second and second.endswith("(2)")


def test_a_cell_that_looks_like_a_formula_stays_text(app):
    from college.reports.exports import to_csv, to_xlsx

    rows = [["=1+1 班"], ["", "am1"], ["周一", "@某人\n-备注"]]
    back = list(csv.reader(io.StringIO(to_csv(rows).decode("utf-8-sig"))))
    assert back == [["'=1+1 班"], ["", "am1"], ["周一", "'@某人\n-备注"]]
    sheet = load_workbook(io.BytesIO(to_xlsx([("s", rows)]))).active
    assert sheet["A1"].value == "=1+1 班" and sheet["A1"].data_type == "s"
    assert sheet["B3"].value == "@某人\n-备注"


def test_a_crowded_week_prints_smaller_but_never_below_six_points(app):
    from college.reports.exports import lines_needed
    from college.reports.routes import PRINT_ROOMY_LINES, dense_font

    version, _p, _s = hand_made()
    with app.test_request_context():
        week = grids.week_grid(version, "teacher", _teacher_id("T01"))
    assert lines_needed(week) == 5                         # Mon-Fri: one meeting at most per slot, each day
    assert dense_font(PRINT_ROOMY_LINES) is None
    sizes = [dense_font(n) for n in range(PRINT_ROOMY_LINES + 1, 60)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] <= 7.5 and sizes[-1] == 6.0
