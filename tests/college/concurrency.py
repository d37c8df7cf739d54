"""Operations run at the same moment, each as a request of its own would run: its own thread, app context
and database session, all let go together by a barrier; the proof that a race is closed is on PostgreSQL."""

from __future__ import annotations

import multiprocessing
import threading
import time

from flask_babel import force_locale
from sqlalchemy.exc import OperationalError

from college.extensions import db
from college.records import RecordError

ATTEMPTS = 40


def at_once(app, *calls) -> list:
    """Run each call (no arguments; it loads what it needs by id, in its own session) at the same moment and
    commit it. The outcomes, in the order of `calls`: what the call returned, the message of the RecordError
    it raised, or any other exception. SQLite's "database is locked" is tried again, as a server would."""
    start = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(k: int, call) -> None:
        with app.app_context(), app.test_request_context(), force_locale("zh_Hans_CN"):
            start.wait()
            for attempt in range(ATTEMPTS):
                try:
                    outcomes[k] = call()
                    db.session.commit()
                    return
                except OperationalError as error:
                    db.session.rollback()
                    if "locked" not in str(error) or attempt == ATTEMPTS - 1:
                        outcomes[k] = error
                        return
                    time.sleep(0.05 * (attempt + 1))
                except RecordError as error:
                    db.session.rollback()
                    outcomes[k] = str(error.message)
                    return
                except Exception as error:  # noqa: BLE001 - the test reports it
                    db.session.rollback()
                    outcomes[k] = error
                    return
                finally:
                    db.session.remove()

    threads = [threading.Thread(target=run, args=(k, call)) for k, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def _when_all_are_ready(barrier, results, call, args) -> None:
    barrier.wait()
    results.put(call(*args))


def processes_at_once(call, *args, count: int = 8) -> tuple[list, list]:
    """Run call(*args) in `count` forked processes at the same moment, as gunicorn's workers start:
    (their exit codes, what the calls returned, in the order they finished)."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(count), context.Queue()
    workers = [context.Process(target=_when_all_are_ready, args=(barrier, results, call, args))
               for _ in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)            # what each puts is small: the pipe holds it unread
    returned = [results.get(timeout=10) for worker in workers if worker.exitcode == 0]
    return [worker.exitcode for worker in workers], returned
