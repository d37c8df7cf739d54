"""Local search benchmark: how far the ruin-and-recreate search takes the greedy timetable.

    .venv/bin/python bench/search_bench.py --scale district --seed 1 --seconds 150

The search alone (`heuristic.improve_locally`, restarted with a new seed when it stalls, as
`solve` runs it on models too big to build), from the greedy timetable, without the MILP or
the bound: the objective every `--every` seconds and at the end, and how many sections it
placed again per second. Both depend on the machine and its load: compare runs made side by
side.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    import scheduler.heuristic as heuristic
    from scheduler.generate import generate
    from scheduler.precheck import candidates
    from scheduler.problem import load_problem
    from scheduler.solve import objective_of, penalties_of

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="district", choices=["small", "medium", "district"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=150.0)
    ap.add_argument("--every", type=float, default=30.0)
    args = ap.parse_args()

    problem = load_problem(generate(args.scale, args.seed))
    cand = candidates(problem)
    sections = [c for c in problem.sections if c not in cand.reasons]
    t0 = time.monotonic()
    first = heuristic.greedy(problem, cand, sections, seconds=30)
    if first is None:
        sys.exit("no greedy timetable")
    placements, failed = first
    start_value = objective_of(problem, penalties_of(problem, placements, []))
    print(f"{args.scale} seed {args.seed}: greedy {start_value:g} in {time.monotonic() - t0:.1f}s"
          f" ({len(failed)} sections left out)", flush=True)

    placed = 0
    inner = heuristic._place_section

    def counting(*a, **k):
        nonlocal placed
        placed += 1
        return inner(*a, **k)

    heuristic._place_section = counting
    start = time.monotonic()
    deadline = start + args.seconds
    marks: dict[int, float] = {}
    value = start_value

    def better(_items, v: float) -> None:
        nonlocal value
        value = v
        marks[int((time.monotonic() - start) // args.every)] = v

    seed = 0
    while time.monotonic() < deadline - 0.5:
        placements = heuristic.improve_locally(problem, cand, placements, deadline, better,
                                               seed=seed, left_out=0)
        seed += 1
    heuristic._place_section = inner
    spent = time.monotonic() - start
    final = objective_of(problem, penalties_of(problem, placements, []))
    trail = ", ".join(f"{(k + 1) * args.every:g}s {v:g}" for k, v in sorted(marks.items()))
    print(f"objective {final:g} after {spent:.0f}s ({trail}); {placed / spent:.0f} sections "
          f"placed again a second; {seed} restart(s)")


if __name__ == "__main__":
    main()
