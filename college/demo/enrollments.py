"""Demo enrollments: a realistic share of the demo learners in the demo term's open classes.

Every open section ends between about 40 % and 100 % full; the popular ones (chosen with the
seeded generator, weighted by the subject's popularity and the course level) are full with a
few learners waiting. A learner holds 1-3 places (enrolled or waiting), never two classes of the
same subject (so never two sections of one course), and only in courses whose ages fit. Most rows
were "clicked" by the learner's own account, some by a proxy linked to that learner, a few by
the administrator at the front desk.

Rules the demo does NOT check, on purpose:
- time clashes: the timetable is solved after the load (`make demo`), so no section has a slot yet;
- prerequisites: the demo has one term only, so learners in a second- or third-level class are
  taken to have done the earlier level before the college kept records.

Speed: rows are made in Python and written with one bulk INSERT; then one UPDATE sets every
section's seat counter to the count of its enrolled rows (the same counter that
college/enrollment/operations.py keeps with its atomic UPDATEs).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa

from college.demo import district as d
from college.extensions import db
from college.models import (
    Account,
    Enrollment,
    EnrollmentStatus,
    Learner,
    ProxyLink,
    Section,
    SectionStatus,
    Term,
)
from college.people.operations import age_on

# How many classes a learner wants (0: none this term), with weights in percent.
WANTED = ((0, 8), (1, 35), (2, 37), (3, 20))
MAX_CLASSES = 3
POPULAR_SHARE = 0.15          # this share of sections is full with a waitlist
WAITING = (1, 4)              # learners waiting in a popular section
FILL = (0.40, 0.80)           # any other section: this share of its seats taken
BY_PROXY = 0.7                # a learner with a proxy: share of their rows the proxy made
AT_DESK = 0.05                # any other learner: share the administrator entered at the front desk
SIGNUP_DAYS = 12              # the demo's sign-ups all came in the first days of the window


def enroll_demo(rng: random.Random, term: Term, sections: list[Section], learners: list[Learner],
                accounts: list[Account], links: list[ProxyLink], admin: Account,
                subdistrict_of: dict[int, str]) -> int:
    """Insert the demo enrollments (everything must be flushed, with ids); return the number of rows.

    `accounts` holds each learner's own account (found by learner_id); `subdistrict_of` maps
    id(site) to its subdistrict's name ("" for the district campus)."""
    own = {a.learner_id: a.id for a in accounts if a.learner_id is not None}
    proxies: dict[int, list[int]] = {}
    for link in links:
        proxies.setdefault(link.learner.id, []).append(link.proxy.id)
    ages = [age_on(x.birth_date, term.first_day) for x in learners]
    wanted = rng.choices([n for n, _ in WANTED], weights=[w for _, w in WANTED], k=len(learners))
    taken: list[set[int]] = [set() for _ in learners]      # subject ids of each learner's places
    community: dict[int, list[int]] = {}                    # id(area) → learner indexes
    subdistrict: dict[str, list[int]] = {}
    for i, x in enumerate(learners):
        community.setdefault(id(x.home_area), []).append(i)
        subdistrict.setdefault(x.home_area.parent.name, []).append(i)

    open_sections = [s for s in sections if s.status == SectionStatus.OPEN]
    score = {id(s): rng.uniform(0.5, 1.5) * _weight(s) for s in open_sections}
    ranked = sorted(open_sections, key=lambda s: (-score[id(s)], s.code))
    popular = ranked[:round(len(ranked) * POPULAR_SHARE)]
    popular_ids = {id(s) for s in popular}
    target = {id(s): s.seats + rng.randint(*WAITING) if id(s) in popular_ids
              else max(math.ceil(s.seats * FILL[0]), round(s.seats * rng.uniform(*FILL))) for s in open_sections}

    def fits(i: int, section: Section, limit: int) -> bool:
        course = section.course
        age = ages[i]
        return (len(taken[i]) < limit and course.subject_id not in taken[i]
                and (course.min_age is None or age >= course.min_age)
                and (course.max_age is None or age <= course.max_age))

    def nearby(section: Section) -> Iterator[int]:
        """Learners of the home site's community, then of its subdistrict, then anyone (at random)."""
        home = section.sites[0]
        pools = []
        if id(home.area) in community:
            pools.append(community[id(home.area)])
        sub = subdistrict_of.get(id(home), "")
        if sub:
            pools.append(subdistrict.get(sub, []))
        for pool in pools:
            pool = list(pool)
            rng.shuffle(pool)
            yield from pool
        for _ in range(20 * len(learners)):
            yield rng.randrange(len(learners))

    chosen: dict[int, list[int]] = {id(s): [] for s in open_sections}
    # Popular sections first so that they fill; then the rest. A second round lets learners take up
    # to MAX_CLASSES places (beyond what they wanted) only where a section is still short of its target.
    for round_ in (0, 1):
        for section in popular + [s for s in open_sections if id(s) not in popular_ids]:
            picked = chosen[id(section)]
            need = target[id(section)] - len(picked)
            if need <= 0:
                continue
            seen = set(picked)
            for i in nearby(section):
                if i in seen:
                    continue
                seen.add(i)
                if fits(i, section, wanted[i] if round_ == 0 else MAX_CLASSES):
                    picked.append(i)
                    taken[i].add(section.course.subject_id)
                    need -= 1
                    if need == 0:
                        break

    opens = datetime.combine(term.enrollment_opens or term.first_day - timedelta(days=14), datetime.min.time())
    # The demo's sign-ups came in the first SIGNUP_DAYS days of the window (or the whole window if
    # shorter), from 08:00 on the day enrollment opens to 18:00 on the last of those days.
    last = min(term.enrollment_closes or term.first_day, opens.date() + timedelta(days=SIGNUP_DAYS - 1))
    window = int((last - opens.date()).total_seconds()) + 10 * 3600
    rows = []
    for section in open_sections:
        picked = chosen[id(section)]
        # Waiting order = created_at: the enrolled were quicker than those on the waitlist.
        # Popular classes fill in the first days; the others over the whole window.
        span = window // 4 if id(section) in popular_ids else window
        times = sorted(opens + timedelta(hours=8, seconds=rng.randrange(span)) for _ in picked)
        for n, (i, at) in enumerate(zip(picked, times, strict=True)):
            learner = learners[i]
            if learner.id in proxies and rng.random() < BY_PROXY:
                by = rng.choice(proxies[learner.id])
            elif rng.random() < AT_DESK:
                by = admin.id
            else:
                by = own[learner.id]
            status = EnrollmentStatus.ENROLLED if n < section.seats else EnrollmentStatus.WAITLISTED
            rows.append({"section_id": section.id, "learner_id": learner.id, "status": status,
                         "created_at": at, "updated_at": at, "created_by_id": by})
    if rows:
        db.session.execute(sa.insert(Enrollment), rows)
    # The seat counter: exactly the enrolled rows of each section of the term.
    enrolled = (sa.select(sa.func.count()).select_from(Enrollment)
                .where(Enrollment.section_id == Section.id, Enrollment.status == EnrollmentStatus.ENROLLED)
                .scalar_subquery())
    db.session.execute(sa.update(Section).where(Section.term_id == term.id).values(enrolled=enrolled)
                       .execution_options(synchronize_session=False))
    for section in sections:
        db.session.expire(section, ["enrolled"])
    return len(rows)


SUBJECT_WEIGHTS = {code: weight for code, _, weight in d.SUBJECTS}


def _weight(section: Section) -> float:
    """How sought-after a section's course is: its subject's popularity, less for higher levels."""
    return SUBJECT_WEIGHTS.get(section.course.subject.code, 1) / (section.course.level or 1)
