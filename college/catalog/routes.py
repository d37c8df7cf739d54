"""Pages for terms, subjects, courses and sections (URL rules only; rules live in operations.py)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from college.admin.pages import IGNORED_FIELDS, Column, RecordPages, register_pages
from college.bulk.actions import bulk_actions
from college.catalog import operations as ops
from college.catalog.forms import (
    STATUS_LABELS,
    CourseForm,
    SectionForm,
    SubjectForm,
    TermForm,
    fill_term_form,
)
from college.catalog.models import Course, Section, Subject, Term
from college.extensions import db
from college.i18n import format_day
from college.places.forms import FEATURE_LABELS
from college.places.models import Site

bp = Blueprint("catalog", __name__, url_prefix="/admin")


def _plain_values(form) -> dict:
    return {k: v for k, v in form.data.items() if k not in IGNORED_FIELDS}


def _section_values(form) -> dict:
    values = _plain_values(form)
    values["sites"] = [site for site_id in values["sites"] if (site := db.session.get(Site, site_id)) is not None]
    return values


def _window(term: Term) -> str:
    window = ""
    if term.enrollment_opens is not None or term.enrollment_closes is not None:
        window = f"{format_day(term.enrollment_opens)} – {format_day(term.enrollment_closes)}"
    if term.lottery_on is not None:
        window = " · ".join(part for part in (window, str(_l("draw %(day)s", day=format_day(term.lottery_on))))
                            if part)
    return window


def _term_links(term: Term, account) -> list:
    """The seat draw of a term that draws its seats by lot."""
    from flask import url_for

    if term.lottery_on is None:
        return []
    return [(_l("Seat draw"), url_for("enrollment.draw", term_id=term.id))]


def _section_links(section: Section, account) -> list:
    """The class roster, for administrators: enrolled / seats."""
    from flask import url_for

    from college.auth.models import Role

    if account.role != Role.ADMIN:
        return []
    label = _l("Enrollments %(n)s/%(seats)s", n=section.enrolled, seats=section.seats)
    return [(label, url_for("enrollment.roster", section_id=section.id))]


register_pages(bp, RecordPages(
    name="terms", model=Term, title=_l("Terms"), singular=_l("term"), form=TermForm,
    columns=[
        Column(_l("Name"), lambda t: t.name),
        Column(_l("Teaching days"), lambda t: f"{format_day(t.first_day)} – {format_day(t.last_day)}"),
        Column(_l("Enrollment"), _window),
        Column(_l("Periods"), lambda t: " ".join(p.code for p in t.periods)),
        Column(_l("Holidays"), lambda t: sum(1 for d in t.calendar_days if d.kind == "holiday")),
    ],
    create=ops.create_term, update=ops.update_term, delete=ops.delete_term,
    search=[Term.name], order_by=[Term.first_day.desc()],
    form_values=lambda form: form.values(), fill_form=fill_term_form,
    options=lambda: [selectinload(Term.periods), selectinload(Term.calendar_days)],
    links=_term_links,
))

register_pages(bp, RecordPages(
    name="subjects", model=Subject, title=_l("Subjects"), singular=_l("subject"), form=SubjectForm,
    columns=[Column(_l("Code"), lambda s: s.code), Column(_l("Name"), lambda s: s.name)],
    create=ops.create_subject, update=ops.update_subject, delete=ops.delete_subject,
    search=[Subject.code, Subject.name], order_by=[Subject.code],
))

register_pages(bp, RecordPages(
    name="courses", model=Course, title=_l("Courses"), singular=_l("course"), form=CourseForm,
    columns=[
        Column(_l("Code"), lambda c: c.code),
        Column(_l("Name"), lambda c: c.name),
        Column(_l("Subject"), lambda c: c.subject.name),
        Column(_l("Level"), lambda c: c.level),
        Column(_l("Meetings a week"), lambda c: f"{c.meetings_per_week} × {c.minutes}′"),
        Column(_l("Seats"), lambda c: c.seats),
        Column(_l("Room must have"), lambda c: "、".join(str(FEATURE_LABELS.get(f, f)) for f in c.features)),
    ],
    create=ops.create_course, update=ops.update_course, delete=ops.delete_course,
    search=[Course.code, Course.name], order_by=[Course.code], form_values=_plain_values,
    options=lambda: [joinedload(Course.subject)],
    extra_actions=bulk_actions("courses"),
))

register_pages(bp, RecordPages(
    name="sections", model=Section, title=_l("Sections"), singular=_l("section"), form=SectionForm,
    columns=[
        Column(_l("Code"), lambda s: s.code),
        Column(_l("Term"), lambda s: s.term.name),
        Column(_l("Course"), lambda s: s.course.name),
        Column(_l("Sites"), lambda s: "、".join(site.name for site in s.sites[:3]) + ("…" if len(s.sites) > 3 else "")),
        Column(_l("Teacher"), lambda s: s.teacher.name if s.teacher else ""),
        Column(_l("Status"), lambda s: STATUS_LABELS[s.status]),
    ],
    create=ops.create_section, update=ops.update_section, delete=ops.delete_section,
    search=[Section.code, Course.name], order_by=[Section.term_id, Section.code],
    scope=lambda q, a: q.join(Section.course), form_values=_section_values,
    options=lambda: [joinedload(Section.term), joinedload(Section.course), joinedload(Section.teacher),
                     selectinload(Section.sites)],
    extra_actions=bulk_actions("sections"),
    links=_section_links,
))
