"""A fast greedy timetable, used as the MILP's warm start (and as a fallback answer), and
`repair_start`: the reference timetable mended after a change, for a repair.

Sections are placed one at a time, hardest first (locked, with children, fixed teacher, few
options), each with the cheapest teacher, slots and rooms that keep every hard rule given
what is already placed. A few randomised restarts change the order when one fails.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable

from scheduler.precheck import Candidates
from scheduler.problem import Lock, Placement, Problem


class _State:
    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.room_busy: set[tuple[str, str]] = set()
        self.teacher_at: dict[tuple[str, str], str] = {}        # (t, slot) -> site
        self.by_day: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # (t, day)
        self.group_busy: set[tuple[str, str]] = set()
        self.conflict_busy: set[tuple[int, str]] = set()
        self.load: dict[str, int] = defaultdict(int)
        self.conflicts_of: dict[str, list[int]] = defaultdict(list)
        for n, group in enumerate(problem.conflicts):
            for c in group:
                self.conflicts_of[c].append(n)
        self.day_pos = {d: i for i, d in enumerate(problem.days)}
        self.period = problem.period_by_slot    # slot -> Period and slot -> day, as dicts:
        self.day_of = problem.day_by_slot       # the placement loops look them up millions of times
        self._slot_info: dict[tuple[str, str], list[tuple[str, float, str, int]]] = {}
        self._room_info: dict[str, list[tuple[str, str, float, frozenset[str]]]] = {}
        self._floor: dict[tuple[str, str], float] = {}

    def slot_info(self, cand: Candidates, c: str, t: str) -> list[tuple[str, float, str, int]]:
        """(slot, its time + teacher_pref cost, day, day position) for the slots of section
        c that teacher t may teach, in the section's slot order. Fixed for a problem."""
        key = (c, t)
        info = self._slot_info.get(key)
        if info is None:
            p = self.p
            w = p.weights
            ok = cand.teacher_slots[key]
            pref = p.teachers[t].preferred
            g = p.sections[c].children_group
            info = []
            for slot in cand.slots[c]:
                if slot not in ok:
                    continue
                base = 0.0 if g else self.period[slot].penalty * w["time"]
                if pref and slot not in pref:
                    base += w["teacher_pref"]
                day = self.day_of[slot]
                info.append((slot, base, day, self.day_pos[day]))
            self._slot_info[key] = info
        return info

    def floor(self, cand: Candidates, c: str, t: str) -> float:
        """The least section c could cost with teacher t in an empty timetable, reference
        meetings aside: its cheapest slots and its smallest room term."""
        key = (c, t)
        value = self._floor.get(key)
        if value is None:
            m = self.p.sections[c].meetings
            bases = sorted(base for _s, base, _d, _pos in self.slot_info(cand, c, t))
            rooms = self.room_info(cand, c)
            bonus = min(b for _r, _a, b, _o in rooms) if rooms else 0.0
            value = sum(bases[:m]) + m * bonus if len(bases) >= m else float("inf")
            self._floor[key] = value
        return value

    def room_info(self, cand: Candidates, c: str) -> list[tuple[str, str, float, frozenset[str]]]:
        """(room, site, a small capacity term keeping big rooms for big classes, the slots it
        is open to section c) for section c's candidate rooms. Fixed for a problem."""
        info = self._room_info.get(c)
        if info is None:
            rooms = self.p.rooms
            info = [(r, rooms[r].site, 0.01 * rooms[r].capacity / 100,
                     frozenset(cand.room_slots[(c, r)])) for r in cand.rooms[c]]
            self._room_info[c] = info
        return info

    def teacher_ok(self, t: str, slot: str, site: str, extra: dict[str, str]) -> bool:
        """H3 clash, H6 travel and H7 sites-per-day for t with (slot, site) added."""
        if (t, slot) in self.teacher_at or slot in extra:
            return False
        p = self.p
        day_of = self.day_of
        day = day_of[slot]
        placed = self.by_day.get((t, day))
        today = list(placed.items()) if placed else []
        today += [(s, a) for s, a in extra.items() if day_of[s] == day]
        if not today:
            return True
        cap = p.teachers[t].max_sites_per_day
        if cap is not None and len({a for _s, a in today} | {site}) > cap:
            return False
        mine = self.period[slot]
        for s, a in today:
            if a == site:
                continue
            other = self.period[s]
            if other.start < mine.start:
                if p.travel_minutes(a, site) > mine.start - other.end:
                    return False
            elif p.travel_minutes(site, a) > other.start - mine.end:
                return False
        return True

    def add(self, c: str, t: str, chosen: list[tuple[str, str]]) -> None:
        self._mark(c, t, chosen, True)

    def remove(self, c: str, t: str, chosen: list[tuple[str, str]]) -> None:
        self._mark(c, t, chosen, False)

    def _mark(self, c: str, t: str, chosen: list[tuple[str, str]], on: bool) -> None:
        p = self.p
        g = p.sections[c].children_group
        for slot, room in chosen:
            site = p.rooms[room].site
            day = p.day_of(slot)
            if on:
                self.room_busy.add((room, slot))
                self.teacher_at[(t, slot)] = site
                self.by_day[(t, day)][slot] = site
            else:
                self.room_busy.discard((room, slot))
                self.teacher_at.pop((t, slot), None)
                self.by_day[(t, day)].pop(slot, None)
            for key in ([(g, slot)] if g else []):
                (self.group_busy.add if on else self.group_busy.discard)(key)
            for n in self.conflicts_of[c]:
                (self.conflict_busy.add if on else self.conflict_busy.discard)((n, slot))
        self.load[t] += len(chosen) if on else -len(chosen)

    def sites_on(self, t: str, day: str, extra: dict[str, str]) -> set[str]:
        placed = self.by_day.get((t, day))
        out = set(placed.values()) if placed else set()
        out.update(a for s, a in extra.items() if self.day_of[s] == day)
        return out


