"""The ITC-2007 CB-CTT reader, solution format and evaluator (scheduler/ctt*.py)."""

from __future__ import annotations

import dataclasses
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.ctt import (
    CttError,
    Instance,
    Lecture,
    Unavailability,
    read_ctt,
    read_solution,
    write_solution,
)
from scheduler.ctt_evaluate import Hard, Soft, Violation, evaluate

BENCH = Path(__file__).resolve().parents[2] / "bench" / "itc2007"  # copies of ../shared/bench/itc2007
INSTANCES = sorted(BENCH.glob("comp*.ctt"))
ROOT = Path(__file__).resolve().parents[2]

# --- the reader on the 21 competition instances -------------------------------------------


def header_of(path: Path) -> dict[str, str]:
    """The seven header lines, read naively, to check the reader against."""
    lines = path.read_text().splitlines()[:7]
    return dict((k.strip(), v.strip()) for k, v in (line.split(":", 1) for line in lines))


def test_all_21_instances_are_present():
    assert [p.stem for p in INSTANCES] == [f"comp{i:02d}" for i in range(1, 22)]


@pytest.mark.parametrize("path", INSTANCES, ids=lambda p: p.stem)
def test_reader_matches_header_counts(path):
    instance = read_ctt(path)
    header = header_of(path)
    assert instance.name == header["Name"]
    assert len(instance.courses) == int(header["Courses"])
    assert len(instance.rooms) == int(header["Rooms"])
    assert instance.days == int(header["Days"])
    assert instance.periods_per_day == int(header["Periods_per_day"])
    assert len(instance.curricula) == int(header["Curricula"])
    assert len(instance.unavailabilities) == int(header["Constraints"])
    assert instance.periods == instance.days * instance.periods_per_day


def test_reader_reads_comp01_fields():
    instance = read_ctt(BENCH / "comp01.ctt")
    assert instance.courses[0] == instance.course_by_id["c0001"]
    assert dataclasses.astuple(instance.courses[0]) == ("c0001", "t000", 6, 4, 130)
    assert instance.room_by_id["rB"].capacity == 200
    assert instance.curricula[0].courses == ("c0001", "c0002", "c0004", "c0005")
    assert ("c0001", 4, 0) in instance.unavailable
    assert instance.curricula_of["c0001"] == ("q000", "q002")
    assert instance.lectures == 160


def test_comp03_and_comp15_are_equal_apart_from_the_name():
    comp03, comp15 = read_ctt(BENCH / "comp03.ctt"), read_ctt(BENCH / "comp15.ctt")
    assert comp03 != comp15
    assert dataclasses.replace(comp03, name=comp15.name) == comp15


def test_reader_takes_text_or_path_and_names_the_source(tmp_path):
    text = (BENCH / "comp01.ctt").read_text()
    assert read_ctt(text) == read_ctt(BENCH / "comp01.ctt") == read_ctt(str(BENCH / "comp01.ctt"))
    bad = tmp_path / "mine.ctt"
    bad.write_text(text.replace("c0001 t000 6 4 130", "c0001 t000 0 4 130"))
    with pytest.raises(CttError, match=r"^mine\.ctt line 10: course c0001 has 0 lectures$"):
        read_ctt(bad)


# --- the reader's errors ------------------------------------------------------------------

TOY = """\
Name: Toy
Courses: 5
Rooms: 2
Days: 2
Periods_per_day: 3
Curricula: 2
Constraints: 1

COURSES:
cA tA 2 2 30
cB tB 2 2 20
cC tA 1 1 10
cD tD 1 1 40
cE tE 2 2 10

ROOMS:
r1 40
r2 20

CURRICULA:
q1 2 cA cB
q2 2 cC cD

UNAVAILABILITY_CONSTRAINTS:
cD 1 2

END.
"""


def toy(**replacements: str) -> str:
    text = TOY
    for old, new in replacements.values():
        assert old in text
        text = text.replace(old, new)
    return text


