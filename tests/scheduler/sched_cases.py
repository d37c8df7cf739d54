"""Small hand-built timetable problems shared by the solver tests."""

from __future__ import annotations

import copy
import random

PERIODS = [
    {"id": "am1", "start": "08:30", "end": "10:00", "penalty": 0},
    {"id": "am2", "start": "10:20", "end": "11:50", "penalty": 0},
    {"id": "pm1", "start": "14:30", "end": "16:00", "penalty": 1},
    {"id": "pm2", "start": "16:30", "end": "18:00", "penalty": 3},
]
DAYS = ["mon", "tue", "wed"]


def tiny() -> dict:
    """Two sites 15 minutes apart, three rooms, two teachers, three sections."""
    return copy.deepcopy({
        "format": "senior-college-timetable/1",
        "name": "tiny",
        "days": DAYS,
        "periods": PERIODS,
        "sites": [{"id": "S1", "name": "Centre", "child_safe": True},
                  {"id": "S2", "name": "Gulou", "closed": ["mon:am1"]}],
        "travel_minutes": {"S1": {"S2": 15}, "S2": {"S1": 15}},
        "rooms": [{"id": "R1", "site": "S1", "capacity": 30, "features": ["desks"]},
                  {"id": "R2", "site": "S1", "capacity": 20, "features": []},
                  {"id": "R3", "site": "S2", "capacity": 25, "features": ["desks"]}],
        "teachers": [
            {"id": "T1", "subjects": ["calligraphy", "painting"],
             "available": [f"{d}:{p['id']}" for d in DAYS for p in PERIODS],
             "preferred": ["mon:am1", "tue:am1"], "max_meetings": 6, "intergenerational": True},
            {"id": "T2", "subjects": ["taichi", "painting"],
             "available": [f"{d}:{p['id']}" for d in DAYS for p in PERIODS if d != "wed"]},
        ],
        "children_groups": [{"id": "G1", "size": 8, "available": ["tue:pm2", "wed:pm2"],
                             "sites": ["S1"]}],
        "sections": [
            {"id": "C1", "subject": "calligraphy", "meetings": 2, "size": 20,
             "sites": ["S1", "S2"], "features": ["desks"]},
            {"id": "C2", "subject": "taichi", "meetings": 2, "size": 15, "sites": ["S1", "S2"]},
            {"id": "C3", "subject": "painting", "meetings": 1, "size": 12, "sites": ["S1"],
             "children_group": "G1", "features": ["desks"]},
        ],
        "conflicts": [["C1", "C2"]],
    })


def random_problem(seed: int) -> dict:
    """A small random problem, feasible or not."""
    rng = random.Random(seed)
    days = ["mon", "tue", "wed", "thu"][: rng.randint(2, 4)]
    slots = [f"{d}:{p['id']}" for d in days for p in PERIODS]
    n_sites = rng.randint(1, 3)
    sites = [{"id": f"S{i}", "child_safe": rng.random() < 0.5,
              "closed": rng.sample(slots, rng.randint(0, 2))} for i in range(n_sites)]
    travel = {a["id"]: {b["id"]: rng.choice([10, 20, 40, 200]) for b in sites if b is not a}
              for a in sites}
    features = ["desks", "piano"]
    rooms = [{"id": f"R{i}", "site": rng.choice(sites)["id"], "capacity": rng.choice([10, 20, 30]),
              "features": rng.sample(features, rng.randint(0, 2))} for i in range(rng.randint(1, 4))]
    subjects = ["a", "b", "c"]
    teachers = []
    for i in range(rng.randint(1, 4)):
        t = {"id": f"T{i}", "subjects": rng.sample(subjects, rng.randint(1, 2)),
             "available": rng.sample(slots, rng.randint(2, len(slots))),
             "intergenerational": rng.random() < 0.5}
        if rng.random() < 0.5:
            t["preferred"] = rng.sample(slots, 3)
        if rng.random() < 0.5:
            t["max_meetings"] = rng.randint(1, 6)
        if rng.random() < 0.5:
            t["max_sites_per_day"] = 1
        teachers.append(t)
    groups = [{"id": "G0", "size": 5, "available": rng.sample(slots, 4),
               "sites": [s["id"] for s in sites]}]
    sections = []
    for i in range(rng.randint(1, 5)):
        s = {"id": f"C{i}", "subject": rng.choice(subjects), "meetings": rng.randint(1, 2),
             "size": rng.choice([5, 10, 15]), "sites": rng.sample([x["id"] for x in sites],
                                                                  rng.randint(1, n_sites)),
             "features": rng.sample(features, rng.randint(0, 1)),
             "min_days_apart": rng.randint(0, 2)}
        if rng.random() < 0.2:
            s["children_group"] = "G0"
        if rng.random() < 0.2:
            s["teacher"] = rng.choice(teachers)["id"]
        sections.append(s)
    conflicts = [[s["id"] for s in rng.sample(sections, min(2, len(sections)))]]
    return {"format": "senior-college-timetable/1", "name": f"random-{seed}", "days": days,
            "periods": PERIODS, "sites": sites, "travel_minutes": travel, "rooms": rooms,
            "teachers": teachers, "children_groups": groups, "sections": sections,
            "conflicts": conflicts, "allow_unassigned": rng.random() < 0.3}