def greedy(problem: Problem, cand: Candidates, sections: list[str], seconds: float = 10.0,
           seed: int = 0) -> tuple[list[Placement], list[str]] | None:
    """A valid timetable of `sections` (placements, sections left out) or None.

    Without `allow_unassigned` any section it cannot place makes it retry with another
    order until `seconds` pass; with it, sections it cannot place are left out.
    """
    deadline = time.monotonic() + seconds
    rng = random.Random(seed)
    locked = {lk.section for lk in problem.locked}
    order = sorted(sections, key=lambda c: (
        c not in locked, problem.sections[c].children_group is None,
        problem.sections[c].teacher is None,
        len(cand.slots[c]) * len(cand.rooms[c]) * len(cand.teachers[c])
        / problem.sections[c].meetings))
    best = None
    for _try in range(1000):
        result = _attempt(problem, cand, order, rng)
        placed, failed = result
        if not failed:
            return result
        if best is None or len(failed) < len(best[1]):
            best = result
        if time.monotonic() > deadline:
            break
        # move the sections that failed to the front and shake the rest a little
        rest = [c for c in order if c not in failed]
        for i in range(len(rest) - 1):
            if rng.random() < 0.2:
                rest[i], rest[i + 1] = rest[i + 1], rest[i]
        order = [c for c in order if c in failed] + rest
    if problem.allow_unassigned and best is not None:
        return best
    return None


def _attempt(problem: Problem, cand: Candidates, order: list[str],
             rng: random.Random) -> tuple[list[Placement], list[str]]:
    st = _State(problem)
    ref_by_section = defaultdict(list)
    for ref in problem.reference or ():
        ref_by_section[ref.section].append(ref)
    locks_by_section = defaultdict(list)
    for lk in problem.locked:
        locks_by_section[lk.section].append(lk)
    placements: list[Placement] = []
    failed: list[str] = []
    for c in order:
        got = _place_section(st, cand, c, ref_by_section[c], locks_by_section[c], rng)
        if got is None:
            failed.append(c)
            continue
        t, chosen = got
        st.add(c, t, chosen)
        placements += number_meetings(problem, c, t, chosen)[0]
    return placements, failed


