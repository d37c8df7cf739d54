"""The district overview of one timetable version, as plain data: meetings per site and day, each
teacher's load and travel, how much of each room's open time is used, and what was left out.

Every function takes the shared-format problem and solution (see `source.py`), so a test can call
them without a request; `district_overview(version)` gathers them for the page.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from college.reports.source import Lookup, Source, source_for
from college.timetable.models import TimetableVersion


def _day(slot: str) -> str:
    return slot.split(":", 1)[0]


def _period(slot: str) -> str:
    return slot.split(":", 1)[1]


def _room_sites(problem: dict) -> dict[str, str]:
    return {r["id"]: r["site"] for r in problem["rooms"]}


def _placed(problem: dict, solution: dict) -> list[dict]:
    """The assignments whose room the problem knows (a room closed since is left out of the counts)."""
    rooms = _room_sites(problem)
    return [a for a in solution.get("assignments") or [] if a.get("room") in rooms]


# -- meetings per site and day -------------------------------------------------------------------

@dataclass
class SiteDayRow:
    site: str                     # site code
    name: str
    counts: list[int]             # one per day of the problem
    total: int


@dataclass
class SiteDayTable:
    days: list[str]
    rows: list[SiteDayRow]
    day_totals: list[int]
    total: int


def site_day_table(problem: dict, solution: dict, lookup: Lookup) -> SiteDayTable:
    """Meetings per site (every site of the problem, in its order) and day, with row and column totals."""
    days = list(problem["days"])
    where = _room_sites(problem)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for a in _placed(problem, solution):
        counts[(where[a["room"]], _day(a["slot"]))] += 1
    rows = []
    for site in problem["sites"]:
        row = [counts[(site["id"], d)] for d in days]
        rows.append(SiteDayRow(site["id"], lookup.site_name(site["id"]) if site["id"] in lookup.sites
                               else site.get("name", site["id"]), row, sum(row)))
    day_totals = [sum(r.counts[i] for r in rows) for i in range(len(days))]
    return SiteDayTable(days, rows, day_totals, sum(day_totals))


# -- teacher loads -------------------------------------------------------------------------------

@dataclass
class TeacherLoad:
    teacher: str                  # teacher code
    name: str
    meetings: int
    max_meetings: int | None
    sites_per_day: dict[str, int]             # day -> distinct sites that day (days with meetings only)
    max_sites_per_day: int | None
    travel_minutes: int | None                # a week's travel between consecutive meetings; None: unreachable
    trips: int                                # moves between sites in a week
    over: list[str] = field(default_factory=list)   # which caps are broken: "meetings", "sites"

    @property
    def busiest_sites(self) -> int:
        return max(self.sites_per_day.values(), default=0)

    @property
    def load_share(self) -> float | None:
        """Meetings as a share of the weekly cap (None without a cap or with a cap of 0)."""
        return self.meetings / self.max_meetings if self.max_meetings else None


def _clock(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def teacher_loads(problem: dict, solution: dict, lookup: Lookup) -> list[TeacherLoad]:
    """For every teacher of the problem: meetings against the weekly cap, sites per day against the
    daily cap, and the week's travel (consecutive meetings of a day at different sites, by clock time)."""
    where = _room_sites(problem)
    start = {p["id"]: _clock(p["start"]) for p in problem["periods"]}
    travel = problem.get("travel_minutes") or {}
    by_day: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for a in _placed(problem, solution):
        by_day[a["teacher"]][_day(a["slot"])].append(a)
    out = []
    for t in problem["teachers"]:
        days = by_day.get(t["id"], {})
        meetings = sum(len(v) for v in days.values())
        sites_per_day, minutes, trips = {}, 0, 0
        for day in problem["days"]:
            group = sorted(days.get(day, []), key=lambda a: start.get(_period(a["slot"]), 0))
            if not group:
                continue
            sites_per_day[day] = len({where[a["room"]] for a in group})
            for first, second in zip(group, group[1:], strict=False):
                a, b = where[first["room"]], where[second["room"]]
                if a == b:
                    continue
                trips += 1
                step = travel.get(a, {}).get(b)
                minutes = None if step is None or minutes is None else minutes + step
        load = TeacherLoad(t["id"], lookup.teacher_name(t["id"]), meetings, t.get("max_meetings"), sites_per_day,
                           t.get("max_sites_per_day"), minutes, trips)
        if load.max_meetings is not None and meetings > load.max_meetings:
            load.over.append("meetings")
        if load.max_sites_per_day is not None and load.busiest_sites > load.max_sites_per_day:
            load.over.append("sites")
        out.append(load)
    out.sort(key=lambda x: (-x.meetings, x.teacher))
    return out


