"""The independent check of a timetable: every hard rule H1-H9, every penalty, the objective.

This module reads the raw JSON dicts of `spec/timetable-format.md` with its own small
default-application code and on purpose shares nothing with the solver model (`problem.py`,
`model.py`, `solve.py`): two readings of the spec that agree are worth more than one.

Choices where the spec leaves room (also in the report's `note` or the messages):
- A solution with status `infeasible` or `unknown` holds no timetable: it is reported
  `valid: false` with a `note` and no rule violations (there is nothing to check); if it does
  carry assignments that breaks the format (rule `status`).
- `perturbation` counts the meetings in `reference.assignments` that exist in the problem;
  reference meetings listed only in `reference.unassigned` cost nothing.
- A partial `weights` mapping takes the default for each missing weight.
- `teachers[].available`, `children_groups[].available` and `children_groups[].sites` left
  out or null mean unrestricted; an empty list means none.
- Rules outside H1-H9: `format` (solution shape), `status`, `ids` (unknown section, meeting,
  slot, room or teacher), `objective` (reported penalties or objective differ from the
  recount) and `bound` (a reported bound above the recounted objective).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

SOLUTION_FORMAT = "senior-college-timetable-solution/1"
STATUSES = ("optimal", "feasible", "infeasible", "unknown")
DEFAULT_WEIGHTS = {"time": 1, "site_change": 5, "room_change": 2, "teacher_pref": 1,
                   "perturbation": 10, "unassigned": 1000}
RULE_ORDER = ["format", "status", "ids", "H1", "H2", "H3", "H4", "H5", "H6", "H7", "H8", "H9",
              "objective", "bound"]


class _Problem:
    """The problem's lists indexed by id, with the spec's defaults filled in."""

    def __init__(self, problem: dict) -> None:
        self.days = list(problem["days"])
        self.day_pos = {d: i for i, d in enumerate(self.days)}
        self.periods = {p["id"]: p for p in problem["periods"]}
        self.start = {p: _clock(v["start"]) for p, v in self.periods.items()}
        self.end = {p: _clock(v["end"]) for p, v in self.periods.items()}
        self.slots = [f"{d}:{p}" for d in self.days for p in self.periods]
        self.slot_set = set(self.slots)
        self.sites = {s["id"]: s for s in problem["sites"]}
        self.closed = {s["id"]: set(s.get("closed") or []) for s in problem["sites"]}
        self.rooms = {r["id"]: r for r in problem["rooms"]}
        self.teachers = {t["id"]: t for t in problem["teachers"]}
        self.groups = {g["id"]: g for g in problem.get("children_groups") or []}
        self.sections = {s["id"]: s for s in problem["sections"]}
        self.travel = problem.get("travel_minutes") or {}
        self.conflicts = problem.get("conflicts") or []
        self.locked = problem.get("locked") or []
        self.reference = problem.get("reference")
        self.allow_unassigned = bool(problem.get("allow_unassigned", False))
        self.weights = dict(DEFAULT_WEIGHTS)
        self.weights.update(problem.get("weights") or {})

    def meetings(self, section: str) -> int:
        return int(self.sections[section]["meetings"])

    def teacher_slots(self, teacher: str) -> set[str]:
        available = self.teachers[teacher].get("available")
        return self.slot_set if available is None else set(available)

    def travel_minutes(self, a: str, b: str) -> float:
        if a == b:
            return 0
        return self.travel.get(a, {}).get(b, math.inf)


def _clock(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


class _Report:
    def __init__(self) -> None:
        self.violations: list[dict] = []

    def add(self, rule: str, message: str, section: str | None = None,
            meeting: int | None = None, ids: list | None = None) -> None:
        self.violations.append({"rule": rule, "message": message, "section": section,
                                "meeting": meeting, "ids": list(ids or [])})


def _entries(solution: dict, key: str, report: _Report) -> list[dict]:
    value = solution.get(key, [])
    if value is None:
        value = []
    if not isinstance(value, list):
        report.add("format", f"solution.{key} must be a list")
        return []
    good = []
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            report.add("format", f"solution.{key}[{i}] must be an object")
            continue
        good.append(entry)
    return good


def _is_id(value, known) -> bool:
    return isinstance(value, str) and value in known


def _meeting_key(p: _Problem, entry: dict) -> tuple[str, int] | None:
    """(section, meeting) when both exist in the problem, else None."""
    section, meeting = entry.get("section"), entry.get("meeting")
    if not _is_id(section, p.sections) or not isinstance(meeting, int) \
            or isinstance(meeting, bool) or not 0 <= meeting < p.meetings(section):
        return None
    return section, meeting


def _meeting_problem(p: _Problem, entry: dict) -> str | None:
    section, meeting = entry.get("section"), entry.get("meeting")
    if not _is_id(section, p.sections):
        return f"unknown section {section!r}"
    if _meeting_key(p, entry) is None:
        return f"meeting {meeting!r} of {section} is not in 0..{p.meetings(section) - 1}"
    return None


def _known_assignments(p: _Problem, assignments: list[dict], report: _Report) -> list[dict]:
    """Assignments whose every id exists; the others are reported under `ids`."""
    known = []
    for i, a in enumerate(assignments):
        bad = [_meeting_problem(p, a)]
        for field, ids in (("slot", p.slot_set), ("room", p.rooms), ("teacher", p.teachers)):
            if not _is_id(a.get(field), ids):
                bad.append(f"unknown {field} {a.get(field)!r}")
        bad = [b for b in bad if b]
        if bad:
            section, meeting = a.get("section"), a.get("meeting")
            ids = [x for x in (section, a.get("slot"), a.get("room"), a.get("teacher"))
                   if isinstance(x, str)]
            report.add("ids", f"assignments[{i}]: " + "; ".join(bad),
                       section if isinstance(section, str) else None,
                       meeting if isinstance(meeting, int) else None, ids)
        else:
            known.append(a)
    return known


def _known_unassigned(p: _Problem, unassigned: list[dict], report: _Report) -> list[dict]:
    """Unassigned entries naming an existing meeting; the others are reported under `ids`."""
    known = []
    for i, u in enumerate(unassigned):
        bad = _meeting_problem(p, u)
        if bad:
            section = u.get("section")
            report.add("ids", f"unassigned[{i}]: {bad}",
                       section if isinstance(section, str) else None, None,
                       [section] if isinstance(section, str) else [])
        else:
            known.append(u)
    return known


# -- hard rules, one function each ----------------------------------------------------------

def check_h1(p: _Problem, assignments: list[dict], unassigned: list[dict], report: _Report,
             assigned_keys: list[tuple]) -> None:
    """H1: each meeting exactly once (assigned, or unassigned only when allowed); one teacher."""
    placed = defaultdict(int)
    for key in assigned_keys:
        placed[key] += 1
    left = defaultdict(int)
    for u in unassigned:
        left[(u["section"], u["meeting"])] += 1
    for section in p.sections:
        for meeting in range(p.meetings(section)):
            n_placed, n_left = placed[(section, meeting)], left[(section, meeting)]
            if n_placed + n_left == 0:
                report.add("H1", f"meeting {meeting} of section {section} is neither assigned "
                                 "nor unassigned", section, meeting, [section])
            elif n_placed + n_left > 1:
                report.add("H1", f"meeting {meeting} of section {section} appears "
                                 f"{n_placed} time(s) in assignments and {n_left} in unassigned",
                           section, meeting, [section])
            if n_left and not p.allow_unassigned:
                report.add("H1", f"meeting {meeting} of section {section} is unassigned but "
                                 "allow_unassigned is false", section, meeting, [section])
    teachers = defaultdict(set)
    for a in assignments:
        teachers[a["section"]].add(a["teacher"])
    for section, names in teachers.items():
        if len(names) > 1:
            report.add("H1", f"section {section} has meetings with different teachers "
                             f"{', '.join(sorted(names))}", section, None,
                       [section, *sorted(names)])


def check_h2(p: _Problem, assignments: list[dict], report: _Report) -> None:
    """H2: a room holds at most one meeting per slot."""
    held = defaultdict(list)
    for a in assignments:
        held[(a["room"], a["slot"])].append(a)
    for (room, slot), group in held.items():
        if len(group) > 1:
            names = [f"{a['section']}#{a['meeting']}" for a in group]
            report.add("H2", f"room {room} holds {len(group)} meetings in {slot}: "
                             f"{', '.join(names)}", group[0]["section"], group[0]["meeting"],
                       [room, slot, *dict.fromkeys(a["section"] for a in group)])


def check_h3(p: _Problem, assignments: list[dict], report: _Report) -> None:
    """H3: a teacher teaches one meeting per slot, when available, a subject they teach,
    and a section's fixed teacher is honoured."""
    taught = defaultdict(list)
    for a in assignments:
        section, teacher, slot = p.sections[a["section"]], a["teacher"], a["slot"]
        sid, meeting = a["section"], a["meeting"]
        taught[(teacher, slot)].append(a)
        if slot not in p.teacher_slots(teacher):
            report.add("H3", f"teacher {teacher} is not available in {slot} "
                             f"({sid}#{meeting})", sid, meeting, [teacher, slot, sid])
        if section["subject"] not in (p.teachers[teacher].get("subjects") or []):
            report.add("H3", f"teacher {teacher} does not teach {section['subject']} "
                             f"({sid}#{meeting})", sid, meeting, [teacher, sid])
        fixed = section.get("teacher")
        if fixed is not None and fixed != teacher:
            report.add("H3", f"section {sid} must be taught by {fixed}, not {teacher}",
                       sid, meeting, [sid, fixed, teacher])
    for (teacher, slot), group in taught.items():
        if len(group) > 1:
            names = [f"{a['section']}#{a['meeting']}" for a in group]
            report.add("H3", f"teacher {teacher} teaches {len(group)} meetings in {slot}: "
                             f"{', '.join(names)}", group[0]["section"], group[0]["meeting"],
                       [teacher, slot, *dict.fromkeys(a["section"] for a in group)])


