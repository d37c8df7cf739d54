"""The ITC-2007 track 3 (CB-CTT) evaluator: hard violations and the four penalties.

Independent of the model on purpose: it imports only the instance reader, builds its own
lookups from the instance's raw tuples, and follows the competition's validator (Schaerf and
Di Gaspero, validator.cc 1.1, 2007) rule by rule, so a bug in the solver cannot hide here.

Entries the validator skips with a warning (unknown course or room, day or period out of range,
a second lecture of one course in one period) are hard violations here, and the skipped entry
takes no further part, as in the validator: it neither counts as a lecture nor occupies a room.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from itertools import combinations

from scheduler.ctt import Instance, Lecture

__all__ = ["Hard", "Penalty", "Report", "Soft", "Violation", "evaluate", "WEIGHTS"]


class Hard(StrEnum):
    """Kinds of hard violation, in the order they are reported."""

    UNKNOWN_COURSE = "unknown_course"
    UNKNOWN_ROOM = "unknown_room"
    OUT_OF_RANGE = "out_of_range"  # day or period outside the instance's week
    SAME_PERIOD = "same_period"  # a second lecture of one course in one period
    MISSING_LECTURES = "missing_lectures"
    EXTRA_LECTURES = "extra_lectures"
    CURRICULUM_CONFLICT = "curriculum_conflict"
    TEACHER_CONFLICT = "teacher_conflict"
    UNAVAILABLE = "unavailable"
    ROOM_CLASH = "room_clash"


class Soft(StrEnum):
    """The competition's four penalties."""

    ROOM_CAPACITY = "room_capacity"
    MIN_WORKING_DAYS = "min_working_days"
    CURRICULUM_COMPACTNESS = "curriculum_compactness"
    ROOM_STABILITY = "room_stability"


# Cost of one unit of each penalty, as in the competition.
WEIGHTS = {
    Soft.ROOM_CAPACITY: 1,  # per student over capacity, per lecture
    Soft.MIN_WORKING_DAYS: 5,  # per day below the minimum, per course
    Soft.CURRICULUM_COMPACTNESS: 2,  # per isolated lecture, per curriculum
    Soft.ROOM_STABILITY: 1,  # per distinct room beyond the first, per course
}


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: its kind, the ids involved, where, and how many units it counts.

    `ids` starts with the id the rule is about (course, room, curriculum or teacher), then the
    courses involved. `count` is what the validator would add to its violation total.
    """

    kind: Hard
    ids: tuple[str, ...]
    day: int | None = None
    period: int | None = None
    count: int = 1
    message: str = ""


@dataclass(frozen=True)
class Penalty:
    """One soft cost: its kind, the ids involved, where (if one period), and its weighted cost."""

    kind: Soft
    ids: tuple[str, ...]
    cost: int
    day: int | None = None
    period: int | None = None


@dataclass(frozen=True)
class Report:
    """The evaluation of one solution."""

    instance: str
    violations: tuple[Violation, ...]
    penalties: tuple[Penalty, ...]
    hard_cost: int  # the validator's "Violations" plus one per skipped entry

    @property
    def feasible(self) -> bool:
        return self.hard_cost == 0

    def penalty(self, kind: Soft) -> int:
        """The weighted cost of one of the four penalties."""
        return sum(p.cost for p in self.penalties if p.kind == kind)

    @property
    def cost(self) -> int:
        """The competition's objective: the sum of the four weighted penalties."""
        return sum(p.cost for p in self.penalties)

    def by_kind(self) -> dict[str, int]:
        """Hard counts and soft costs per kind, every kind present (zeros included)."""
        counts = {str(k): 0 for k in (*Hard, *Soft)}
        for v in self.violations:
            counts[str(v.kind)] += v.count
        for p in self.penalties:
            counts[str(p.kind)] += p.cost
        return counts

    def to_dict(self) -> dict:
        """Plain JSON-ready data: totals, the per-kind breakdown, and every entry."""
        return {
            "instance": self.instance,
            "feasible": self.feasible,
            "hard_cost": self.hard_cost,
            "cost": self.cost,
            "by_kind": self.by_kind(),
            "violations": [_plain(asdict(v)) for v in self.violations],
            "penalties": [_plain(asdict(p)) for p in self.penalties],
        }


def _plain(entry: dict) -> dict:
    return {k: (str(v) if isinstance(v, StrEnum) else list(v) if isinstance(v, tuple) else v)
            for k, v in entry.items()}


