"""The independent validator: each hard rule broken on its own, penalties counted by hand."""

import copy
import json

import pytest

from scheduler.validate import validate, validate_files


def problem() -> dict:
    """Three sites, four rooms, three teachers, one children group, four sections.

    Weights are left out on purpose: the defaults apply.
    """
    return {
        "format": "senior-college-timetable/1",
        "name": "hand-made",
        "days": ["mon", "tue", "wed", "sat"],
        "periods": [
            {"id": "am1", "start": "08:30", "end": "10:00", "penalty": 0},
            {"id": "am2", "start": "10:20", "end": "11:50", "penalty": 0},
            {"id": "pm1", "start": "14:30", "end": "16:00", "penalty": 1},
            {"id": "pm2", "start": "16:30", "end": "18:00", "penalty": 3},
        ],
        "sites": [
            {"id": "S01", "name": "district centre", "child_safe": True, "closed": ["wed:am1"]},
            {"id": "S02", "name": "Gulou community", "child_safe": False, "closed": []},
            {"id": "S03", "name": "Teachers' New Village", "child_safe": True},
        ],
        "travel_minutes": {"S01": {"S02": 15, "S03": 40}, "S02": {"S01": 15},
                           "S03": {"S01": 40}},
        "rooms": [
            {"id": "R01", "site": "S01", "capacity": 30, "features": ["desks", "step_free"]},
            {"id": "R02", "site": "S01", "capacity": 20, "features": ["piano"]},
            {"id": "R03", "site": "S02", "capacity": 25, "features": ["desks"]},
            {"id": "R04", "site": "S03", "capacity": 40, "features": ["desks", "step_free"]},
        ],
        "teachers": [
            {"id": "T01", "subjects": ["calligraphy", "painting"],
             "available": [f"{d}:{p}" for d in ("mon", "tue", "wed", "sat")
                           for p in ("am1", "am2", "pm1", "pm2")],
             "preferred": ["mon:am1", "tue:am1"], "max_meetings": 4, "max_sites_per_day": 2,
             "intergenerational": True},
            {"id": "T02", "subjects": ["choir"],
             "available": ["mon:am1", "mon:am2", "mon:pm1", "wed:am1", "wed:am2"]},
            {"id": "T03", "subjects": ["calligraphy"],
             "available": ["tue:am1", "tue:am2", "tue:pm1"], "preferred": [],
             "max_sites_per_day": 1},
        ],
        "children_groups": [
            {"id": "G01", "size": 10, "available": ["mon:pm2", "sat:am1", "sat:am2"],
             "sites": ["S01", "S03"]},
        ],
        "sections": [
            {"id": "C001", "subject": "calligraphy", "meetings": 2, "size": 20,
             "sites": ["S01", "S02"], "features": ["desks"], "teacher": None,
             "children_group": None, "min_days_apart": 1, "allowed": None},
            {"id": "C002", "subject": "choir", "meetings": 1, "size": 15, "sites": ["S01"],
             "features": ["piano"], "teacher": "T02"},
            {"id": "C003", "subject": "painting", "meetings": 2, "size": 12,
             "sites": ["S01", "S03"], "features": [], "children_group": "G01",
             "min_days_apart": 3},
            {"id": "C004", "subject": "calligraphy", "meetings": 1, "size": 10,
             "sites": ["S02"], "allowed": ["tue:am1", "tue:am2"]},
        ],
        "conflicts": [["C001", "C002"]],
        "locked": [{"section": "C002", "meeting": 0, "slot": "mon:am2", "room": "R02"}],
    }


def assign(section: str, meeting: int, slot: str, room: str, teacher: str) -> dict:
    return {"section": section, "meeting": meeting, "slot": slot, "room": room,
            "teacher": teacher}


# time 1 (C001#1 in pm1; C003 is exempt), site_change 1 (T01 on mon at S01 and S03),
# room_change 2 (C001 and C003 use two rooms each), teacher_pref 3 (T01 outside
# mon:am1/tue:am1 three times; T03's empty list and T02's missing list cost nothing)
PENALTIES = {"time": 1, "site_change": 1, "room_change": 2, "teacher_pref": 3,
             "perturbation": 0, "unassigned": 0}
