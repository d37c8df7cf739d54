"""The timetable solver of the district senior college: no Flask, no database.

`load_problem(dict)` reads `spec/timetable-format.md` problems, `solve(problem)` returns a
`Solution`, `explain(problem)` says in sentences why none exists. Standard library and PuLP
(with highspy) only.
"""

from scheduler.explain import explain
from scheduler.problem import Problem, ProblemError, load_problem
from scheduler.solution import Solution, Status
from scheduler.solve import solve

__all__ = ["Problem", "ProblemError", "Solution", "Status", "explain", "load_problem", "solve"]