def check_h4(p: _Problem, assignments: list[dict], report: _Report) -> None:
    """H4: the room is at a candidate site, not closed then, big enough, with the features."""
    for a in assignments:
        section, room, slot = p.sections[a["section"]], p.rooms[a["room"]], a["slot"]
        sid, meeting, site = a["section"], a["meeting"], room["site"]
        if site not in section["sites"]:
            report.add("H4", f"room {room['id']} is at site {site}, not one of {sid}'s sites",
                       sid, meeting, [sid, room["id"], site])
        if slot in p.closed.get(site, set()):
            report.add("H4", f"site {site} is closed in {slot} ({sid}#{meeting})",
                       sid, meeting, [site, slot, sid])
        seats = int(section["size"])
        group = section.get("children_group")
        if group in p.groups:
            seats += int(p.groups[group]["size"])
        if room["capacity"] < seats:
            report.add("H4", f"room {room['id']} seats {room['capacity']}, section {sid} "
                             f"needs {seats}", sid, meeting, [sid, room["id"]])
        missing = sorted(set(section.get("features") or []) - set(room.get("features") or []))
        if missing:
            report.add("H4", f"room {room['id']} lacks {', '.join(missing)} for section {sid}",
                       sid, meeting, [sid, room["id"], *missing])


def check_h5(p: _Problem, assignments: list[dict], report: _Report) -> None:
    """H5: meetings of a section are min_days_apart days apart; only allowed slots."""
    by_section = defaultdict(list)
    for a in assignments:
        by_section[a["section"]].append(a)
        allowed = p.sections[a["section"]].get("allowed")
        if allowed is not None and a["slot"] not in allowed:
            report.add("H5", f"section {a['section']} may not use {a['slot']}",
                       a["section"], a["meeting"], [a["section"], a["slot"]])
    for sid, group in by_section.items():
        apart = p.sections[sid].get("min_days_apart")
        apart = 1 if apart is None else int(apart)
        group.sort(key=lambda a: a["meeting"])
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                gap = abs(p.day_pos[_day(a["slot"])] - p.day_pos[_day(b["slot"])])
                if gap < apart or a["slot"] == b["slot"]:
                    report.add("H5", f"meetings {a['meeting']} ({a['slot']}) and "
                                     f"{b['meeting']} ({b['slot']}) of section {sid} are "
                                     f"{gap} day(s) apart, {apart} required"
                                     + (" and share a slot" if a["slot"] == b["slot"] else ""),
                               sid, b["meeting"], [sid, a["slot"], b["slot"]])