OBJECTIVE = 1 * 1 + 5 * 1 + 2 * 2 + 1 * 3


def solution() -> dict:
    return {
        "format": "senior-college-timetable-solution/1",
        "problem": "hand-made",
        "status": "optimal", "objective": OBJECTIVE, "bound": OBJECTIVE, "seconds": 0.1,
        "solver": "by hand",
        "assignments": [
            assign("C001", 0, "mon:am1", "R01", "T01"),
            assign("C001", 1, "tue:pm1", "R03", "T01"),
            assign("C002", 0, "mon:am2", "R02", "T02"),
            assign("C003", 0, "mon:pm2", "R04", "T01"),
            assign("C003", 1, "sat:am1", "R01", "T01"),
            assign("C004", 0, "tue:am2", "R03", "T03"),
        ],
        "unassigned": [],
        "penalties": dict(PENALTIES),
    }


def rules(report: dict) -> set[str]:
    """The rules broken, leaving out the recount of penalties that any change moves."""
    return {v["rule"] for v in report["violations"]} - {"objective", "bound"}


def broken(report: dict, rule: str) -> list[dict]:
    return [v for v in report["violations"] if v["rule"] == rule]


def replace(sol: dict, section: str, meeting: int, **changes) -> dict:
    for a in sol["assignments"]:
        if (a["section"], a["meeting"]) == (section, meeting):
            a.update(changes)
    return sol


def only(report: dict, rule: str, *ids: str) -> dict:
    """Assert that exactly `rule` is broken, naming every id given; return the violation."""
    assert rules(report) == {rule}, report["violations"]
    assert report["valid"] is False
    for violation in broken(report, rule):
        if set(ids) <= set(violation["ids"]):
            return violation
    raise AssertionError(f"no {rule} violation names {ids}: {broken(report, rule)}")


def section_of(prob: dict, sid: str) -> dict:
    return next(s for s in prob["sections"] if s["id"] == sid)


def teacher_of(prob: dict, tid: str) -> dict:
    return next(t for t in prob["teachers"] if t["id"] == tid)


# -- a valid timetable ------------------------------------------------------------------------

def test_hand_made_solution_is_valid_with_hand_counted_penalties():
    report = validate(problem(), solution())
    assert report["violations"] == []
    assert report["valid"] is True
    assert report["penalties"] == PENALTIES
    assert report["objective"] == OBJECTIVE == 13
    assert report["objective_matches"] is True
    assert report["reported_objective"] == 13
    json.dumps(report)


def test_report_round_trips_through_files(tmp_path):
    (tmp_path / "p.json").write_text(json.dumps(problem()))
    (tmp_path / "s.json").write_text(json.dumps(solution()))
    assert validate_files(tmp_path / "p.json", tmp_path / "s.json")["valid"] is True


def test_perturbation_counts_moved_and_dropped_reference_meetings_with_partial_weights():
    prob = problem()
    prob["allow_unassigned"] = True
    prob["weights"] = {"perturbation": 3}          # the other weights keep their defaults
    reference = solution()
    replace(reference, "C001", 1, slot="tue:am1")  # moved in time
    replace(reference, "C003", 0, room="R01")      # moved room
    replace(reference, "C004", 0, teacher="T01")   # other teacher
    prob["reference"] = reference
    sol = solution()
    sol["assignments"] = [a for a in sol["assignments"] if a["section"] != "C004"]
    sol["unassigned"] = [{"section": "C004", "meeting": 0, "reason": "by hand"}]
    # C004 also drops out of time/teacher_pref: it cost nothing there
    penalties = dict(PENALTIES, perturbation=3, unassigned=1)
    sol["penalties"] = penalties
    sol["objective"] = sol["bound"] = OBJECTIVE + 3 * 3 + 1000 * 1
    report = validate(prob, sol)
    assert report["violations"] == []
    assert report["penalties"] == penalties
    assert report["objective"] == 1022


