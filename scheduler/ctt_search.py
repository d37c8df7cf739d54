"""Simulated annealing over a complete CB-CTT timetable, every move priced by its exact delta.

The state is kept in flat integer lists (courses, rooms, periods and "groups" numbered from 0):
a group is a curriculum, a teacher or a single course, and two lectures conflict when their
courses share a group, so one count per (group, period) answers every conflict question.
Moves never break a hard rule: the timetable stays feasible throughout.

Neighbourhoods (each a set of lectures relocated at once, priced by recounting only the courses
and the (curriculum, day) pairs it touches, and undone when rejected):

- move: one lecture to another (period, room); onto another lecture it is a swap of the two;
- room: one lecture to another room of the same period (swapping with its occupant), or of the
  rooms its course already uses;
- Kempe chain: the lecture's period p1 and another period p2; the chain is closed under the
  conflict graph (a lecture joins when it conflicts with one moving into its period) and the
  two sides swap periods, their lectures then taking rooms again greedily (own room if free,
  else a room the course uses, else the smallest that holds it);
- room stability: every lecture of a course to one room, swapping with the occupants there.

The lecture a move starts from is drawn at random, with one more draw when the first pays no
penalty (isolated in a curriculum, its course short of days or spread over rooms, its room too
small). The mix: 20 % moves/swaps, 10 % room moves, 65 % Kempe chains, 5 % room stability.

The schedule: the starting temperature is calibrated from the deltas of sampled moves (a
typical worsening is accepted with probability 0.2), falls geometrically to 0.08 over a cycle
of 1000 moves per lecture (at least 200,000), and each new cycle, 1.3 times longer than the one
before, restarts from the best timetable with a reheat (to half the starting temperature after
a cycle that improved the best). Move counts, not the clock, drive it, so a run is
deterministic for a seed apart from where the deadline stops it.
"""

from __future__ import annotations

import math
import random
import time

from scheduler.ctt import Instance

Placement = dict[tuple[str, int], str]   # (course, period) -> room