def evaluate(instance: Instance, lectures: Iterable[Lecture]) -> Report:
    """Evaluate a solution against an instance the way the competition's validator does.

    Accepts any list of lectures, however wrong: every problem becomes a `Violation`, and the
    penalties are computed on the entries that remain usable.
    """
    ctx = _Context(instance)
    kept, violations = _usable_entries(ctx, list(lectures))
    violations += _lecture_counts(ctx, kept)
    conflicts, conflict_units = _conflicts(ctx, kept)
    violations += conflicts
    violations += _unavailable(ctx, kept)
    violations += _room_clashes(ctx, kept)
    hard_cost = sum(v.count for v in violations if v.kind not in _CONFLICTS) + conflict_units
    penalties = (_room_capacity(ctx, kept) + _min_working_days(ctx, kept)
                 + _curriculum_compactness(ctx, kept) + _room_stability(ctx, kept))
    return Report(instance.name, tuple(violations), tuple(penalties), hard_cost)


_CONFLICTS = (Hard.CURRICULUM_CONFLICT, Hard.TEACHER_CONFLICT)


class _Context:
    """Lookups built from the instance's raw tuples (not its cached helpers)."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.courses = {c.id: c for c in instance.courses}
        self.order = {c.id: i for i, c in enumerate(instance.courses)}
        self.capacity = {r.id: r.capacity for r in instance.rooms}
        self.curricula = {q.id: q.courses for q in instance.curricula}
        self.curricula_of: dict[str, list[str]] = defaultdict(list)
        for q in instance.curricula:
            for c in q.courses:
                self.curricula_of[c].append(q.id)
        self.unavailable = {(u.course, u.day, u.period) for u in instance.unavailabilities}
        self.per_day = instance.periods_per_day


def _usable_entries(
        ctx: _Context, lectures: list[Lecture]) -> tuple[list[Lecture], list[Violation]]:
    """Entries the validator would skip: unknown ids, out of the week, or a course's repeat."""
    kept: list[Lecture] = []
    violations: list[Violation] = []
    seen: dict[tuple[str, int, int], Lecture] = {}
    week = ctx.instance
    for x in lectures:
        where = f"{x.course} {x.room} {x.day} {x.period}"
        if x.course not in ctx.courses:
            violations.append(Violation(Hard.UNKNOWN_COURSE, (x.course, x.room), x.day, x.period,
                                        message=f"{where}: no course {x.course}"))
        elif x.room not in ctx.capacity:
            violations.append(Violation(Hard.UNKNOWN_ROOM, (x.room, x.course), x.day, x.period,
                                        message=f"{where}: no room {x.room}"))
        elif not (0 <= x.day < week.days and 0 <= x.period < week.periods_per_day):
            violations.append(Violation(
                Hard.OUT_OF_RANGE, (x.course, x.room), x.day, x.period,
                message=f"{where}: outside days 0..{week.days - 1}, "
                        f"periods 0..{week.periods_per_day - 1}"))
        elif (x.course, x.day, x.period) in seen:
            first = seen[(x.course, x.day, x.period)]
            violations.append(Violation(
                Hard.SAME_PERIOD, (x.course, first.room, x.room), x.day, x.period,
                message=f"{where}: course {x.course} already has a lecture in room {first.room} "
                        "at this period"))
        else:
            seen[(x.course, x.day, x.period)] = x
            kept.append(x)
    return kept, violations


def _lecture_counts(ctx: _Context, kept: list[Lecture]) -> list[Violation]:
    """Every lecture of a course is scheduled, and no more than that."""
    given = Counter(x.course for x in kept)
    violations = []
    for course in ctx.instance.courses:
        n = given[course.id]
        if n < course.lectures:
            violations.append(Violation(
                Hard.MISSING_LECTURES, (course.id,), count=course.lectures - n,
                message=f"course {course.id}: {n} of {course.lectures} lectures scheduled"))
        elif n > course.lectures:
            violations.append(Violation(
                Hard.EXTRA_LECTURES, (course.id,), count=n - course.lectures,
                message=f"course {course.id}: {n} lectures scheduled, {course.lectures} required"))
    return violations


def _by_period(kept: list[Lecture]) -> dict[tuple[int, int], list[Lecture]]:
    slots: dict[tuple[int, int], list[Lecture]] = defaultdict(list)
    for x in kept:
        slots[(x.day, x.period)].append(x)
    return slots


