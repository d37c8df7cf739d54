"""A fast greedy timetable, used as the MILP's warm start (and as a fallback answer), and
`repair_start`: the reference timetable mended after a change, for a repair.

Sections are placed one at a time, hardest first (locked, with children, fixed teacher, few
options), each with the cheapest teacher, slots and rooms that keep every hard rule given
what is already placed. A few randomised restarts change the order when one fails.
"""

from __future__ import annotations

import math
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
        self.period = {f"{d}:{p.id}": p for d in problem.days for p in problem.periods}

    def teacher_ok(self, t: str, slot: str, site: str, extra: dict[str, str]) -> bool:
        """H3 clash, H6 travel and H7 sites-per-day for t with (slot, site) added."""
        p = self.p
        if (t, slot) in self.teacher_at or slot in extra:
            return False
        day = p.day_of(slot)
        today = dict(self.by_day[(t, day)])
        today.update({s: a for s, a in extra.items() if p.day_of(s) == day})
        today[slot] = site
        cap = p.teachers[t].max_sites_per_day
        if cap is not None and len(set(today.values())) > cap:
            return False
        mine = self.period[slot]
        for s, a in today.items():
            if s == slot or a == site:
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
        p = self.p
        out = set(self.by_day[(t, day)].values())
        return out | {a for s, a in extra.items() if p.day_of(s) == day}


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


def improve_locally(problem: Problem, cand: Candidates, placements: list[Placement],
                    deadline: float, cost: Callable[[list[Placement]], float],
                    on_better: Callable[[list[Placement], float], None] | None = None,
                    seed: int = 0) -> list[Placement]:
    """Ruin and recreate: take a few related sections out and put them back the cheapest
    way found (any teacher, slots, rooms), keeping the change when the recounted objective
    does not get worse; stop at `deadline` (time.monotonic()) or after many moves in a row
    that found nothing better."""
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
    current = cost(placements)
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
        order = list(group)
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
        trial = math.inf
        if len(new) == len(order):
            for c, (t, chosen) in new.items():
                by_section[c] = number_meetings(problem, c, t, chosen)[0]
            trial = cost([a for items in by_section.values() for a in items])
        if trial <= current:
            for c, (t, _chosen) in new.items():
                teacher_of[c] = t
            if trial < current:
                current = trial
                idle = 0
                if on_better is not None:
                    on_better([a for items in by_section.values() for a in items], current)
        else:
            for c, (t, chosen) in new.items():
                st.remove(c, t, chosen)
            for c in order:
                by_section[c] = old[c]
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
        got = _place_with(st, cand, c, t, refs, locks)
        if got is not None and (best is None or got[1] < best[2]):
            best = (t, got[0], got[1])
    return None if best is None else (best[0], best[1])


def _place_with(st: _State, cand: Candidates, c: str, t: str, refs, locks):
    p = st.p
    section = p.sections[c]
    g = section.children_group
    slots_ok = cand.teacher_slots[(c, t)]
    chosen: list[tuple[str, str]] = []
    extra: dict[str, str] = {}
    ref_keys = {(r.slot, r.room) for r in refs if r.teacher == t}
    pref = p.teachers[t].preferred

    def ok_slot(slot: str) -> bool:
        if slot not in slots_ok or (g and (g, slot) in st.group_busy):
            return False
        if any((n, slot) in st.conflict_busy for n in st.conflicts_of[c]):
            return False
        pos = st.day_pos[p.day_of(slot)]
        for s, _ in chosen:
            if s == slot or abs(pos - st.day_pos[p.day_of(s)]) < section.min_days_apart:
                return False
        return True

    def fits(slot: str, room: str) -> bool:
        return (room, slot) not in st.room_busy and slot in cand.room_slots[(c, room)] \
            and st.teacher_ok(t, slot, p.rooms[room].site, extra)

    def take(slot: str, room: str) -> None:
        chosen.append((slot, room))
        extra[slot] = p.rooms[room].site

    for lk in locks:
        if lk.teacher not in (None, t) or not ok_slot(lk.slot):
            return None
        rooms = [lk.room] if lk.room else cand.rooms[c]
        room = next((r for r in rooms if fits(lk.slot, r)), None)
        if room is None:
            return None
        take(lk.slot, room)
    total = 0.0
    while len(chosen) < section.meetings:
        best, best_cost = None, None
        used_rooms = {r for _, r in chosen}
        for slot in cand.slots[c]:
            if not ok_slot(slot):
                continue
            base = 0.0 if g else p.period_of(slot).penalty * p.weights["time"]
            if pref and slot not in pref:
                base += p.weights["teacher_pref"]
            day = p.day_of(slot)
            here = st.sites_on(t, day, extra)
            for room in cand.rooms[c]:
                if slot not in cand.room_slots[(c, room)] or (room, slot) in st.room_busy:
                    continue
                cost = base
                site = p.rooms[room].site
                if here and site not in here:
                    cost += p.weights["site_change"]
                if used_rooms and room not in used_rooms:
                    cost += p.weights["room_change"]
                if (slot, room) in ref_keys:
                    cost -= p.weights["perturbation"]
                cost += 0.01 * p.rooms[room].capacity / 100   # keep big rooms for big classes
                if best_cost is not None and cost >= best_cost:
                    continue
                if not st.teacher_ok(t, slot, site, extra):
                    continue
                best, best_cost = (slot, room), cost
        if best is None:
            return None
        take(*best)
        total += best_cost
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
