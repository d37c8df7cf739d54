"""Checking a hand-made change to a timetable with the scheduler's own validator.

A move is checked by applying it to the version's solution and running `scheduler.validate`
on the version's problem (with the version's locked meetings added to its `locked` list): the
rules are never re-implemented here. What the move breaks is what the validator reports for
the moved timetable and did not report before it, each with its rule id (H1..H9 of
`spec/timetable-format.md`) and the rule in words.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from scheduler.validate import penalties_of, validate, weighted_objective

# The hard rules of spec/timetable-format.md, one sentence each, as the pages show them.
RULES = {
    "H1": _l("every meeting is placed once, and all meetings of a class have the same teacher"),
    "H2": _l("a room holds at most one meeting at a time"),
    "H3": _l("a teacher teaches one meeting at a time, only when available, only their subjects, "
             "and a class's fixed teacher is kept"),
    "H4": _l("the room is at one of the class's sites, the site is open then, the room has enough "
             "seats and every feature the class needs"),
    "H5": _l("meetings of one class are on days far enough apart, and only in the times the class allows"),
    "H6": _l("a teacher has time to travel between sites on the same day"),
    "H7": _l("a teacher keeps to the most meetings a week and the most sites a day"),
    "H8": _l("a class with children meets when and where the children's group can come, at a child-safe "
             "site, with a teacher cleared for children, and a group is in one class at a time"),
    "H9": _l("classes that share learners never meet at the same time, and locked meetings stay where "
             "they are"),
    "ids": _l("the time, room and teacher must exist in today's data (a closed room has left the timetable)"),
}


def rule_text(rule: str) -> str:
    """The rule in words, for a rule id the validator reports."""
    return str(RULES.get(rule, rule))


@dataclass
class Move:
    """Where one meeting should go: a slot, a room id of the problem ("R<id>") and a teacher code.

    The teacher is the class's teacher: H1 wants every meeting of a class taught by the same person,
    so a new teacher is given to every placed meeting of the class."""

    section: str
    meeting: int
    slot: str
    room: str
    teacher: str


@dataclass
class Check:
    """The answer for one move: the rules it breaks, and the penalties it would leave."""

    violations: list[dict] = field(default_factory=list)    # each: rule, rule_text, message
    penalties: dict | None = None
    objective: float | None = None

    @property
    def ok(self) -> bool:
        return not self.violations

    def as_json(self) -> dict:
        return {"ok": self.ok, "violations": self.violations, "penalties": self.penalties,
                "objective": self.objective}


def with_locks(problem: dict, locks: list[dict]) -> dict:
    """The problem with the version's locked meetings added to its `locked` list (one entry per meeting)."""
    out = copy.deepcopy(problem)
    have = {(e["section"], e["meeting"]) for e in out.get("locked") or []}
    out["locked"] = list(out.get("locked") or []) + [
        dict(e) for e in locks if (e["section"], e["meeting"]) not in have]
    return out


def apply_move(solution: dict, move: Move) -> dict:
    """A copy of the solution with the meeting at the move's slot and room, and the class with its teacher."""
    out = copy.deepcopy(solution)
    assignments = [a for a in out.get("assignments") or []
                   if (a["section"], a["meeting"]) != (move.section, move.meeting)]
    for a in assignments:
        if a["section"] == move.section:
            a["teacher"] = move.teacher
    assignments.append({"section": move.section, "meeting": move.meeting, "slot": move.slot,
                        "room": move.room, "teacher": move.teacher})
    out["assignments"] = assignments
    out["unassigned"] = [u for u in out.get("unassigned") or []
                         if (u["section"], u["meeting"]) != (move.section, move.meeting)]
    return out


def recount(problem: dict, solution: dict) -> dict:
    """The solution with its penalties and objective recounted by the validator (bound dropped if above)."""
    out = dict(solution)
    out["penalties"] = penalties_of(problem, solution)
    out["objective"] = weighted_objective(problem, out["penalties"])
    bound = out.get("bound")
    if bound is not None and bound > out["objective"]:
        out["bound"] = None
    return out


# The validator's checks of the solution's own numbers: recount() makes them agree, so they are no rule a move breaks.
_BOOKKEEPING = {"objective", "bound"}


def _broken(problem: dict, solution: dict) -> list[dict]:
    report = validate(problem, recount(problem, solution))
    return [v for v in report["violations"] if v["rule"] not in _BOOKKEEPING]


def check_move(problem: dict, solution: dict, locks: list[dict], move: Move) -> Check:
    """What the validator says against the move: the violations it adds to the timetable, and its penalties.

    `locks` are the version's locked meetings (locked entries of the shared format); moving a locked
    meeting breaks H9 as the validator reports it."""
    problem = with_locks(problem, locks)
    before = {(v["rule"], v["message"]) for v in _broken(problem, solution)}
    moved = apply_move(solution, move)
    after = [v for v in _broken(problem, moved) if (v["rule"], v["message"]) not in before]
    check = Check(violations=[{"rule": v["rule"], "rule_text": rule_text(v["rule"]), "message": v["message"]}
                              for v in after])
    if check.ok:
        counted = recount(problem, moved)
        check.penalties, check.objective = counted["penalties"], counted["objective"]
    return check
