"""The solution of `spec/timetable-format.md`: a timetable (or none), its status and penalties."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from scheduler.problem import SOLUTION_FORMAT, Placement

PENALTY_NAMES = ("time", "site_change", "room_change", "teacher_pref", "perturbation",
                 "unassigned")


class Status(enum.Enum):
    OPTIMAL = "optimal"        # proved best (within the requested gap when one was given)
    FEASIBLE = "feasible"      # a valid timetable, not proved best
    INFEASIBLE = "infeasible"  # proved: no valid timetable
    UNKNOWN = "unknown"        # stopped with no timetable and no proof


@dataclass(frozen=True)
class Unplaced:
    section: str
    meeting: int
    reason: str


@dataclass
class Solution:
    problem: str
    status: Status
    assignments: list[Placement] = field(default_factory=list)
    unassigned: list[Unplaced] = field(default_factory=list)
    penalties: dict[str, int] | None = None
    objective: float | None = None
    bound: float | None = None
    seconds: float = 0.0
    solver: str = ""
    diagnostics: list[str] = field(default_factory=list)   # reasons, not part of the format

    @property
    def has_timetable(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)

    @property
    def gap(self) -> float | None:
        """Proven relative distance from the optimum, as the solvers define it."""
        if self.objective is None or self.bound is None:
            return None
        return (self.objective - self.bound) / max(abs(self.objective), 1e-9) \
            if self.objective else 0.0

    def to_json(self) -> dict[str, Any]:
        timetable = self.has_timetable
        return {
            "format": SOLUTION_FORMAT,
            "problem": self.problem,
            "status": self.status.value,
            "objective": _num(self.objective) if timetable else None,
            "bound": _num(self.bound),
            "seconds": round(self.seconds, 3),
            "solver": self.solver,
            "assignments": [
                {"section": a.section, "meeting": a.meeting, "slot": a.slot, "room": a.room,
                 "teacher": a.teacher} for a in self.assignments] if timetable else [],
            "unassigned": [{"section": u.section, "meeting": u.meeting, "reason": u.reason}
                           for u in self.unassigned],
            "penalties": dict(self.penalties) if timetable and self.penalties else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Solution:
        """Read a solution dict; raises ValueError on a wrong format or status."""
        if not isinstance(data, dict) or data.get("format") != SOLUTION_FORMAT:
            raise ValueError(f'a solution needs "format": "{SOLUTION_FORMAT}"')
        try:
            status = Status(data.get("status"))
        except ValueError:
            raise ValueError(f"unknown solution status {data.get('status')!r}") from None
        return cls(
            problem=data.get("problem") or "",
            status=status,
            assignments=[Placement(a["section"], a["meeting"], a["slot"], a["room"],
                                   a["teacher"]) for a in data.get("assignments") or []],
            unassigned=[Unplaced(u["section"], u["meeting"], u.get("reason", ""))
                        for u in data.get("unassigned") or []],
            penalties=data.get("penalties"),
            objective=data.get("objective"),
            bound=data.get("bound"),
            seconds=float(data.get("seconds") or 0.0),
            solver=data.get("solver") or "",
        )


def _num(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(round(x)) if abs(x - round(x)) < 1e-6 else round(x, 6)
