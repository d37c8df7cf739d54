"""Solver benchmark: generated instances, HiGHS and CBC side by side, then repair.

    .venv/bin/python bench/solver_bench.py --scales small medium district --seeds 1 2 \
        --solvers highs cbc --time-limit 600

Each run happens in a fresh child process (so peak memory is the run's own) and prints one
row: model size, build seconds, seconds to the first valid timetable, objective, bound, gap,
peak memory, and whether `validate` accepts the timetable. `--repair` then takes the solved
district (or largest) instance, makes its busiest teacher unavailable for their busiest day
and re-solves with the old timetable as reference: meetings moved and seconds.
`--save DIR` writes each problem and its timetable there; `--repair-from PROBLEM SOLUTION`
runs only the repair on a saved pair (no long solve first):

    .venv/bin/python bench/solver_bench.py --repair-from district-1.json district-1-highs.json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _run(scale: str, seed: int, solver: str, time_limit: float, gap: float | None,
         queue: mp.Queue, repair: bool, save: str | None = None,
         threads: int | None = None) -> None:
    from scheduler.generate import generate
    from scheduler.solve import solve
    from scheduler.validate import validate

    problem = generate(scale, seed)
    sol = solve(problem, time_limit=time_limit, solver=solver, gap=gap, threads=threads)
    report = validate(problem, sol.to_json()) if sol.has_timetable else {"valid": False}
    if save:
        folder = Path(save)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{scale}-{seed}.json").write_text(json.dumps(problem))
        (folder / f"{scale}-{seed}-{solver}.json").write_text(json.dumps(sol.to_json()))
    row = {
        "scale": scale, "seed": seed, "solver": solver,
        "sections": len(problem["sections"]),
        "meetings": sum(s["meetings"] for s in problem["sections"]),
        "vars": getattr(sol, "model_size", (None, None))[0],
        "cons": getattr(sol, "model_size", (None, None))[1],
        "build_s": getattr(sol, "build_seconds", None),
        "first_s": getattr(sol, "first_seconds", None),
        "status": sol.status.value, "objective": sol.objective, "bound": sol.bound,
        "gap": sol.gap, "seconds": sol.seconds, "valid": report["valid"],
    }
    if repair and sol.has_timetable:
        row["repair"] = _repair(problem, sol, solver, time_limit)
    row["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(row)


def _repair(problem: dict, sol, solver: str, time_limit: float) -> dict:
    from scheduler.solve import solve
    from scheduler.validate import validate

    load: dict = {}
    for a in sol.assignments:
        key = (a.teacher, a.slot.split(":")[0])
        load[key] = load.get(key, 0) + 1
    (teacher, day), count = max(load.items(), key=lambda kv: kv[1])
    changed = json.loads(json.dumps(problem))
    for t in changed["teachers"]:
        if t["id"] == teacher:
            t["available"] = [s for s in t["available"] if not s.startswith(day + ":")]
    changed["reference"] = sol.to_json()
    start = time.monotonic()
    again = solve(changed, time_limit=min(time_limit, 30), solver=solver)
    seconds = time.monotonic() - start
    before = {(a.section, a.meeting): a for a in sol.assignments}
    moved = sum(1 for a in again.assignments if a != before[(a.section, a.meeting)])
    valid = validate(changed, again.to_json())["valid"] if again.has_timetable else False
    return {"teacher": teacher, "day": day, "had_to_move": count, "moved": moved,
            "seconds": round(seconds, 1), "status": again.status.value, "valid": valid,
            "objective": again.objective, "bound": again.bound,
            "perturbation": (again.penalties or {}).get("perturbation")}


def _fmt(x, spec: str = "") -> str:
    if x is None:
        return "-"
    if isinstance(x, float) and spec:
        return format(x, spec)
    return str(x)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", default=["small", "medium", "district"])
    ap.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    ap.add_argument("--solvers", nargs="+", default=["highs", "cbc"])
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--gap", type=float, default=None)
    ap.add_argument("--threads", type=int, default=None,
                    help="solver threads (default: the solver's own choice)")
    ap.add_argument("--repair", action="store_true",
                    help="also run the repair benchmark on the largest scale's first seed")
    ap.add_argument("--save", metavar="DIR", help="write each problem and timetable to DIR")
    ap.add_argument("--repair-from", nargs=2, metavar=("PROBLEM", "SOLUTION"),
                    help="only run the repair benchmark on a saved problem and timetable")
    args = ap.parse_args(argv)
    if args.repair_from:
        from scheduler.solution import Solution
        problem = json.loads(Path(args.repair_from[0]).read_text())
        sol = Solution.from_json(json.loads(Path(args.repair_from[1]).read_text()))
        r = _repair(problem, sol, args.solvers[0], args.time_limit)
        _print_repair(args.repair_from[0], "-", r)
        return

    head = (f"{'scale':8} {'seed':>4} {'solver':6} {'sect':>4} {'meet':>5} {'vars':>7} "
            f"{'cons':>7} {'build':>6} {'first':>6} {'status':9} {'obj':>7} {'bound':>7} "
            f"{'gap':>7} {'secs':>6} {'MB':>6} valid")
    print(head)
    print("-" * len(head))
    ctx = mp.get_context("spawn")
    repairs = []
    for scale in args.scales:
        for i, seed in enumerate(args.seeds):
            for solver in args.solvers:
                queue = ctx.Queue()
                want_repair = args.repair and scale == args.scales[-1] and i == 0 \
                    and solver == "highs"
                proc = ctx.Process(target=_run, args=(scale, seed, solver, args.time_limit,
                                                      args.gap, queue, want_repair, args.save,
                                                      args.threads))
                proc.start()
                row = None
                waited = 0.0
                while row is None and waited < args.time_limit * 3 + 300:
                    try:
                        row = queue.get(timeout=5)
                    except Exception:   # queue.Empty: still running, or dead
                        waited += 5
                        if not proc.is_alive():
                            break
                if row is None:
                    row = {"scale": scale, "seed": seed, "solver": solver, "status": "crashed"}
                    proc.kill()
                proc.join()
                gap = row.get("gap")
                print(f"{row['scale']:8} {row['seed']:>4} {row['solver']:6} "
                      f"{_fmt(row.get('sections')):>4} {_fmt(row.get('meetings')):>5} "
                      f"{_fmt(row.get('vars')):>7} {_fmt(row.get('cons')):>7} "
                      f"{_fmt(row.get('build_s'), '.1f'):>6} {_fmt(row.get('first_s'), '.1f'):>6} "
                      f"{row['status']:9} {_fmt(row.get('objective')):>7} "
                      f"{_fmt(row.get('bound'), '.1f'):>7} "
                      f"{'-' if gap is None else f'{100 * gap:.1f}%':>7} "
                      f"{_fmt(row.get('seconds'), '.0f'):>6} {_fmt(row.get('peak_mb'), '.0f'):>6} "
                      f"{row.get('valid', '-')}", flush=True)
                if "repair" in row:
                    repairs.append((row["scale"], row["seed"], row["repair"]))
    for scale, seed, r in repairs:
        _print_repair(scale, seed, r)


def _print_repair(scale, seed, r: dict) -> None:
    print(f"\nrepair ({scale}, seed {seed}): teacher {r['teacher']} unavailable on "
          f"{r['day']} ({r['had_to_move']} meetings that day): moved {r['moved']} "
          f"meetings in {r['seconds']} s, status {r['status']}, objective {r['objective']} "
          f"(perturbation {r['perturbation']}), bound {r['bound']}, valid {r['valid']}")


if __name__ == "__main__":
    main()
