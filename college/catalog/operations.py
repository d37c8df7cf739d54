"""Every change to terms (with their periods and calendar), subjects, courses and sections.

Each check raises RecordError(field, message) naming the form field (= model attribute);
then records.py writes the change and the audit log. Operations never commit.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from college.audit.operations import log_change
from college.catalog.models import (
    DAYS,
    CalendarDay,
    Course,
    DayKind,
    Period,
    Section,
    SectionStatus,
    Subject,
    Term,
)
from college.checks import current, text, unique
from college.extensions import db
from college.places.models import Site
from college.places.operations import (
    CODE_PATTERN,
    PERIOD_CODE,
    check_features,
    check_slots,
)
from college.records import RecordError, create_record, delete_record, update_record

MAX_TERM_DAYS = 366
MAX_PERIODS = 12
SUBJECT_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def _int(values: dict, obj, name: str, low: int, high: int, message, *, required: bool = True) -> int | None:
    value = current(values, obj, name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not (low <= value <= high):
        raise RecordError(name, message)
    return value


# Terms ---------------------------------------------------------------------------------------

def _check_term(values: dict, term: Term | None) -> None:
    name = text(values, term, "name", 80, _l("Please give the term a name."))
    unique(Term, Term.name, name, term, "name", _l("There is already a term called %(name)s.", name=name))
    first, last = current(values, term, "first_day"), current(values, term, "last_day")
    if not isinstance(first, date):
        raise RecordError("first_day", _l("Please enter a date."))
    if not 2000 <= first.year <= 2100:
        raise RecordError("first_day", _l("Please enter a date between 2000 and 2100."))
    if not isinstance(last, date):
        raise RecordError("last_day", _l("Please enter a date."))
    if last < first:
        raise RecordError("last_day", _l("The last teaching day cannot be before the first."))
    if (last - first).days >= MAX_TERM_DAYS:
        raise RecordError("last_day", _l("A term lasts at most a year."))
    opens, closes = current(values, term, "enrollment_opens"), current(values, term, "enrollment_closes")
    if opens is not None and not first - timedelta(days=MAX_TERM_DAYS) <= opens <= last:
        raise RecordError("enrollment_opens", _l("Enrollment opens within a year before the term and before it ends."))
    if closes is not None and closes > last:
        raise RecordError("enrollment_closes", _l("Enrollment closes by the last teaching day."))
    if opens is not None and closes is not None and closes < opens:
        raise RecordError("enrollment_closes", _l("Enrollment cannot close before it opens."))
    _check_lottery_day(values, term, last, opens, closes)
    cap = current(values, term, "max_classes_per_learner")
    if cap is not None and (not isinstance(cap, int) or isinstance(cap, bool) or not 1 <= cap <= 50):
        raise RecordError("max_classes_per_learner", _l("Enter a whole number from 1 to 50."))


def _check_lottery_day(values: dict, term: Term | None, last: date, opens, closes) -> None:
    """The draw day falls in the enrollment window (before the term ends); it may not be removed, or moved,
    once the draw has been run, nor removed while requests wait for it."""
    from college.enrollment.lottery import draw_of
    from college.enrollment.models import Enrollment, EnrollmentStatus

    day = current(values, term, "lottery_on")
    if day is not None and (opens is not None and day < opens or day > (closes or last)):
        raise RecordError("lottery_on", _l("The draw is on a day of the enrollment window."))
    if term is None or term.id is None:
        return
    if day == db.session.scalar(sa.select(Term.lottery_on).where(Term.id == term.id)):
        return
    if draw_of(term) is not None:
        raise RecordError("lottery_on", _l("The seats of this term have been drawn already: the draw day stays."))
    if day is None:
        waiting = db.session.scalar(
            sa.select(sa.func.count()).select_from(Enrollment).join(Section, Enrollment.section_id == Section.id)
            .where(Section.term_id == term.id, Enrollment.status == EnrollmentStatus.REQUESTED))
        if waiting:
            raise RecordError("lottery_on", _l("%(n)s requests wait for the draw: run it rather than remove its "
                                               "day.", n=waiting))


def _check_periods(periods: list[dict]) -> list[dict]:
    if not periods:
        raise RecordError("periods", _l("Please enter at least one period."))
    if len(periods) > MAX_PERIODS:
        raise RecordError("periods", _l("At most %(n)s periods a day.", n=MAX_PERIODS))
    cleaned, seen = [], set()
    for item in periods:
        code = str(item.get("code") or "").strip()
        if not PERIOD_CODE.match(code):
            raise RecordError("periods", _l("Period %(code)s: a code has small letters and digits only, like am1.",
                                            code=code or "?"))
        if code in seen:
            raise RecordError("periods", _l("Period %(code)s is listed twice.", code=code))
        seen.add(code)
        start, end, penalty = item.get("start"), item.get("end"), item.get("penalty", 0)
        if not isinstance(start, time) or not isinstance(end, time) or end <= start:
            raise RecordError("periods", _l("Period %(code)s: it must end after it starts.", code=code))
        if isinstance(penalty, bool) or not isinstance(penalty, int) or not 0 <= penalty <= 100:
            raise RecordError("periods", _l("Period %(code)s: the penalty is a whole number from 0 to 100.",
                                            code=code))
        cleaned.append({"code": code, "start": start, "end": end, "penalty": penalty})
    cleaned.sort(key=lambda p: p["start"])
    for before, after in zip(cleaned, cleaned[1:], strict=False):
        if after["start"] < before["end"]:
            raise RecordError("periods", _l("Periods %(a)s and %(b)s overlap.", a=before["code"], b=after["code"]))
    return cleaned


def _check_calendar(days: list[dict], first: date, last: date) -> list[dict]:
    cleaned, seen = [], set()
    for item in days:
        kind = item.get("kind")
        try:
            kind = DayKind(kind)
        except ValueError:
            raise RecordError("holidays", _l("A calendar day is a holiday or a make-up day.")) from None
        field = "holidays" if kind == DayKind.HOLIDAY else "makeup_days"
        day = item.get("day")
        if not isinstance(day, date):
            raise RecordError(field, _l("Please enter a date."))
        if not first <= day <= last:
            raise RecordError(field, _l("%(day)s is outside the term.", day=day.isoformat()))
        if day in seen:
            raise RecordError(field, _l("%(day)s is listed twice.", day=day.isoformat()))
        seen.add(day)
        works_as = item.get("works_as")
        if kind == DayKind.MAKEUP and works_as not in DAYS:
            raise RecordError(field, _l("%(day)s: say which weekday's classes it runs.", day=day.isoformat()))
        if kind == DayKind.HOLIDAY:
            works_as = None
        name = str(item.get("name") or "").strip()[:80]
        cleaned.append({"day": day, "kind": kind, "name": name, "works_as": works_as})
    return cleaned


def _grid_text(term: Term) -> tuple[list, list]:
    return ([f"{p.code} {p.start:%H:%M}-{p.end:%H:%M} {p.penalty}" for p in term.periods],
            [f"{d.day} {d.kind.value} {d.works_as or ''} {d.name}".strip() for d in term.calendar_days])


def _write_grid(term: Term, periods: list[dict] | None, days: list[dict] | None, actor) -> None:
    """Bring the term's periods and calendar days in line, keeping rows whose code or day stays."""
    before = _grid_text(term)
    if periods is not None:
        existing = {p.code: p for p in term.periods}
        wanted = {p["code"] for p in periods}
        for period in [p for p in term.periods if p.code not in wanted]:
            term.periods.remove(period)
        for item in periods:
            period = existing.get(item["code"])
            if period is None:
                term.periods.append(Period(**item))
            else:
                period.start, period.end, period.penalty = item["start"], item["end"], item["penalty"]
    if days is not None:
        existing = {d.day: d for d in term.calendar_days}
        wanted = {d["day"] for d in days}
        for day in [d for d in term.calendar_days if d.day not in wanted]:
            term.calendar_days.remove(day)
        for item in days:
            day = existing.get(item["day"])
            if day is None:
                term.calendar_days.append(CalendarDay(**item))
            else:
                day.kind, day.name, day.works_as = item["kind"], item["name"], item["works_as"]
    db.session.flush()
    db.session.expire(term, ["periods", "calendar_days"])  # reload in order
    after = _grid_text(term)
    changes = {key: [old, new] for key, old, new in zip(("periods", "calendar_days"), before, after, strict=True)
               if old != new}
    if changes:
        log_change(actor, "update", "term", term.id, str(term), changes)