class State:
    """A feasible timetable as flat lists, with the counts the penalties need."""

    def __init__(self, instance: Instance, placed: Placement) -> None:
        self.inst = instance
        courses = instance.courses
        self.course_ids = [c.id for c in courses]
        self.room_ids = [r.id for r in instance.rooms]
        ci = {c: i for i, c in enumerate(self.course_ids)}
        ri = {r: i for i, r in enumerate(self.room_ids)}
        self.C, self.R = len(courses), len(self.room_ids)
        self.P, self.D, self.ppd = instance.periods, instance.days, instance.periods_per_day
        C, R, P = self.C, self.R, self.P
        self.students = [c.students for c in courses]
        self.mwd = [c.min_working_days for c in courses]
        self.cap = [r.capacity for r in instance.rooms]
        self.over = [max(0, s - cap) for s in self.students for cap in self.cap]   # c*R + r
        # groups: curricula 0..Q-1, then teachers, then one per course
        q_ids = [q.id for q in instance.curricula]
        self.Q = len(q_ids)
        teachers = sorted({c.teacher for c in courses})
        ti = {t: self.Q + i for i, t in enumerate(teachers)}
        base = self.Q + len(teachers)
        cur_of: list[list[int]] = [[] for _ in range(C)]
        for qi, q in enumerate(instance.curricula):
            for c in q.courses:
                cur_of[ci[c]].append(qi)
        self.curr = [tuple(qs) for qs in cur_of]
        self.groups = [tuple(cur_of[i]) + (ti[c.teacher], base + i) for i, c in enumerate(courses)]
        self.gset = [frozenset(g) for g in self.groups]
        self.G = base + C
        self.unav = [False] * (C * P)
        for (c, d, p) in instance.unavailable:
            if c in ci:
                self.unav[ci[c] * P + d * self.ppd + p] = True
        # conflicting courses (sharing a group, the course itself included)
        members: list[list[int]] = [[] for _ in range(self.G)]
        for c in range(C):
            for g in self.groups[c]:
                members[g].append(c)
        self.near = [frozenset(x for g in self.groups[c] for x in members[g]) for c in range(C)]
        # lectures
        self.lc: list[int] = []
        self.lp: list[int] = []
        self.lr: list[int] = []
        for (c, p), r in sorted(placed.items()):
            self.lc.append(ci[c])
            self.lp.append(p)
            self.lr.append(ri[r])
        self.L = len(self.lc)
        self.lectures_of: list[list[int]] = [[] for _ in range(C)]
        for lec, c in enumerate(self.lc):
            self.lectures_of[c].append(lec)
        self.slot = [-1] * (P * R)
        # curriculum q's lectures on day d as a bit mask of the day's periods, and the
        # compactness cost of each mask (2 per lecture with no neighbour on its day)
        self.qmask = [0] * (self.Q * self.D)
        ppd = self.ppd
        self.iso = [2 * sum(1 for i in range(ppd) if m >> i & 1 and not (
            i > 0 and m >> (i - 1) & 1) and not (i < ppd - 1 and m >> (i + 1) & 1))
            for m in range(1 << ppd)]
        self.busy = [0] * (self.G * P)
        self.dcnt = [0] * (C * self.D)
        self.ndays = [0] * C
        self.rcnt = [0] * (C * R)
        self.nrooms = [0] * C
        for lec in range(self.L):
            self._put(lec, self.lp[lec], self.lr[lec])

    # -- low-level updates (no checks) -----------------------------------------------------------

    def _put(self, lec: int, p: int, r: int) -> None:
        c = self.lc[lec]
        self.lp[lec], self.lr[lec] = p, r
        self.slot[p * self.R + r] = lec
        busy, P = self.busy, self.P
        for g in self.groups[c]:
            busy[g * P + p] += 1
        d, bit = divmod(p, self.ppd)
        for q in self.curr[c]:
            self.qmask[q * self.D + d] |= 1 << bit
        k = c * self.D + d
        if self.dcnt[k] == 0:
            self.ndays[c] += 1
        self.dcnt[k] += 1
        k = c * self.R + r
        if self.rcnt[k] == 0:
            self.nrooms[c] += 1
        self.rcnt[k] += 1

    def _take(self, lec: int) -> None:
        c, p, r = self.lc[lec], self.lp[lec], self.lr[lec]
        self.slot[p * self.R + r] = -1
        busy, P = self.busy, self.P
        for g in self.groups[c]:
            busy[g * P + p] -= 1
        d, bit = divmod(p, self.ppd)
        for q in self.curr[c]:
            self.qmask[q * self.D + d] &= ~(1 << bit)
        k = c * self.D + d
        self.dcnt[k] -= 1
        if self.dcnt[k] == 0:
            self.ndays[c] -= 1
        k = c * self.R + r
        self.rcnt[k] -= 1
        if self.rcnt[k] == 0:
            self.nrooms[c] -= 1

    # -- costs -----------------------------------------------------------------------------------

    def course_cost(self, c: int) -> int:
        """Minimum working days and room stability of one course."""
        short = self.mwd[c] - self.ndays[c]
        return (5 * short if short > 0 else 0) + (self.nrooms[c] - 1 if self.nrooms[c] else 0)

    def day_cost(self, q: int, d: int) -> int:
        """Curriculum compactness of curriculum q on day d: 2 per isolated lecture."""
        return self.iso[self.qmask[q * self.D + d]]

    def cost(self) -> int:
        total = sum(self.course_cost(c) for c in range(self.C))
        total += sum(self.over[self.lc[x] * self.R + self.lr[x]] for x in range(self.L))
        total += sum(self.day_cost(q, d) for q in range(self.Q) for d in range(self.D))
        return total

    # -- moves -----------------------------------------------------------------------------------

    def relocate(self, moves: list[tuple[int, int, int]]) -> int | None:
        """Apply `moves` ((lecture, period, room) each) at once; the cost delta, or None (and
        nothing changed) if the result would break a hard rule."""
        lc, lp, lr, R, ppd, D = self.lc, self.lp, self.lr, self.R, self.ppd, self.D
        courses = set()
        pairs = set()
        over, curr = self.over, self.curr
        before = 0
        for lec, p, _r in moves:
            c = lc[lec]
            courses.add(c)
            before += over[c * R + lr[lec]]
            if curr[c]:
                d1, d2 = lp[lec] // ppd, p // ppd
                for q in curr[c]:
                    pairs.add(q * D + d1)
                    pairs.add(q * D + d2)
        course_cost, iso, qmask = self.course_cost, self.iso, self.qmask
        for c in courses:
            before += course_cost(c)
        for k in pairs:
            before += iso[qmask[k]]
        old = [(lec, lp[lec], lr[lec]) for lec, _p, _r in moves]
        for lec, _p, _r in moves:
            self._take(lec)
        busy, P, slot, unav = self.busy, self.P, self.slot, self.unav
        done = 0
        ok = True
        for lec, p, r in moves:
            c = lc[lec]
            if slot[p * R + r] >= 0 or unav[c * P + p]:
                ok = False
                break
            for g in self.groups[c]:
                if busy[g * P + p]:
                    ok = False
                    break
            if not ok:
                break
            self._put(lec, p, r)
            done += 1
        if not ok:
            for lec, _p, _r in moves[:done]:
                self._take(lec)
            for lec, p, r in old:
                self._put(lec, p, r)
            return None
        after = 0
        for lec, _p, r in moves:
            after += over[lc[lec] * R + r]
        for c in courses:
            after += course_cost(c)
        for k in pairs:
            after += iso[qmask[k]]
        self._undo = old
        return after - before

    def undo(self) -> None:
        """Reverse the last successful `relocate`."""
        for lec, _p, _r in self._undo:
            self._take(lec)
        for lec, p, r in self._undo:
            self._put(lec, p, r)

    def fits(self, c: int, p: int, leaving: int) -> bool:
        """Can a lecture of course c go to period p once course `leaving` (-1: none) has left
        it? (Its own lecture elsewhere does not count: c is not at p unless it is there.)"""
        if self.unav[c * self.P + p]:
            return False
        busy, P = self.busy, self.P
        if leaving < 0:
            for g in self.groups[c]:
                if busy[g * P + p]:
                    return False
            return True
        out = self.gset[leaving]
        for g in self.groups[c]:
            if busy[g * P + p] - (g in out):
                return False
        return True

    def move_or_swap(self, lec: int, p2: int, r2: int) -> list[tuple[int, int, int]] | None:
        """The moves taking `lec` to (p2, r2), swapping with the lecture there if any."""
        p1, r1 = self.lp[lec], self.lr[lec]
        if p1 == p2 and r1 == r2:
            return None
        other = self.slot[p2 * self.R + r2]
        c1 = self.lc[lec]
        if other < 0:
            if p1 != p2 and not self.fits(c1, p2, -1):
                return None
            return [(lec, p2, r2)]
        c2 = self.lc[other]
        if c2 == c1:
            return None
        if p1 != p2 and not (self.fits(c1, p2, c2) and self.fits(c2, p1, c1)):
            return None
        return [(lec, p2, r2), (other, p1, r1)]

    def kempe(self, lec: int, p2: int) -> list[tuple[int, int, int]] | None:
        """The Kempe chain of `lec` between its period and p2, with rooms reassigned."""
        p1 = self.lp[lec]
        if p1 == p2:
            return None
        R, slot, lc, near = self.R, self.slot, self.lc, self.near
        at1 = [x for x in slot[p1 * R:(p1 + 1) * R] if x >= 0]
        at2 = [x for x in slot[p2 * R:(p2 + 1) * R] if x >= 0]
        side1, side2 = [lec], []
        in1, in2 = {lec}, set()
        todo = [(lec, 1)]
        while todo:
            x, side = todo.pop()
            nx = near[lc[x]]
            if side == 1:
                for y in at2:
                    if y not in in2 and lc[y] in nx:
                        in2.add(y)
                        side2.append(y)
                        todo.append((y, 2))
            else:
                for y in at1:
                    if y not in in1 and lc[y] in nx:
                        in1.add(y)
                        side1.append(y)
                        todo.append((y, 1))
        P, unav = self.P, self.unav
        for x in side1:
            if unav[lc[x] * P + p2]:
                return None
        for x in side2:
            if unav[lc[x] * P + p1]:
                return None
        free2 = {self.lr[y] for y in side2} | {r for r in range(R) if slot[p2 * R + r] < 0}
        free1 = {self.lr[x] for x in side1} | {r for r in range(R) if slot[p1 * R + r] < 0}
        if len(side1) > len(free2) or len(side2) > len(free1):
            return None
        moves = self._rooms(side1, p2, free2)
        moves += self._rooms(side2, p1, free1)
        return moves

    def _rooms(self, lectures: list[int], p: int, free: set[int]) -> list[tuple[int, int, int]]:
        out = []
        lc, lr, R, rcnt, over, cap = self.lc, self.lr, self.R, self.rcnt, self.over, self.cap
        for x in sorted(lectures, key=lambda x: -self.students[lc[x]]):
            c = lc[x]
            r = lr[x]
            if r not in free:
                r = min(free, key=lambda r: (over[c * R + r] + (rcnt[c * R + r] == 0),
                                             cap[r], r))
            free.discard(r)
            out.append((x, p, r))
        return out

    def one_room(self, c: int, r: int) -> list[tuple[int, int, int]] | None:
        """Every lecture of course c to room r, swapping rooms with the lecture there."""
        moves = []
        R = self.R
        for x in self.lectures_of[c]:
            if self.lr[x] == r:
                continue
            p = self.lp[x]
            moves.append((x, p, r))
            other = self.slot[p * R + r]
            if other >= 0:
                moves.append((other, p, self.lr[x]))
        return moves or None

    def penalised(self, lec: int) -> bool:
        """Does this lecture take part in a penalty (isolated in a curriculum, a course short
        of days or spread over rooms, a room too small)?"""
        c = self.lc[lec]
        if self.ndays[c] < self.mwd[c] or self.nrooms[c] > 1 or self.over[c * self.R + self.lr[lec]]:
            return True
        d, bit = divmod(self.lp[lec], self.ppd)
        near = (1 << bit) << 1 | (1 << bit) >> 1
        for q in self.curr[c]:
            if not self.qmask[q * self.D + d] & near:
                return True
        return False

    def placement(self, lp: list[int] | None = None, lr: list[int] | None = None) -> Placement:
        lp = self.lp if lp is None else lp
        lr = self.lr if lr is None else lr
        return {(self.course_ids[self.lc[x]], lp[x]): self.room_ids[lr[x]]
                for x in range(self.L)}