class _Ledger:
    """The objective of a timetable kept up to date as sections are taken out and put back:
    per section its time, teacher_pref, room_change and perturbation; per teacher and day the
    meetings at each site (site_change). Sums what `solve.penalties_of` counts, weighted, with
    `tie` added per perturbed meeting; `fixed` is what no move changes (meetings left out)."""

    def __init__(self, problem: Problem, by_section: dict[str, list[Placement]],
                 fixed: float, tie: float = 0.0) -> None:
        self.p = problem
        self.w = problem.weights
        self.tie = tie
        self.refs: dict[str, dict[int, tuple[str, str, str]]] = defaultdict(dict)
        for ref in problem.reference or ():
            self.refs[ref.section][ref.meeting] = (ref.slot, ref.room, ref.teacher)
        self.part = {c: self.section_part(c, items) for c, items in by_section.items()}
        self.at: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for items in by_section.values():
            self._count(items, 1)
        # reference meetings of sections that are not in the timetable at all
        gone = sum(len(m) for c, m in self.refs.items() if c not in by_section)
        self.total = fixed + sum(self.part.values()) + gone * (self.w["perturbation"] + tie) \
            + self.w["site_change"] * sum(max(0, len(v) - 1) for v in self.at.values())

    def section_part(self, c: str, items: list[Placement]) -> float:
        p, w = self.p, self.w
        section = p.sections[c]
        value = 0.0
        for a in items:
            if section.children_group is None:
                value += w["time"] * p.period_of(a.slot).penalty
            pref = p.teachers[a.teacher].preferred
            if pref and a.slot not in pref:
                value += w["teacher_pref"]
        value += w["room_change"] * (len({a.room for a in items}) - 1) if items else 0.0
        refs = self.refs.get(c)
        if refs:
            now = {a.meeting: (a.slot, a.room, a.teacher) for a in items}
            moved = sum(1 for k, ref in refs.items() if now.get(k) != ref)
            value += moved * (w["perturbation"] + self.tie)
        return value

    def _count(self, items: list[Placement], step: int) -> None:
        for a in items:
            sites = self.at[(a.teacher, self.p.day_of(a.slot))]
            site = self.p.rooms[a.room].site
            sites[site] += step
            if not sites[site]:
                del sites[site]

    def replace(self, new: dict[str, list[Placement]], old: dict[str, list[Placement]]
                ) -> float:
        """Swap the sections' placements `old` for `new`; the total's change."""
        before = {}   # the site changes of each teacher-day the swap touches
        for items, step in [(i, -1) for i in old.values()] + [(i, 1) for i in new.values()]:
            for a in items:
                key = (a.teacher, self.p.day_of(a.slot))
                if key not in before:
                    before[key] = max(0, len(self.at[key]) - 1)
            self._count(items, step)
        delta = self.w["site_change"] * sum(max(0, len(self.at[k]) - 1) - was
                                            for k, was in before.items())
        for c, items in new.items():
            value = self.section_part(c, items)
            delta += value - self.part[c]
            self.part[c] = value
        self.total += delta
        return delta