def create_term(values: dict, actor) -> Term:
    """Add a term with its period grid (`periods`) and holidays/make-up days (`calendar_days`)."""
    values = dict(values)
    periods, days = values.pop("periods", None), values.pop("calendar_days", None) or []
    _check_term(values, None)
    periods = _check_periods(periods or [])
    days = _check_calendar(days, values["first_day"], values["last_day"])
    term = create_record(Term, values, actor)
    _write_grid(term, periods, days, actor)
    return term


def update_term(term: Term, values: dict, actor) -> Term:
    """Change a term; given `periods` or `calendar_days` replace the old ones in the same transaction."""
    values = dict(values)
    periods, days = values.pop("periods", None), values.pop("calendar_days", None)
    _check_term(values, term)
    first, last = current(values, term, "first_day"), current(values, term, "last_day")
    if periods is not None:
        periods = _check_periods(periods)
    if days is None:  # the stored days must still fall inside the new dates
        _check_calendar([{"day": d.day, "kind": d.kind, "name": d.name, "works_as": d.works_as}
                         for d in term.calendar_days], first, last)
    else:
        days = _check_calendar(days, first, last)
    update_record(term, values, actor)
    _write_grid(term, periods, days, actor)
    return term


def delete_term(term: Term, actor) -> None:
    """Delete a term with its grid and calendar; refused while it has sections."""
    delete_record(term, actor)


