"""`flask college export` and `flask college import` for operators."""

import sqlalchemy as sa

from college.extensions import db
from college.models import AuditEntry, Room
from tests.college import factories as f
from tests.college.bulk.helpers import count, csv_bytes


def test_export_then_import_from_the_command_line(app, runner, tmp_path):
    site = f.site("S01")
    f.room(site, "一号教室", seats=30)
    admin = f.account()
    db.session.commit()
    path = tmp_path / "rooms.csv"
    result = runner.invoke(args=["college", "export", "rooms", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes().decode("utf-8-sig").splitlines() == ["site,name,seats,features",
                                                                  "S01,一号教室,30,"]
    path.write_bytes(csv_bytes([["site", "name", "seats"], ["S01", "一号教室", "31"], ["S01", "二号", "5"]],
                               "gb18030"))
    result = runner.invoke(args=["college", "import", "rooms", str(path), "--account", admin.phone])
    assert result.exit_code == 0, result.output
    assert "1 created, 1 updated" in result.output
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "import"))
    assert entry.account_id == admin.id


def test_a_bad_file_exits_with_each_problem_and_changes_nothing(app, runner, tmp_path):
    f.site("S01")
    db.session.commit()
    path = tmp_path / "rooms.csv"
    path.write_bytes(csv_bytes([["site", "name", "seats"], ["S01", "甲", "1"], ["S09", "乙", "x"]]))
    result = runner.invoke(args=["college", "import", "rooms", str(path), "--lang", "en"])
    assert result.exit_code == 1
    assert "rooms.csv:3: site: There is no site with the code S09." in result.output
    assert "rooms.csv:3: seats: x is not a whole number." in result.output
    assert count(Room) == 0
    path.write_bytes(b"\x00\x01binary")
    result = runner.invoke(args=["college", "import", "rooms", str(path)])
    assert result.exit_code == 1 and "Error" in result.output
