"""Why a problem has no valid timetable, in sentences an administrator can act on.

First the prechecks (no room, no teacher, no common slot, overloaded fixed teachers, locks
that cannot hold). When those pass, an elastic solve: every hard-rule family (H1 placing
meetings, H2 rooms, H3 teachers, H5 spacing, H6 travel, H7 caps, H8 children groups, H9
conflicts and locks) may give way at a high price, and the rules that had to give way in
the cheapest such timetable are reported with the sections, teachers and rooms involved.
"""

from __future__ import annotations

import re

import pulp

from scheduler.model import build_model
from scheduler.precheck import candidates, precheck
from scheduler.problem import Problem, load_problem

_NAME = re.compile(r"^(?P<rule>[A-Za-z0-9_]+)\[(?P<ids>.*)\]$")

# constraint name prefix -> sentence template (ids in order of the name)
_SENTENCES = {
    "H2_room": "Room {0} would have to hold two meetings in {1} (H2: one meeting per room "
               "and slot)",
    "H3_teacher": "Teacher {0} would have to teach two meetings in {1} (H3: one meeting per "
                  "teacher and slot)",
    "H5_slot": "Two meetings of section {0} would share slot {1} (H5)",
    "H5_apart": "Meetings of section {0} would fall within {1} (H5: min_days_apart)",
    "H6_travel": "Teacher {0} could not get from site {2} ({1}) to the next site by {3} (H6: "
                 "travel time)",
    "H7_meetings": "Teacher {0} would teach more than their max_meetings (H7)",
    "H7_sites": "Teacher {0} would visit more than max_sites_per_day sites on {1} (H7)",
    "H8_group": "Children group {0} would be in two classes in {1} (H8)",
    "H9_conflict": "Sections of conflicts[{0}] would meet together in {1} (H9)",
    "H9_lock": "Locked meeting {1} of section {0} in {2} could not be kept (H9)",
    "H9_lock_teacher": "The locked teacher {1} of section {0} could not be kept (H9)",
}


def explain(problem: Problem | dict, time_limit: float = 60.0) -> list[str]:
    """Sentences saying why no valid timetable exists (or that one does)."""
    if isinstance(problem, dict):
        problem = load_problem(problem)
    cand = candidates(problem)
    reasons = precheck(problem, cand)
    if reasons:
        return [_sentence(r) for r in reasons]
    m = build_model(problem, cand, elastic=True)
    solver = pulp.HiGHS(msg=False, timeLimit=time_limit)
    m.prob.solve(solver)
    if m.prob.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        return ["No explanation was found within the time limit; try a longer --time-limit."]
    out = []
    for c, var in m.un.items():
        n = round(var.varValue or 0)
        if n:
            t = ", ".join(sorted(m.cand.teachers[c]))
            out.append(f"{n} meeting(s) of section {c} cannot be placed at all (H1): its "
                       f"teachers ({t}), rooms ({', '.join(m.cand.rooms[c])}) and slots are "
                       "all taken by other requirements.")
    for _family, name, var in m.slack:
        if (var.varValue or 0) > 1e-6:
            out.append(_describe(name, m) + ".")
    if not out:
        return ["A valid timetable exists: nothing had to give way."]
    return ["No valid timetable exists. In the closest timetable these requirements had to "
            "give way:"] + [f"- {line}" for line in out]


def _describe(name: str, m) -> str:
    match = _NAME.match(name)
    if not match:
        return f"Constraint {name} could not hold"
    rule, ids = match["rule"], match["ids"].split(",")
    template = _SENTENCES.get(rule)
    text = template.format(*ids, *([""] * 4)) if template else f"{rule} {', '.join(ids)}"
    involved = _involved(name, m)
    if involved:
        text += f"; involved: sections {', '.join(involved)}"
    return text


def _involved(name: str, m) -> list[str]:
    con = m.prob.get_constraint_by_name(_pulp_name(name))
    if con is None:
        return []
    out = set()
    for var, _ in con.items():
        if (var.varValue or 0) > 0.5 and var.name.startswith(("x_", "v_")):
            out.add(var.name[2:].split(",")[0])
    return sorted(out)


def _pulp_name(name: str) -> str:
    return name.translate(str.maketrans("-+[] ->/", "________"))


def _sentence(reason: str) -> str:
    text = reason[0].upper() + reason[1:]
    return text if text.endswith(".") else text + "."

