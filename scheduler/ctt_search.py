"""Simulated annealing over a complete CB-CTT timetable, moves priced by penalty deltas.

A move takes one lecture to another (period, room): into an empty room it is a move, onto
another lecture it is a swap of the two. Moves that would break a hard rule (a curriculum or
teacher conflict, an unavailable period, two lectures of one course in one period) are never
made, so the timetable stays feasible throughout. Only the penalties of the courses and of the
(curriculum, day) pairs a move touches are recounted.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter, defaultdict

from scheduler.ctt import Instance

Slot = tuple[int, str]   # (period, room)


class Timetable:
    """A feasible timetable and the per-course and per-(curriculum, day) penalties."""

    def __init__(self, instance: Instance, near: dict[str, set[str]],
                 placed: dict[tuple[str, int], str]) -> None:
        self.inst = instance
        self.near = near
        self.per_day = instance.periods_per_day
        self.course = {c.id: c for c in instance.courses}
        self.capacity = {r.id: r.capacity for r in instance.rooms}
        self.curricula_of = instance.curricula_of
        self.members = {q.id: q.courses for q in instance.curricula}
        self.unavailable = instance.unavailable
        self.room_of: dict[Slot, str] = {}            # (period, room) -> course
        self.at: dict[int, set[str]] = defaultdict(set)
        self.days: dict[str, Counter] = defaultdict(Counter)
        self.rooms: dict[str, Counter] = defaultdict(Counter)
        self.q_at: dict[str, Counter] = defaultdict(Counter)
        for (c, p), r in placed.items():
            self._put(c, p, r)

    def _put(self, c: str, p: int, r: str) -> None:
        self.room_of[(p, r)] = c
        self.at[p].add(c)
        self.days[c][p // self.per_day] += 1
        self.rooms[c][r] += 1
        for q in self.curricula_of[c]:
            self.q_at[q][p] += 1

    def _take(self, c: str, p: int, r: str) -> None:
        del self.room_of[(p, r)]
        self.at[p].discard(c)
        self._dec(self.days[c], p // self.per_day)
        self._dec(self.rooms[c], r)
        for q in self.curricula_of[c]:
            self._dec(self.q_at[q], p)

    @staticmethod
    def _dec(counter: Counter, key) -> None:
        counter[key] -= 1
        if counter[key] == 0:
            del counter[key]

    def course_cost(self, c: str) -> int:
        """Minimum working days and room stability of one course."""
        course = self.course[c]
        return 5 * max(0, course.min_working_days - len(self.days[c])) + max(
            0, len(self.rooms[c]) - 1)

    def overflow(self, c: str, r: str) -> int:
        return max(0, self.course[c].students - self.capacity[r])

    def day_cost(self, q: str, d: int) -> int:
        """Curriculum compactness of one curriculum on one day."""
        at = self.q_at[q]
        first = d * self.per_day
        cost = 0
        for p in range(first, first + self.per_day):
            n = at.get(p, 0)
            if n and not (p > first and at.get(p - 1)) and not (
                    p < first + self.per_day - 1 and at.get(p + 1)):
                cost += 2 * n
        return cost

    def cost(self) -> int:
        total = sum(self.course_cost(c) for c in self.course)
        total += sum(self.overflow(c, r) for (_p, r), c in self.room_of.items())
        total += sum(self.day_cost(q, d) for q in self.members for d in range(self.inst.days))
        return total

    def fits(self, c: str, p: int, leaving: set[str], q_period: int | None) -> bool:
        """Can a lecture of c go to period p, once the courses in `leaving` have left it?
        `q_period` is the period c leaves (its own lecture there does not count)."""
        if (c, p // self.per_day, p % self.per_day) in self.unavailable:
            return False
        here = self.at[p] - leaving
        if c in here and p != q_period:
            return False
        return not (self.near[c] & here)

    def local(self, courses: set[str], pairs: set[tuple[str, int]]) -> int:
        return sum(self.course_cost(c) for c in courses) + sum(self.day_cost(q, d)
                                                               for q, d in pairs)

    def placement(self) -> dict[tuple[str, int], str]:
        return {(c, p): r for (p, r), c in self.room_of.items()}


def anneal(instance: Instance, near: dict[str, set[str]], placed: dict[tuple[str, int], str],
           deadline: float, seed: int = 1, stop_at: int = 0,
           t0: float = 0.3, cycle: float = 20.0
           ) -> tuple[dict[tuple[str, int], str], int]:
    """The best timetable found by `deadline` (or as soon as its cost is `stop_at` or less) from
    `placed` ((course, period) → room), and its cost as the search counts it (the caller
    re-evaluates it independently).

    The temperature falls geometrically from `t0` to 0.05 over `cycle` seconds, then starts
    again from the best timetable found (shorter runs use one cycle over their whole time)."""
    rng = random.Random(seed)
    tt = Timetable(instance, near, placed)
    slots = [(p, r.id) for p in range(instance.periods) for r in instance.rooms]
    current = tt.cost()
    best, best_cost = tt.placement(), current
    if current <= stop_at:
        return best, current
    start = time.monotonic()
    span = max(1e-3, min(cycle, deadline - start))
    t1 = 0.05
    temperature = t0
    step = 0
    per_day = instance.periods_per_day
    while True:
        step += 1
        if step % 500 == 0:
            now = time.monotonic()
            if now >= deadline:
                break
            if now - start > span:
                start = now
                span = max(1e-3, min(cycle, deadline - now))
                tt = Timetable(instance, near, best)
                current = best_cost
            temperature = t0 * (t1 / t0) ** ((now - start) / span)
        p1, r1 = rng.choice(slots)
        c1 = tt.room_of.get((p1, r1))
        if c1 is None:
            continue
        if rng.random() < 0.3:
            # another room in the same period, or one of the course's own rooms elsewhere
            p2 = p1 if rng.random() < 0.5 else rng.randrange(instance.periods)
            r2 = rng.choice(list(tt.rooms[c1])) if rng.random() < 0.5 else rng.choice(
                instance.rooms).id
        else:
            p2, r2 = rng.choice(slots)
        if (p2, r2) == (p1, r1):
            continue
        c2 = tt.room_of.get((p2, r2))
        if c2 == c1:
            continue
        if p2 != p1:
            leaving = {c2} if c2 else set()
            if not tt.fits(c1, p2, leaving, p1):
                continue
            if c2 is not None and not tt.fits(c2, p1, {c1}, p2):
                continue
        courses = {c1} | ({c2} if c2 else set())
        pairs = {(q, p // per_day) for c in courses for q in tt.curricula_of[c]
                 for p in (p1, p2)}
        before = tt.local(courses, pairs) + tt.overflow(c1, r1) + (
            tt.overflow(c2, r2) if c2 else 0)
        tt._take(c1, p1, r1)
        if c2:
            tt._take(c2, p2, r2)
        tt._put(c1, p2, r2)
        if c2:
            tt._put(c2, p1, r1)
        after = tt.local(courses, pairs) + tt.overflow(c1, r2) + (
            tt.overflow(c2, r1) if c2 else 0)
        delta = after - before
        if delta <= 0 or rng.random() < math.exp(-delta / temperature):
            current += delta
            if current < best_cost:
                best, best_cost = tt.placement(), current
                if current <= stop_at:
                    break
            continue
        tt._take(c1, p2, r2)
        if c2:
            tt._take(c2, p1, r1)
        tt._put(c1, p1, r1)
        if c2:
            tt._put(c2, p2, r2)
    return best, best_cost