def _conflicts(ctx: _Context, kept: list[Lecture]) -> tuple[list[Violation], int]:
    """Courses of one curriculum, or of one teacher, are never taught in the same period.

    One entry per reason; the validator counts a clashing pair once per period whatever the
    number of reasons, and so does the returned unit count.
    """
    violations = []
    units = 0
    for (day, period), here in sorted(_by_period(kept).items()):
        courses = sorted({x.course for x in here}, key=ctx.order.__getitem__)
        for a, b in combinations(courses, 2):
            shared = [q for q in ctx.curricula_of[a] if q in ctx.curricula_of[b]]
            teacher = ctx.courses[a].teacher
            same_teacher = teacher == ctx.courses[b].teacher
            units += bool(shared) or same_teacher
            for q in shared:
                violations.append(Violation(
                    Hard.CURRICULUM_CONFLICT, (q, a, b), day, period,
                    message=f"curriculum {q}: courses {a} and {b} both at day {day} "
                            f"period {period}"))
            if same_teacher:
                violations.append(Violation(
                    Hard.TEACHER_CONFLICT, (teacher, a, b), day, period,
                    message=f"teacher {teacher}: courses {a} and {b} both at day {day} "
                            f"period {period}"))
    return violations, units


def _unavailable(ctx: _Context, kept: list[Lecture]) -> list[Violation]:
    """No lecture of a course at a period its teacher is unavailable for it."""
    return [Violation(Hard.UNAVAILABLE, (x.course,), x.day, x.period,
                      message=f"course {x.course} is unavailable at day {x.day} period {x.period}")
            for x in kept if (x.course, x.day, x.period) in ctx.unavailable]


def _room_clashes(ctx: _Context, kept: list[Lecture]) -> list[Violation]:
    """One lecture per room per period; k lectures in one room count k - 1."""
    violations = []
    for (day, period), here in sorted(_by_period(kept).items()):
        rooms: dict[str, list[str]] = defaultdict(list)
        for x in here:
            rooms[x.room].append(x.course)
        for room, courses in rooms.items():
            if len(courses) > 1:
                violations.append(Violation(
                    Hard.ROOM_CLASH, (room, *courses), day, period, count=len(courses) - 1,
                    message=f"room {room}: {len(courses)} lectures at day {day} period {period} "
                            f"({', '.join(courses)})"))
    return violations


def _room_capacity(ctx: _Context, kept: list[Lecture]) -> list[Penalty]:
    """Each lecture's students beyond its room's capacity cost 1 each."""
    penalties = []
    for x in kept:
        over = ctx.courses[x.course].students - ctx.capacity[x.room]
        if over > 0:
            penalties.append(Penalty(Soft.ROOM_CAPACITY, (x.course, x.room),
                                     over * WEIGHTS[Soft.ROOM_CAPACITY], x.day, x.period))
    return penalties


def _min_working_days(ctx: _Context, kept: list[Lecture]) -> list[Penalty]:
    """A course's lectures spread over at least its minimum of days; 5 per day short."""
    days: dict[str, set[int]] = defaultdict(set)
    for x in kept:
        days[x.course].add(x.day)
    penalties = []
    for course in ctx.instance.courses:
        short = course.min_working_days - len(days[course.id])
        if short > 0:
            penalties.append(Penalty(Soft.MIN_WORKING_DAYS, (course.id,),
                                     short * WEIGHTS[Soft.MIN_WORKING_DAYS]))
    return penalties


def _curriculum_compactness(ctx: _Context, kept: list[Lecture]) -> list[Penalty]:
    """A curriculum's lecture with none of that curriculum in the period before or after on
    the same day is isolated and costs 2, once per curriculum the course belongs to."""
    at: dict[str, dict[tuple[int, int], list[str]]] = {q: defaultdict(list) for q in ctx.curricula}
    for x in kept:
        for q in ctx.curricula_of[x.course]:
            at[q][(x.day, x.period)].append(x.course)
    penalties = []
    for q, slots in at.items():
        for (day, period), courses in sorted(slots.items()):
            if (day, period - 1) in slots or (day, period + 1) in slots:
                continue
            for course in courses:
                penalties.append(Penalty(Soft.CURRICULUM_COMPACTNESS, (q, course),
                                         WEIGHTS[Soft.CURRICULUM_COMPACTNESS], day, period))
    return penalties


def _room_stability(ctx: _Context, kept: list[Lecture]) -> list[Penalty]:
    """All lectures of a course in one room; each further distinct room costs 1."""
    rooms: dict[str, dict[str, None]] = defaultdict(dict)
    for x in kept:
        rooms[x.course][x.room] = None
    penalties = []
    for course in ctx.instance.courses:
        used = tuple(rooms[course.id])
        if len(used) > 1:
            penalties.append(Penalty(Soft.ROOM_STABILITY, (course.id, *used),
                                     (len(used) - 1) * WEIGHTS[Soft.ROOM_STABILITY]))
    return penalties
