"""The timetable solver of the district senior college: no Flask, no database.

`load_problem(dict)` reads `spec/timetable-format.md` problems; `scheduler.solve.solve(problem)`
returns a `Solution`; `scheduler.explain.explain(problem)` says in sentences why none exists.
Standard library and PuLP (with highspy) only; the names here are imported on first use, so
`import scheduler.validate` or `scheduler.ctt_evaluate` loads no solver code.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Problem", "ProblemError", "Solution", "Status", "load_problem"]

_HOME = {"Problem": "problem", "ProblemError": "problem", "load_problem": "problem",
         "Solution": "solution", "Status": "solution"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f"scheduler.{_HOME[name]}"), name)
    raise AttributeError(f"module 'scheduler' has no attribute {name!r}")