def test_toy_instance_reads():
    instance = read_ctt(TOY)
    assert instance.name == "Toy"
    assert [c.id for c in instance.courses] == ["cA", "cB", "cC", "cD", "cE"]
    assert instance.unavailabilities == (Unavailability("cD", 1, 2),)
    assert instance.unavailable == {("cD", 1, 2)}


@pytest.mark.parametrize("change, message", [
    (("cA tA 2 2 30", "cA tA 0 2 30"), "<ctt> line 10: course cA has 0 lectures"),
    (("cA tA 2 2 30", "cA tA 2 30"), "<ctt> line 10: expected `<course> <teacher> <lectures> "
                                     "<min_working_days> <students>`, got 'cA tA 2 30'"),
    (("cA tA 2 2 30", "cA tA two 2 30"),
     "<ctt> line 10: lectures 'two' is not a non-negative integer"),
    (("cB tB 2 2 20", "cA tB 2 2 20"), ["<ctt> line 11: course cA repeated",
                                        "<ctt> line 21: curriculum q1: unknown course cB"]),
    (("r2 20", "r2 -5"), "<ctt> line 18: capacity of room r2 '-5' is not a non-negative integer"),
    (("r2 20", "r1 20"), "<ctt> line 18: room r1 repeated"),
    (("r2 20", "r2"), "<ctt> line 18: expected `<room> <capacity>`, got 'r2'"),
    (("q1 2 cA cB", "q1 2 cA cZ"), "<ctt> line 21: curriculum q1: unknown course cZ"),
    (("q1 2 cA cB", "q1 3 cA cB"), "<ctt> line 21: curriculum q1 says 3 courses but lists 2"),
    (("q1 2 cA cB", "q1 2 cA cA"), "<ctt> line 21: curriculum q1: course cA listed 2 times"),
    (("q2 2 cC cD", "q1 2 cC cD"), "<ctt> line 22: curriculum q1 repeated"),
    (("cD 1 2", "cD 2 2"), "<ctt> line 25: course cD: day 2 out of range 0..1"),
    (("cD 1 2", "cD 1 3"), "<ctt> line 25: course cD: period 3 out of range 0..2"),
    (("cD 1 2", "cZ 1 2"), "<ctt> line 25: unavailability of unknown course cZ"),
    (("cD 1 2", "cD 1"), "<ctt> line 25: expected `<course> <day> <period>`, got 'cD 1'"),
    (("Courses: 5", "Courses: 6"),
     "<ctt> line 2: header says Courses: 6 but section COURSES: has 5 lines"),
    (("Rooms: 2", "Rooms: 1"), "<ctt> line 3: header says Rooms: 1 but section ROOMS: has 2 lines"),
    (("Curricula: 2", "Curricula: 3"),
     "<ctt> line 6: header says Curricula: 3 but section CURRICULA: has 2 lines"),
    (("Constraints: 1", "Constraints: 0"),
     "<ctt> line 7: header says Constraints: 0 but section UNAVAILABILITY_CONSTRAINTS: has 1 line"),
    (("Days: 2", "Days: 0"), "<ctt> line 4: Days: must be at least 1"),
    (("Days: 2", "Days: two"), "<ctt> line 4: Days: 'two' is not a non-negative integer"),
    (("Days: 2", "Weeks: 2"), [
        "<ctt> line 4: expected a header line `Key: value` with a key among "
        "Name, Courses, Rooms, Days, Periods_per_day, Curricula, Constraints; got 'Weeks: 2'",
        "<ctt> line 9: header Days: missing before COURSES:"]),
    (("Days: 2", "Rooms: 2"), ["<ctt> line 4: header Rooms: repeated (first at line 3)",
                               "<ctt> line 9: header Days: missing before COURSES:"]),
    (("Name: Toy", "Name: A Toy"), "<ctt> line 1: Name: must be one word, got 'A Toy'"),
    (("END.\n", "END.\nmore\n"), "<ctt> line 28: text after END.: 'more'"),
    (("END.\n", ""), "<ctt>: no END. line"),
    (("ROOMS:", "ROOM_CONSTRAINTS:"), [
        "<ctt> line 16: unknown section ROOM_CONSTRAINTS: (expected one of COURSES:, ROOMS:, "
        "CURRICULA:, UNAVAILABILITY_CONSTRAINTS:)",
        "<ctt> line 20: section CURRICULA: out of order (expected ROOMS:)",
        "<ctt>: section ROOMS: missing"]),
])
def test_reader_refuses_a_malformed_line_naming_it(change, message):
    # One problem, one message: a bad line does not also upset the counts or later sections.
    with pytest.raises(CttError) as caught:
        read_ctt(toy(change=change))
    assert caught.value.problems == ([message] if isinstance(message, str) else message)


