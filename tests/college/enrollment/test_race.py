"""A real race: twenty learners enroll at the same moment into a class of five seats.

Each thread has its own app context, so its own session and database connection; the seat counter's
atomic UPDATE alone decides who gets a seat (no Python lock). Run on PostgreSQL this is the real proof."""

from __future__ import annotations

import threading
import time

from sqlalchemy.exc import OperationalError

from college.enrollment.operations import enroll
from college.extensions import db
from college.models import Learner, Role, Section
from tests.college import factories as f
from tests.college.enrollment.helpers import TODAY, counts, learner, open_section

THREADS = 20


def _enroll_in_own_session(app, learner_id: int, section_id: int, actor_id: int, start: threading.Barrier,
                           errors: list) -> None:
    with app.app_context():
        from college.models import Account

        start.wait()
        for attempt in range(20):
            try:
                enroll(db.session.get(Learner, learner_id), db.session.get(Section, section_id),
                       db.session.get(Account, actor_id), today=TODAY)
                db.session.commit()
                return
            except OperationalError as error:      # SQLite's "database is locked": try again, as a server would
                db.session.rollback()
                if "locked" not in str(error) or attempt == 19:
                    errors.append(error)
                    return
                time.sleep(0.05 * (attempt + 1))
            except Exception as error:  # noqa: BLE001 - reported by the test below
                db.session.rollback()
                errors.append(error)
                return
            finally:
                db.session.remove()


def test_twenty_at_once_into_five_seats(app):
    section = open_section(seats=5)
    admin = f.account("13800000001", Role.ADMIN)
    learners = [learner(i) for i in range(THREADS)]
    db.session.commit()
    ids = [le.id for le in learners]
    section_id, admin_id = section.id, admin.id
    start, errors = threading.Barrier(THREADS), []
    threads = [threading.Thread(target=_enroll_in_own_session, args=(app, i, section_id, admin_id, start, errors))
               for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert counts(section) == (5, 5, THREADS - 5)


def test_the_same_learner_twice_at_once_gets_one_row_and_one_seat(app):
    section = open_section(seats=5)
    admin = f.account("13800000001", Role.ADMIN)
    le = learner(1)
    db.session.commit()
    start, errors = threading.Barrier(6), []
    threads = [threading.Thread(target=_enroll_in_own_session, args=(app, le.id, section.id, admin.id, start, errors))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert counts(section) == (1, 1, 0)


def test_one_learner_into_four_classes_of_one_course_at_once_gets_one(app):
    """The per-learner rules (one class per course, no clash) read before they write: two requests of the
    same learner must not both pass them. On PostgreSQL the learner's row is locked for the check."""
    first = open_section(seats=5, code="C001")
    sections = [first] + [open_section(seats=5, code=f"C00{n}", term_=first.term, course_=first.course)
                          for n in range(2, 5)]
    admin = f.account("13800000001", Role.ADMIN)
    le = learner(1)
    db.session.commit()
    ids = [s.id for s in sections]
    start, errors = threading.Barrier(len(ids)), []
    threads = [threading.Thread(target=_enroll_in_own_session, args=(app, le.id, i, admin.id, start, errors))
               for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    placed = [counts(s)[1] + counts(s)[2] for s in sections]
    assert sum(placed) == 1, placed
    assert len(errors) == len(ids) - 1
    assert all(getattr(e, "code", None) == "same_course" for e in errors), errors