def test_explicit_weights_are_used():
    prob = problem()
    prob["weights"] = {"time": 2, "site_change": 0, "room_change": 1, "teacher_pref": 10,
                       "perturbation": 10, "unassigned": 1000}
    sol = solution()
    sol["objective"] = sol["bound"] = 2 * 1 + 0 * 1 + 1 * 2 + 10 * 3
    assert validate(prob, sol)["valid"] is True


def test_children_group_sections_pay_no_time_penalty():
    sol = solution()
    report = validate(problem(), sol)
    # C003 meets in mon:pm2 (penalty 3): were it counted, time would be 4
    assert report["penalties"]["time"] == 1


def test_missing_preferred_and_empty_preferred_cost_nothing():
    prob = problem()
    del teacher_of(prob, "T01")["preferred"]
    sol = solution()
    report = validate(prob, sol)
    assert report["penalties"]["teacher_pref"] == 0
    assert rules(report) == set()


def test_min_days_apart_zero_allows_two_meetings_on_one_day():
    prob = problem()
    prob["travel_minutes"]["S01"]["S03"] = 30    # pm1 ends 16:00, pm2 starts 16:30
    section_of(prob, "C001")["min_days_apart"] = 0
    sol = replace(solution(), "C001", 1, slot="mon:pm1", room="R01")
    assert rules(validate(prob, sol)) == set()


def test_locked_entry_without_room_or_teacher_leaves_them_free():
    prob = problem()
    prob["locked"].append({"section": "C004", "meeting": 0, "slot": "tue:am2"})
    assert rules(validate(prob, solution())) == set()


def test_days_count_by_list_position_without_wrap_around():
    # C003 meets mon and sat, positions 0 and 3 in ["mon", "tue", "wed", "sat"]: exactly 3
    assert rules(validate(problem(), solution())) == set()
    prob = problem()
    section_of(prob, "C003")["min_days_apart"] = 4
    only(validate(prob, solution()), "H5", "C003")


# -- H1 -----------------------------------------------------------------------------------------

def test_h1_missing_meeting():
    sol = solution()
    sol["assignments"] = [a for a in sol["assignments"] if (a["section"], a["meeting"])
                          != ("C001", 1)]
    violation = only(validate(problem(), sol), "H1", "C001")
    assert violation["meeting"] == 1


def test_h1_meeting_both_assigned_and_unassigned():
    prob = problem()
    prob["allow_unassigned"] = True
    sol = solution()
    sol["unassigned"] = [{"section": "C004", "meeting": 0, "reason": "twice"}]
    only(validate(prob, sol), "H1", "C004")


def test_h1_meeting_assigned_twice():
    sol = solution()
    sol["assignments"].append(assign("C004", 0, "tue:am1", "R03", "T03"))
    report = validate(problem(), sol)
    assert any("C004" in v["ids"] and "2 time(s)" in v["message"] for v in broken(report, "H1"))


def test_h1_unassigned_only_when_allowed():
    sol = solution()
    sol["assignments"] = [a for a in sol["assignments"] if a["section"] != "C004"]
    sol["unassigned"] = [{"section": "C004", "meeting": 0, "reason": "no room"}]
    violation = only(validate(problem(), sol), "H1", "C004")
    assert "allow_unassigned" in violation["message"]


def test_h1_one_teacher_for_all_meetings_of_a_section():
    sol = replace(solution(), "C001", 1, teacher="T03")
    only(validate(problem(), sol), "H1", "C001", "T01", "T03")


# -- H2 -----------------------------------------------------------------------------------------

def test_h2_room_holds_one_meeting_per_slot():
    sol = replace(solution(), "C001", 1, slot="tue:am2")
    only(validate(problem(), sol), "H2", "R03", "tue:am2", "C001", "C004")


# -- H3 -----------------------------------------------------------------------------------------