def test_reader_refuses_sections_out_of_order_and_missing():
    swapped = TOY.replace("COURSES:", "@@").replace("ROOMS:", "COURSES:").replace("@@", "ROOMS:")
    with pytest.raises(CttError) as caught:
        read_ctt(swapped)
    assert "<ctt> line 9: section ROOMS: out of order (expected COURSES:)" in caught.value.problems
    without_header = TOY.replace("Rooms: 2\n", "")
    with pytest.raises(CttError, match="line 8: header Rooms: missing before COURSES:"):
        read_ctt(without_header)
    with pytest.raises(CttError, match="section UNAVAILABILITY_CONSTRAINTS: missing"):
        read_ctt(TOY.replace("UNAVAILABILITY_CONSTRAINTS:\ncD 1 2\n", ""))


def test_reader_reports_every_problem_at_once():
    text = toy(a=("cA tA 2 2 30", "cA tA 0 2 30"), b=("r2 20", "r2 x"), c=("cD 1 2", "cD 7 2"))
    with pytest.raises(CttError) as caught:
        read_ctt(text)
    assert caught.value.problems == [
        "<ctt> line 10: course cA has 0 lectures",
        "<ctt> line 18: capacity of room r2 'x' is not a non-negative integer",
        "<ctt> line 25: course cD: day 7 out of range 0..1",
    ]
    assert str(caught.value) == "\n".join(caught.value.problems)


# --- the solution format ------------------------------------------------------------------


def test_solution_round_trip():
    lectures = [Lecture("c0001", "rB", 0, 3), Lecture("c0002", "rC", 4, 5)]
    text = write_solution(lectures)
    assert text == "c0001 rB 0 3\nc0002 rC 4 5\n"
    assert read_solution(text) == lectures


@given(st.lists(st.builds(
    Lecture,
    st.text(st.characters(categories=("L", "N", "P")), min_size=1, max_size=8),
    st.text(st.characters(categories=("L", "N", "P")), min_size=1, max_size=8),
    st.integers(-3, 40), st.integers(-3, 40))))
def test_solution_round_trip_any_ids(lectures):
    assert read_solution(write_solution(lectures)) == lectures


def test_solution_reader_refuses_malformed_lines_naming_them():
    text = "c1 r1 0 0\n\nc1 r1 0\nc1 r1 x 0\nc1 r1 0 0 0\n"
    with pytest.raises(CttError) as caught:
        read_solution(text, name="comp01.sol")
    assert caught.value.problems == [
        "comp01.sol line 3: expected `<course> <room> <day> <period>`, got 'c1 r1 0'",
        "comp01.sol line 4: expected `<course> <room> <day> <period>`, got 'c1 r1 x 0'",
        "comp01.sol line 5: expected `<course> <room> <day> <period>`, got 'c1 r1 0 0 0'",
    ]


# --- the evaluator on the toy instance ----------------------------------------------------

# A zero-cost timetable for TOY (days 0-1, periods 0-2; r1 holds 40, r2 holds 20):
#   day 0: p0 cA/r1            p1 cB/r2 cC/r1      p2 cD/r1 cE/r2
#   day 1: p0 cA/r1            p1 cB/r2            p2 cE/r2
# q1 (cA, cB) is adjacent on both days, q2 (cC, cD) on day 0; each course keeps one room, fits
# in it, and cA, cB, cE (min 2 days) have 2 days.
BASE = """\
cA r1 0 0
cA r1 1 0
cB r2 0 1
cB r2 1 1
cC r1 0 1
cD r1 0 2
cE r2 0 2
cE r2 1 2
"""


