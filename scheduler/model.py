"""The MILP of `spec/timetable-format.md`, one function per rule family.

Formulation (for speed, not as a textbook):
- meetings of a section are interchangeable, so variables are per section, not per meeting:
  `x[c,s,r]` = section c meets in slot s in room r; meeting numbers are given afterwards
  (locks and the reference first), which removes the symmetry between a section's meetings;
- `y[c,t]` = teacher t teaches section c (one teacher per section, H1);
- `v[c,t,s,a]` = c is taught by t in slot s at site a, only for sections with more than one
  candidate teacher (otherwise it is the sum of x over the site's rooms, no variable);
- `h[t,d,a]` = teacher t is at site a on day d, only where the teacher could be at two sites;
- only variables that can be true: candidate rooms, teachers and slots come from `precheck`.
Every constraint is named with its rule id and the ids involved (`H2_room[R01,mon:am1]`).
With `elastic=True` each hard-rule family gets penalised slack (used by `explain`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pulp

from scheduler.precheck import Candidates
from scheduler.problem import Placement, Problem

RELAXABLE = ("H1", "H2", "H3", "H5", "H6", "H7", "H8", "H9")


@dataclass
class Model:
    problem: Problem
    cand: Candidates
    prob: pulp.LpProblem
    sections: list[str]                                   # sections in the model
    x: dict[tuple[str, str, str], pulp.LpVariable] = field(default_factory=dict)
    y: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    v: dict[tuple[str, str, str, str], pulp.LpVariable] = field(default_factory=dict)
    z: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    h: dict[tuple[str, str, str], pulp.LpVariable] = field(default_factory=dict)
    sc: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    rc: dict[str, pulp.LpVariable] = field(default_factory=dict)
    un: dict[str, pulp.LpVariable] = field(default_factory=dict)
    keep: dict[int, pulp.LpVariable] = field(default_factory=dict)   # reference index
    constant: float = 0.0                                   # objective part with no variable
    # teaching terms: (t, s, a) -> [(var, coefficient), ...] summing to "t teaches at a in s"
    teach: dict[tuple[str, str, str], list] = field(default_factory=dict)
    slack: list[tuple[str, str, pulp.LpVariable]] = field(default_factory=list)
    v_by_section: dict[str, list] = field(default_factory=dict)
    elastic: bool = False
    elastic_weight: float = 10_000.0

    def size(self) -> tuple[int, int]:
        return self.prob.numVariables(), self.prob.numConstraints()


class _Builder:
    def __init__(self, model: Model) -> None:
        self.m = model
        self.p = model.problem
        self.n = 0

    def var(self, name: str, cat: str = pulp.LpBinary, up: float | None = 1) -> pulp.LpVariable:
        return self.m.prob.add_variable(name, lowBound=0, upBound=up, cat=cat)

    def add(self, terms: list, sense: int, rhs: float, name: str, family: str) -> None:
        """Add Σ terms (sense) rhs; in an elastic model hard-rule families get a slack."""
        terms = list(terms)
        if self.m.elastic and family in RELAXABLE and sense != pulp.LpConstraintEQ:
            e = self.var(f"slack_{self.n}", pulp.LpContinuous, None)
            self.n += 1
            terms.append((e, -1.0 if sense == pulp.LpConstraintLE else 1.0))
            self.m.slack.append((family, name, e))
        expr = pulp.LpAffineExpression(_merge(terms))
        self.m.prob.addConstraint(pulp.LpConstraint(expr, sense, name=name, rhs=rhs))


def _room_terms(m: Model, c: str, s: str, site: str) -> list:
    return [(m.x[(c, s, r)], 1) for r in m.cand.rooms[c]
            if m.problem.rooms[r].site == site and (c, s, r) in m.x]


def _slot_terms(m: Model, c: str, s: str) -> list:
    return [(m.x[(c, s, r)], 1) for r in m.cand.rooms[c] if (c, s, r) in m.x]


# -- variables ----------------------------------------------------------------------------------

def add_variables(b: _Builder) -> None:
    """Variables only where they can be true: candidate rooms, slots, teachers and sites."""
    m, p = b.m, b.p
    for c in m.sections:
        for r in m.cand.rooms[c]:
            for s in m.cand.room_slots[(c, r)]:
                m.x[(c, s, r)] = b.var(f"x[{c},{s},{r}]")
        teachers = m.cand.teachers[c]
        for t in teachers:
            m.y[(c, t)] = b.var(f"y[{c},{t}]")
        sites_at: dict[str, set[str]] = defaultdict(set)   # slot -> sites with a room then
        for (_cc, s, r) in [k for k in m.x if k[0] == c]:
            sites_at[s].add(p.rooms[r].site)
        for t in teachers:
            for s in sorted(m.cand.teacher_slots[(c, t)]):
                for a in sorted(sites_at.get(s, ())):
                    if len(teachers) == 1:
                        terms = _room_terms(m, c, s, a)
                    else:
                        m.v[(c, t, s, a)] = b.var(f"v[{c},{t},{s},{a}]")
                        terms = [(m.v[(c, t, s, a)], 1)]
                    m.teach.setdefault((t, s, a), []).extend(terms)
        if p.allow_unassigned or m.elastic:
            m.un[c] = b.var(f"unassigned[{c}]", pulp.LpInteger, p.sections[c].meetings)


# -- hard rules -------------------------------------------------------------------------------

def add_h1_meetings(b: _Builder) -> None:
    """H1: every meeting is placed once (or counted unassigned) and a section has one teacher."""
    m = b.m
    for c in m.sections:
        meetings = m.problem.sections[c].meetings
        placed = [(var, 1) for (cc, s, r), var in _section_x(m, c)]
        if c in m.un:
            placed.append((m.un[c], 1))
        b.add(placed, pulp.LpConstraintEQ, meetings, f"H1_meetings[{c}]", "H1")
        b.add([(m.y[(c, t)], 1) for t in m.cand.teachers[c]], pulp.LpConstraintEQ, 1,
              f"H1_teacher[{c}]", "H1")
        if len(m.cand.teachers[c]) > 1:
            # the chosen teacher teaches every placed meeting; the others none
            for t in m.cand.teachers[c]:
                terms = [(var, 1) for (cc, tt, s, a), var in _section_v(m, c) if tt == t]
                if c in m.un:
                    b.add(terms + [(m.y[(c, t)], -meetings)], pulp.LpConstraintLE, 0,
                          f"H1_taught[{c},{t}]", "H1")
                else:
                    b.add(terms + [(m.y[(c, t)], -meetings)], pulp.LpConstraintEQ, 0,
                          f"H1_taught[{c},{t}]", "H1")
            # the teacher is at the site of the room the meeting is in
            for s in m.cand.slots[c]:
                for a in sorted({m.problem.rooms[r].site for r in m.cand.rooms[c]}):
                    rooms = _room_terms(m, c, s, a)
                    vs = [(m.v[(c, t, s, a)], -1) for t in m.cand.teachers[c]
                          if (c, t, s, a) in m.v]
                    if rooms or vs:
                        b.add(rooms + vs, pulp.LpConstraintEQ, 0, f"H1_site[{c},{s},{a}]", "H1")


def _section_x(m: Model, c: str):
    return [((c, s, r), m.x[(c, s, r)]) for r in m.cand.rooms[c]
            for s in m.cand.room_slots[(c, r)]]


def _section_v(m: Model, c: str):
    return m.v_by_section.get(c, [])


def add_h2_room_clash(b: _Builder) -> None:
    """H2: a room holds at most one meeting per slot."""
    held = defaultdict(list)
    for (_c, s, r), var in b.m.x.items():
        held[(r, s)].append((var, 1))
    for (r, s), terms in held.items():
        if len(terms) > 1:
            b.add(terms, pulp.LpConstraintLE, 1, f"H2_room[{r},{s}]", "H2")


def add_h3_teacher_clash(b: _Builder) -> None:
    """H3: a teacher teaches at most one meeting per slot (availability and subjects are in
    the candidate sets)."""
    by_slot = defaultdict(list)
    for (t, s, _a), terms in b.m.teach.items():
        by_slot[(t, s)].extend(terms)
    for (t, s), terms in by_slot.items():
        if len(terms) > 1:
            b.add(terms, pulp.LpConstraintLE, 1, f"H3_teacher[{t},{s}]", "H3")


def add_h5_days_apart(b: _Builder) -> None:
    """H5: two meetings of a section are min_days_apart days apart and never share a slot
    (`allowed` is in the candidate sets)."""
    m, p = b.m, b.p
    days = list(p.days)
    for c in m.sections:
        section = p.sections[c]
        by_day = defaultdict(list)
        for (_cc, s, _r), var in _section_x(m, c):
            by_day[p.day_of(s)].append((s, var))
        k = section.min_days_apart
        if k == 0 or section.meetings == 1:
            by_slot = defaultdict(list)
            for day in by_day.values():
                for s, var in day:
                    by_slot[s].append((var, 1))
            for s, terms in by_slot.items():
                if len(terms) > 1:
                    b.add(terms, pulp.LpConstraintLE, 1, f"H5_slot[{c},{s}]", "H5")
            continue
        k = min(k, len(days))
        for i in range(len(days) - k + 1):
            window = days[i:i + k]
            terms = [(var, 1) for d in window for _, var in by_day.get(d, [])]
            if len(terms) > 1:
                b.add(terms, pulp.LpConstraintLE, 1, f"H5_apart[{c},{window[0]}-{window[-1]}]",
                      "H5")


def _teacher_sites(m: Model) -> dict[tuple[str, str], dict[str, list[str]]]:
    """(teacher, day) -> site -> slots where the teacher could be at that site."""
    out: dict = defaultdict(lambda: defaultdict(list))
    for (t, s, a) in m.teach:
        out[(t, m.problem.day_of(s))][a].append(s)
    return out


def add_h6_travel(b: _Builder) -> None:
    """H6: a teacher at site a in period p and site b later the same day in period q needs
    travel_minutes[a][b] to fit between the end of p and the start of q."""
    m, p = b.m, b.p
    for (t, d), sites in _teacher_sites(m).items():
        if len(sites) < 2:
            continue
        for sp, a, sq, bad in p.travel_clashes(d, sites, lambda s, x, t=t: (t, s, x) in m.teach):
            # the teacher is at one site in sq, so the bad sites share one right side
            terms = list(m.teach[(t, sp, a)])
            for bb in bad:
                terms += m.teach[(t, sq, bb)]
            b.add(terms, pulp.LpConstraintLE, 1, f"H6_travel[{t},{sp},{a},{sq}]", "H6")


def add_h7_teacher_caps(b: _Builder) -> None:
    """H7: a teacher has at most max_meetings a week and max_sites_per_day sites a day; also
    links h[t,d,a] (teacher at site a on day d) used by the site_change penalty."""
    m, p = b.m, b.p
    load = defaultdict(list)
    for (t, _s, _a), terms in m.teach.items():
        load[t].extend(terms)
    for t, terms in load.items():
        cap = p.teachers[t].max_meetings
        if cap is not None and len(terms) > cap:
            b.add(terms, pulp.LpConstraintLE, cap, f"H7_meetings[{t}]", "H7")
    for (t, d), sites in _teacher_sites(m).items():
        if len(sites) < 2:
            continue
        for a, slots in sites.items():
            m.h[(t, d, a)] = b.var(f"h[{t},{d},{a}]")
            for s in slots:
                b.add(m.teach[(t, s, a)] + [(m.h[(t, d, a)], -1)], pulp.LpConstraintLE, 0,
                      f"H7_at[{t},{s},{a}]", "link")
        cap = p.teachers[t].max_sites_per_day
        hs = [(m.h[(t, d, a)], 1) for a in sites]
        if cap is not None and len(sites) > cap:
            b.add(hs, pulp.LpConstraintLE, cap, f"H7_sites[{t},{d}]", "H7")
        m.sc[(t, d)] = b.var(f"site_change[{t},{d}]", pulp.LpContinuous, None)
        b.add(hs + [(m.sc[(t, d)], -1)], pulp.LpConstraintLE, 1, f"site_change[{t},{d}]",
              "penalty")


def add_h8_children_groups(b: _Builder) -> None:
    """H8: a children group is in at most one meeting per slot (its slots, sites, child
    safety and teacher clearance are in the candidate sets)."""
    m, p = b.m, b.p
    busy = defaultdict(list)
    for (c, s, _r), var in m.x.items():
        g = p.sections[c].children_group
        if g:
            busy[(g, s)].append((var, 1))
    for (g, s), terms in busy.items():
        if len(terms) > 1:
            b.add(terms, pulp.LpConstraintLE, 1, f"H8_group[{g},{s}]", "H8")


def add_h9_conflicts_and_locks(b: _Builder) -> None:
    """H9: sections of one conflicts group never share a slot; locked meetings are kept."""
    m, p = b.m, b.p
    in_model = set(m.sections)
    for n, group in enumerate(p.conflicts):
        members = [c for c in group if c in in_model]
        if len(members) < 2:
            continue
        by_slot = defaultdict(list)
        who = defaultdict(set)
        for c in members:
            for (_cc, s, _r), var in _section_x(m, c):
                by_slot[s].append((var, 1))
                who[s].add(c)
        for s, terms in by_slot.items():
            if len(who[s]) > 1:
                b.add(terms, pulp.LpConstraintLE, 1, f"H9_conflict[{n},{s}]", "H9")
    for _i, lock in enumerate(p.locked):
        c = lock.section
        if c not in in_model:
            continue
        if lock.room is not None:
            terms = [(m.x[(c, lock.slot, lock.room)], 1)] if (c, lock.slot, lock.room) in m.x \
                else []
        else:
            terms = _slot_terms(m, c, lock.slot)
        b.add(terms, pulp.LpConstraintGE, 1, f"H9_lock[{c},{lock.meeting},{lock.slot}]", "H9")
        if lock.teacher is not None:
            terms = [(m.y[(c, lock.teacher)], 1)] if (c, lock.teacher) in m.y else []
            b.add(terms, pulp.LpConstraintGE, 1, f"H9_lock_teacher[{c},{lock.teacher}]", "H9")


# -- penalties ----------------------------------------------------------------------------------

def penalty_time(b: _Builder) -> list:
    """time: each meeting of a section with no children group costs its period's penalty."""
    p = b.p
    out = []
    for (c, s, _r), var in b.m.x.items():
        cost = p.period_of(s).penalty
        if cost and not p.sections[c].children_group:
            out.append((var, p.weights["time"] * cost))
    return out


