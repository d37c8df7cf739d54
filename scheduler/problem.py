"""The timetable problem of `spec/timetable-format.md`, read from its JSON dict.

`load_problem(data)` checks the whole document first and raises `ProblemError` with one
message per problem, each naming its JSON path (`sections[12].sites[0]: unknown site "S99"`);
only a clean document becomes a `Problem` of frozen dataclasses with the spec's defaults.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

PROBLEM_FORMAT = "senior-college-timetable/1"
SOLUTION_FORMAT = "senior-college-timetable-solution/1"
DEFAULT_WEIGHTS = {"time": 1, "site_change": 5, "room_change": 2, "teacher_pref": 1,
                   "perturbation": 10, "unassigned": 1000}
TOP_KEYS = {"format", "name", "days", "periods", "sites", "travel_minutes", "rooms", "teachers",
            "children_groups", "sections", "conflicts", "locked", "reference",
            "allow_unassigned", "weights"}
REQUIRED_KEYS = ("format", "days", "periods", "sites", "rooms", "teachers", "sections")
_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class ProblemError(ValueError):
    """A malformed problem; `messages` holds one line per problem, each naming its path."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class Period:
    id: str
    start: int          # minutes after midnight
    end: int
    penalty: float


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    child_safe: bool
    closed: frozenset[str]


@dataclass(frozen=True)
class Room:
    id: str
    site: str
    capacity: int
    features: frozenset[str]


@dataclass(frozen=True)
class Teacher:
    id: str
    subjects: frozenset[str]
    available: frozenset[str]          # every slot when the key was null or left out
    preferred: frozenset[str] | None   # None or empty: no wish, costs nothing
    max_meetings: int | None
    max_sites_per_day: int | None
    intergenerational: bool


@dataclass(frozen=True)
class ChildrenGroup:
    id: str
    size: int
    available: frozenset[str]
    sites: frozenset[str]


@dataclass(frozen=True)
class Section:
    id: str
    subject: str
    meetings: int
    size: int
    sites: tuple[str, ...]
    features: frozenset[str]
    teacher: str | None
    children_group: str | None
    min_days_apart: int
    allowed: frozenset[str] | None


@dataclass(frozen=True)
class Lock:
    section: str
    meeting: int
    slot: str
    room: str | None
    teacher: str | None


@dataclass(frozen=True)
class Placement:
    """One meeting of a reference timetable."""
    section: str
    meeting: int
    slot: str
    room: str
    teacher: str


@dataclass(frozen=True)
class Problem:
    name: str
    days: tuple[str, ...]
    periods: tuple[Period, ...]        # in clock order
    sites: dict[str, Site]
    travel: dict[str, dict[str, int]]
    rooms: dict[str, Room]
    teachers: dict[str, Teacher]
    groups: dict[str, ChildrenGroup]
    sections: dict[str, Section]
    conflicts: tuple[tuple[str, ...], ...]
    locked: tuple[Lock, ...]
    reference: tuple[Placement, ...] | None
    allow_unassigned: bool
    weights: dict[str, float]
    raw: dict = field(repr=False, compare=False, default_factory=dict)

    @cached_property
    def slots(self) -> tuple[str, ...]:
        return tuple(f"{d}:{p.id}" for d in self.days for p in self.periods)

    @cached_property
    def day_by_slot(self) -> dict[str, str]:
        return {f"{d}:{p.id}": d for d in self.days for p in self.periods}

    @cached_property
    def period_by_slot(self) -> dict[str, Period]:
        return {f"{d}:{p.id}": p for d in self.days for p in self.periods}

    def day_of(self, slot: str) -> str:
        day = self.day_by_slot.get(slot)
        return slot.split(":", 1)[0] if day is None else day

    def period_of(self, slot: str) -> Period:
        period = self.period_by_slot.get(slot)
        if period is None:
            pid = slot.split(":", 1)[1]
            return next(p for p in self.periods if p.id == pid)
        return period

    def travel_clashes(self, day: str, sites, present: Callable[[str, str], bool]):
        """H6 pairs of one teacher's day: for each period p and later period q of `day` and
        each site a with `present(slot of p, a)`, (slot of p, a, slot of q, the sites b with
        `present(slot of q, b)` too far from a to reach between p's end and q's start)."""
        periods = self.periods
        for i, pp in enumerate(periods):
            sp = f"{day}:{pp.id}"
            for qq in periods[i + 1:]:
                sq = f"{day}:{qq.id}"
                gap = qq.start - pp.end
                later = [b for b in sites if present(sq, b)]
                for a in sites:
                    if not present(sp, a):
                        continue
                    bad = [b for b in later if self.travel_minutes(a, b) > gap]
                    if bad:
                        yield sp, a, sq, bad

    def travel_minutes(self, a: str, b: str) -> float:
        if a == b:
            return 0
        return self.travel.get(a, {}).get(b, math.inf)

    def seats(self, section: Section) -> int:
        extra = self.groups[section.children_group].size if section.children_group else 0
        return section.size + extra

    @property
    def meeting_count(self) -> int:
        return sum(s.meetings for s in self.sections.values())


