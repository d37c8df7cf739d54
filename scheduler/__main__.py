"""Command line: `python -m scheduler solve|validate|explain|generate|ctt ...`.

Exit codes: 0 success (a timetable, a valid solution), 1 no timetable / invalid / infeasible,
2 a bad problem file (one message per problem on stderr, nothing written).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scheduler.problem import ProblemError, load_problem


def _read_json(path: str) -> object:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProblemError([f"{path}: cannot read: {exc.strerror}"]) from None
    except json.JSONDecodeError as exc:
        raise ProblemError([f"{path}: not JSON: {exc.msg} at line {exc.lineno} column "
                            f"{exc.colno}"]) from None


def _problem(path: str):
    return load_problem(_read_json(path))


def cmd_solve(args: argparse.Namespace) -> int:
    from scheduler.solve import solve
    problem = _problem(args.problem)
    log = (lambda msg: print(msg, file=sys.stderr, flush=True)) if args.log else None
    solution = solve(problem, time_limit=args.time_limit, gap=args.gap, solver=args.solver,
                     threads=args.threads, log=log)
    Path(args.output).write_text(json.dumps(solution.to_json(), indent=1, ensure_ascii=False)
                                 + "\n", encoding="utf-8")
    for line in solution.diagnostics:
        print(line, file=sys.stderr)
    bound = "-" if solution.bound is None else f"{solution.bound:g}"
    objective = "-" if solution.objective is None else f"{solution.objective:g}"
    print(f"{solution.status.value}: objective {objective}, bound {bound}, "
          f"{solution.seconds:.1f}s -> {args.output}")
    return 0 if solution.has_timetable else 1


def cmd_validate(args: argparse.Namespace) -> int:
    from scheduler.validate import validate
    problem = _read_json(args.problem)
    load_problem(problem)
    try:
        solution = json.loads(Path(args.solution).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"{args.solution}: cannot read the solution: {exc}", file=sys.stderr)
        return 1
    report = validate(problem, solution)
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0 if report["valid"] else 1


def cmd_explain(args: argparse.Namespace) -> int:
    from scheduler.explain import explain
    problem = _problem(args.problem)
    sentences = explain(problem, time_limit=args.time_limit)
    for line in sentences:
        print(line)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from scheduler.generate import generate
    problem = generate(args.scale, args.seed)
    Path(args.output).write_text(json.dumps(problem, indent=1, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
    print(f"{args.scale} problem, seed {args.seed}: {len(problem['sections'])} sections -> "
          f"{args.output}")
    return 0


def cmd_ctt(args: argparse.Namespace) -> int:
    from scheduler.ctt import CttError, read_ctt, write_solution
    from scheduler.ctt_solve import solve_ctt
    try:
        instance = read_ctt(Path(args.instance))
    except OSError as exc:
        raise ProblemError([f"{args.instance}: cannot read: {exc.strerror}"]) from None
    except CttError as exc:
        raise ProblemError(exc.problems) from None
    log = (lambda msg: print(msg, file=sys.stderr, flush=True)) if args.log else None
    result = solve_ctt(instance, time_limit=args.time_limit, solver=args.solver,
                       threads=args.threads, log=log, seed=args.seed)
    bound = "-" if result.bound is None else f"{result.bound:g}"
    if result.report is None:
        print(f"{result.status}: no timetable, bound {bound}, {result.seconds:.1f}s")
        return 1
    Path(args.output).write_text(write_solution(result.lectures), encoding="utf-8")
    report = result.report
    print(f"{result.status}: cost {report.cost}, bound {bound}, {result.seconds:.1f}s "
          f"-> {args.output}")
    for kind, label in (("room_capacity", "room capacity"),
                        ("min_working_days", "min working days"),
                        ("curriculum_compactness", "curriculum compactness"),
                        ("room_stability", "room stability")):
        print(f"  {label:<24}{report.by_kind()[kind]:>6}")
    print(f"  {'hard violations':<24}{report.hard_cost:>6}")
    for v in report.violations:
        print(f"  {v.kind}: {v.message}")
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m scheduler",
                                 description="Timetables for a district senior college.")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("solve", help="solve a problem file")
    p.add_argument("problem")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--time-limit", type=float, default=60.0)
    p.add_argument("--gap", type=float, default=None)
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--log", action="store_true", help="a progress line every few seconds")
    p.set_defaults(run=cmd_solve)
    p = sub.add_parser("validate", help="check a solution against its problem")
    p.add_argument("problem")
    p.add_argument("solution")
    p.set_defaults(run=cmd_validate)
    p = sub.add_parser("explain", help="say why a problem has no valid timetable")
    p.add_argument("problem")
    p.add_argument("--time-limit", type=float, default=60.0)
    p.set_defaults(run=cmd_explain)
    p = sub.add_parser("generate", help="write a realistic problem, feasible by construction")
    p.add_argument("--scale", choices=("small", "medium", "district"), required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(run=cmd_generate)
    p = sub.add_parser("ctt", help="solve an ITC-2007 course timetabling instance")
    p.add_argument("instance")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--time-limit", type=float, default=60.0)
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--seed", type=int, default=1, help="the local search's random seed")
    p.add_argument("--log", action="store_true", help="progress lines on stderr")
    p.set_defaults(run=cmd_ctt)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except ProblemError as exc:
        for message in exc.messages:
            print(message, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
