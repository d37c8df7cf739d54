"""A small term with a timetable written by hand, so every penalty term and every overview number is known."""

from __future__ import annotations

import sqlalchemy as sa

from college.extensions import db
from college.models import JobState, Room, TimetableVersion
from college.timetable.adapter import build_problem, solution_to_version
from tests.college.timetable.builders import small_term


def rooms() -> dict[str, str]:
    """Room name -> id in the shared format ("R12")."""
    return {name: f"R{rid}" for rid, name in db.session.execute(sa.select(Room.id, Room.name))}


def hand_made(term=None) -> tuple[TimetableVersion, dict, dict]:
    """Version 1 of the small term with this week (S01: 书画室; S02: 大教室, 小教室; periods am1 and pm2 (penalty 3)):

    C001 #0 mon:am1 书画室 T01   preferred slot, nothing costs
    C001 #1 fri:am1 大教室 T01   not preferred (1); C001 uses two rooms (room_change 1)
    C003 #0 fri:pm2 书画室 T01   children's class: no time cost; not preferred (1); T01 is at S02 then S01 on
                                 Friday (site_change 1)
    C002 #0 tue:pm2 大教室 T02   pm2 costs 3; the reference had it tue:am1 in 小教室 (perturbation 1)
    C002 #1 left out             unassigned 1; the reference had it thu:am1 (perturbation 1)
    """
    term = term or small_term()
    r = rooms()
    reference = {"format": "senior-college-timetable-solution/1", "status": "feasible", "assignments": [
        {"section": "C001", "meeting": 0, "slot": "mon:am1", "room": r["书画室"], "teacher": "T01"},
        {"section": "C002", "meeting": 0, "slot": "tue:am1", "room": r["小教室"], "teacher": "T02"},
        {"section": "C002", "meeting": 1, "slot": "thu:am1", "room": r["大教室"], "teacher": "T02"}],
        "unassigned": []}
    problem = build_problem(term, reference=reference)
    problem["allow_unassigned"] = True
    solution = {
        "format": "senior-college-timetable-solution/1", "problem": term.name, "status": "feasible",
        "objective": None, "bound": None, "seconds": 1.0, "solver": "by hand",
        "assignments": [
            {"section": "C001", "meeting": 0, "slot": "mon:am1", "room": r["书画室"], "teacher": "T01"},
            {"section": "C001", "meeting": 1, "slot": "fri:am1", "room": r["大教室"], "teacher": "T01"},
            {"section": "C002", "meeting": 0, "slot": "tue:pm2", "room": r["大教室"], "teacher": "T02"},
            {"section": "C003", "meeting": 0, "slot": "fri:pm2", "room": r["书画室"], "teacher": "T01"}],
        "unassigned": [{"section": "C002", "meeting": 1, "reason": "没有合适的教室"}],
        "penalties": None}
    version = TimetableVersion(term=term, number=1, state=JobState.FINISHED, log="", problem=problem)
    db.session.add(version)
    db.session.flush()
    solution_to_version(version, solution)
    db.session.flush()
    return version, problem, solution