def penalty_teacher_pref(b: _Builder) -> list:
    """teacher_pref: each meeting in a slot its teacher did not list as preferred."""
    p = b.p
    out = []
    for (t, s, _a), terms in b.m.teach.items():
        pref = p.teachers[t].preferred
        if pref and s not in pref:
            out += [(var, coef * p.weights["teacher_pref"]) for var, coef in terms]
    return out


def penalty_site_change(b: _Builder) -> list:
    """site_change: for each teacher and day, the number of distinct sites minus one."""
    return [(var, b.p.weights["site_change"]) for var in b.m.sc.values()]


def penalty_room_change(b: _Builder) -> list:
    """room_change: for each section, the number of distinct rooms it uses minus one."""
    m, p = b.m, b.p
    out = []
    for c in m.sections:
        rooms = m.cand.rooms[c]
        if len(rooms) < 2 or p.sections[c].meetings < 2:
            continue
        for r in rooms:
            m.z[(c, r)] = b.var(f"room_used[{c},{r}]")
            for s in m.cand.room_slots[(c, r)]:
                b.add([(m.x[(c, s, r)], 1), (m.z[(c, r)], -1)], pulp.LpConstraintLE, 0,
                      f"room_used[{c},{r},{s}]", "link")
        m.rc[c] = b.var(f"room_change[{c}]", pulp.LpContinuous, None)
        b.add([(m.z[(c, r)], 1) for r in rooms] + [(m.rc[c], -1)], pulp.LpConstraintLE, 1,
              f"room_change[{c}]", "penalty")
        out.append((m.rc[c], p.weights["room_change"]))
    return out