def _day(slot: str) -> str:
    return slot.split(":", 1)[0]


def _period(slot: str) -> str:
    return slot.split(":", 1)[1]


def _teacher_days(p: _Problem, assignments: list[dict]) -> dict[tuple, list[dict]]:
    days = defaultdict(list)
    for a in assignments:
        days[(a["teacher"], _day(a["slot"]))].append(a)
    return days


def check_h6(p: _Problem, assignments: list[dict], report: _Report) -> None:
    """H6: between any two of a teacher's meetings on one day at different sites a then b,
    travel_minutes[a][b] fits between the end of the first and the start of the second."""
    for (teacher, _), group in _teacher_days(p, assignments).items():
        group = sorted(group, key=lambda a: (p.start[_period(a["slot"])], a["slot"]))
        for i, first in enumerate(group):
            for second in group[i + 1:]:
                a, b = p.rooms[first["room"]]["site"], p.rooms[second["room"]]["site"]
                pa, pb = _period(first["slot"]), _period(second["slot"])
                if a == b or pa == pb:    # same slot is H3's business
                    continue
                gap = p.start[pb] - p.end[pa]
                need = p.travel_minutes(a, b)
                if need > gap:
                    how = "is unreachable" if need == math.inf else f"takes {need} min"
                    report.add("H6", f"teacher {teacher}: {a} ({first['slot']}) to {b} "
                                     f"({second['slot']}) {how}, {gap} min between",
                               second["section"], second["meeting"],
                               [teacher, a, b, first["slot"], second["slot"],
                                first["section"], second["section"]])