def improve_locally(problem: Problem, cand: Candidates, placements: list[Placement],
                    deadline: float,
                    on_better: Callable[[list[Placement], float], None] | None = None,
                    seed: int = 0, left_out: int = 0, tie: float = 0.0) -> list[Placement]:
    """Ruin and recreate: take a few related sections out and put them back the cheapest
    way found (any teacher, slots, rooms), keeping the change when the objective does not get
    worse; stop at `deadline` (time.monotonic()) or after many moves in a row that found
    nothing better.

    The objective is kept by a `_Ledger` (each move recounts only the sections it moves and
    their teachers' days): `left_out` meetings cost `unassigned` each, and every perturbed
    meeting costs `tie` more than its weight (in a repair a move that changes nothing else
    must not count as free)."""
    rng = random.Random(seed)
    st = _State(problem)
    by_section: dict[str, list[Placement]] = defaultdict(list)
    for a in placements:
        by_section[a.section].append(a)
    for c, items in by_section.items():
        st.add(c, items[0].teacher, [(a.slot, a.room) for a in items])
    refs = defaultdict(list)
    for ref in problem.reference or ():
        refs[ref.section].append(ref)
    locks = defaultdict(list)
    for lk in problem.locked:
        locks[lk.section].append(lk)
    ledger = _Ledger(problem, by_section, problem.weights["unassigned"] * left_out, tie)
    current = ledger.total
    sections = list(by_section)
    teacher_of = {c: items[0].teacher for c, items in by_section.items()}
    patience = max(200, 3 * len(sections))
    idle = 0
    while sections and time.monotonic() < deadline and idle < patience:
        idle += 1
        # ruin: a seed section and a few others of its teacher or of a teacher who could
        # take it; recreate: put them back one by one, cheapest first found
        seed_c = rng.choice(sections)
        group = {seed_c}
        near = [teacher_of[seed_c]] + rng.sample(cand.teachers[seed_c],
                                                 min(2, len(cand.teachers[seed_c])))
        pool = [c for c in sections if teacher_of[c] in near and c != seed_c]
        group.update(rng.sample(pool, min(len(pool), rng.randint(1, 5))))
        order = sorted(group)   # not set order: a seed gives the same run every time
        rng.shuffle(order)
        old = {c: by_section[c] for c in order}
        for c in order:
            st.remove(c, teacher_of[c], [(a.slot, a.room) for a in old[c]])
        new: dict[str, tuple[str, list]] = {}
        for c in order:
            got = _place_section(st, cand, c, refs[c], locks[c], rng)
            if got is None:
                break
            new[c] = got
            st.add(c, *got)
        accepted = False
        if len(new) == len(order):
            placed = {c: number_meetings(problem, c, t, chosen)[0]
                      for c, (t, chosen) in new.items()}
            trial = current + ledger.replace(placed, old)
            if trial <= current + 1e-9:   # sideways moves too: they cross plateaus
                accepted = True
                by_section.update(placed)
                for c, (t, _chosen) in new.items():
                    teacher_of[c] = t
                improved = trial < current - 1e-9
                current = trial
                if improved:
                    idle = 0
                    if on_better is not None:
                        on_better([a for items in by_section.values() for a in items], current)
            else:
                ledger.replace(old, placed)
        if not accepted:
            for c, (t, chosen) in new.items():
                st.remove(c, t, chosen)
            for c in order:
                st.add(c, teacher_of[c], [(a.slot, a.room) for a in old[c]])
    return [a for items in by_section.values() for a in items]


def number_meetings(problem: Problem, c: str, t: str | None,
                    chosen: list[tuple[str, str]]) -> tuple[list[Placement], list[int]]:
    """Give meeting numbers to a section's (slot, room) pairs: locks keep their number, then
    reference meetings kept as they were, then the rest in slot order. Returns the
    placements and the meeting numbers left over (unplaced)."""
    meetings = problem.sections[c].meetings
    free = list(range(meetings))
    number: dict[tuple[str, str], int] = {}
    for lk in problem.locked:
        if lk.section == c:
            for slot, room in chosen:
                if slot == lk.slot and (slot, room) not in number and lk.meeting in free:
                    number[(slot, room)] = lk.meeting
                    free.remove(lk.meeting)
                    break
    for ref in problem.reference or ():
        if ref.section == c and ref.teacher == t and (ref.slot, ref.room) in chosen \
                and (ref.slot, ref.room) not in number and ref.meeting in free:
            number[(ref.slot, ref.room)] = ref.meeting
            free.remove(ref.meeting)
    order = {s: i for i, s in enumerate(problem.slots)}
    for slot, room in sorted(chosen, key=lambda sr: order[sr[0]]):
        if (slot, room) not in number:
            number[(slot, room)] = free.pop(0)
    placements = [Placement(c, k, slot, room, t) for (slot, room), k in number.items()]
    placements.sort(key=lambda pl: pl.meeting)
    return placements, free


def _place_section(st: _State, cand: Candidates, c: str, refs, locks, rng):
    p = st.p
    section = p.sections[c]
    teachers = list(cand.teachers[c])
    rng.shuffle(teachers)
    ref_teacher = refs[0].teacher if refs else None
    lock_teacher = next((lk.teacher for lk in locks if lk.teacher), None)
    teachers.sort(key=lambda t: (t != lock_teacher, t != ref_teacher,
                                 st.load[t] / max(1, p.teachers[t].max_meetings or 20)))
    # the cheapest of the first few teachers who can take it, not merely the first
    best = None
    for t in teachers[:10]:
        cap = p.teachers[t].max_meetings
        if cap is not None and st.load[t] + section.meetings > cap:
            continue
        # without locks or reference meetings to keep, no cost is negative: a teacher whose
        # cheapest conceivable week for c is not below the best found cannot win
        plain = not locks and not any(r.teacher == t for r in refs)
        if best is not None and plain and st.floor(cand, c, t) >= best[2] + 1e-9:
            continue
        got = _place_with(st, cand, c, t, refs, locks,
                          cutoff=best[2] if best is not None and plain else None)
        if got is not None and (best is None or got[1] < best[2]):
            best = (t, got[0], got[1])
    return None if best is None else (best[0], best[1])


