"""Page benchmark: the demo district's timetable pages, server time per page against a 300 ms target.

    .venv/bin/python bench/pages_bench.py                 # throwaway SQLite DB: demo load + 60 s solve
    .venv/bin/python bench/pages_bench.py --db /tmp/b.db  # keep (or reuse) that database
    .venv/bin/python bench/pages_bench.py --db /tmp/b.db --runs 5 --only site teacher

Builds the demo district (`flask demo load`), solves its term in this process the way
`flask timetable solve --publish` does and publishes the timetable (skipped when --db names a
database that already has a published timetable), then renders through the Flask test client,
as the demo administrator: every week grid page (every site, room, teacher, children group and
subject the timetable uses), the district overview, the penalty in detail, the export list,
the printable pages and workbooks of every grid of a kind, and the administrator's iCalendar feed of
the whole district (/calendar/<token>.ics, a token made for the demo administrator when it has none),
in full and as a calendar polling again with the ETag it got (304). Each page is rendered --runs times;
a page's time is the median of its runs (the first run warms caches and is dropped when there are
more than two). Times are wall-clock in this process: the request's whole server side, no network.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_MS = 300.0


def prepare(db_path: Path, time_limit: float) -> None:
    """Demo district, solved and published, in the SQLite file `db_path` (kept when it already has one)."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from college import create_app
    from college.demo.loader import load_demo
    from college.extensions import db
    from college.models import Term, TimetableVersion
    from college.timetable.jobs import run_solve
    from college.timetable.operations import publish_version, request_solve

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})
    with app.app_context():
        upgrade()
        if db.session.scalar(sa.select(TimetableVersion.id).where(TimetableVersion.published_at.is_not(None))):
            print(f"reusing the published timetable in {db_path}")
            return
        started = time.perf_counter()
        load_demo()
        db.session.commit()
        print(f"demo district loaded in {time.perf_counter() - started:.1f} s")
        term = db.session.scalar(sa.select(Term).order_by(Term.first_day.desc()).limit(1))
        version = request_solve(term, None, time_limit=time_limit, note="bench/pages_bench.py")
        db.session.commit()
        started = time.perf_counter()
        run_solve(version.id)
        db.session.expire_all()
        version = db.session.get(TimetableVersion, version.id)
        print(f"solved in {time.perf_counter() - started:.1f} s: {version.solver_status}, objective "
              f"{version.objective}, valid {version.valid}")
        if not version.valid:
            raise SystemExit("the solve gave no valid timetable; nothing to benchmark")
        publish_version(version, None)
        db.session.commit()


def pages(app) -> list[tuple[str, str]]:
    """(group, url) of every page to time."""
    import sqlalchemy as sa

    from college.extensions import db
    from college.models import TimetableVersion
    from college.timetable import grids

    with app.test_request_context():
        version = db.session.scalar(sa.select(TimetableVersion).where(TimetableVersion.published_at.is_not(None)))
        term, n, vid = version.term_id, version.number, version.id
        options = grids.choices_for(version)
    found = [("grid (default: first site)", f"/admin/timetable/terms/{term}/grid")]
    for kind in grids.KINDS:
        found += [(f"grid by {kind}", f"/admin/timetable/terms/{term}/grid?version={n}&show={kind}:{key}")
                  for key, _label in options.get(kind, [])]
    found += [("district overview", f"/admin/reports/terms/{term}/overview"),
              ("penalty in detail", f"/admin/reports/terms/{term}/penalty"),
              ("export list", f"/admin/reports/terms/{term}/exports")]
    for kind in grids.KINDS:
        found += [(f"print every {kind} (A4)", f"/admin/reports/versions/{vid}/print/{kind}"),
                  (f"xlsx every {kind}", f"/admin/reports/versions/{vid}/grids/{kind}.xlsx")]
        key = options.get(kind, [(None, "")])[0][0]
        if key is not None:
            found += [(f"csv one {kind}", f"/admin/reports/versions/{vid}/grids/{kind}/{key}.csv"),
                      (f"xlsx one {kind}", f"/admin/reports/versions/{vid}/grids/{kind}/{key}.xlsx")]
    return found


def feed_token(app, account_id: int) -> str:
    """The account's secret calendar token, made (and committed) when it has none."""
    from college.calendar.operations import new_calendar_token
    from college.extensions import db
    from college.models import Account

    with app.test_request_context():
        account = db.session.get(Account, account_id)
        if account.calendar_token is None:
            new_calendar_token(account, account)
            db.session.commit()
        return account.calendar_token


def measure(db_path: Path, runs: int, only: list[str] | None) -> list[tuple[str, int, float, float, int]]:
    """(group, pages, median ms, slowest ms, pages over the target) per group of pages."""
    import sqlalchemy as sa

    from college import create_app
    from college.extensions import db
    from college.models import Account, Role

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})
    with app.app_context():
        admin_id = db.session.scalar(sa.select(Account.id).where(Account.role == Role.ADMIN).order_by(Account.id))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(admin_id)
        session["_fresh"] = True
    feed = f"/calendar/{feed_token(app, admin_id)}.ics"
    tag = client.get(feed).headers.get("ETag")
    todo = [(g, u, {}) for g, u in pages(app)] + [("calendar feed, whole district", feed, {})]
    if tag:
        todo.append(("calendar feed, unchanged (304)", feed, {"If-None-Match": tag}))
    todo = [(g, u, h) for g, u, h in todo if not only or any(word in g for word in only)]
    times: dict[str, list[float]] = {}
    for group, url, headers in todo:
        samples = []
        for _run in range(runs):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != (304 if "If-None-Match" in headers else 200):
                raise SystemExit(f"{url}: HTTP {response.status_code}")
        if len(samples) > 2:
            samples = samples[1:]
        times.setdefault(group, []).append(statistics.median(samples))
    return [(group, len(ms), statistics.median(ms), max(ms), sum(1 for m in ms if m > TARGET_MS))
            for group, ms in times.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="SQLite file to build (or reuse); default: a throwaway one")
    parser.add_argument("--runs", type=int, default=3, help="renders per page (default 3; median kept)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds for the solve (default 60)")
    parser.add_argument("--only", nargs="*", help="time only the groups whose name holds one of these words")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pages-bench-") as tmp:
        db_path = (args.db or Path(tmp) / "college.db").resolve()
        prepare(db_path, args.time_limit)
        rows = measure(db_path, max(1, args.runs), args.only)
    print(f"\nserver time per page, median of {args.runs} run(s) per page; target {TARGET_MS:.0f} ms\n")
    print(f"| {'page':32} | {'pages':>5} | {'median ms':>9} | {'slowest ms':>10} | {'over target':>11} |")
    print(f"|{'-' * 34}|{'-' * 7}:|{'-' * 10}:|{'-' * 11}:|{'-' * 12}:|")
    for group, count, median, slowest, over in rows:
        print(f"| {group:32} | {count:5d} | {median:9.0f} | {slowest:10.0f} | {over:11d} |")
    worst = max(rows, key=lambda r: r[3])
    print(f"\nslowest page group: {worst[0]} ({worst[3]:.0f} ms); "
          f"pages over {TARGET_MS:.0f} ms: {sum(r[4] for r in rows)} of {sum(r[1] for r in rows)}")


if __name__ == "__main__":
    main()
