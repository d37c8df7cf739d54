"""What each section could possibly use, and the reasons a problem is impossible on its face.

`candidates(problem)` computes, once, the rooms, teachers and slots each section could use
with every unary rule applied (H3 availability and subjects, H4 sites, closures, seats and
features, H5 `allowed`, H8 group slots, sites, child safety and clearance). The model only
creates variables inside these sets; `precheck` turns empty sets into plain reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.problem import Problem, Section


@dataclass
class Candidates:
    rooms: dict[str, list[str]] = field(default_factory=dict)          # section -> rooms
    teachers: dict[str, list[str]] = field(default_factory=dict)       # section -> teachers
    slots: dict[str, list[str]] = field(default_factory=dict)          # section -> slots
    room_slots: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (c, r)
    teacher_slots: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (c, t)
    reasons: dict[str, list[str]] = field(default_factory=dict)        # section -> why not


def _section_slots(problem: Problem, section: Section) -> list[str]:
    slots = list(problem.slots)
    if section.allowed is not None:
        slots = [s for s in slots if s in section.allowed]
    if section.children_group:
        group = problem.groups[section.children_group]
        slots = [s for s in slots if s in group.available]
    return slots


def candidate_rooms(problem: Problem, section: Section) -> list[str]:
    seats = problem.seats(section)
    group = problem.groups.get(section.children_group) if section.children_group else None
    out = []
    for room in problem.rooms.values():
        if room.site not in section.sites or room.capacity < seats:
            continue
        if not section.features <= room.features:
            continue
        if group is not None and (room.site not in group.sites
                                  or not problem.sites[room.site].child_safe):
            continue
        out.append(room.id)
    return out


def candidate_teachers(problem: Problem, section: Section) -> list[str]:
    out = []
    for teacher in problem.teachers.values():
        if section.teacher is not None and teacher.id != section.teacher:
            continue
        if section.subject not in teacher.subjects:
            continue
        if section.children_group and not teacher.intergenerational:
            continue
        if teacher.max_meetings is not None and teacher.max_meetings < section.meetings:
            continue
        out.append(teacher.id)
    return out


def _spread_fits(problem: Problem, section: Section, slots: list[str]) -> bool:
    """Can `meetings` slots be picked from `slots` with days min_days_apart apart?"""
    positions = sorted({problem.days.index(problem.day_of(s)) for s in slots})
    if section.min_days_apart == 0:
        return len(set(slots)) >= section.meetings
    count, last = 0, None
    for pos in positions:
        if last is None or pos - last >= section.min_days_apart:
            count, last = count + 1, pos
    return count >= section.meetings


def candidates(problem: Problem) -> Candidates:
    """Every section's possible rooms, teachers and slots, with reasons for the empty ones."""
    cand = Candidates()
    for section in problem.sections.values():
        cid = section.id
        reasons: list[str] = []
        base = _section_slots(problem, section)
        rooms = candidate_rooms(problem, section)
        teachers = candidate_teachers(problem, section)
        if not rooms:
            reasons.append(_why_no_room(problem, section))
        if not teachers:
            reasons.append(_why_no_teacher(problem, section))
        if not base:
            what = "its allowed slots" if section.allowed is not None else "the week"
            if section.children_group:
                what += f" and children group {section.children_group}'s free slots"
            reasons.append(f"section {cid} has no slot: {what} have none in common")
        teacher_slots = {t: set(base) & problem.teachers[t].available for t in teachers}
        any_teacher = set().union(*teacher_slots.values()) if teacher_slots else set()
        room_slots = {}
        for r in rooms:
            closed = problem.sites[problem.rooms[r].site].closed
            room_slots[r] = [s for s in base if s not in closed and s in any_teacher]
        rooms = [r for r in rooms if room_slots[r]]
        slots = [s for s in base if any(s in room_slots[r] for r in rooms)]
        if not reasons and not slots:
            reasons.append(f"section {cid} has no slot in which one of its teachers "
                           f"({', '.join(teachers)}) is available and one of its rooms' sites "
                           "is open")
        teachers = [t for t in teachers if teacher_slots[t] & set(slots)]
        if not reasons and not teachers:
            reasons.append(f"section {cid}: no qualified teacher is available in any slot "
                           "its rooms allow")
        if not reasons and not _spread_fits(problem, section, slots):
            reasons.append(f"section {cid} needs {section.meetings} meetings at least "
                           f"{section.min_days_apart} day(s) apart but only has slots on "
                           f"{len({problem.day_of(s) for s in slots})} day(s)")
        cand.rooms[cid] = rooms
        cand.teachers[cid] = teachers
        cand.slots[cid] = slots
        for r in rooms:
            cand.room_slots[(cid, r)] = room_slots[r]
        for t in teachers:
            cand.teacher_slots[(cid, t)] = teacher_slots[t] & set(slots)
        if reasons:
            cand.reasons[cid] = reasons
    return cand


