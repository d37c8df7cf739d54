"""ITC-2007 track 3 (CB-CTT) benchmark: the scheduler against the best known values.

    .venv/bin/python bench/ctt_bench.py --time-limit 600            # all 21 instances
    .venv/bin/python bench/ctt_bench.py --time-limit 60 comp01 comp11

Solves each instance with `scheduler.ctt_solve.solve_ctt` and prints one row per instance:
cost (as `ctt_evaluate` counts it), best known value, cost / best known, the lower bound the
run proved, seconds, and hard violations; then the median of cost / best known. Writes no
file. An instance whose best known value is 0 has ratio 1 at cost 0 and "inf" otherwise.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HERE = Path(__file__).resolve().parent / "itc2007"


def best_known() -> dict[str, float]:
    with (HERE / "reference_values.csv").open(encoding="utf-8") as f:
        return {row["instance"]: float(row["best_known_UB_Oct2014"]) for row in csv.DictReader(f)}


def ratio(cost: int, best: float) -> float:
    if best == 0:
        return 1.0 if cost == 0 else float("inf")
    return cost / best


def main(argv: list[str] | None = None) -> int:
    from scheduler.ctt import read_ctt
    from scheduler.ctt_solve import solve_ctt

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("instances", nargs="*", help="e.g. comp01 (default: all 21)")
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--seed", type=int, default=1, help="seed of the search (default 1)")
    args = ap.parse_args(argv)
    known = best_known()
    names = args.instances or sorted(known)
    unknown = [n for n in names if not (HERE / f"{n}.ctt").exists()]
    if unknown:
        print(f"no such instance: {', '.join(unknown)} (in {HERE})", file=sys.stderr)
        return 2
    header = (f"{'instance':<9}{'cost':>7}{'best':>7}{'ratio':>8}{'bound':>7}{'seconds':>9}"
              f"{'hard':>6}  status")
    print(f"time limit {args.time_limit:g} s per instance, seed {args.seed}")
    print(header)
    print("-" * len(header))
    ratios = []
    failed = 0
    for name in names:
        started = time.monotonic()
        result = solve_ctt(read_ctt(HERE / f"{name}.ctt"), time_limit=args.time_limit,
                           threads=args.threads, seed=args.seed)
        seconds = time.monotonic() - started
        bound = "-" if result.bound is None else f"{result.bound:g}"
        best = known.get(name)
        if result.report is None:
            failed += 1
            print(f"{name:<9}{'-':>7}{best or '-':>7}{'-':>8}{bound:>7}{seconds:>9.1f}"
                  f"{'-':>6}  {result.status}", flush=True)
            continue
        cost, hard = result.report.cost, result.report.hard_cost
        r = ratio(cost, best) if best is not None else None
        if r is not None:
            ratios.append(r)
        shown = "-" if r is None else f"{r:.2f}"
        print(f"{name:<9}{cost:>7}{best:>7g}{shown:>8}{bound:>7}{seconds:>9.1f}{hard:>6}  "
              f"{result.status}", flush=True)
    print("-" * len(header))
    if ratios:
        print(f"median cost / best known over {len(ratios)} instances: "
              f"{statistics.median(ratios):.2f}")
    if failed:
        print(f"{failed} instance(s) without a timetable")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
