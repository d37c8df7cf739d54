"""Realistic timetable problems for a district senior college, feasible by construction.

The generator first plants a valid timetable (every meeting gets a slot, a room and a teacher
that keep every hard rule H1-H9 of `spec/timetable-format.md`), then derives the problem around
it: teachers' availability, groups' free times, candidate sites, allowed slots, closures and
conflict groups are all supersets (or, for closures and conflicts, complements) of what the
planted timetable uses, so the plant stays valid while the solver gets many extra options.

Only the standard library is used (and `scheduler.validate` to price the plant); every random
draw comes from one `random.Random(seed)`, so a scale and a seed always give the same problem.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from scheduler.validate import penalties_of, weighted_objective

PROBLEM_FORMAT = "senior-college-timetable/1"
SOLUTION_FORMAT = "senior-college-timetable-solution/1"

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKEND = ("sat", "sun")
PERIODS = [
    {"id": "am1", "start": "08:30", "end": "10:00", "penalty": 0},
    {"id": "am2", "start": "10:20", "end": "11:50", "penalty": 0},
    {"id": "pm1", "start": "14:30", "end": "16:00", "penalty": 1},
    {"id": "pm2", "start": "16:30", "end": "18:00", "penalty": 3},
]
WEIGHTS = {"time": 1, "site_change": 5, "room_change": 2, "teacher_pref": 1,
           "perturbation": 10, "unassigned": 1000}

# subject -> (how common, features its room needs, suits an intergenerational class)
SUBJECTS: dict[str, tuple[int, tuple[str, ...], bool]] = {
    "calligraphy": (10, ("desks",), True),
    "painting": (9, ("desks",), True),
    "choir": (8, ("piano",), True),
    "taichi": (9, (), False),
    "smartphone": (8, ("desks",), False),
    "dance": (8, ("dance_floor",), False),
    "erhu": (5, (), False),
    "cooking": (4, ("kitchen",), True),
    "health": (7, (), False),
    "paper_cutting": (4, ("desks",), True),
    "photography": (4, (), False),
    "poetry": (3, ("desks",), False),
    "chess": (3, ("desks",), True),
    "huadeng_opera": (4, ("dance_floor",), False),
    "computing": (3, ("computers",), False),
}

# scale -> (subdistricts, community sites, teachers, sections, children groups)
SCALES: dict[str, tuple[int, int, int, int, int]] = {
    "small": (1, 4, 9, 20, 2),
    "medium": (3, 20, 36, 150, 5),
    "district": (8, 75, 110, 500, 12),
}

SUBDISTRICT_NAMES = ["Nanning", "Jianning", "Baishijiang", "Liaokuo", "Taihe", "Yiyuan",
                     "Sanbao", "Cuifeng", "Dongshan", "Ciying"]
COMMUNITY_NAMES = ["Gulou", "Teachers' New Village", "Qilin", "Huancheng", "Xiangyang",
                   "Shiji", "Jingjiang", "Zhujiang", "Wenchang", "Longhua", "Hongqi",
                   "Yuhua", "Kaiyuan", "Fuyuan", "Heping", "Xinghuo", "Minzu", "Anning"]


@dataclass
class _Site:
    id: str
    name: str
    cluster: int            # 0 = district centre, k = subdistrict k
    level: str              # district, subdistrict or community
    x: float
    y: float
    child_safe: bool
    rooms: list[dict] = field(default_factory=list)


@dataclass
class _Teacher:
    id: str
    cluster: int
    subjects: list[str]
    available: list[str]
    max_meetings: int
    max_sites_per_day: int | None
    intergenerational: bool
    load: int = 0
    busy: dict[str, str] = field(default_factory=dict)   # slot -> site


def _slots(days: list[str]) -> list[str]:
    return [f"{d}:{p['id']}" for d in days for p in PERIODS]


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


class _Planter:
    """Builds sites, teachers and groups, then plants sections one by one."""

    def __init__(self, scale: str, seed: int) -> None:
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}: use one of {', '.join(SCALES)}")
        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.slots = _slots(DAYS)
        self.period_of = {s: s.split(":")[1] for s in self.slots}
        self.day_of = {s: s.split(":")[0] for s in self.slots}
        self.start = {p["id"]: _minutes(p["start"]) for p in PERIODS}
        self.end = {p["id"]: _minutes(p["end"]) for p in PERIODS}
        self.room_busy: set[tuple[str, str]] = set()
        self.group_busy: set[tuple[str, str]] = set()
        self.assignments: list[dict] = []
        self.sections: list[dict] = []

    # -- places ---------------------------------------------------------------------------
    def build_sites(self, n_sub: int, n_comm: int) -> None:
        rng = self.rng
        sites = [_Site("", "Qilin District Senior College (district centre)", 0, "district",
                       0.0, 0.0, True)]
        for k in range(1, n_sub + 1):
            angle = 2 * math.pi * k / n_sub + rng.uniform(-0.3, 0.3)
            radius = rng.uniform(3.0, 11.0)
            sites.append(_Site("", f"{SUBDISTRICT_NAMES[k - 1]} Subdistrict Silver-Pioneer Home",
                               k, "subdistrict", radius * math.cos(angle), radius * math.sin(angle),
                               rng.random() < 0.7))
        centres = sites[1:]
        for i in range(n_comm):
            centre = centres[i % n_sub]
            name = COMMUNITY_NAMES[i % len(COMMUNITY_NAMES)]
            suffix = f" {i // len(COMMUNITY_NAMES) + 1}" if i >= len(COMMUNITY_NAMES) else ""
            sites.append(_Site("", f"{name}{suffix} Community Teaching Point "
                                   f"({SUBDISTRICT_NAMES[centre.cluster - 1]})",
                               centre.cluster, "community", centre.x + rng.gauss(0, 1.3),
                               centre.y + rng.gauss(0, 1.3), rng.random() < 0.4))
        for n, site in enumerate(sites, start=1):
            site.id = f"S{n:02d}"
        self.sites = sites
        self.site_by_id = {s.id: s for s in sites}
        self._build_rooms()
        self._build_travel()

    def _build_rooms(self) -> None:
        rng = self.rng
        number = 0

        def room(site: _Site, capacity: int, features: list[str]) -> None:
            nonlocal number
            number += 1
            site.rooms.append({"id": f"R{number:03d}", "site": site.id, "capacity": capacity,
                               "features": sorted(set(features))})

        for site in self.sites:
            if site.level == "district":
                for _ in range(3):
                    room(site, rng.choice([36, 40, 45]), ["desks", "step_free"])
                room(site, 35, ["piano", "step_free"])
                room(site, 50, ["dance_floor", "step_free"])
                room(site, 30, ["computers", "desks", "step_free"])
                room(site, 24, ["kitchen", "step_free"])
                room(site, 80, ["piano", "dance_floor", "step_free"])
            elif site.level == "subdistrict":
                hall = ["dance_floor"] + (["piano"] if rng.random() < 0.6 else [])
                room(site, rng.choice([40, 50, 60]), hall + ["step_free"])
                room(site, rng.choice([25, 30, 35]), ["desks", "step_free"])
                extra = rng.choice([["computers", "desks"], ["kitchen"], ["desks", "piano"]])
                room(site, rng.choice([20, 25, 30]), extra + (["step_free"] * (rng.random() < .5)))
            else:
                base = ["desks"] if rng.random() < 0.75 else []
                if rng.random() < 0.5:
                    base.append("step_free")
                room(site, rng.choice([15, 20, 25, 30]), base)
                if rng.random() < 0.45:
                    extra = rng.choice([["dance_floor"], ["piano"], ["kitchen"], ["desks"],
                                        ["dance_floor", "piano"]])
                    room(site, rng.choice([20, 25, 30, 40]), extra + ["step_free"] * (rng.random() < .5))

    def _build_travel(self) -> None:
        self.travel: dict[str, dict[str, int]] = {}
        for a in self.sites:
            row = {}
            for b in self.sites:
                if a is b:
                    continue
                km = math.hypot(a.x - b.x, a.y - b.y) * 1.3   # streets are not straight
                # bus or taxi door to door; every pair is reachable within the day's long gaps,
                # so every pair is listed (an unlisted pair would mean unreachable)
                row[b.id] = 5 * math.ceil((8 + 3.5 * km) / 5)
            self.travel[a.id] = row

    def nearby(self, site: _Site, within: int) -> list[_Site]:
        row = self.travel[site.id]
        return [s for s in self.sites if s is not site and row[s.id] <= within]

    # -- people ---------------------------------------------------------------------------
    def build_teachers(self, n: int, n_sub: int) -> None:
        rng = self.rng
        names = list(SUBJECTS)
        weights = [SUBJECTS[s][0] for s in names]
        self.teachers = []
        for i in range(n):
            primary = rng.choices(names, weights)[0]
            subjects = {primary}
            for _ in range(rng.choice([0, 1, 1, 2])):
                subjects.add(rng.choice(names))
            days = sorted(rng.sample(DAYS, rng.randint(4, 6)), key=DAYS.index)
            available = [f"{d}:{p['id']}" for d in days for p in PERIODS if rng.random() < 0.85]
            if len(available) < 8:
                available = [f"{d}:{p['id']}" for d in days for p in PERIODS]
            friendly = any(SUBJECTS[s][2] for s in subjects)
            self.teachers.append(_Teacher(
                id=f"T{i + 1:03d}",
                cluster=0 if rng.random() < 0.25 else rng.randint(1, n_sub),
                subjects=sorted(subjects, key=names.index),
                available=available,
                max_meetings=rng.randint(9, 15),
                max_sites_per_day=None if rng.random() < 0.2 else rng.choice([2, 2, 3]),
                intergenerational=rng.random() < (0.5 if friendly else 0.1),
            ))
        # retired school teachers who volunteer with children (the "half-past-four classroom")
        volunteers = [t for t in self.teachers if t.intergenerational
                      and {"calligraphy", "painting"} & set(t.subjects)]
        for teacher in rng.sample(self.teachers, max(0, 3 - len(volunteers))):
            teacher.intergenerational = True
            extra = rng.choice(["calligraphy", "painting"])
            teacher.subjects = sorted({*teacher.subjects, extra}, key=names.index)
        self.teacher_by_id = {t.id: t for t in self.teachers}

    def build_groups(self, n: int, n_sub: int) -> None:
        rng = self.rng
        self.groups = []
        for i in range(n):
            cluster = rng.randint(1, n_sub)
            size = rng.randint(8, 16)
            local = [s for s in self.sites if s.cluster == cluster]
            # a group needs at least one child-safe site with a desk room for it and elders
            roomy = [s for s in local if any("desks" in r["features"]
                                             and r["capacity"] >= size + 8 for r in s.rooms)]
            safe = [s for s in roomy if s.child_safe]
            if not safe:
                pick = rng.choice(roomy)
                pick.child_safe = True
                safe = [pick]
            sites = [rng.choice(safe)]
            others = [s for s in local if s.child_safe and s not in sites]
            sites += rng.sample(others, min(len(others), rng.randint(0, 2)))
            weekdays = rng.sample(DAYS[:5], rng.randint(2, 5))
            available = [f"{d}:pm2" for d in weekdays]
            for day in WEEKEND:
                available += [f"{day}:{p['id']}" for p in PERIODS if rng.random() < 0.5]
            self.groups.append({
                "id": f"G{i + 1:02d}",
                "size": size,
                "available": sorted(set(available), key=self.slots.index),
                "sites": sorted(s.id for s in sites),
            })
        self.group_by_id = {g["id"]: g for g in self.groups}

    # -- planting -------------------------------------------------------------------------
    def _travel_ok(self, teacher: _Teacher, slot: str, site: str,
                   extra: dict[str, str]) -> bool:
        """H6 and H7's sites-per-day for the teacher's day with this meeting added."""
        day = self.day_of[slot]
        meetings = {s: x for s, x in teacher.busy.items() if self.day_of[s] == day}
        meetings.update({s: x for s, x in extra.items() if self.day_of[s] == day})
        meetings[slot] = site
        if teacher.max_sites_per_day is not None and \
                len(set(meetings.values())) > teacher.max_sites_per_day:
            return False
        ordered = sorted(meetings.items(), key=lambda kv: self.start[self.period_of[kv[0]]])
        for i, (s1, a) in enumerate(ordered):
            for s2, b in ordered[i + 1:]:
                if a == b:
                    continue
                gap = self.start[self.period_of[s2]] - self.end[self.period_of[s1]]
                if self.travel[a].get(b, math.inf) > gap:
                    return False
        return True

    def _place(self, section: dict, teacher: _Teacher, rooms: list[dict],
               slots: list[str]) -> list[tuple[str, dict]] | None:
        """Slots and rooms for every meeting of the section with this teacher, or None."""
        group = section["children_group"]
        chosen: list[tuple[str, dict]] = []
        extra: dict[str, str] = {}
        for _ in range(section["meetings"]):
            placed = False
            for slot in slots:
                if slot in teacher.busy or slot in extra or (group, slot) in self.group_busy:
                    continue
                position = DAYS.index(self.day_of[slot])
                if any(abs(position - DAYS.index(self.day_of[s])) < section["min_days_apart"]
                       for s, _ in chosen):
                    continue
                # the section's own rooms first: fewer room changes, like a real timetable
                for room in [r for _, r in chosen] + rooms:
                    if (room["id"], slot) in self.room_busy:
                        continue
                    if not self._travel_ok(teacher, slot, room["site"], extra):
                        continue
                    chosen.append((slot, room))
                    extra[slot] = room["site"]
                    placed = True
                    break
                if placed:
                    break
            if not placed:
                return None
        return chosen

    def plant_section(self, number: int, intergenerational: bool) -> bool:
        rng = self.rng
        names = list(SUBJECTS)
        group = None
        if intergenerational:
            group = rng.choice(self.groups)
            names = [s for s in names if SUBJECTS[s][2] and any(
                t.intergenerational and s in t.subjects for t in self.teachers)]
            if not names:
                return False
        subject = rng.choices(names, [SUBJECTS[s][0] for s in names])[0]
        features = list(SUBJECTS[subject][1])
        if group is not None:
            home_sites = [self.site_by_id[s] for s in group["sites"]]
        else:
            home_sites = self.sites
        fitting = [(s, r) for s in home_sites for r in s.rooms
                   if set(features) <= set(r["features"])]
        if not fitting:
            return False
        home, target = rng.choice(fitting)
        if "step_free" in target["features"] and rng.random() < 0.15:
            features.append("step_free")
        extra_seats = group["size"] if group else 0
        if target["capacity"] - extra_seats < 6:
            return False
        top = target["capacity"] - extra_seats
        size = rng.randint(max(6, top // 2), top)
        if group is not None:
            sites = list(home_sites)
        else:
            sites = [home]
            near = self.nearby(home, 25)
            sites += rng.sample(near, min(len(near), rng.choice([0, 1, 1, 2])))
        rooms = [r for s in sites for r in s.rooms
                 if set(features) <= set(r["features"]) and r["capacity"] >= size + extra_seats]
        rooms.sort(key=lambda r: (r is not target, rng.random()))
        meetings = 1 if rng.random() < 0.05 else 2
        section = {
            "id": f"C{number:03d}", "subject": subject, "meetings": meetings, "size": size,
            "sites": sorted(s.id for s in sites), "features": sorted(set(features)),
            "teacher": None, "children_group": group["id"] if group else None,
            "min_days_apart": rng.choices([0, 1, 2, 3], [1, 12, 6, 2])[0], "allowed": None,
        }
        pool = self.slots if group is None else group["available"]
        qualified = [t for t in self.teachers if subject in t.subjects
                     and (group is None or t.intergenerational)
                     and t.load + meetings <= t.max_meetings]
        rng.shuffle(qualified)
        qualified.sort(key=lambda t: t.cluster not in (0, home.cluster))
        for teacher in qualified[:10]:
            slots = [s for s in pool if s in teacher.available]
            rng.shuffle(slots)
            chosen = self._place(section, teacher, rooms, slots)
            if chosen is None:
                continue
            for meeting, (slot, room) in enumerate(chosen):
                self.room_busy.add((room["id"], slot))
                if group is not None:
                    self.group_busy.add((group["id"], slot))
                teacher.busy[slot] = room["site"]
                self.assignments.append({"section": section["id"], "meeting": meeting,
                                         "slot": slot, "room": room["id"],
                                         "teacher": teacher.id})
            teacher.load += meetings
            self._loosen(section, teacher, [slot for slot, _ in chosen])
            self.sections.append(section)
            return True
        return False

    def _loosen(self, section: dict, teacher: _Teacher, used: list[str]) -> None:
        """Add the options around a planted section: fixed teacher or allowed slots sometimes."""
        rng = self.rng
        if rng.random() < 0.12:
            section["teacher"] = teacher.id
        if rng.random() < 0.1:
            extra = rng.sample(self.slots, rng.randint(4, 12))
            section["allowed"] = sorted(set(used) | set(extra), key=self.slots.index)

    # -- derived constraints -----------------------------------------------------------------
    def widen_teachers(self) -> None:
        """Extra options around the plant: a few more free slots and a little more weekly room."""
        rng = self.rng
        for teacher in self.teachers:
            others = [s for s in self.slots if s not in teacher.available]
            extra = rng.sample(others, min(len(others), rng.randint(2, 6)))
            teacher.available = [s for s in self.slots if s in teacher.available or s in extra]
            teacher.max_meetings = max(teacher.max_meetings, teacher.load + rng.randint(0, 2))

    def closures(self) -> dict[str, list[str]]:
        rng = self.rng
        used: dict[str, set[str]] = {s.id: set() for s in self.sites}
        room_site = {r["id"]: r["site"] for s in self.sites for r in s.rooms}
        for a in self.assignments:
            used[room_site[a["room"]]].add(a["slot"])
        closed = {}
        for site in self.sites:
            free = [s for s in self.slots if s not in used[site.id]]
            shut = set()
            if site.cluster != 0 and rng.random() < 0.4:
                day = rng.choice(DAYS)
                day_slots = [s for s in self.slots if self.day_of[s] == day]
                if all(s in free for s in day_slots):
                    shut.update(day_slots)
            shut.update(rng.sample(free, min(len(free), rng.randint(0, 3))))
            closed[site.id] = sorted(shut, key=self.slots.index)
        return closed

    def conflicts(self) -> list[list[str]]:
        """Groups of sections with no common planted slot (learners who take both)."""
        rng = self.rng
        slots_of: dict[str, set[str]] = {}
        for a in self.assignments:
            slots_of.setdefault(a["section"], set()).add(a["slot"])
        ids = [s["id"] for s in self.sections]
        groups = []
        for _ in range(max(1, len(ids) // 8)):
            first = rng.choice(ids)
            group, taken = [first], set(slots_of[first])
            for other in rng.sample(ids, min(len(ids), 12)):
                if len(group) >= rng.randint(2, 4):
                    break
                if other not in group and not (slots_of[other] & taken):
                    group.append(other)
                    taken |= slots_of[other]
            if len(group) > 1:
                groups.append(sorted(group))
        return groups

    def preferred(self, teacher: _Teacher) -> list[str] | None:
        rng = self.rng
        if rng.random() < 0.35:
            return None
        mornings = [s for s in teacher.available if self.period_of[s] in ("am1", "am2")]
        pick = [s for s in mornings if rng.random() < 0.7]
        return pick or None


def generate_with_plant(scale: str, seed: int) -> tuple[dict, dict]:
    """A problem of the given scale and its planted timetable (a valid solution).

    `scale` is `small` (~20 sections), `medium` (~150) or `district` (~500 sections, 84
    sites, 110 teachers, 12 children groups); any other scale raises ValueError.
    """
    n_sub, n_comm, n_teachers, n_sections, n_groups = SCALES.get(scale, (0, 0, 0, 0, 0))
    planter = _Planter(scale, seed)
    planter.build_sites(n_sub, n_comm)
    planter.build_teachers(n_teachers, n_sub)
    planter.build_groups(n_groups, n_sub)
    # about two intergenerational classes per children group, spread through the list
    wanted_children = 2 * n_groups
    children = children_tries = attempts = 0
    while len(planter.sections) < n_sections:
        attempts += 1
        if attempts > 50 * n_sections:
            raise RuntimeError(f"could not plant {n_sections} sections (seed {seed})")
        due = wanted_children * (len(planter.sections) + 1) / n_sections
        with_children = children < due and children_tries < 40 * wanted_children
        children_tries += with_children
        placed = planter.plant_section(len(planter.sections) + 1, with_children)
        children += placed and with_children

    planter.widen_teachers()
    teachers = []
    for t in planter.teachers:
        entry: dict = {"id": t.id, "subjects": t.subjects, "available": t.available}
        preferred = planter.preferred(t)
        if preferred is not None:
            entry["preferred"] = preferred
        entry["max_meetings"] = t.max_meetings
        if t.max_sites_per_day is not None:
            entry["max_sites_per_day"] = t.max_sites_per_day
        entry["intergenerational"] = t.intergenerational
        teachers.append(entry)
    closed = planter.closures()
    problem = {
        "format": PROBLEM_FORMAT,
        "name": f"qilin-{scale}-seed{seed}",
        "days": list(DAYS),
        "periods": [dict(p) for p in PERIODS],
        "sites": [{"id": s.id, "name": s.name, "child_safe": s.child_safe,
                   "closed": closed[s.id]} for s in planter.sites],
        "travel_minutes": {a: dict(row) for a, row in planter.travel.items() if row},
        "rooms": [r for s in planter.sites for r in s.rooms],
        "teachers": teachers,
        "children_groups": planter.groups,
        "sections": planter.sections,
        "conflicts": planter.conflicts(),
        "locked": [],
        "reference": None,
        "allow_unassigned": False,
        "weights": dict(WEIGHTS),
    }
    order = {s["id"]: i for i, s in enumerate(planter.sections)}
    assignments = sorted(planter.assignments, key=lambda a: (order[a["section"]], a["meeting"]))
    solution = {
        "format": SOLUTION_FORMAT,
        "problem": problem["name"],
        "status": "feasible",
        "objective": None,
        "bound": None,
        "seconds": 0.0,
        "solver": "planted",
        "assignments": assignments,
        "unassigned": [],
        "penalties": None,
    }
    _price(problem, solution)
    return problem, solution


def _price(problem: dict, solution: dict) -> None:
    """Fill the planted solution's penalties and objective from the validator's recount."""
    penalties = penalties_of(problem, solution)
    solution["penalties"] = penalties
    solution["objective"] = weighted_objective(problem, penalties)


def generate(scale: str, seed: int) -> dict:
    """A problem of the given scale in the spec format, feasible by construction."""
    return generate_with_plant(scale, seed)[0]