def _why_no_room(problem: Problem, section: Section) -> str:
    seats = problem.seats(section)
    at_sites = [r for r in problem.rooms.values() if r.site in section.sites]
    if not at_sites:
        return f"section {section.id}: its sites ({', '.join(section.sites)}) have no rooms"
    big = [r for r in at_sites if r.capacity >= seats]
    if not big:
        top = max(r.capacity for r in at_sites)
        return (f"section {section.id} needs {seats} seats but the largest room at its sites "
                f"({', '.join(section.sites)}) seats {top}")
    equipped = [r for r in big if section.features <= r.features]
    if not equipped:
        return (f"section {section.id}: no room with {seats} seats at its sites has "
                f"{', '.join(sorted(section.features))}")
    group = problem.groups[section.children_group]
    return (f"section {section.id} is a class with children group {group.id}, but none of its "
            "suitable rooms is at a child-safe site the group can reach")


def _why_no_teacher(problem: Problem, section: Section) -> str:
    if section.teacher is not None:
        t = problem.teachers[section.teacher]
        if section.subject not in t.subjects:
            return (f"section {section.id}'s fixed teacher {t.id} does not teach "
                    f"{section.subject}")
        if section.children_group and not t.intergenerational:
            return (f"section {section.id}'s fixed teacher {t.id} is not cleared for classes "
                    "with children")
        return (f"section {section.id}'s fixed teacher {t.id} may teach at most "
                f"{t.max_meetings} meetings a week, fewer than its {section.meetings}")
    if not any(section.subject in t.subjects for t in problem.teachers.values()):
        return f"section {section.id}: no teacher teaches {section.subject}"
    if section.children_group:
        return (f"section {section.id}: no teacher of {section.subject} is cleared for "
                "classes with children")
    return f"section {section.id}: every teacher of {section.subject} is at their weekly cap"


def precheck(problem: Problem, cand: Candidates) -> list[str]:
    """Reasons, in plain sentences, why no timetable can exist; empty when none is found."""
    reasons = [r for rs in cand.reasons.values() for r in rs]
    # a fixed teacher cannot give more meetings than their slots or their weekly cap
    fixed: dict[str, list[str]] = {}
    for s in problem.sections.values():
        if s.teacher is not None:
            fixed.setdefault(s.teacher, []).append(s.id)
    for tid, secs in fixed.items():
        teacher = problem.teachers[tid]
        need = sum(problem.sections[c].meetings for c in secs)
        if need > len(teacher.available):
            reasons.append(f"teacher {tid} is the fixed teacher of {', '.join(secs)} with "
                           f"{need} meetings but is available in only "
                           f"{len(teacher.available)} slots")
        elif teacher.max_meetings is not None and need > teacher.max_meetings:
            reasons.append(f"teacher {tid} is the fixed teacher of {', '.join(secs)} with "
                           f"{need} meetings but may teach at most {teacher.max_meetings}")
    for i, lock in enumerate(problem.locked):
        cid = lock.section
        if cid in cand.reasons:
            continue
        if lock.slot not in cand.slots[cid]:
            reasons.append(f"locked[{i}]: section {cid} cannot meet in {lock.slot} (not "
                           "allowed, or no teacher, room or site is available then)")
        elif lock.room is not None and lock.slot not in cand.room_slots.get((cid, lock.room),
                                                                            []):
            reasons.append(f"locked[{i}]: room {lock.room} cannot hold section {cid} in "
                           f"{lock.slot} (site, seats, features or closure)")
        elif lock.teacher is not None and lock.slot not in cand.teacher_slots.get(
                (cid, lock.teacher), set()):
            reasons.append(f"locked[{i}]: teacher {lock.teacher} cannot teach section {cid} "
                           f"in {lock.slot} (subject, clearance or availability)")
    slots_locked: dict[tuple[str, str], int] = {}
    for i, lock in enumerate(problem.locked):
        key = (lock.section, lock.slot)
        if key in slots_locked:
            reasons.append(f"locked[{i}] and locked[{slots_locked[key]}] put two meetings of "
                           f"section {lock.section} in {lock.slot}")
        slots_locked[key] = i
    return reasons