def test_h3_teacher_double_booked():
    sol = replace(solution(), "C001", 0, slot="mon:pm2")
    only(validate(problem(), sol), "H3", "T01", "mon:pm2", "C001", "C003")


def test_h3_teacher_not_available():
    prob = problem()
    teacher_of(prob, "T03")["available"] = ["tue:am1"]
    only(validate(prob, solution()), "H3", "T03", "tue:am2", "C004")


def test_h3_empty_availability_means_never():
    prob = problem()
    teacher_of(prob, "T03")["available"] = []
    only(validate(prob, solution()), "H3", "T03", "C004")


def test_h3_teacher_without_the_subject():
    prob = problem()
    teacher_of(prob, "T02")["available"].append("tue:am2")
    sol = replace(solution(), "C004", 0, teacher="T02")
    only(validate(prob, sol), "H3", "T02", "C004")


def test_h3_fixed_teacher_honoured():
    prob = problem()
    section_of(prob, "C001")["teacher"] = "T03"
    only(validate(prob, solution()), "H3", "C001", "T03", "T01")


# -- H4 -----------------------------------------------------------------------------------------

def test_h4_room_at_a_candidate_site():
    sol = replace(solution(), "C004", 0, room="R01")
    only(validate(problem(), sol), "H4", "C004", "R01", "S01")


def test_h4_site_closed_in_that_slot():
    prob = problem()
    prob["sites"][1]["closed"] = ["tue:am2"]
    only(validate(prob, solution()), "H4", "S02", "tue:am2", "C004")


def test_h4_capacity():
    prob = problem()
    section_of(prob, "C001")["size"] = 26
    violation = only(validate(prob, solution()), "H4", "C001", "R03")
    assert violation["meeting"] == 1


def test_h4_capacity_counts_the_children_group():
    prob = problem()
    prob["children_groups"][0]["size"] = 19          # 12 elders + 19 children > R01's 30
    violation = only(validate(prob, solution()), "H4", "C003", "R01")
    assert violation["meeting"] == 1


def test_h4_features():
    prob = problem()
    section_of(prob, "C001")["features"] = ["desks", "step_free"]
    only(validate(prob, solution()), "H4", "C001", "R03", "step_free")


# -- H5 -----------------------------------------------------------------------------------------

def test_h5_min_days_apart():
    prob = problem()
    section_of(prob, "C001")["min_days_apart"] = 2
    only(validate(prob, solution()), "H5", "C001", "mon:am1", "tue:pm1")


def test_h5_min_days_apart_defaults_to_one():
    prob = problem()
    prob["travel_minutes"]["S01"]["S03"] = 30    # pm1 ends 16:00, pm2 starts 16:30
    del section_of(prob, "C001")["min_days_apart"]
    sol = replace(solution(), "C001", 1, slot="mon:pm1", room="R01")
    only(validate(prob, sol), "H5", "C001")


def test_h5_allowed_slots():
    prob = problem()
    section_of(prob, "C004")["allowed"] = ["tue:am1"]
    only(validate(prob, solution()), "H5", "C004", "tue:am2")


def test_h5_empty_allowed_means_no_slot():
    prob = problem()
    section_of(prob, "C004")["allowed"] = []
    only(validate(prob, solution()), "H5", "C004")


# -- H6 -----------------------------------------------------------------------------------------

def test_h6_travel_longer_than_the_gap():
    prob = problem()
    prob["travel_minutes"]["S01"]["S03"] = 391      # am1 ends 10:00, pm2 starts 16:30: 390
    only(validate(prob, solution()), "H6", "T01", "S01", "S03")


def test_h6_travel_equal_to_the_gap_is_fine():
    prob = problem()
    prob["travel_minutes"]["S01"]["S03"] = 390
    assert rules(validate(prob, solution())) == set()


def test_h6_unlisted_pair_is_unreachable_in_that_direction():
    prob = problem()
    del prob["travel_minutes"]["S01"]["S03"]        # S03 -> S01 is still listed
    violation = only(validate(prob, solution()), "H6", "T01", "S01", "S03")
    assert "unreachable" in violation["message"]