def run(*edits: tuple[str, str], instance: str = TOY):
    """Evaluate BASE after replacing lines ("" adds or removes a line)."""
    text = BASE
    for old, new in edits:
        if old:
            assert old + "\n" in text
            text = text.replace(old + "\n", new + "\n" if new else "")
        else:
            text += new + "\n"
    return evaluate(read_ctt(instance), read_solution(text))


def hard(report) -> list[tuple]:
    return [(v.kind, v.ids, v.day, v.period, v.count) for v in report.violations]


def test_base_solution_costs_nothing():
    report = run()
    assert report.feasible and report.violations == () and report.penalties == ()
    assert report.cost == 0 and report.hard_cost == 0


def test_room_capacity_alone():
    # cD (40 students) in r2 (20 seats) at day 0 p0, still next to cC in q2:
    # 20 over, one lecture, weight 1 -> 20.
    report = run(("cD r1 0 2", "cD r2 0 0"))
    assert report.feasible
    assert report.penalty(Soft.ROOM_CAPACITY) == report.cost == 20
    assert [(p.kind, p.ids, p.cost, p.day, p.period) for p in report.penalties] == [
        (Soft.ROOM_CAPACITY, ("cD", "r2"), 20, 0, 0)]


def test_min_working_days_alone():
    # cE's lectures both on day 1 (p0, p2): 1 day of its minimum 2 -> 1 short x 5 = 5.
    report = run(("cE r2 0 2", "cE r2 1 0"))
    assert report.feasible
    assert report.penalty(Soft.MIN_WORKING_DAYS) == report.cost == 5
    assert [(p.kind, p.ids) for p in report.penalties] == [(Soft.MIN_WORKING_DAYS, ("cE",))]


def test_curriculum_compactness_alone():
    # cD moves to day 1 p1: in q2, cC (day 0 p1) and cD (day 1 p1) are both isolated -> 2 x 2.
    # cB is at day 1 p1 too but is not in q2, so it does not make cD adjacent to anything.
    report = run(("cD r1 0 2", "cD r1 1 1"))
    assert report.feasible
    assert report.penalty(Soft.CURRICULUM_COMPACTNESS) == report.cost == 4
    assert [(p.ids, p.day, p.period) for p in report.penalties] == [
        (("q2", "cC"), 0, 1), (("q2", "cD"), 1, 1)]


def test_room_stability_alone():
    # cE's day-1 lecture moves to r1: cE uses r2 and r1 -> 1 extra room x 1 = 1.
    report = run(("cE r2 1 2", "cE r1 1 2"))
    assert report.feasible
    assert report.penalty(Soft.ROOM_STABILITY) == report.cost == 1
    assert [(p.kind, p.ids) for p in report.penalties] == [
        (Soft.ROOM_STABILITY, ("cE", "r2", "r1"))]


def test_min_working_days_counts_every_missing_day():
    # cA needs 2 days; with both lectures dropped it has 0: 2 short x 5 = 10
    # (and 2 missing lectures).
    report = run(("cA r1 0 0", ""), ("cA r1 1 0", ""))
    assert report.penalty(Soft.MIN_WORKING_DAYS) == 10
    assert hard(report) == [(Hard.MISSING_LECTURES, ("cA",), None, None, 2)]
    # cB is left alone in q1 on both days: 2 isolated lectures x 2 = 4.
    assert report.penalty(Soft.CURRICULUM_COMPACTNESS) == 4


def test_room_stability_counts_each_extra_room():
    # x has 3 lectures in 3 rooms: 2 extra rooms -> 2.
    text = ("Name: R\nCourses: 1\nRooms: 3\nDays: 1\nPeriods_per_day: 3\nCurricula: 0\n"
            "Constraints: 0\nCOURSES:\nx t 3 1 1\nROOMS:\na 5\nb 5\nc 5\nCURRICULA:\n"
            "UNAVAILABILITY_CONSTRAINTS:\nEND.\n")
    report = evaluate(read_ctt(text), read_solution("x a 0 0\nx b 0 1\nx c 0 2\nx a 0 2\n"))
    assert report.penalty(Soft.ROOM_STABILITY) == 2