def _place_with(st: _State, cand: Candidates, c: str, t: str, refs, locks,
                cutoff: float | None = None):
    """Section c with teacher t, meeting by meeting at the cheapest (slot, room) that keeps
    every hard rule given what is placed: (chosen [(slot, room)], its cost) or None, also
    None as soon as the cost passes `cutoff` (only given when no cost can be negative)."""
    p = st.p
    section = p.sections[c]
    g = section.children_group
    w = p.weights
    chosen: list[tuple[str, str]] = []
    extra: dict[str, str] = {}
    ref_keys = {(r.slot, r.room) for r in refs if r.teacher == t}
    slot_info = st.slot_info(cand, c, t)
    rooms = st.room_info(cand, c)
    conflict_groups = st.conflicts_of[c]
    spread = section.min_days_apart

    def ok_slot(slot: str, pos: int) -> bool:
        if g and (g, slot) in st.group_busy:
            return False
        if conflict_groups and any((n, slot) in st.conflict_busy for n in conflict_groups):
            return False
        for s, _ in chosen:
            if s == slot or abs(pos - st.day_pos[st.day_of[s]]) < spread:
                return False
        return True

    def fits(slot: str, room: str) -> bool:
        return (room, slot) not in st.room_busy and slot in cand.room_slots[(c, room)] \
            and st.teacher_ok(t, slot, p.rooms[room].site, extra)

    def take(slot: str, room: str) -> None:
        chosen.append((slot, room))
        extra[slot] = p.rooms[room].site

    for lk in locks:
        if lk.teacher not in (None, t) or lk.slot not in cand.teacher_slots[(c, t)] \
                or not ok_slot(lk.slot, st.day_pos[st.day_of[lk.slot]]):
            return None
        choices = [lk.room] if lk.room else cand.rooms[c]
        room = next((r for r in choices if fits(lk.slot, r)), None)
        if room is None:
            return None
        take(lk.slot, room)
    # no room costs less than its slot's base, the smallest capacity term and a kept
    # reference: a slot whose floor is not below the best found is skipped whole
    floor_extra = (min(b for _r, _a, b, _s in rooms) if rooms else 0.0) \
        - (w["perturbation"] if ref_keys else 0.0)
    total = 0.0
    while len(chosen) < section.meetings:
        best, best_cost = None, None
        used_rooms = {r for _, r in chosen}
        sites_today: dict[str, set[str]] = {}
        for slot, base, day, pos in slot_info:
            if best_cost is not None and base + floor_extra >= best_cost:
                continue
            if not ok_slot(slot, pos):
                continue
            here = sites_today.get(day)
            if here is None:
                here = sites_today[day] = st.sites_on(t, day, extra)
            site_ok: dict[str, bool] = {}   # the teacher's rules depend on the site only
            for room, site, bonus, open_slots in rooms:
                if slot not in open_slots or (room, slot) in st.room_busy:
                    continue
                cost = base
                if here and site not in here:
                    cost += w["site_change"]
                if used_rooms and room not in used_rooms:
                    cost += w["room_change"]
                if (slot, room) in ref_keys:
                    cost -= w["perturbation"]
                cost += bonus
                if best_cost is not None and cost >= best_cost:
                    continue
                ok = site_ok.get(site)
                if ok is None:
                    ok = site_ok[site] = st.teacher_ok(t, slot, site, extra)
                if not ok:
                    continue
                best, best_cost = (slot, room), cost
        if best is None:
            return None
        take(*best)
        total += best_cost
        if cutoff is not None and total >= cutoff + 1e-9:
            return None
    return chosen, total