def check_h7(p: _Problem, assignments: list[dict], report: _Report) -> None:
    """H7: at most max_meetings a week and max_sites_per_day distinct sites a day."""
    load = defaultdict(int)
    for a in assignments:
        load[a["teacher"]] += 1
    for teacher, count in load.items():
        cap = p.teachers[teacher].get("max_meetings")
        if cap is not None and count > cap:
            report.add("H7", f"teacher {teacher} has {count} meetings, at most {cap}",
                       None, None, [teacher])
    for (teacher, day), group in _teacher_days(p, assignments).items():
        cap = p.teachers[teacher].get("max_sites_per_day")
        sites = sorted({p.rooms[a["room"]]["site"] for a in group})
        if cap is not None and len(sites) > cap:
            report.add("H7", f"teacher {teacher} visits {len(sites)} sites on {day}, "
                             f"at most {cap}", None, None, [teacher, day, *sites])


def check_h8(p: _Problem, assignments: list[dict], report: _Report) -> None:
    """H8: an intergenerational meeting is in the group's slots and sites, at a child-safe
    site, with an intergenerational teacher, and a group is in one meeting per slot."""
    busy = defaultdict(list)
    for a in assignments:
        sid, meeting, slot = a["section"], a["meeting"], a["slot"]
        gid = p.sections[sid].get("children_group")
        if gid is None:
            continue
        if gid not in p.groups:
            report.add("ids", f"section {sid}: unknown children group {gid!r}", sid, meeting,
                       [sid, gid])
            continue
        group, site = p.groups[gid], p.rooms[a["room"]]["site"]
        busy[(gid, slot)].append(a)
        if group.get("available") is not None and slot not in group["available"]:
            report.add("H8", f"children group {gid} is not available in {slot} "
                             f"({sid}#{meeting})", sid, meeting, [gid, slot, sid])
        if group.get("sites") is not None and site not in group["sites"]:
            report.add("H8", f"children group {gid} cannot come to site {site} "
                             f"({sid}#{meeting})", sid, meeting, [gid, site, sid])
        if not p.sites.get(site, {}).get("child_safe", False):
            report.add("H8", f"site {site} is not child-safe ({sid}#{meeting})",
                       sid, meeting, [site, sid])
        if not p.teachers[a["teacher"]].get("intergenerational", False):
            report.add("H8", f"teacher {a['teacher']} is not cleared for classes with "
                             f"children ({sid}#{meeting})", sid, meeting, [a["teacher"], sid])
    for (gid, slot), group in busy.items():
        if len(group) > 1:
            names = [f"{a['section']}#{a['meeting']}" for a in group]
            report.add("H8", f"children group {gid} is in {len(group)} meetings in {slot}: "
                             f"{', '.join(names)}", group[0]["section"], group[0]["meeting"],
                       [gid, slot, *dict.fromkeys(a["section"] for a in group)])


