"""Problem and solution JSON: download them from a version, import a solution file from the command line."""

import json

import sqlalchemy as sa

from college.extensions import db
from college.models import AuditEntry, MeetingAssignment, TimetableVersion
from college.timetable.adapter import build_problem
from scheduler.validate import validate
from tests.college import factories as f
from tests.college.people import quick as q
from tests.college.timetable.builders import HAND_MADE, hand_made_solution, published_small_term


def _counts() -> tuple[int, int, int]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(TimetableVersion)),
            db.session.scalar(sa.select(sa.func.count()).select_from(MeetingAssignment)),
            db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)))


def test_a_versions_problem_and_solution_download_as_json_that_validates(app, client):
    _term, version = published_small_term()
    q.login(client, f.account())
    db.session.commit()
    problem = client.get(f"/admin/timetable/versions/{version.id}/problem.json")
    solution = client.get(f"/admin/timetable/versions/{version.id}/solution.json")
    assert problem.status_code == solution.status_code == 200
    assert problem.mimetype == "application/json" and "attachment" in solution.headers["Content-Disposition"]
    report = validate(problem.get_json(), solution.get_json())
    assert report["valid"], report["violations"]
    assert len(solution.get_json()["assignments"]) == len(HAND_MADE)


def test_an_invalid_solution_is_refused_with_its_violations_and_nothing_is_written(app, runner, tmp_path):
    term, _version = published_small_term()
    problem = build_problem(term)
    clash = [("C001", 0, "tue:am1", "大教室", "T01"), *HAND_MADE[1:]]       # C001#0 into C002#0's room and slot
    bad = hand_made_solution(problem, clash)
    path = tmp_path / "solution.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    before = _counts()
    result = runner.invoke(args=["timetable", "import", str(path)])
    assert result.exit_code != 0
    assert "H2: room" in result.output and "H3: teacher T01 is not available in tue:am1" in result.output
    assert "nothing was imported" in result.output or "没有导入" in result.output
    db.session.expire_all()
    assert _counts() == before


def test_a_solution_whose_penalties_lie_is_refused(app, runner, tmp_path):
    term, _version = published_small_term()
    lying = hand_made_solution(build_problem(term))
    lying["objective"] -= 1
    path = tmp_path / "solution.json"
    path.write_text(json.dumps(lying), encoding="utf-8")
    before = _counts()
    result = runner.invoke(args=["timetable", "import", str(path)])
    assert result.exit_code != 0 and "objective: reported objective" in result.output
    assert _counts() == before


def test_a_valid_solution_becomes_a_new_version_of_the_term(app, runner, tmp_path):
    term, _version = published_small_term()
    problem = build_problem(term)
    moved = [*HAND_MADE[:2], ("C002", 0, "sat:am1", "大教室", "T02"), *HAND_MADE[3:]]
    problem_path, solution_path = tmp_path / "problem.json", tmp_path / "solution.json"
    problem_path.write_text(json.dumps(problem, ensure_ascii=False), encoding="utf-8")
    solution_path.write_text(json.dumps(hand_made_solution(problem, moved), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["timetable", "import", "--problem", str(problem_path), str(solution_path)])
    assert result.exit_code == 0, result.output
    assert "version 2" in result.output and "valid" in result.output
    db.session.expire_all()
    version = db.session.scalar(sa.select(TimetableVersion).where(TimetableVersion.number == 2))
    assert version.job_id == "import" and version.valid is True and version.published_at is None
    c002 = next(m for m in version.meetings if m.section.code == "C002" and m.meeting == 0)
    assert c002.slot == "sat:am1"
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.record_id == version.id,
                                                         AuditEntry.entity == "timetable_version"))