def keepable(problem: Problem) -> dict[int, Placement]:
    """Reference meetings that could be kept as they are (index -> placement).

    A reference meeting cannot be kept when a lock pins that meeting elsewhere or pins
    another meeting of the section into its slot, or when it repeats a slot already kept.
    """
    if not problem.reference:
        return {}
    locks = {(lk.section, lk.meeting): lk for lk in problem.locked}
    locked_slots = {(lk.section, lk.slot): lk.meeting for lk in problem.locked}
    out, seen = {}, set()
    for i, ref in enumerate(problem.reference):
        lock = locks.get((ref.section, ref.meeting))
        if lock is not None and (lock.slot != ref.slot or lock.room not in (None, ref.room)
                                 or lock.teacher not in (None, ref.teacher)):
            continue
        other = locked_slots.get((ref.section, ref.slot))
        if other is not None and other != ref.meeting:
            continue
        if (ref.section, ref.slot) in seen or (ref.section, ref.meeting) in seen:
            continue
        seen.add((ref.section, ref.slot))
        seen.add((ref.section, ref.meeting))
        out[i] = ref
    return out


def penalty_perturbation(b: _Builder) -> list:
    """perturbation: each reference meeting not kept with the same slot, room and teacher."""
    m, p = b.m, b.p
    if not p.reference:
        return []
    w = p.weights["perturbation"]
    out = []
    m.constant += w * len(p.reference)
    for i, ref in keepable(p).items():
        key = (ref.section, ref.slot, ref.room)
        if key not in m.x or (ref.section, ref.teacher) not in m.y:
            continue
        m.keep[i] = b.var(f"keep[{i}]")
        b.add([(m.keep[i], 1), (m.x[key], -1)], pulp.LpConstraintLE, 0,
              f"keep_slot[{ref.section},{ref.meeting}]", "link")
        b.add([(m.keep[i], 1), (m.y[(ref.section, ref.teacher)], -1)], pulp.LpConstraintLE, 0,
              f"keep_teacher[{ref.section},{ref.meeting}]", "link")
        out.append((m.keep[i], -w))
    return out