def test_h6_checks_any_two_meetings_of_the_day_by_clock_time():
    prob = problem()
    # periods listed out of clock order: the validator must order them by start time
    prob["periods"] = [prob["periods"][i] for i in (3, 1, 0, 2)]
    teacher = teacher_of(prob, "T01")
    del teacher["max_meetings"]
    teacher["max_sites_per_day"] = 3
    prob["sections"].append({"id": "C005", "subject": "calligraphy", "meetings": 1,
                             "size": 10, "sites": ["S01"]})
    sol = replace(solution(), "C001", 0, room="R03")               # S02 at mon:am1
    sol["assignments"].append(assign("C005", 0, "mon:am2", "R01", "T01"))   # S01
    # S02 -> S01 (15 min in a 20 min gap) and S01 -> S03 (40 in 280) are fine; the
    # non-consecutive S02 (am1) -> S03 (pm2) is not listed: unreachable
    violation = only(validate(prob, sol), "H6", "T01", "S02", "S03")
    assert "mon:am1" in violation["ids"] and "mon:pm2" in violation["ids"]
    assert len(broken(validate(prob, sol), "H6")) == 1


# -- H7 -----------------------------------------------------------------------------------------

def test_h7_max_meetings():
    prob = problem()
    teacher_of(prob, "T01")["max_meetings"] = 3
    only(validate(prob, solution()), "H7", "T01")


def test_h7_max_sites_per_day():
    prob = problem()
    teacher_of(prob, "T01")["max_sites_per_day"] = 1
    only(validate(prob, solution()), "H7", "T01", "mon", "S01", "S03")


# -- H8 -----------------------------------------------------------------------------------------

def test_h8_group_available():
    prob = problem()
    prob["children_groups"][0]["available"] = ["mon:pm2", "sat:am2"]
    only(validate(prob, solution()), "H8", "G01", "sat:am1", "C003")


def test_h8_site_among_the_groups_sites():
    prob = problem()
    prob["children_groups"][0]["sites"] = ["S01"]
    only(validate(prob, solution()), "H8", "G01", "S03", "C003")


def test_h8_site_child_safe():
    prob = problem()
    del prob["sites"][2]["child_safe"]              # default false
    only(validate(prob, solution()), "H8", "S03", "C003")


def test_h8_teacher_intergenerational():
    prob = problem()
    del teacher_of(prob, "T01")["intergenerational"]   # default false
    only(validate(prob, solution()), "H8", "T01", "C003")


def test_h8_group_in_one_meeting_per_slot():
    prob = problem()
    prob["teachers"].append({"id": "T04", "subjects": ["painting"], "available": ["sat:am1"],
                             "intergenerational": True})
    prob["sections"].append({"id": "C006", "subject": "painting", "meetings": 1, "size": 8,
                             "sites": ["S03"], "children_group": "G01"})
    sol = solution()
    sol["assignments"].append(assign("C006", 0, "sat:am1", "R04", "T04"))
    only(validate(prob, sol), "H8", "G01", "sat:am1", "C003", "C006")


# -- H9 -----------------------------------------------------------------------------------------

def test_h9_conflicting_sections_share_a_slot():
    sol = replace(solution(), "C001", 0, slot="mon:am2")
    only(validate(problem(), sol), "H9", "C001", "C002", "mon:am2")


def test_h9_locked_slot_kept():
    sol = replace(solution(), "C002", 0, slot="mon:pm1")
    only(validate(problem(), sol), "H9", "C002", "mon:am2", "mon:pm1")


def test_h9_locked_room_kept():
    prob = problem()
    prob["rooms"].append({"id": "R05", "site": "S01", "capacity": 20, "features": ["piano"]})
    sol = replace(solution(), "C002", 0, room="R05")
    only(validate(prob, sol), "H9", "C002", "R02", "R05")