def check_h9(p: _Problem, assignments: list[dict], unassigned: list[dict],
             report: _Report) -> None:
    """H9: sections of one conflicts group never share a slot; locked entries are kept."""
    slots_of = defaultdict(set)
    for a in assignments:
        slots_of[a["section"]].add(a["slot"])
    for n, group in enumerate(p.conflicts):
        members = list(dict.fromkeys(group))
        for i, x in enumerate(members):
            for y in members[i + 1:]:
                for slot in sorted(slots_of[x] & slots_of[y]):
                    report.add("H9", f"sections {x} and {y} (conflicts[{n}]) both meet in "
                                     f"{slot}", x, None, [x, y, slot])
    placed = defaultdict(list)
    for a in assignments:
        placed[(a["section"], a["meeting"])].append(a)
    left = {(u["section"], u["meeting"]) for u in unassigned}
    for n, lock in enumerate(p.locked):
        key = (lock["section"], lock["meeting"])
        where = f"locked[{n}] ({key[0]}#{key[1]})"
        if not placed[key]:
            why = "left unassigned" if key in left else "missing from the timetable"
            report.add("H9", f"{where} is {why}", key[0], key[1], [key[0]])
            continue
        for a in placed[key]:
            for field in ("slot", "room", "teacher"):
                want = lock.get(field)
                if want is not None and a[field] != want:
                    report.add("H9", f"{where} must have {field} {want}, has {a[field]}",
                               key[0], key[1], [key[0], want, a[field]])


# -- penalties ------------------------------------------------------------------------------

def penalties_of(problem: dict, solution: dict) -> dict:
    """Each penalty count of the solution, recounted from the spec (before weighting).

    Assignments and unassigned entries with unknown ids are left out of the count.
    """
    p = _Problem(problem)
    scratch = _Report()
    assignments = _known_assignments(p, _entries(solution, "assignments", scratch), scratch)
    unassigned = _known_unassigned(p, _entries(solution, "unassigned", scratch), scratch)
    return _penalties(p, assignments, unassigned)


def _penalties(p: _Problem, assignments: list[dict], unassigned: list[dict]) -> dict:
    counts = dict.fromkeys(DEFAULT_WEIGHTS, 0)
    rooms = defaultdict(set)
    for a in assignments:
        section, teacher = p.sections[a["section"]], p.teachers[a["teacher"]]
        if section.get("children_group") is None:
            counts["time"] += p.periods[_period(a["slot"])].get("penalty", 0) or 0
        preferred = teacher.get("preferred")
        if preferred and a["slot"] not in preferred:
            counts["teacher_pref"] += 1
        rooms[a["section"]].add(a["room"])
    for (_, _), group in _teacher_days(p, assignments).items():
        counts["site_change"] += len({p.rooms[a["room"]]["site"] for a in group}) - 1
    counts["room_change"] = sum(len(used) - 1 for used in rooms.values())
    if p.reference:
        now = {(a["section"], a["meeting"]): a for a in assignments}
        before = {}
        for r in p.reference.get("assignments") or []:
            key = _meeting_key(p, r)
            if key is not None:
                before[key] = r
        for key, r in before.items():
            a = now.get(key)
            if a is None or any(a[f] != r.get(f) for f in ("slot", "room", "teacher")):
                counts["perturbation"] += 1
    counts["unassigned"] = len(unassigned)
    return counts


def weighted_objective(problem: dict, penalties: dict) -> float | int:
    """Σ weight × count, with the default weight for each weight the problem leaves out."""
    weights = dict(DEFAULT_WEIGHTS)
    weights.update(problem.get("weights") or {})
    return sum(weights[k] * penalties[k] for k in DEFAULT_WEIGHTS)


def _same(x, y) -> bool:
    if isinstance(x, bool) or isinstance(y, bool) or not isinstance(x, int | float) \
            or not isinstance(y, int | float):
        return False
    return abs(x - y) <= 1e-6 * max(1.0, abs(x), abs(y))


# -- the report -----------------------------------------------------------------------------