class Search:
    """The neighbourhoods drawn at random, with their mix."""

    def __init__(self, state: State, rng: random.Random,
                 mix: tuple[float, float, float] = (0.2, 0.3, 0.95), focus: int = 1) -> None:
        self.s = state
        self.rng = rng
        self.a, self.b, self.k = mix
        self.focus = focus   # extra draws to find a lecture that pays a penalty

    def propose(self) -> list[tuple[int, int, int]] | None:
        s, rnd = self.s, self.rng.random
        lec = int(rnd() * s.L)
        for _ in range(self.focus):
            if s.penalised(lec):
                break
            lec = int(rnd() * s.L)
        u = rnd()
        if u < self.a:
            return s.move_or_swap(lec, int(rnd() * s.P), int(rnd() * s.R))
        if u < self.b:
            c = s.lc[lec]
            if rnd() < 0.5:
                used = [r for r in range(s.R) if s.rcnt[c * s.R + r]]
                r = used[int(rnd() * len(used))]
                return s.move_or_swap(lec, int(rnd() * s.P), r)
            return s.move_or_swap(lec, s.lp[lec], int(rnd() * s.R))
        if u < self.k:
            return s.kempe(lec, int(rnd() * s.P))
        c = s.lc[lec]
        if s.nrooms[c] <= 1:
            return None
        used = [r for r in range(s.R) if s.rcnt[c * s.R + r]]
        return s.one_room(c, used[int(rnd() * len(used))])