def test_h9_locked_teacher_kept():
    prob = problem()
    prob["locked"].append({"section": "C004", "meeting": 0, "slot": "tue:am2",
                           "teacher": "T01"})
    only(validate(prob, solution()), "H9", "C004", "T01", "T03")


def test_h9_locked_meeting_left_unassigned():
    prob = problem()
    prob["allow_unassigned"] = True
    sol = solution()
    sol["assignments"] = [a for a in sol["assignments"] if a["section"] != "C002"]
    sol["unassigned"] = [{"section": "C002", "meeting": 0, "reason": "room closed"}]
    violation = only(validate(prob, sol), "H9", "C002")
    assert "unassigned" in violation["message"]


# -- the solution itself ------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, named", [
    ("slot", "fri:am1", "fri:am1"), ("room", "R99", "R99"), ("teacher", "T99", "T99"),
    ("section", "C999", "C999"), ("meeting", 5, "C004"),
])
def test_unknown_ids_in_the_solution(field, value, named):
    sol = solution()
    sol["assignments"][-1][field] = value              # C004#0
    report = validate(problem(), sol)
    assert report["valid"] is False
    assert any(named in v["ids"] for v in broken(report, "ids")), report["violations"]


def test_wrong_solution_format():
    sol = solution()
    sol["format"] = "something-else/2"
    report = validate(problem(), sol)
    assert rules(report) == {"format"}
    assert report["valid"] is False


def test_unknown_status():
    sol = solution()
    sol["status"] = "done"
    assert rules(validate(problem(), sol)) == {"format"}


@pytest.mark.parametrize("status", ["infeasible", "unknown"])
def test_no_timetable_is_not_valid_and_says_so(status):
    sol = solution()
    sol.update(status=status, assignments=[], objective=None, bound=None, penalties=None)
    report = validate(problem(), sol)
    assert report["valid"] is False
    assert report["violations"] == []
    assert "no timetable" in report["note"]


@pytest.mark.parametrize("status", ["infeasible", "unknown"])
def test_no_timetable_status_with_assignments_is_a_violation(status):
    sol = solution()
    sol["status"] = status
    assert rules(validate(problem(), sol)) == {"status"}


def test_objective_mismatch_is_caught():
    sol = solution()
    sol["objective"] = 12
    report = validate(problem(), sol)
    assert report["valid"] is False
    assert report["objective_matches"] is False
    assert [v["rule"] for v in report["violations"]] == ["objective"]
    assert report["objective"] == 13 and report["reported_objective"] == 12


def test_penalty_count_mismatch_is_caught():
    sol = solution()
    sol["penalties"]["room_change"] = 1
    sol["penalties"]["site_change"] = 1.4   # sums differ and one count is not even whole
    report = validate(problem(), sol)
    assert {tuple(v["ids"]) for v in broken(report, "objective")} == {("site_change",),
                                                                       ("room_change",)}
    assert report["valid"] is False


def test_bound_above_the_objective_is_caught():
    sol = solution()
    sol["bound"] = 14
    report = validate(problem(), sol)
    assert [v["rule"] for v in report["violations"]] == ["bound"]


def test_validator_does_not_change_its_inputs():
    prob, sol = problem(), solution()
    before = copy.deepcopy((prob, sol))
    validate(prob, sol)
    assert (prob, sol) == before


def test_malformed_entries_are_reported_not_crashed_on():
    prob = problem()
    prob["allow_unassigned"] = True
    sol = solution()
    sol["assignments"][-1]["slot"] = ["tue", "am2"]
    sol["assignments"].append("C004")
    sol["unassigned"] = [{"section": ["C009"], "meeting": 0}, {"section": "C001", "meeting": 7}]
    report = validate(prob, sol)
    assert report["valid"] is False
    assert {"format", "ids"} <= rules(report)
    assert len(broken(report, "ids")) == 3


def test_unreadable_problem_is_refused():
    prob = problem()
    del prob["periods"]
    with pytest.raises(ValueError, match="problem cannot be read"):
        validate(prob, solution())