def penalty_unassigned(b: _Builder) -> list:
    """unassigned: each meeting left out (only with allow_unassigned, or in an elastic model
    where leaving a meeting out is H1 giving way)."""
    w = b.p.weights["unassigned"] if b.p.allow_unassigned else b.m.elastic_weight
    return [(var, w) for var in b.m.un.values()]


HARD_RULES = (add_h1_meetings, add_h2_room_clash, add_h3_teacher_clash, add_h5_days_apart,
              add_h6_travel, add_h7_teacher_caps, add_h8_children_groups,
              add_h9_conflicts_and_locks)
PENALTIES = (penalty_time, penalty_site_change, penalty_room_change, penalty_teacher_pref,
             penalty_perturbation, penalty_unassigned)


def build_model(problem: Problem, cand: Candidates, sections: list[str] | None = None,
                elastic: bool = False, elastic_weight: float = 10_000.0) -> Model:
    """The MILP over `sections` (default: every section the prechecks let through).

    H4 and the unary parts of H3, H5 and H8 hold by construction (candidate sets); each
    function above adds one family. Sections outside the model cost `unassigned` each.
    """
    if sections is None:
        sections = [c for c in problem.sections if c not in cand.reasons]
    m = Model(problem, cand, pulp.LpProblem(_safe(problem.name or "timetable"), pulp.LpMinimize),
              list(sections), elastic=elastic, elastic_weight=elastic_weight)
    b = _Builder(m)
    add_variables(b)
    for k, var in m.v.items():
        m.v_by_section.setdefault(k[0], []).append((k, var))
    for rule in HARD_RULES:
        rule(b)
    terms = []
    for penalty in PENALTIES:
        terms += penalty(b)
    if elastic:
        terms += [(e, elastic_weight) for _, _, e in m.slack]
    outside = sum(problem.sections[c].meetings for c in problem.sections if c not in sections)
    m.constant += problem.weights["unassigned"] * outside
    m.prob.setObjective(pulp.LpAffineExpression(_merge(terms), constant=m.constant))
    return m


def _merge(terms: list) -> list:
    """Add up repeated variables (a plain list of pairs would keep only the last one)."""
    out: dict = {}
    for var, coef in terms:
        out[var] = out.get(var, 0) + coef
    return list(out.items())


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name)
