"""Builders for enrollment tests: open sections, learners, and the counter check."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from college.extensions import db
from college.models import (
    Enrollment,
    EnrollmentStatus,
    Learner,
    ProxyLink,
    ProxyRelation,
    Section,
    SectionStatus,
)
from tests.college import factories as f

TODAY = date(2027, 2, 20)


def open_section(seats=5, code="C001", term_=None, course_=None) -> Section:
    section = f.section(term_, course_, code=code, seats=seats, sites=[f.site(f"S{code}")])
    section.status = SectionStatus.OPEN
    db.session.flush()
    return section


def learner(n: int, born=date(1955, 5, 1), name=None) -> Learner:
    le = Learner(name=name or f"学员{n:02d}", phone=f"139{n:08d}", birth_date=born)
    db.session.add(le)
    db.session.flush()
    return le


def proxy_for(*learners: Learner, phone="13600000001"):
    from college.models import Role

    acc = f.account(phone, Role.PROXY, "代报名人")
    for le in learners:
        db.session.add(ProxyLink(proxy_account_id=acc.id, learner_id=le.id, relation=ProxyRelation.FAMILY,
                                 consent_at=datetime(2027, 2, 1)))
    db.session.flush()
    return acc


def counts(section: Section) -> tuple[int, int, int]:
    """(counter, enrolled rows, waitlisted rows), read fresh from the database."""
    db.session.expire_all()
    rows = dict(db.session.execute(sa.select(Enrollment.status, sa.func.count()).where(
        Enrollment.section_id == section.id).group_by(Enrollment.status)).all())
    counter = db.session.scalar(sa.select(Section.enrolled).where(Section.id == section.id))
    return counter, rows.get(EnrollmentStatus.ENROLLED, 0), rows.get(EnrollmentStatus.WAITLISTED, 0)


def assert_counter(section: Section) -> None:
    counter, enrolled, _waiting = counts(section)
    assert counter == enrolled