def validate(problem: dict, solution: dict) -> dict:
    """Check a solution against its problem; return a JSON-able report.

    The report holds `valid`, `status`, `violations` (each with `rule`, `message`, `section`,
    `meeting` and the `ids` involved), the recounted `penalties` and `objective`, the
    `reported_objective`, `objective_matches`, and a `note` when there is no timetable.
    The problem is trusted to be well-formed (the problem reader checks that); a problem this
    function cannot read raises ValueError.
    """
    try:
        p = _Problem(problem)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"problem cannot be read: {exc!r}") from exc
    report = _Report()
    result = {"valid": False, "status": None, "violations": report.violations,
              "penalties": None, "objective": None, "reported_objective": None,
              "objective_matches": None, "note": None}
    if not isinstance(solution, dict):
        report.add("format", "the solution must be a JSON object")
        return result
    if solution.get("format") != SOLUTION_FORMAT:
        report.add("format", f"solution format is {solution.get('format')!r}, expected "
                             f"{SOLUTION_FORMAT!r}")
    status = solution.get("status")
    result["status"] = status
    result["reported_objective"] = solution.get("objective")
    if status not in STATUSES:
        report.add("format", f"status {status!r} is not one of {', '.join(STATUSES)}")
    raw = _entries(solution, "assignments", report)
    unassigned = _entries(solution, "unassigned", report)
    if status in ("infeasible", "unknown"):
        if raw:
            report.add("status", f"status {status} means no timetable, yet there are "
                                 f"{len(raw)} assignments")
        result["note"] = (f"status {status}: the solution holds no timetable, so there is "
                          "nothing valid to publish; no rule was checked")
        _sort(report)
        return result

    try:
        _check(p, problem, solution, raw, unassigned, result, report)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"problem cannot be read: {exc!r}") from exc
    _sort(report)
    result["valid"] = not report.violations
    return result


def _check(p: _Problem, problem: dict, solution: dict, raw: list[dict],
           unassigned: list[dict], result: dict, report: _Report) -> None:
    """Every hard rule, then the recount of penalties against the reported ones."""
    assignments = _known_assignments(p, raw, report)
    unassigned = _known_unassigned(p, unassigned, report)
    # a meeting with a bad slot, room or teacher still counts as present for H1
    keys = [key for key in (_meeting_key(p, a) for a in raw) if key is not None]
    check_h1(p, assignments, unassigned, report, keys)
    check_h2(p, assignments, report)
    check_h3(p, assignments, report)
    check_h4(p, assignments, report)
    check_h5(p, assignments, report)
    check_h6(p, assignments, report)
    check_h7(p, assignments, report)
    check_h8(p, assignments, report)
    check_h9(p, assignments, unassigned, report)

    penalties = _penalties(p, assignments, unassigned)
    objective = weighted_objective(problem, penalties)
    result["penalties"], result["objective"] = penalties, objective
    _check_reported(solution, penalties, objective, result, report)


def _check_reported(solution: dict, penalties: dict, objective, result: dict,
                    report: _Report) -> None:
    reported = solution.get("objective")
    matches = _same(reported, objective)
    if not matches:
        report.add("objective", f"reported objective {reported!r}, recounted {objective}")
    stated = solution.get("penalties")
    if not isinstance(stated, dict):
        report.add("objective", "the solution reports no penalties")
    else:
        for name, count in penalties.items():
            if not _same(stated.get(name), count):
                report.add("objective", f"reported {name} penalty {stated.get(name)!r}, "
                                        f"recounted {count}", ids=[name])
    result["objective_matches"] = matches
    bound = solution.get("bound")
    if bound is not None and (not isinstance(bound, int | float) or isinstance(bound, bool)
                              or bound > objective + 1e-6 * max(1.0, abs(objective))):
        report.add("bound", f"reported bound {bound!r} is above the recounted objective "
                            f"{objective}")


def _sort(report: _Report) -> None:
    report.violations.sort(key=lambda v: RULE_ORDER.index(v["rule"]))


def validate_files(problem_path: str | Path, solution_path: str | Path) -> dict:
    """`validate` on two JSON files."""
    problem = json.loads(Path(problem_path).read_text(encoding="utf-8"))
    solution = json.loads(Path(solution_path).read_text(encoding="utf-8"))
    return validate(problem, solution)
