"""Infeasible problems are reported infeasible, with an explanation naming the cause."""

from __future__ import annotations

from sched_cases import tiny

from scheduler import Status
from scheduler.explain import explain
from scheduler.solve import solve


def test_a_section_with_no_room_big_enough_is_caught_before_solving():
    problem = tiny()
    problem["sections"][1]["size"] = 90
    solution = solve(problem, time_limit=10)
    assert solution.status is Status.INFEASIBLE
    assert solution.assignments == []
    assert any("C2 needs 90 seats" in d for d in solution.diagnostics)
    assert any("C2 needs 90 seats" in s for s in explain(problem))


def test_a_section_with_no_qualified_teacher_is_named():
    problem = tiny()
    problem["sections"][1]["subject"] = "erhu"
    sentences = explain(problem)
    assert sentences == ["Section C2: no teacher teaches erhu."]


def test_a_fixed_teacher_with_too_many_meetings_is_named():
    problem = tiny()
    problem["teachers"][1]["available"] = ["mon:am1", "mon:am2"]
    problem["sections"][1]["teacher"] = "T2"
    problem["sections"].append({"id": "C4", "subject": "taichi", "meetings": 1, "size": 5,
                                "sites": ["S1"], "teacher": "T2"})
    solution = solve(problem, time_limit=10)
    assert solution.status is Status.INFEASIBLE
    assert any("teacher T2" in d and "available in only 2 slots" in d
               for d in solution.diagnostics)


def test_a_teacher_clash_found_by_the_model_is_explained_by_rule_and_ids():
    problem = tiny()
    # one teacher for two sections of two meetings, three slots in all
    problem["teachers"] = [{"id": "T1", "subjects": ["calligraphy", "taichi", "painting"],
                            "available": ["mon:am1", "tue:am1", "wed:am1"],
                            "intergenerational": True}]
    problem["sections"] = problem["sections"][:2]
    problem["conflicts"] = []
    problem["children_groups"] = []
    solution = solve(problem, time_limit=10)
    assert solution.status is Status.INFEASIBLE
    sentences = explain(problem, time_limit=10)
    assert sentences[0].startswith("No valid timetable exists")
    text = "\n".join(sentences)
    assert "T1" in text and ("H3" in text or "H1" in text)
    assert "C1" in text or "C2" in text


def test_a_feasible_problem_needs_no_excuse():
    assert explain(tiny()) == ["A valid timetable exists: nothing had to give way."]
