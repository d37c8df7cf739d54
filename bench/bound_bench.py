"""Lower-bound benchmark: how far the solver's relaxations reach on generated instances.

    .venv/bin/python bench/bound_bench.py --scales small medium --seeds 1 2 --time-limit 60

For each instance it prints the who-teaches-when bound `solve` runs (`improve.relaxation`, rooms
as counts per slot, sites and travel as lazily added cuts) and the site-choosing relaxation
(`siterelax.site_relaxation`, rooms as exact counts per site and slot, travel and site changes
priced), each with its seconds. Both are true lower bounds of the objective (their docstrings say
why); the gap between them and the timetables `solve` finds is where the unproven part lies.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    from scheduler.generate import generate
    from scheduler.improve import relaxation
    from scheduler.precheck import candidates
    from scheduler.problem import load_problem
    from scheduler.siterelax import site_relaxation

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", default=["small", "medium"])
    ap.add_argument("--seeds", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds for each relaxation")
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()

    print(f"{'scale':8} {'seed':>4} {'sect':>5} {'teach-when':>10} {'secs':>6} {'site-relax':>10} {'secs':>6}")
    for scale in args.scales:
        for seed in args.seeds:
            problem = load_problem(generate(scale, seed))
            cand = candidates(problem)
            sections = [c for c in problem.sections if c not in cand.reasons]
            t0 = time.monotonic()
            when, _plan = relaxation(problem, cand, sections, seconds=args.time_limit)
            t1 = time.monotonic()
            site, _plan, _value = site_relaxation(problem, cand, sections, seconds=args.time_limit,
                                                  threads=args.threads)
            t2 = time.monotonic()

            def fmt(x: float | None) -> str:
                return "-" if x is None else f"{x:.2f}"

            print(f"{scale:8} {seed:>4} {len(sections):>5} {fmt(when):>10} {t1 - t0:>6.1f} "
                  f"{fmt(site):>10} {t2 - t1:>6.1f}", flush=True)


if __name__ == "__main__":
    main()
