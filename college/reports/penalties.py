"""The penalty of a timetable taken apart: for each term of `spec/timetable-format.md` its count,
weight and cost, and the meetings, teachers and classes behind each unit of the count.

`scheduler.validate` reports only the counts, so the causes are recounted here from the problem
and the solution, rule by rule as the spec words them; the tests check that the counts add up to
the validator's. Entries naming ids the problem lacks are left out, as the validator does.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from scheduler.validate import DEFAULT_WEIGHTS

TERMS = list(DEFAULT_WEIGHTS)      # time, site_change, room_change, teacher_pref, perturbation, unassigned


@dataclass
class Cause:
    """One reason the count of a term goes up by `count`, with who and what it concerns."""

    count: float
    section: str | None = None
    meeting: int | None = None
    teacher: str | None = None
    day: str | None = None
    slot: str | None = None
    rooms: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    before: dict | None = None        # perturbation: the reference's placement
    after: dict | None = None         # perturbation: the new placement (None: not placed)
    reason: str = ""                  # unassigned: the solver's reason


@dataclass
class Term:
    name: str
    weight: float
    causes: list[Cause]

    @property
    def count(self) -> float:
        return sum(c.count for c in self.causes)

    @property
    def cost(self) -> float:
        return self.weight * self.count


def _day(slot: str) -> str:
    return slot.split(":", 1)[0]


def _period(slot: str) -> str:
    return slot.split(":", 1)[1]


def _known(problem: dict, solution: dict) -> tuple[list[dict], list[dict]]:
    """Assignments and unassigned entries whose ids all exist in the problem."""
    slots = {f"{d}:{p['id']}" for d in problem["days"] for p in problem["periods"]}
    rooms = {r["id"] for r in problem["rooms"]}
    teachers = {t["id"] for t in problem["teachers"]}
    meetings = {s["id"]: int(s["meetings"]) for s in problem["sections"]}

    def meeting_ok(e: dict) -> bool:
        m = e.get("meeting")
        return (e.get("section") in meetings and isinstance(m, int) and not isinstance(m, bool)
                and 0 <= m < meetings[e["section"]])

    placed = [a for a in solution.get("assignments") or [] if meeting_ok(a) and a.get("slot") in slots
              and a.get("room") in rooms and a.get("teacher") in teachers]
    left = [u for u in solution.get("unassigned") or [] if meeting_ok(u)]
    return placed, left


def cause_time(problem: dict, placed: list[dict]) -> list[Cause]:
    """time: each meeting of a class without children costs its period's penalty."""
    cost = {p["id"]: p.get("penalty", 0) or 0 for p in problem["periods"]}
    sections = {s["id"]: s for s in problem["sections"]}
    return [Cause(cost[_period(a["slot"])], section=a["section"], meeting=a["meeting"], teacher=a["teacher"],
                  slot=a["slot"], rooms=[a["room"]])
            for a in placed
            if sections[a["section"]].get("children_group") is None and cost[_period(a["slot"])]]


def cause_site_change(problem: dict, placed: list[dict]) -> list[Cause]:
    """site_change: each teacher and day costs (distinct sites − 1)."""
    where = {r["id"]: r["site"] for r in problem["rooms"]}
    days: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for a in placed:
        days[(a["teacher"], _day(a["slot"]))].append(a)
    out = []
    for (teacher, day), group in days.items():
        sites = list(dict.fromkeys(where[a["room"]] for a in sorted(group, key=lambda a: a["slot"])))
        if len(sites) > 1:
            out.append(Cause(len(sites) - 1, teacher=teacher, day=day, sites=sites))
    return out


def cause_room_change(problem: dict, placed: list[dict]) -> list[Cause]:
    """room_change: each class costs (distinct rooms − 1)."""
    rooms: dict[str, list[str]] = defaultdict(list)
    for a in sorted(placed, key=lambda a: a["meeting"]):
        if a["room"] not in rooms[a["section"]]:
            rooms[a["section"]].append(a["room"])
    return [Cause(len(used) - 1, section=section, rooms=used) for section, used in rooms.items() if len(used) > 1]


def cause_teacher_pref(problem: dict, placed: list[dict]) -> list[Cause]:
    """teacher_pref: a meeting outside its teacher's preferred slots (when the teacher lists some)."""
    preferred = {t["id"]: t.get("preferred") for t in problem["teachers"]}
    return [Cause(1, section=a["section"], meeting=a["meeting"], teacher=a["teacher"], slot=a["slot"],
                  rooms=[a["room"]])
            for a in placed if preferred[a["teacher"]] and a["slot"] not in preferred[a["teacher"]]]


def cause_perturbation(problem: dict, placed: list[dict]) -> list[Cause]:
    """perturbation: a meeting of the reference timetable now elsewhere, with someone else, or left out."""
    reference = problem.get("reference")
    if not reference:
        return []
    meetings = {s["id"]: int(s["meetings"]) for s in problem["sections"]}
    now = {(a["section"], a["meeting"]): a for a in placed}
    before = {}
    for r in reference.get("assignments") or []:
        m = r.get("meeting")
        if r.get("section") in meetings and isinstance(m, int) and 0 <= m < meetings[r["section"]]:
            before[(r["section"], m)] = r
    out = []
    for (section, meeting), r in sorted(before.items()):
        a = now.get((section, meeting))
        if a is None or any(a[f] != r.get(f) for f in ("slot", "room", "teacher")):
            out.append(Cause(1, section=section, meeting=meeting, teacher=(a or r).get("teacher"),
                             slot=(a or r).get("slot"),
                             before={f: r.get(f) for f in ("slot", "room", "teacher")},
                             after=None if a is None else {f: a[f] for f in ("slot", "room", "teacher")}))
    return out


def cause_unassigned(problem: dict, left: list[dict]) -> list[Cause]:
    """unassigned: each meeting left without a place."""
    return [Cause(1, section=u["section"], meeting=u["meeting"], reason=u.get("reason") or "") for u in left]


def breakdown(problem: dict, solution: dict) -> list[Term]:
    """Every penalty term in the spec's order with its weight and causes (empty causes: costs nothing)."""
    weights = {**DEFAULT_WEIGHTS, **(problem.get("weights") or {})}
    placed, left = _known(problem, solution)
    placed = sorted(placed, key=lambda a: (a["section"], a["meeting"]))
    causes = {"time": cause_time(problem, placed), "site_change": cause_site_change(problem, placed),
              "room_change": cause_room_change(problem, placed), "teacher_pref": cause_teacher_pref(problem, placed),
              "perturbation": cause_perturbation(problem, placed), "unassigned": cause_unassigned(problem, left)}
    return [Term(name, weights[name], causes[name]) for name in TERMS]


def counts(terms: list[Term]) -> dict[str, float]:
    """{term: count}, the shape of the validator's `penalties`."""
    return {t.name: t.count for t in terms}


def objective(terms: list[Term]) -> float:
    return sum(t.cost for t in terms)