COMPACT = """\
Name: Compact
Courses: 3
Rooms: 3
Days: 2
Periods_per_day: 4
Curricula: 2
Constraints: 0
COURSES:
x tx 1 1 1
y ty 1 1 1
z tz 1 1 1
ROOMS:
a 9
b 9
c 9
CURRICULA:
q1 2 x y
q2 2 x z
UNAVAILABILITY_CONSTRAINTS:
END.
"""


@pytest.mark.parametrize("solution, cost", [
    # x d0p1, y d0p2, z d1p0: q1 adjacent (0); q2: x and z isolated -> 2 x 2 = 4.
    ("x a 0 1\ny a 0 2\nz a 1 0\n", 4),
    # x d0p0 is isolated in q1 and in q2, y and z too: counted per curriculum -> 4 x 2 = 8.
    # z (d1p1) next to y (d1p0) does not help: they share no curriculum.
    ("x a 0 0\ny a 1 0\nz a 1 1\n", 8),
    # x d0p1 between y d0p0 and z d0p2: adjacent in both curricula -> 0.
    ("x a 0 1\ny a 0 0\nz a 0 2\n", 0),
    # Last period of day 0 and first of day 1 are not adjacent: x d0p3, y d1p0, z d0p2 ->
    # q1: x and y isolated (4); q2: x and z adjacent (0).
    ("x a 0 3\ny a 1 0\nz a 0 2\n", 4),
])
def test_curriculum_compactness_per_curriculum_and_same_day_only(solution, cost):
    report = evaluate(read_ctt(COMPACT), read_solution(solution))
    assert report.feasible
    assert report.penalty(Soft.CURRICULUM_COMPACTNESS) == report.cost == cost


# --- every hard violation, with the ids ---------------------------------------------------


def test_unknown_course():
    report = run(("", "cX r1 1 1"))
    assert hard(report) == [(Hard.UNKNOWN_COURSE, ("cX", "r1"), 1, 1, 1)]
    assert report.hard_cost == 1 and report.cost == 0  # the entry is skipped, as the validator does


def test_unknown_room():
    report = run(("cA r1 1 0", "cA r9 1 0"))
    assert hard(report) == [
        (Hard.UNKNOWN_ROOM, ("r9", "cA"), 1, 0, 1),
        (Hard.MISSING_LECTURES, ("cA",), None, None, 1),
    ]
    assert report.hard_cost == 2


@pytest.mark.parametrize("line", ["cA r1 2 0", "cA r1 1 3", "cA r1 -1 0", "cA r1 0 -1"])
def test_day_or_period_out_of_range(line):
    report = run(("cA r1 1 0", line))
    day, period = int(line.split()[2]), int(line.split()[3])
    assert hard(report) == [
        (Hard.OUT_OF_RANGE, ("cA", "r1"), day, period, 1),
        (Hard.MISSING_LECTURES, ("cA",), None, None, 1),
    ]


def test_two_lectures_of_one_course_in_one_period():
    # The second cA at day 0 p0 is skipped (validator: "Repeated entry"), so cA still has 2.
    report = run(("", "cA r2 0 0"))
    assert hard(report) == [(Hard.SAME_PERIOD, ("cA", "r1", "r2"), 0, 0, 1)]
    assert report.hard_cost == 1 and report.cost == 0


def test_missing_lectures():
    report = run(("cE r2 1 2", ""))
    assert hard(report) == [(Hard.MISSING_LECTURES, ("cE",), None, None, 1)]
    assert report.hard_cost == 1


def test_extra_lectures():
    # A second lecture of cC (1 required) at day 1 p2 in r1: free room, no conflict there.
    report = run(("", "cC r1 1 2"))
    assert hard(report) == [(Hard.EXTRA_LECTURES, ("cC",), None, None, 1)]
    assert report.hard_cost == 1


def test_curriculum_conflict():
    # cB (q1) moves to day 1 p0, where cA (q1) is.
    report = run(("cB r2 1 1", "cB r2 1 0"))
    assert hard(report) == [(Hard.CURRICULUM_CONFLICT, ("q1", "cA", "cB"), 1, 0, 1)]
    assert report.hard_cost == 1


