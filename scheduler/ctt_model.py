"""The ITC-2007 CB-CTT instances as MILPs, one function per rule family (as in `model.py`).

Two stages, after Lach & Lübbecke (2012):
- stage 1 (`build_periods_model`) places lectures in periods: `x[c,p]` = course c has a lecture
  in period p (a course has at most one lecture per period, so lectures are interchangeable and
  need no variables of their own). Rooms enter only as room classes (rooms of equal capacity):
  `y[c,p,k]` = the lecture of c at p sits in a room of class k, continuous, because for fixed x
  each period is a transportation problem with integral vertices. The room-capacity overflow is
  therefore priced exactly, and the stage-1 optimum is a true lower bound of the whole problem
  (room stability, priced only in stage 2, is at least 0);
- stage 2 (`build_rooms_model`) gives every placed lecture a room: `u[c,p,r]`, with
  `w[c,r]` = course c uses room r, minimising capacity overflow plus room stability;
- the single-room variant (`build_single_room_model`) keeps every course in one room all week;
  it only serves to prove that room stability costs at least 1 more than stage 1's optimum.

Every constraint is named with its rule and the ids involved (`curriculum[q1,p12]`). The three
competition penalties of stage 1 are the optional objective terms `penalty_room_capacity`,
`penalty_min_working_days` and `penalty_curriculum_compactness`; `build_periods_model` takes
the list of penalty functions to use (all three by default).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pulp

from scheduler.ctt import Instance

# Cost of one unit of each penalty, as in the competition (the evaluator keeps its own copy).
ROOM_CAPACITY, MIN_WORKING_DAYS, CURRICULUM_COMPACTNESS, ROOM_STABILITY = 1, 5, 2, 1


@dataclass
class PeriodsModel:
    """Stage 1: lectures to periods, rooms as capacity classes (`y`), or, in the single-room
    variant, as one room per course (`room`, `v`)."""

    instance: Instance
    prob: pulp.LpProblem
    classes: list[tuple[int, int]]                     # (capacity, number of rooms), ascending
    x: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    y: dict[tuple[str, int, int], pulp.LpVariable] = field(default_factory=dict)
    day_used: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    short: dict[str, pulp.LpVariable] = field(default_factory=dict)
    isolated: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    room: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)   # single room
    v: dict[tuple[str, int, str], pulp.LpVariable] = field(default_factory=dict)

    def period(self, day: int, slot: int) -> int:
        return day * self.instance.periods_per_day + slot

    def placements(self) -> dict[str, list[int]]:
        """Course → the periods of its lectures, read from the solved x."""
        out: dict[str, list[int]] = defaultdict(list)
        for (c, p), var in self.x.items():
            if (var.varValue or 0.0) > 0.5:
                out[c].append(p)
        return out

    def warm(self, periods: dict[str, list[int]]) -> dict[str, float]:
        """Variable values (by name) for a given course → periods placement: x, the
        cheapest room classes per period (greedy, largest course first into the smallest
        class that holds it, else the largest class left), and the penalty variables."""
        inst = self.instance
        values: dict[str, float] = {}
        at: dict[int, list[str]] = defaultdict(list)
        for c, ps in periods.items():
            for p in ps:
                values[self.x[(c, p)].name] = 1.0
                at[p].append(c)
        students = {c.id: c.students for c in inst.courses}
        for p, courses in at.items():
            left = [n for _, n in self.classes]
            for c in sorted(courses, key=lambda c: -students[c]):
                fits = [k for k, (cap, _) in enumerate(self.classes)
                        if cap >= students[c] and left[k] > 0]
                k = fits[0] if fits else max(k for k in range(len(left)) if left[k] > 0)
                left[k] -= 1
                if (c, p, k) in self.y:
                    values[self.y[(c, p, k)].name] = 1.0
        per_day = inst.periods_per_day
        for course in inst.courses:
            days = {p // per_day for p in periods.get(course.id, [])}
            for d in days:
                if (course.id, d) in self.day_used:
                    values[self.day_used[(course.id, d)].name] = 1.0
            if course.id in self.short:
                values[self.short[course.id].name] = float(
                    max(0, course.min_working_days - len(days)))
        busy = {(q.id, p) for q in inst.curricula for c in q.courses for p in periods.get(c, [])}
        for (q, p), var in self.isolated.items():
            if (q, p) in busy and (p % per_day == 0 or (q, p - 1) not in busy) and (
                    p % per_day == per_day - 1 or (q, p + 1) not in busy):
                values[var.name] = 1.0
        return values


class _Builder:
    def __init__(self, prob: pulp.LpProblem) -> None:
        self.prob = prob

    def var(self, name: str, cat: str = pulp.LpBinary, up: float | None = 1) -> pulp.LpVariable:
        return self.prob.add_variable(name, lowBound=0, upBound=up, cat=cat)

    def add(self, terms: list, sense: int, rhs: float, name: str) -> None:
        expr = pulp.LpAffineExpression(_merge(terms))
        self.prob.addConstraint(pulp.LpConstraint(expr, sense, name=name, rhs=rhs))


def room_classes(instance: Instance) -> list[tuple[int, int]]:
    """(capacity, number of rooms with it), ascending."""
    count: dict[int, int] = defaultdict(int)
    for r in instance.rooms:
        count[r.capacity] += 1
    return sorted(count.items())


# -- stage 1: hard rules --------------------------------------------------------------------------

def add_period_variables(b: _Builder, m: PeriodsModel) -> None:
    """A course may have a lecture at every period it is not unavailable for."""
    inst = m.instance
    for course in inst.courses:
        for d in range(inst.days):
            for s in range(inst.periods_per_day):
                if (course.id, d, s) not in inst.unavailable:
                    p = m.period(d, s)
                    m.x[(course.id, p)] = b.var(f"x[{course.id},{p}]")


def add_lectures(b: _Builder, m: PeriodsModel) -> None:
    """lectures: every course gets exactly its number of lectures, at most one per period."""
    for course in m.instance.courses:
        terms = [(var, 1) for (c, _p), var in m.x.items() if c == course.id]
        b.add(terms, pulp.LpConstraintEQ, course.lectures, f"lectures[{course.id}]")


def add_conflicts(b: _Builder, m: PeriodsModel) -> None:
    """conflicts: courses of one curriculum, or of one teacher, never share a period."""
    inst = m.instance
    groups = [(f"curriculum[{q.id}", q.courses) for q in inst.curricula]
    by_teacher: dict[str, list[str]] = defaultdict(list)
    for c in inst.courses:
        by_teacher[c.teacher].append(c.id)
    groups += [(f"teacher[{t}", tuple(cs)) for t, cs in by_teacher.items() if len(cs) > 1]
    for label, courses in groups:
        for p in range(inst.periods):
            terms = [(m.x[(c, p)], 1) for c in courses if (c, p) in m.x]
            if len(terms) > 1:
                b.add(terms, pulp.LpConstraintLE, 1, f"{label},{p}]")


def add_rooms(b: _Builder, m: PeriodsModel) -> None:
    """rooms: each period's lectures fit in its rooms, each lecture in one room class and each
    class holding no more lectures than it has rooms (exact for any capacity penalty)."""
    for (c, p), var in m.x.items():
        for k in range(len(m.classes)):
            m.y[(c, p, k)] = b.var(f"y[{c},{p},{k}]", pulp.LpContinuous)
        b.add([(m.y[(c, p, k)], 1) for k in range(len(m.classes))] + [(var, -1)],
              pulp.LpConstraintEQ, 0, f"room_class[{c},{p}]")
    by_period: dict[tuple[int, int], list] = defaultdict(list)
    for (_c, p, k), var in m.y.items():
        by_period[(p, k)].append((var, 1))
    for (p, k), terms in by_period.items():
        if len(terms) > m.classes[k][1]:
            b.add(terms, pulp.LpConstraintLE, m.classes[k][1], f"rooms[{p},{k}]")
    # no more lectures than rooms: implied by the above, stated once more on x alone so that
    # the solver's cuts and heuristics see it directly
    for p in range(m.instance.periods):
        here = [(c, var) for (c, pp), var in m.x.items() if pp == p]
        if len(here) <= len(m.instance.rooms):
            continue
        b.add([(var, 1) for _, var in here], pulp.LpConstraintLE, len(m.instance.rooms),
              f"rooms_total[{p}]")


# -- stage 1: penalties ---------------------------------------------------------------------------

def penalty_room_capacity(b: _Builder, m: PeriodsModel) -> list:
    """room_capacity: each lecture's students beyond its room's capacity cost 1 each."""
    students = {c.id: c.students for c in m.instance.courses}
    out = []
    for (c, _p, k), var in m.y.items():
        over = students[c] - m.classes[k][0]
        if over > 0:
            out.append((var, ROOM_CAPACITY * over))
    return out


def penalty_min_working_days(b: _Builder, m: PeriodsModel) -> list:
    """min_working_days: a course's lectures spread over at least its minimum number of days;
    each day short costs 5."""
    inst = m.instance
    per_day = inst.periods_per_day
    out = []
    for course in inst.courses:
        if course.min_working_days <= 1:
            continue
        days = []
        for d in range(inst.days):
            lectures = [(m.x[(course.id, p)], 1) for p in range(d * per_day, (d + 1) * per_day)
                        if (course.id, p) in m.x]
            if not lectures:
                continue
            used = m.day_used[(course.id, d)] = b.var(f"day_used[{course.id},{d}]")
            b.add(lectures + [(used, -1)], pulp.LpConstraintGE, 0,
                  f"min_working_days[{course.id},{d}]")
            days.append((used, 1))
        short = m.short[course.id] = b.var(f"days_short[{course.id}]", pulp.LpContinuous, None)
        b.add(days + [(short, 1)], pulp.LpConstraintGE, course.min_working_days,
              f"min_working_days[{course.id}]")
        out.append((short, MIN_WORKING_DAYS))
    return out


def penalty_curriculum_compactness(b: _Builder, m: PeriodsModel) -> list:
    """curriculum_compactness: a curriculum's lecture with none of that curriculum in the
    period before or after on the same day is isolated and costs 2."""
    inst = m.instance
    per_day = inst.periods_per_day
    out = []
    for q in inst.curricula:
        def busy(p: int, sign: int = 1, q=q) -> list:
            return [(m.x[(c, p)], sign) for c in q.courses if (c, p) in m.x]
        for p in range(inst.periods):
            here = busy(p)
            if not here:
                continue
            around = []
            if p % per_day > 0:
                around += busy(p - 1, -1)
            if p % per_day < per_day - 1:
                around += busy(p + 1, -1)
            iso = m.isolated[(q.id, p)] = b.var(f"isolated[{q.id},{p}]", pulp.LpContinuous)
            b.add(here + around + [(iso, -1)], pulp.LpConstraintLE, 0,
                  f"curriculum_compactness[{q.id},{p}]")
            out.append((iso, CURRICULUM_COMPACTNESS))
    return out


HARD_RULES = (add_lectures, add_conflicts, add_rooms)
PENALTIES = (penalty_room_capacity, penalty_min_working_days, penalty_curriculum_compactness)


def build_periods_model(instance: Instance,
                        penalties: Sequence[Callable] = PENALTIES) -> PeriodsModel:
    """Stage 1 with the given penalty terms (any subset of `PENALTIES`, in any order; with all
    three its optimum is a lower bound of the competition cost)."""
    m = PeriodsModel(instance, pulp.LpProblem(_safe(instance.name) + "_periods", pulp.LpMinimize),
                     room_classes(instance))
    b = _Builder(m.prob)
    add_period_variables(b, m)
    for rule in HARD_RULES:
        rule(b, m)
    terms = []
    for penalty in penalties:
        terms += penalty(b, m)
    m.prob.setObjective(pulp.LpAffineExpression(_merge(terms)))
    return m


# -- the single-room variant: a bound for room stability ----------------------------------------

def add_single_room(b: _Builder, m: PeriodsModel) -> None:
    """single_room: every course keeps one room all week (`room[c,r]`), and a room holds at
    most one lecture per period (`v[c,p,r]` = x[c,p] in c's room, integral without being
    declared so)."""
    inst = m.instance
    for course in inst.courses:
        c = course.id
        for r in inst.rooms:
            m.room[(c, r.id)] = b.var(f"room[{c},{r.id}]")
        b.add([(m.room[(c, r.id)], 1) for r in inst.rooms], pulp.LpConstraintEQ, 1,
              f"single_room[{c}]")
    held: dict[tuple[str, int], list] = defaultdict(list)
    for (c, p), x in m.x.items():
        for r in inst.rooms:
            v = m.v[(c, p, r.id)] = b.var(f"v[{c},{p},{r.id}]", pulp.LpContinuous)
            b.add([(v, 1), (m.room[(c, r.id)], -1)], pulp.LpConstraintLE, 0,
                  f"single_room[{c},{p},{r.id}]")
            held[(r.id, p)].append((v, 1))
        b.add([(m.v[(c, p, r.id)], 1) for r in inst.rooms] + [(x, -1)], pulp.LpConstraintEQ, 0,
              f"single_room_lecture[{c},{p}]")
    for (r, p), terms in held.items():
        if len(terms) > 1:
            b.add(terms, pulp.LpConstraintLE, 1, f"room_clash[{r},{p}]")


def penalty_room_capacity_single_room(b: _Builder, m: PeriodsModel) -> list:
    """room_capacity: each lecture's students beyond its (single) room's capacity cost 1."""
    capacity = {r.id: r.capacity for r in m.instance.rooms}
    return [(var, ROOM_CAPACITY * course.lectures * (course.students - capacity[r]))
            for course in m.instance.courses for (c, r), var in m.room.items()
            if c == course.id and course.students > capacity[r]]


def build_single_room_model(instance: Instance) -> PeriodsModel:
    """Lectures in periods with every course in one room all week (room stability 0), and
    the other three penalties. If `b0` bounds this model and `b1` bounds stage 1 (the whole
    problem without room stability), then min(b0, b1 + 1) bounds the whole problem: a
    timetable either keeps every course in one room or pays at least 1 for room stability."""
    m = PeriodsModel(instance, pulp.LpProblem(_safe(instance.name) + "_single_room",
                                              pulp.LpMinimize), room_classes(instance))
    b = _Builder(m.prob)
    add_period_variables(b, m)
    add_lectures(b, m)
    add_conflicts(b, m)
    add_single_room(b, m)
    terms = penalty_room_capacity_single_room(b, m)
    terms += penalty_min_working_days(b, m) + penalty_curriculum_compactness(b, m)
    m.prob.setObjective(pulp.LpAffineExpression(_merge(terms)))
    return m


# -- stage 2: rooms -------------------------------------------------------------------------------

@dataclass
class RoomsModel:
    """Stage 2: a room for each placed lecture."""

    instance: Instance
    prob: pulp.LpProblem
    u: dict[tuple[str, int, str], pulp.LpVariable] = field(default_factory=dict)
    w: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)

    def rooms(self) -> dict[tuple[str, int], str]:
        """(course, period) → room, read from the solved u."""
        return {(c, p): r for (c, p, r), var in self.u.items() if (var.varValue or 0.0) > 0.5}


def add_one_room(b: _Builder, m: RoomsModel, periods: dict[str, list[int]]) -> None:
    """one_room: every placed lecture is in exactly one room."""
    for c, ps in periods.items():
        for p in ps:
            for r in m.instance.rooms:
                m.u[(c, p, r.id)] = b.var(f"u[{c},{p},{r.id}]")
            b.add([(m.u[(c, p, r.id)], 1) for r in m.instance.rooms], pulp.LpConstraintEQ, 1,
                  f"one_room[{c},{p}]")


def add_room_clash(b: _Builder, m: RoomsModel) -> None:
    """room_clash: a room holds at most one lecture per period."""
    held: dict[tuple[str, int], list] = defaultdict(list)
    for (_c, p, r), var in m.u.items():
        held[(r, p)].append((var, 1))
    for (r, p), terms in held.items():
        if len(terms) > 1:
            b.add(terms, pulp.LpConstraintLE, 1, f"room_clash[{r},{p}]")


def penalty_room_capacity_rooms(b: _Builder, m: RoomsModel) -> list:
    """room_capacity: each lecture's students beyond its room's capacity cost 1 each."""
    students = {c.id: c.students for c in m.instance.courses}
    capacity = {r.id: r.capacity for r in m.instance.rooms}
    return [(var, ROOM_CAPACITY * (students[c] - capacity[r]))
            for (c, _p, r), var in m.u.items() if students[c] > capacity[r]]


def penalty_room_stability(b: _Builder, m: RoomsModel) -> list:
    """room_stability: all lectures of a course in one room; each further room costs 1."""
    out = []
    by_course: dict[str, list] = defaultdict(list)
    for (c, p, r), var in m.u.items():
        by_course[c].append((p, r, var))
    for c, entries in by_course.items():
        for r in m.instance.rooms:
            m.w[(c, r.id)] = b.var(f"room_used[{c},{r.id}]")
        for p, r, var in entries:
            b.add([(var, 1), (m.w[(c, r)], -1)], pulp.LpConstraintLE, 0,
                  f"room_stability[{c},{r},{p}]")
        out += [(m.w[(c, r.id)], ROOM_STABILITY) for r in m.instance.rooms]
    return out


def build_rooms_model(instance: Instance, periods: dict[str, list[int]]) -> tuple[RoomsModel,
                                                                                  float]:
    """Stage 2 for a placement (course → periods); returns the model and the objective's
    constant (minus one room per scheduled course: the first room is free)."""
    m = RoomsModel(instance, pulp.LpProblem(_safe(instance.name) + "_rooms", pulp.LpMinimize))
    b = _Builder(m.prob)
    add_one_room(b, m, periods)
    add_room_clash(b, m)
    terms = penalty_room_capacity_rooms(b, m) + penalty_room_stability(b, m)
    m.prob.setObjective(pulp.LpAffineExpression(_merge(terms)))
    constant = -ROOM_STABILITY * sum(1 for ps in periods.values() if ps)
    return m, float(constant)


def _merge(terms: list) -> list:
    """Add up repeated variables (a plain list of pairs would keep only the last one)."""
    out: dict = {}
    for var, coef in terms:
        out[var] = out.get(var, 0) + coef
    return list(out.items())


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name)