# -- reading ----------------------------------------------------------------------------------

class _Reader:
    """Walks the document collecting every problem it finds instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def err(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def obj(self, value: Any, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.err(path, f"must be an object, not {_kind(value)}")
            return None
        return value

    def lst(self, value: Any, path: str) -> list | None:
        if not isinstance(value, list):
            self.err(path, f"must be a list, not {_kind(value)}")
            return None
        return value

    def string(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str) or not value:
            self.err(path, f"must be a non-empty string, not {_kind(value)}")
            return None
        return value

    def integer(self, value: Any, path: str, minimum: int | None = 0) -> int | None:
        if not isinstance(value, int) or isinstance(value, bool):
            self.err(path, f"must be an integer, not {_kind(value)}")
            return None
        if minimum is not None and value < minimum:
            self.err(path, f"must be at least {minimum}, not {value}")
            return None
        return value

    def number(self, value: Any, path: str) -> float | None:
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            self.err(path, f"must be a number, not {_kind(value)}")
            return None
        if value < 0:
            self.err(path, f"must not be negative, not {value}")
            return None
        return value

    def boolean(self, value: Any, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.err(path, f"must be true or false, not {_kind(value)}")
            return None
        return value

    def keys(self, entry: dict, path: str, required: tuple[str, ...], optional: tuple[str, ...]):
        for key in required:
            if key not in entry:
                self.err(path, f'missing required key "{key}"')
        for key in entry:
            if key not in required and key not in optional:
                self.err(f"{path}.{key}", "unknown key")

    def strings(self, value: Any, path: str, known: set[str] | None = None,
                what: str = "") -> list[str]:
        items = self.lst(value, path)
        out: list[str] = []
        for i, item in enumerate(items or []):
            s = self.string(item, f"{path}[{i}]")
            if s is None:
                continue
            if known is not None and s not in known:
                self.err(f"{path}[{i}]", f'unknown {what} "{s}"')
                continue
            out.append(s)
        return out

    def ids(self, entries: list, path: str, what: str) -> list[tuple[int, dict, str | None]]:
        """(index, entry, id) for every object entry, reporting duplicate and bad ids."""
        seen: dict[str, int] = {}
        out = []
        for i, entry in enumerate(entries):
            e = self.obj(entry, f"{path}[{i}]")
            if e is None:
                continue
            ident = self.string(e.get("id"), f"{path}[{i}].id") if "id" in e else None
            if ident is not None:
                if ident in seen:
                    self.err(f"{path}[{i}].id", f'duplicate {what} id "{ident}" '
                                                f"(also {path}[{seen[ident]}])")
                    ident = None
                else:
                    seen[ident] = i
            out.append((i, e, ident))
        return out


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "an integer", float: "a number", str: f"string {value!r}",
            list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def _clock(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def load_problem(data: Any) -> Problem:
    """Read and check a problem dict; raise ProblemError listing every problem found."""
    r = _Reader()
    doc = r.obj(data, "problem")
    if doc is None:
        raise ProblemError(r.errors)
    for key in doc:
        if key not in TOP_KEYS:
            r.err(key, "unknown top-level key")
    for key in REQUIRED_KEYS:
        if key not in doc:
            r.err(key, "missing required key")
    if "format" in doc and doc["format"] != PROBLEM_FORMAT:
        r.err("format", f'must be "{PROBLEM_FORMAT}", not {_kind(doc["format"])}')
    name = doc.get("name", "")
    if not isinstance(name, str):
        r.err("name", f"must be a string, not {_kind(name)}")
        name = ""

    # time vocabulary
    days = r.strings(doc.get("days", []), "days")
    if "days" in doc and not days and isinstance(doc["days"], list) and not doc["days"]:
        r.err("days", "must list at least one day")
    for i, d in enumerate(days):
        if ":" in d:
            r.err(f"days[{i}]", f'day "{d}" must not contain ":"')
    if len(set(days)) != len(days):
        r.err("days", "duplicate day")
    periods: list[Period] = []
    for i, e, pid in r.ids(r.lst(doc.get("periods", []), "periods") or [], "periods", "period"):
        path = f"periods[{i}]"
        r.keys(e, path, ("id", "start", "end"), ("penalty", "name"))
        start = end = None
        for key in ("start", "end"):
            v = e.get(key)
            if key in e and (not isinstance(v, str) or not _CLOCK.match(v)):
                r.err(f"{path}.{key}", f'must be a clock time "HH:MM", not {_kind(v)}')
            elif key in e:
                if key == "start":
                    start = _clock(v)
                else:
                    end = _clock(v)
        if start is not None and end is not None and end <= start:
            r.err(path, "end must be after start")
        penalty = r.number(e.get("penalty", 0), f"{path}.penalty")
        if pid is not None and ":" in pid:
            r.err(f"{path}.id", f'period "{pid}" must not contain ":"')
        if pid is not None and start is not None and end is not None and penalty is not None:
            periods.append(Period(pid, start, end, penalty))
    periods.sort(key=lambda p: (p.start, p.end))
    slot_set = {f"{d}:{p}" for d in days for p in (x.id for x in periods)}
    # every period id, even of a period with other errors, makes the slot known
    for entry in doc.get("periods") or []:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            slot_set |= {f"{d}:{entry['id']}" for d in days}

    def slots(value: Any, path: str) -> frozenset[str]:
        out = set()
        for i, s in enumerate(r.lst(value, path) or []):
            if not isinstance(s, str):
                r.err(f"{path}[{i}]", f"must be a slot string, not {_kind(s)}")
            elif s not in slot_set:
                r.err(f"{path}[{i}]", f'unknown slot "{s}" (a slot is "<day>:<period>")')
            else:
                out.add(s)
        return frozenset(out)

    # places
    sites: dict[str, Site] = {}
    site_entries = r.ids(r.lst(doc.get("sites", []), "sites") or [], "sites", "site")
    site_ids = {sid for _, _, sid in site_entries if sid}
    for i, e, sid in site_entries:
        path = f"sites[{i}]"
        r.keys(e, path, ("id",), ("name", "child_safe", "closed", "area", "address"))
        safe = r.boolean(e.get("child_safe", False), f"{path}.child_safe")
        closed = slots(e.get("closed") or [], f"{path}.closed")
        sname = e.get("name", "")
        if not isinstance(sname, str):
            r.err(f"{path}.name", f"must be a string, not {_kind(sname)}")
        if sid:
            sites[sid] = Site(sid, sname if isinstance(sname, str) else "", bool(safe), closed)
    travel: dict[str, dict[str, int]] = {}
    tm = r.obj(doc.get("travel_minutes") or {}, "travel_minutes") or {}
    for a, row in tm.items():
        if a not in site_ids:
            r.err(f"travel_minutes.{a}", f'unknown site "{a}"')
            continue
        row = r.obj(row, f"travel_minutes.{a}") or {}
        for b, minutes in row.items():
            if b not in site_ids:
                r.err(f"travel_minutes.{a}.{b}", f'unknown site "{b}"')
                continue
            m = r.number(minutes, f"travel_minutes.{a}.{b}")
            if m is not None:
                travel.setdefault(a, {})[b] = m
    rooms: dict[str, Room] = {}
    for i, e, rid in r.ids(r.lst(doc.get("rooms", []), "rooms") or [], "rooms", "room"):
        path = f"rooms[{i}]"
        r.keys(e, path, ("id", "site", "capacity"), ("features", "name"))
        site = e.get("site")
        if "site" in e and site not in site_ids:
            r.err(f"{path}.site", f"unknown site {_quote(site)}")
            site = None
        cap = r.integer(e.get("capacity"), f"{path}.capacity") if "capacity" in e else None
        feats = r.strings(e.get("features") or [], f"{path}.features")
        if rid and site and cap is not None:
            rooms[rid] = Room(rid, site, cap, frozenset(feats))

    # people
    teachers: dict[str, Teacher] = {}
    teacher_entries = r.ids(r.lst(doc.get("teachers", []), "teachers") or [], "teachers", "teacher")
    teacher_ids = {tid for _, _, tid in teacher_entries if tid}
    for i, e, tid in teacher_entries:
        path = f"teachers[{i}]"
        r.keys(e, path, ("id", "subjects"), ("available", "preferred", "max_meetings",
                                             "max_sites_per_day", "intergenerational", "name"))
        subjects = r.strings(e.get("subjects", []), f"{path}.subjects")
        available = (frozenset(slot_set) if e.get("available") is None
                     else slots(e["available"], f"{path}.available"))
        preferred = (None if e.get("preferred") is None
                     else slots(e["preferred"], f"{path}.preferred"))
        mm = e.get("max_meetings")
        mm = None if mm is None else r.integer(mm, f"{path}.max_meetings")
        ms = e.get("max_sites_per_day")
        ms = None if ms is None else r.integer(ms, f"{path}.max_sites_per_day", 1)
        ig = r.boolean(e.get("intergenerational", False), f"{path}.intergenerational")
        if tid:
            teachers[tid] = Teacher(tid, frozenset(subjects), available, preferred or None,
                                    mm, ms, bool(ig))
    groups: dict[str, ChildrenGroup] = {}
    group_entries = r.ids(r.lst(doc.get("children_groups") or [], "children_groups") or [],
                          "children_groups", "children group")
    group_ids = {gid for _, _, gid in group_entries if gid}
    for i, e, gid in group_entries:
        path = f"children_groups[{i}]"
        r.keys(e, path, ("id", "size"), ("available", "sites", "name"))
        size = r.integer(e.get("size"), f"{path}.size") if "size" in e else None
        available = (frozenset(slot_set) if e.get("available") is None
                     else slots(e["available"], f"{path}.available"))
        gsites = (frozenset(site_ids) if e.get("sites") is None
                  else frozenset(r.strings(e["sites"], f"{path}.sites", site_ids, "site")))
        if gid and size is not None:
            groups[gid] = ChildrenGroup(gid, size, available, gsites)

    # sections
    sections: dict[str, Section] = {}
    section_entries = r.ids(r.lst(doc.get("sections", []), "sections") or [], "sections",
                            "section")
    section_ids = {cid for _, _, cid in section_entries if cid}
    for i, e, cid in section_entries:
        path = f"sections[{i}]"
        r.keys(e, path, ("id", "subject", "meetings", "size", "sites"),
               ("features", "teacher", "children_group", "min_days_apart", "allowed", "name",
                "course"))
        subject = r.string(e.get("subject"), f"{path}.subject") if "subject" in e else None
        meetings = r.integer(e.get("meetings"), f"{path}.meetings", 1) if "meetings" in e else None
        size = r.integer(e.get("size"), f"{path}.size") if "size" in e else None
        ssites = r.strings(e.get("sites", []), f"{path}.sites", site_ids, "site")
        if isinstance(e.get("sites"), list) and not e["sites"]:
            r.err(f"{path}.sites", "must list at least one site")
        if len(set(ssites)) != len(ssites):
            r.err(f"{path}.sites", "duplicate site")
        feats = r.strings(e.get("features") or [], f"{path}.features")
        teacher = e.get("teacher")
        if teacher is not None and teacher not in teacher_ids:
            r.err(f"{path}.teacher", f"unknown teacher {_quote(teacher)}")
            teacher = None
        group = e.get("children_group")
        if group is not None and group not in group_ids:
            r.err(f"{path}.children_group", f"unknown children group {_quote(group)}")
            group = None
        apart = e.get("min_days_apart")
        apart = 1 if apart is None else r.integer(apart, f"{path}.min_days_apart")
        allowed = None if e.get("allowed") is None else slots(e["allowed"], f"{path}.allowed")
        if cid and subject and meetings is not None and size is not None and apart is not None:
            sections[cid] = Section(cid, subject, meetings, size, tuple(ssites),
                                    frozenset(feats), teacher, group, apart, allowed)

    conflicts: list[tuple[str, ...]] = []
    for i, group in enumerate(r.lst(doc.get("conflicts") or [], "conflicts") or []):
        members = r.strings(group, f"conflicts[{i}]", section_ids, "section")
        conflicts.append(tuple(dict.fromkeys(members)))

    def meeting_ref(e: dict, path: str, room_required: bool) -> tuple | None:
        cid = e.get("section")
        ok = True
        if cid not in section_ids:
            r.err(f"{path}.section", f"unknown section {_quote(cid)}")
            ok = False
        m = r.integer(e.get("meeting"), f"{path}.meeting") if "meeting" in e else None
        if "meeting" not in e:
            r.err(path, 'missing required key "meeting"')
        if m is None:
            ok = False
        elif cid in sections and m >= sections[cid].meetings:
            r.err(f"{path}.meeting", f"section {cid} has meetings 0..{sections[cid].meetings - 1}")
            ok = False
        slot = e.get("slot")
        if slot not in slot_set:
            r.err(f"{path}.slot", f"unknown slot {_quote(slot)}")
            ok = False
        room = e.get("room")
        if (room is not None or room_required) and room not in rooms:
            r.err(f"{path}.room", f"unknown room {_quote(room)}")
            ok = False
        teacher = e.get("teacher")
        if (teacher is not None or room_required) and teacher not in teacher_ids:
            r.err(f"{path}.teacher", f"unknown teacher {_quote(teacher)}")
            ok = False
        return (cid, m, slot, room, teacher) if ok else None

    locked: list[Lock] = []
    seen_locks: dict[tuple, int] = {}
    for i, e in enumerate(r.lst(doc.get("locked") or [], "locked") or []):
        path = f"locked[{i}]"
        e = r.obj(e, path)
        if e is None:
            continue
        r.keys(e, path, ("section", "meeting", "slot"), ("room", "teacher"))
        ref = meeting_ref(e, path, False)
        if ref is None:
            continue
        if ref[:2] in seen_locks:
            r.err(path, f"meeting {ref[1]} of section {ref[0]} is already locked by "
                        f"locked[{seen_locks[ref[:2]]}]")
            continue
        seen_locks[ref[:2]] = i
        locked.append(Lock(*ref))

    reference = None
    if doc.get("reference") is not None:
        ref_doc = r.obj(doc["reference"], "reference")
        if ref_doc is not None:
            reference = []
            for i, e in enumerate(r.lst(ref_doc.get("assignments") or [],
                                        "reference.assignments") or []):
                path = f"reference.assignments[{i}]"
                e = r.obj(e, path)
                if e is None:
                    continue
                ref = meeting_ref(e, path, True)
                if ref is not None:
                    reference.append(Placement(*ref))
            reference = tuple(reference)

    allow = r.boolean(doc.get("allow_unassigned", False), "allow_unassigned")
    weights = dict(DEFAULT_WEIGHTS)
    w = doc.get("weights")
    if w is not None:
        for key, value in (r.obj(w, "weights") or {}).items():
            if key not in DEFAULT_WEIGHTS:
                r.err(f"weights.{key}", "unknown weight")
                continue
            v = r.number(value, f"weights.{key}")
            if v is not None:
                weights[key] = v

    if r.errors:
        raise ProblemError(r.errors)
    return Problem(name=name, days=tuple(days), periods=tuple(periods), sites=sites,
                   travel=travel, rooms=rooms, teachers=teachers, groups=groups,
                   sections=sections, conflicts=tuple(c for c in conflicts if len(c) > 1),
                   locked=tuple(locked), reference=reference, allow_unassigned=bool(allow),
                   weights=weights, raw=data)


def _quote(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else _kind(value)