# Subjects ------------------------------------------------------------------------------------

def _check_subject(values: dict, subject: Subject | None) -> None:
    code = text(values, subject, "code", 40, _l("Please give the subject a code."))
    if not SUBJECT_CODE.match(code):
        raise RecordError("code", _l("A code has letters, digits, - or _ only, like calligraphy."))
    unique(Subject, Subject.code, code, subject, "code",
            _l("Another subject already has the code %(code)s.", code=code))
    name = text(values, subject, "name", 80, _l("Please give the subject a name."))
    unique(Subject, Subject.name, name, subject, "name", _l("There is already a subject called %(name)s.", name=name))


def create_subject(values: dict, actor) -> Subject:
    """Add a subject; code and name both unique."""
    _check_subject(values, None)
    return create_record(Subject, values, actor)


def update_subject(subject: Subject, values: dict, actor) -> Subject:
    """Change a subject under the same rules as create_subject."""
    _check_subject(values, subject)
    return update_record(subject, values, actor)


def delete_subject(subject: Subject, actor) -> None:
    """Delete a subject; refused while courses or teachers use it."""
    delete_record(subject, actor)


# Courses -------------------------------------------------------------------------------------

def _check_course(values: dict, course: Course | None) -> None:
    code = text(values, course, "code", 20, _l("Please give the course a code."))
    if not CODE_PATTERN.match(code):
        raise RecordError("code", _l("A code has letters, digits, - or _ only, like K001."))
    unique(Course, Course.code, code, course, "code", _l("Another course already has the code %(code)s.", code=code))
    subject_id = current(values, course, "subject_id")
    if subject_id is None or db.session.get(Subject, subject_id) is None:
        raise RecordError("subject_id", _l("Choose an existing subject."))
    name = text(values, course, "name", 120, _l("Please give the course a name."))
    level = _int(values, course, "level", 1, 9, _l("The level is between 1 and 9."))
    unique(Course, Course.name, name, course, "name",
            _l("This subject already has a course called %(name)s at this level.", name=name),
            Course.subject_id == subject_id, Course.level == level)
    _int(values, course, "meetings_per_week", 1, 7, _l("Between 1 and 7 meetings a week."))
    _int(values, course, "minutes", 15, 480, _l("Between 15 and 480 minutes."))
    _int(values, course, "seats", 1, 2000, _l("Seats must be between 1 and 2000."))
    fee = current(values, course, "fee", Decimal("0"))
    try:
        fee = Decimal(str(fee if fee is not None else "0"))
    except InvalidOperation:
        raise RecordError("fee", _l("The fee is 0 or more.")) from None
    if not fee.is_finite() or not Decimal("0") <= fee < Decimal("1000000"):
        raise RecordError("fee", _l("The fee is 0 or more."))
    if "fee" in values:
        values["fee"] = fee.quantize(Decimal("0.01"))
    min_age = _int(values, course, "min_age", 0, 120, _l("An age is between 0 and 120."), required=False)
    max_age = _int(values, course, "max_age", 0, 120, _l("An age is between 0 and 120."), required=False)
    if min_age is not None and max_age is not None and max_age < min_age:
        raise RecordError("max_age", _l("The oldest age cannot be below the youngest."))
    if "features" in values:
        values["features"] = check_features(values["features"])
    prerequisite_id = current(values, course, "prerequisite_id")
    if prerequisite_id is not None:
        prerequisite = db.session.get(Course, prerequisite_id)
        if prerequisite is None:
            raise RecordError("prerequisite_id", _l("Choose an existing course."))
        if course is not None:
            seen, step = set(), prerequisite
            while step is not None and step.id not in seen:
                if step.id == course.id:
                    raise RecordError("prerequisite_id", _l("A course cannot come before itself."))
                seen.add(step.id)
                step = step.prerequisite
    if "description" in values:
        values["description"] = (values["description"] or "").strip()