def repair_start(problem: Problem, cand: Candidates, sections: list[str],
                 seed: int = 0) -> tuple[list[Placement], list[str]] | None:
    """The reference timetable mended for the changed problem: every reference meeting that
    still keeps every hard rule stays as it was; the meetings that no longer fit (a teacher
    away, a room closed, ...) are placed again with the section's reference teacher when
    they fit around everything kept; otherwise a few other sections make room for them, or
    the section is placed afresh, whichever moves the fewest reference meetings. Returns
    (placements, sections left out), or None without a reference."""
    if problem.reference is None:
        return None
    rng = random.Random(seed)
    st = _State(problem)
    in_model = set(sections)
    refs: dict[str, list[Placement]] = defaultdict(list)
    for ref in problem.reference:
        if ref.section in in_model:
            refs[ref.section].append(ref)
    locks: dict[str, list] = defaultdict(list)
    for lk in problem.locked:
        locks[lk.section].append(lk)
    kept: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    # first keep what still fits, section by section, checking each meeting as it is added
    for c in sections:
        items = refs.get(c, [])
        teachers = {a.teacher for a in items}
        if len(teachers) != 1:
            continue
        t = items[0].teacher
        if t not in cand.teachers[c]:
            continue
        chosen = _still_fitting(st, cand, c, t, items, locks[c])
        if chosen:
            st.add(c, t, chosen)
            kept[c] = (t, chosen)
    placements: list[Placement] = []
    failed: list[str] = []
    todo = []
    for c in sections:
        have = kept.get(c)
        if have is None or len(have[1]) < problem.sections[c].meetings:
            todo.append(c)
    # then the broken sections, hardest first: missing meetings with the same teacher, or
    # else making room by moving others or the whole section again (`_eject_and_place`)
    todo.sort(key=lambda c: len(cand.slots[c]) * len(cand.rooms[c]) * len(cand.teachers[c]))
    broken = set(todo)
    placed: dict[str, tuple[str, list[tuple[str, str]]]] = {
        c: kept[c] for c in sections if c in kept and c not in broken}
    stuck = []
    for c in todo:
        have = kept.get(c)
        if have is not None:
            st.remove(c, *have)
        got = _place_kept(st, cand, c, have, refs[c], locks[c])
        if got is None:
            stuck.append(c)      # for now without its kept meetings: they free their rooms
            continue
        st.add(c, *got)
        placed[c] = got
    for c in stuck:
        if not _eject_and_place(st, cand, c, kept.get(c), placed, refs, locks, rng):
            failed.append(c)
    for c, (t, chosen) in placed.items():
        placements += number_meetings(problem, c, t, chosen)[0]
    return placements, failed


def _moved(problem: Problem, c: str, t: str, chosen: list[tuple[str, str]],
           refs: list[Placement]) -> int:
    now = set(number_meetings(problem, c, t, chosen)[0])
    return sum(1 for ref in refs if ref not in now)