def test_teacher_conflict():
    # cC (teacher tA) moves to day 1 p0, where cA (teacher tA) is; they share no curriculum.
    report = run(("cC r1 0 1", "cC r2 1 0"))
    assert hard(report) == [(Hard.TEACHER_CONFLICT, ("tA", "cA", "cC"), 1, 0, 1)]
    assert report.hard_cost == 1


def test_a_pair_clashing_for_several_reasons_counts_once():
    # cA and cB share q1 and q3 and teacher tA; the validator counts the pair once per period.
    instance = toy(t=("cB tB", "cB tA"), q=("q2 2 cC cD", "q2 2 cC cD\nq3 2 cB cA"),
                   n=("Curricula: 2", "Curricula: 3"), c=("cC tA", "cC tC"))
    report = run(("cB r2 1 1", "cB r2 1 0"), instance=instance)
    assert hard(report) == [
        (Hard.CURRICULUM_CONFLICT, ("q1", "cA", "cB"), 1, 0, 1),
        (Hard.CURRICULUM_CONFLICT, ("q3", "cA", "cB"), 1, 0, 1),
        (Hard.TEACHER_CONFLICT, ("tA", "cA", "cB"), 1, 0, 1),
    ]
    assert report.hard_cost == 1


def test_unavailability():
    # cD is unavailable at day 1 p2.
    report = run(("cD r1 0 2", "cD r1 1 2"))
    assert hard(report) == [(Hard.UNAVAILABLE, ("cD",), 1, 2, 1)]
    assert report.hard_cost == 1


def test_room_occupied_twice():
    # cE joins cD in r1 at day 0 p2 (and leaves r2 there): one room, two lectures -> 1.
    report = run(("cE r2 0 2", "cE r1 0 2"))
    assert hard(report) == [(Hard.ROOM_CLASH, ("r1", "cD", "cE"), 0, 2, 1)]
    assert report.hard_cost == 1


def test_room_occupied_three_times_counts_two():
    # cA, cD, cE all in r1 at day 0 p2: 3 lectures -> 2 violations (none conflict otherwise).
    report = run(("cA r1 0 0", "cA r1 0 2"), ("cE r2 0 2", "cE r1 0 2"))
    assert hard(report) == [(Hard.ROOM_CLASH, ("r1", "cA", "cD", "cE"), 0, 2, 2)]
    assert report.hard_cost == 2


def test_every_hard_kind_is_covered_here():
    tested = {Hard.UNKNOWN_COURSE, Hard.UNKNOWN_ROOM, Hard.OUT_OF_RANGE, Hard.SAME_PERIOD,
              Hard.MISSING_LECTURES, Hard.EXTRA_LECTURES, Hard.CURRICULUM_CONFLICT,
              Hard.TEACHER_CONFLICT, Hard.UNAVAILABLE, Hard.ROOM_CLASH}
    assert tested == set(Hard)


def test_report_to_dict_is_plain_json():
    report = run(("cD r1 0 2", "cD r2 0 0"), ("cB r2 1 1", "cB r2 1 0"))
    data = json.loads(json.dumps(report.to_dict()))
    assert data["instance"] == "Toy" and data["feasible"] is False
    assert data["hard_cost"] == 1
    assert data["by_kind"]["curriculum_conflict"] == 1 and data["by_kind"]["room_capacity"] == 20
    assert data["violations"][0]["kind"] == "curriculum_conflict"
    assert data["violations"][0]["ids"] == ["q1", "cA", "cB"]
    assert data["cost"] == report.cost == sum(data["by_kind"][str(k)] for k in Soft)
    assert isinstance(report.violations[0], Violation)


# --- the evaluator against a straight transcription of the validator's arithmetic ---------