def anneal(instance: Instance, near, placed: Placement, deadline: float, seed: int = 1,
           stop_at: int = 0, cycle_moves: int | None = None, max_cycles: int | None = None,
           stats: dict | None = None, start_temperature: float | None = None
           ) -> tuple[Placement, int]:
    """The best timetable found by `deadline` (or as soon as its cost is `stop_at` or less) from
    `placed` ((course, period) → room), and its cost as the search counts it (the caller
    re-evaluates it independently). `near` is accepted for compatibility and not used: the
    state builds its own conflict groups. `stats`, when given, receives move counts.
    `start_temperature` caps the first cycle's temperature: a start already close to its
    lower bound is polished cold rather than melted down by the calibrated one."""
    rng = random.Random(seed)
    s = State(instance, placed)
    search = Search(s, rng, focus=1)
    current = s.cost()
    best_cost = current
    best_lp, best_lr = s.lp[:], s.lr[:]
    if current <= stop_at or s.L == 0:
        return s.placement(), current
    # calibrate: the typical worsening of a random move
    ups = []
    for _ in range(2000):
        moves = search.propose()
        if not moves:
            continue
        delta = s.relocate(moves)
        if delta is None:
            continue
        s.undo()
        if delta > 0:
            ups.append(delta)
    ups.sort()
    typical = ups[len(ups) // 4] if ups else 1
    t0 = min(max(typical / math.log(1 / 0.2), 0.5), 10.0)   # 20 % of the typical worsening
    t_end = 0.08
    growth = 1.3   # each cycle after the first is this much longer than the one before
    n_cycle = cycle_moves or max(200_000, 1000 * s.L)
    blocks = 200
    per_block = max(1, n_cycle // blocks)
    alpha = (t_end / t0) ** (1 / blocks)
    tried = accepted = 0
    cycles = 0
    start = time.monotonic()
    heat = t0 if start_temperature is None else min(t0, start_temperature)
    stop = False
    while not stop:
        cycles += 1
        temperature = heat
        improved_in_cycle = False
        for _block in range(blocks):
            if time.monotonic() >= deadline:
                stop = True
                break
            inv_t = 1.0 / temperature
            for _ in range(per_block):
                moves = search.propose()
                if not moves:
                    continue
                delta = s.relocate(moves)
                if delta is None:
                    continue
                tried += 1
                if delta <= 0 or rng.random() < math.exp(-delta * inv_t):
                    accepted += 1
                    current += delta
                    if current < best_cost:
                        best_cost = current
                        best_lp[:] = s.lp
                        best_lr[:] = s.lr
                        improved_in_cycle = True
                        if current <= stop_at:
                            stop = True
                            break
                else:
                    s.undo()
            if stop:
                break
            temperature *= alpha
        if stop or cycles == max_cycles:
            break
        # restart from the best timetable with a reheat: milder after a fruitful cycle
        s = State(instance, s.placement(best_lp, best_lr))
        search.s = s
        current = best_cost
        best_lp, best_lr = s.lp[:], s.lr[:]   # the new state numbers its lectures afresh
        heat = t0 * (0.5 if improved_in_cycle else 1.0)
        per_block = int(per_block * growth)
    if stats is not None:
        elapsed = time.monotonic() - start
        stats.update(tried=tried, accepted=accepted, cycles=cycles, seconds=elapsed,
                     per_second=tried / elapsed if elapsed > 0 else 0.0, t0=t0)
    return s.placement(best_lp, best_lr), best_cost