# -- room use ------------------------------------------------------------------------------------

@dataclass
class RoomUse:
    room: str                     # "R12"
    name: str
    site: str                     # site code
    open_slots: int               # slots of the week in which its site is open
    used_slots: int

    @property
    def share(self) -> float | None:
        return self.used_slots / self.open_slots if self.open_slots else None


@dataclass
class SiteUse:
    site: str
    name: str
    rooms: list[RoomUse]

    @property
    def open_slots(self) -> int:
        return sum(r.open_slots for r in self.rooms)

    @property
    def used_slots(self) -> int:
        return sum(r.used_slots for r in self.rooms)

    @property
    def share(self) -> float | None:
        return self.used_slots / self.open_slots if self.open_slots else None


def room_use(problem: dict, solution: dict, lookup: Lookup) -> list[SiteUse]:
    """Per site (problem order) and room: the week's open slots and how many hold a meeting."""
    slots = [f"{d}:{p['id']}" for d in problem["days"] for p in problem["periods"]]
    closed = {s["id"]: set(s.get("closed") or []) for s in problem["sites"]}
    used: dict[str, set[str]] = defaultdict(set)
    for a in _placed(problem, solution):
        used[a["room"]].add(a["slot"])
    rooms: dict[str, list[RoomUse]] = defaultdict(list)
    for r in problem["rooms"]:
        shut = closed.get(r["site"], set())
        open_ = {s for s in slots if s not in shut}
        rooms[r["site"]].append(RoomUse(r["id"], lookup.rooms.get(r["id"], (None, r["id"]))[1], r["site"], len(open_),
                                        len(used[r["id"]] & open_)))
    return [SiteUse(s["id"], lookup.site_name(s["id"]), rooms[s["id"]]) for s in problem["sites"] if rooms[s["id"]]]


# -- unplaced meetings ---------------------------------------------------------------------------

@dataclass
class Unplaced:
    section: str
    name: str
    meeting: int                  # 1-based, as people count
    reason: str


def unplaced_meetings(solution: dict, lookup: Lookup) -> list[Unplaced]:
    """Meetings the timetable leaves out, with the solver's reason."""
    return [Unplaced(u["section"], lookup.section_name(u["section"]), int(u["meeting"]) + 1, u.get("reason") or "")
            for u in sorted(solution.get("unassigned") or [], key=lambda u: (u["section"], u["meeting"]))]


# -- the whole page ------------------------------------------------------------------------------

@dataclass
class Overview:
    source: Source
    site_days: SiteDayTable
    teachers: list[TeacherLoad]
    rooms: list[SiteUse]
    unplaced: list[Unplaced]

    @property
    def total_use(self) -> float | None:
        open_ = sum(s.open_slots for s in self.rooms)
        return sum(s.used_slots for s in self.rooms) / open_ if open_ else None

    @property
    def overloaded(self) -> list[TeacherLoad]:
        return [t for t in self.teachers if t.over]


def district_overview(version: TimetableVersion) -> Overview:
    """Everything the overview page shows for one version."""
    source = source_for(version)
    p, s, names = source.problem, source.solution, source.lookup
    return Overview(source, site_day_table(p, s, names), teacher_loads(p, s, names), room_use(p, s, names),
                    unplaced_meetings(s, names))


def percent(share: float | None) -> str:
    """A share as a whole percentage ("—" when there is nothing to divide by)."""
    if share is None or math.isnan(share):
        return "—"
    return f"{round(share * 100)}%"