def validator_costs(instance: Instance, lectures: list[Lecture]) -> dict[str, int]:
    """The competition validator's counts, on its course x period matrix (room index or 0)."""
    courses = [c.id for c in instance.courses]
    rooms = [None] + [r.id for r in instance.rooms]
    ppd, periods = instance.periods_per_day, instance.periods
    tt = [[0] * periods for _ in courses]
    skipped = 0
    for x in lectures:
        if (x.course not in courses or x.room not in rooms[1:] or not 0 <= x.day < instance.days
                or not 0 <= x.period < ppd):
            skipped += 1
            continue
        c, p = courses.index(x.course), x.day * ppd + x.period
        if tt[c][p]:
            skipped += 1
            continue
        tt[c][p] = rooms.index(x.room)
    conflict = [[False] * len(courses) for _ in courses]
    for q in instance.curricula:
        for a in q.courses:
            for b in q.courses:
                conflict[courses.index(a)][courses.index(b)] = a != b
    for i, a in enumerate(instance.courses):
        for j, b in enumerate(instance.courses):
            if i != j and a.teacher == b.teacher:
                conflict[i][j] = True
    hard = skipped
    for c, course in enumerate(instance.courses):
        hard += abs(sum(1 for p in range(periods) if tt[c][p]) - course.lectures)
        hard += sum(1 for p in range(periods)
                    if tt[c][p] and (course.id, p // ppd, p % ppd) in instance.unavailable)
        for c2 in range(c + 1, len(courses)):
            if conflict[c][c2]:
                hard += sum(1 for p in range(periods) if tt[c][p] and tt[c2][p])
    for p in range(periods):
        for r in range(1, len(rooms)):
            hard += max(0, sum(1 for c in range(len(courses)) if tt[c][p] == r) - 1)
    capacity = mwd = stability = compact = 0
    for c, course in enumerate(instance.courses):
        for p in range(periods):
            if tt[c][p]:
                capacity += max(0, course.students - instance.rooms[tt[c][p] - 1].capacity)
        days = sum(1 for d in range(instance.days) if any(tt[c][d * ppd:(d + 1) * ppd]))
        mwd += max(0, course.min_working_days - days)
        stability += max(0, len({r for r in tt[c] if r}) - 1)
    for q in instance.curricula:
        members = [courses.index(c) for c in q.courses]
        at = [sum(1 for c in members if tt[c][p]) for p in range(periods)] + [0]
        for p in range(periods):
            if at[p] == 0:
                continue
            before = at[p - 1] if p % ppd else 0
            after = at[p + 1] if p % ppd != ppd - 1 else 0
            if before == 0 and after == 0:
                compact += at[p]
    return {"hard": hard, "room_capacity": capacity, "min_working_days": 5 * mwd,
            "curriculum_compactness": 2 * compact, "room_stability": stability}


@st.composite
def instances_and_solutions(draw):
    n_courses, n_rooms = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    days, ppd = draw(st.integers(1, 3)), draw(st.integers(2, 4))
    courses = [f"c{i}" for i in range(n_courses)]
    lines = [f"{c} t{draw(st.integers(0, 1))} {draw(st.integers(1, 4))} "
             f"{draw(st.integers(0, 4))} {draw(st.integers(0, 30))}" for c in courses]
    rooms = [f"r{i} {draw(st.integers(0, 30))}" for i in range(n_rooms)]
    curricula = [draw(st.lists(st.sampled_from(courses), min_size=1, unique=True))
                 for _ in range(draw(st.integers(0, 3)))]
    unavailable = draw(st.lists(st.tuples(st.sampled_from(courses), st.integers(0, days - 1),
                                          st.integers(0, ppd - 1)), unique=True, max_size=6))
    text = "\n".join([
        "Name: H", f"Courses: {n_courses}", f"Rooms: {n_rooms}", f"Days: {days}",
        f"Periods_per_day: {ppd}", f"Curricula: {len(curricula)}",
        f"Constraints: {len(unavailable)}", "COURSES:", *lines, "ROOMS:", *rooms, "CURRICULA:",
        *(f"q{i} {len(q)} {' '.join(q)}" for i, q in enumerate(curricula)),
        "UNAVAILABILITY_CONSTRAINTS:", *(f"{c} {d} {p}" for c, d, p in unavailable), "END.", ""])
    room_ids = [f"r{i}" for i in range(n_rooms)]
    good = st.builds(Lecture, st.sampled_from(courses), st.sampled_from(room_ids),
                     st.integers(0, days - 1), st.integers(0, ppd - 1))
    junk = st.builds(Lecture, st.sampled_from([*courses, "zz"]), st.sampled_from([*room_ids, "rz"]),
                     st.integers(-1, days), st.integers(-1, ppd))
    solution = draw(st.permutations(draw(st.lists(good, max_size=16))
                                    + draw(st.lists(junk, max_size=2))))
    return read_ctt(text), solution


@settings(max_examples=150, deadline=None)
@given(instances_and_solutions())
def test_evaluator_agrees_with_the_validator_arithmetic(case):
    instance, solution = case
    report = evaluate(instance, solution)
    expected = validator_costs(instance, solution)
    assert report.hard_cost == expected.pop("hard")
    assert {kind: report.penalty(Soft(kind)) for kind in expected} == expected
    assert report.feasible == (report.violations == ())


# --- a feasible comp01 from a simple greedy -----------------------------------------------


def greedy(instance: Instance, seed: int = 0) -> list[Lecture] | None:
    """Most constrained course first, into the emptiest clash-free period, in the smallest
    room that fits (else the largest free one). None when it gets stuck."""
    rng = random.Random(seed)
    clash = {c.id: set() for c in instance.courses}
    for q in instance.curricula:
        for a in q.courses:
            clash[a].update(b for b in q.courses if b != a)
    for a in instance.courses:
        clash[a.id].update(b.id for b in instance.courses
                           if b.id != a.id and b.teacher == a.teacher)
    slots = [(d, p) for d in range(instance.days) for p in range(instance.periods_per_day)]
    there = {s: set() for s in slots}
    free = {s: sorted(instance.rooms, key=lambda r: r.capacity) for s in slots}
    left = {c.id: c.lectures for c in instance.courses}

    def options(course: str) -> list[tuple[int, int]]:
        return [s for s in slots if free[s] and (course, *s) not in instance.unavailable
                and course not in there[s] and not clash[course] & there[s]]

    lectures = []
    while any(left.values()):
        course = min((c for c in left if left[c]),
                     key=lambda c: (len(options(c)) - left[c], -len(clash[c]), rng.random()))
        if not options(course):
            return None
        slot = min(options(course), key=lambda s: (len(there[s]), rng.random()))
        students = instance.course_by_id[course].students
        room = next((r for r in free[slot] if r.capacity >= students), free[slot][-1])
        free[slot].remove(room)
        there[slot].add(course)
        left[course] -= 1
        lectures.append(Lecture(course, room.id, *slot))
    return lectures


@pytest.mark.parametrize("name", ["comp01", "comp11"])
def test_greedy_solution_is_feasible_and_survives_the_file_format(name):
    instance = read_ctt(BENCH / f"{name}.ctt")
    lectures = greedy(instance)
    assert lectures is not None
    report = evaluate(instance, read_solution(write_solution(lectures)))
    assert report.violations == () and report.hard_cost == 0
    assert len(lectures) == instance.lectures
    # Far from the optimum (comp01: 5, comp11: 0) but a real, positive cost.
    assert report.cost > 0
    assert report.cost == sum(report.penalty(kind) for kind in Soft)


def test_breaking_a_feasible_comp01_is_caught():
    instance = read_ctt(BENCH / "comp01.ctt")
    lectures = greedy(instance)
    first = lectures[0]
    clash = next(x for x in lectures[1:] if (x.day, x.period) == (first.day, first.period))
    moved = dataclasses.replace(lectures[0], room=clash.room)
    report = evaluate(instance, [moved, *lectures[1:]])
    assert (Hard.ROOM_CLASH, clash.room, first.day, first.period) in {
        (v.kind, v.ids[0], v.day, v.period) for v in report.violations}


# --- independence -------------------------------------------------------------------------


def test_evaluator_imports_no_model_code():
    code = ("import sys, scheduler.ctt_evaluate; "
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('scheduler', 'pulp', 'highspy', 'flask', 'sqlalchemy'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["scheduler", "scheduler.ctt", "scheduler.ctt_evaluate"]