def create_course(values: dict, actor) -> Course:
    """Add a course to the catalogue; refuses bad ranges and unknown subjects or prerequisites."""
    _check_course(values, None)
    return create_record(Course, values, actor)


def update_course(course: Course, values: dict, actor) -> Course:
    """Change a course; a prerequisite may not lead back to the course itself."""
    _check_course(values, course)
    return update_record(course, values, actor)


def delete_course(course: Course, actor) -> None:
    """Delete a course; refused while sections or other courses (as prerequisite) use it."""
    delete_record(course, actor)


# Sections ------------------------------------------------------------------------------------

def _check_section(values: dict, section: Section | None) -> None:
    from college.people.models import ChildrenGroup, Teacher  # people builds on the catalogue

    code = text(values, section, "code", 20, _l("Please give the section a code."))
    if not CODE_PATTERN.match(code):
        raise RecordError("code", _l("A code has letters, digits, - or _ only, like C001."))
    term_id = current(values, section, "term_id")
    term = db.session.get(Term, term_id) if term_id is not None else None
    if term is None:
        raise RecordError("term_id", _l("Choose an existing term."))
    unique(Section, Section.code, code, section, "code",
            _l("This term already has a section %(code)s.", code=code), Section.term_id == term_id)
    course_id = current(values, section, "course_id")
    course = db.session.get(Course, course_id) if course_id is not None else None
    if course is None:
        raise RecordError("course_id", _l("Choose an existing course."))
    _int(values, section, "seats", 1, 2000, _l("Seats must be between 1 and 2000."))
    sites = current(values, section, "sites", [])
    if not sites:
        raise RecordError("sites", _l("Choose at least one site."))
    if not all(isinstance(s, Site) for s in sites):
        raise RecordError("sites", _l("Choose existing sites."))
    if "sites" in values:
        values["sites"] = list(dict.fromkeys(sites))
    teacher_id = current(values, section, "teacher_id")
    if teacher_id is not None:
        teacher = db.session.get(Teacher, teacher_id)
        if teacher is None:
            raise RecordError("teacher_id", _l("Choose an existing teacher."))
        if course.subject_id not in {s.id for s in teacher.subjects}:
            raise RecordError("teacher_id", _l("%(teacher)s does not teach %(subject)s.",
                                               teacher=teacher.name, subject=course.subject.name))
    group_id = current(values, section, "children_group_id")
    if group_id is not None:
        group = db.session.get(ChildrenGroup, group_id)
        if group is None:
            raise RecordError("children_group_id", _l("Choose an existing children group."))
        if not course.intergenerational:
            raise RecordError("children_group_id",
                              _l("Only a section of an intergenerational course has a children group."))
        # The timetable (rule H8) may hold such a class only at a child-safe site the group can reach.
        reachable = {site.id for site in group.sites}
        if not any(site.child_safe and site.id in reachable for site in sites):
            raise RecordError("sites", _l("Choose at least one site that is safe for children and that "
                                          "%(group)s can reach.", group=group.name))
        if teacher_id is not None and not teacher.intergenerational:
            raise RecordError("teacher_id", _l("%(teacher)s is not cleared to teach classes with children.",
                                               teacher=teacher.name))
    status = current(values, section, "status", SectionStatus.DRAFT)
    try:
        values["status"] = SectionStatus(status)
    except ValueError:
        raise RecordError("status", _l("Choose a status.")) from None
    _int(values, section, "min_days_apart", 0, 6, _l("Between 0 and 6 days."))
    slots = check_slots(current(values, section, "allowed_slots"), "allowed_slots")
    codes = {p.code for p in term.periods}
    for slot in slots or []:
        if slot.split(":", 1)[1] not in codes:
            raise RecordError("allowed_slots", _l("%(slot)s is not a period of %(term)s.", slot=slot, term=term.name))
    if "allowed_slots" in values:
        values["allowed_slots"] = slots