def _eject_and_place(st: _State, cand: Candidates, c: str,
                     kept: tuple[str, list[tuple[str, str]]] | None,
                     placed: dict[str, tuple[str, list[tuple[str, str]]]],
                     refs: dict[str, list[Placement]], locks: dict[str, list],
                     rng: random.Random, tries: int = 400, seconds: float = 3.0) -> bool:
    """Place section c, if need be by taking out one or more sections that hold its
    teachers or rooms and putting them back after it (their old slots first). c goes in
    with its kept meetings and teacher when it can, else afresh. The trial moving the
    fewest reference meetings wins; stops early when only c's own lost meetings move.
    Updates `st` and `placed`; False when no trial placed them all."""
    p = st.p
    deadline = time.monotonic() + seconds
    by_teacher: dict[str, list[str]] = defaultdict(list)
    by_room: dict[str, set[str]] = defaultdict(set)
    for d, (t, chosen) in placed.items():
        by_teacher[t].append(d)
        for _s, r in chosen:
            by_room[r].add(d)
    teachers = ([kept[0]] if kept else []) + [t for t in cand.teachers[c]
                                              if not kept or t != kept[0]]
    groups = [sorted(by_teacher[t]) for t in teachers] + \
        [sorted(by_room[r]) for r in cand.rooms[c]]
    groups = [g for g in groups if g]
    singles = sorted({d for g in groups for d in g},
                     key=lambda d: (p.sections[d].meetings, d))
    options: list[list[str]] = [[]] + [[d] for d in singles] + groups
    least = len(refs.get(c, [])) - (len(kept[1]) if kept else 0)
    best = None
    n = 0
    while n < tries and time.monotonic() < deadline:
        if n < len(options):
            order = list(options[n])
        elif groups:     # later rounds: two neighbourhoods at once
            order = sorted(set(rng.choice(groups)) | set(rng.choice(groups)))
        else:
            break
        n += 1
        rng.shuffle(order)
        for d in order:
            st.remove(d, *placed[d])
        new: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        got = _place_kept(st, cand, c, kept, refs.get(c, []), locks.get(c, [])) \
            or _place_section(st, cand, c, refs.get(c, []), locks.get(c, []), rng)
        if got is not None:
            new[c] = got
            st.add(c, *got)
            for d in order:
                got = _place_kept(st, cand, d, placed[d], refs.get(d, []), locks.get(d, []),
                                  pin=False) \
                    or _place_section(st, cand, d, refs.get(d, []), locks.get(d, []), rng)
                if got is None:
                    break
                new[d] = got
                st.add(d, *got)
        if len(new) == len(order) + 1:
            cost = sum(_moved(p, d, t, chosen, refs.get(d, [])) for d, (t, chosen)
                       in new.items())
            if best is None or cost < best[0]:
                best = (cost, new)
        for d, got in new.items():
            st.remove(d, *got)
        for d in order:
            st.add(d, *placed[d])
        if best is not None and best[0] <= least:
            break            # nothing else had to move: no trial can do better
    if best is None:
        return False
    for d in best[1]:
        if d in placed:
            st.remove(d, *placed[d])
    for d, got in best[1].items():
        st.add(d, *got)
        placed[d] = got
    return True


def _place_kept(st: _State, cand: Candidates, c: str,
                kept: tuple[str, list[tuple[str, str]]] | None, refs: list[Placement],
                locks: list, pin: bool = True):
    """Section c with the teacher it had: its kept meetings pinned (`pin`) or merely
    preferred, the others wherever they fit; None when that teacher cannot take it."""
    if kept is None:
        return None
    p = st.p
    t, chosen = kept
    cap = p.teachers[t].max_meetings
    if cap is not None and st.load[t] + p.sections[c].meetings > cap:
        return None
    pinned = {lk.slot for lk in locks}
    pins = [Lock(c, -1, s, r, t) for s, r in chosen if s not in pinned] if pin else []
    got = _place_with(st, cand, c, t, refs, list(locks) + pins)
    return None if got is None else (t, got[0])


def _still_fitting(st: _State, cand: Candidates, c: str, t: str, items: list[Placement],
                   locks) -> list[tuple[str, str]]:
    """The reference meetings of section c (teacher t) that keep every hard rule given what
    is already in `st`, in meeting order; the caller adds them to `st`."""
    p = st.p
    section = p.sections[c]
    g = section.children_group
    chosen: list[tuple[str, str]] = []
    extra: dict[str, str] = {}
    cap = p.teachers[t].max_meetings
    lock_at = {lk.meeting: lk for lk in locks}
    for a in sorted(items, key=lambda a: a.meeting):
        if len(chosen) >= section.meetings or (cap is not None and
                                               st.load[t] + len(chosen) + 1 > cap):
            break
        lk = lock_at.get(a.meeting)
        if lk is not None and (lk.slot != a.slot or lk.room not in (None, a.room)
                               or lk.teacher not in (None, t)):
            continue
        if a.slot not in cand.teacher_slots.get((c, t), ()) or a.room not in cand.rooms[c] \
                or a.slot not in cand.room_slots[(c, a.room)]:
            continue
        if (a.room, a.slot) in st.room_busy or (g and (g, a.slot) in st.group_busy):
            continue
        if any((n, a.slot) in st.conflict_busy for n in st.conflicts_of[c]):
            continue
        pos = st.day_pos[p.day_of(a.slot)]
        if any(s == a.slot or abs(pos - st.day_pos[p.day_of(s)]) < section.min_days_apart
               for s, _ in chosen):
            continue
        if not st.teacher_ok(t, a.slot, p.rooms[a.room].site, extra):
            continue
        chosen.append((a.slot, a.room))
        extra[a.slot] = p.rooms[a.room].site
    return chosen