def create_section(values: dict, actor) -> Section:
    """Add a section of a course in a term; `sites` is a list of Site objects."""
    _check_section(values, None)
    return create_record(Section, values, actor)


def update_section(section: Section, values: dict, actor) -> Section:
    """Change a section under the same rules as create_section; its seats never below the learners
    already enrolled (the seat counter's CHECK would refuse it too, with a less helpful message).

    More seats in an open or closed class go at once to its waitlist, oldest first, in the same
    transaction (each move audited); a draft or cancelled class keeps its waitlist waiting."""
    from college.enrollment.operations import promote_waitlist  # enrollment builds on the catalogue

    _check_section(values, section)
    seats, before = values.get("seats"), section.seats
    if isinstance(seats, int) and seats < section.enrolled:
        raise RecordError("seats", _l("%(n)s learners are already enrolled: the class needs at least %(n)s seats. "
                                      "Withdraw learners first to make it smaller.", n=section.enrolled))
    update_record(section, values, actor)
    if section.seats > before and section.status in (SectionStatus.OPEN, SectionStatus.CLOSED):
        promote_waitlist(section, actor)
    return section


def delete_section(section: Section, actor) -> None:
    """Delete a section; refused while something (enrollments, timetables) still uses it."""
    from college.enrollment.operations import (
        count_enrollments,  # enrollment builds on the catalogue
    )

    held = count_enrollments(section=section)
    if held:
        raise RecordError(None, _l("Cannot delete %(section)s: it has %(n)s enrollment records (enrolled, waiting "
                                   "or withdrawn learners). Close or cancel the class instead.",
                                   section=section.code, n=held))
    delete_record(section, actor)
