"""Forms for terms (with their period grid and calendar), subjects, courses and sections.

The term's periods, holidays and make-up days are typed one per line, which an administrator
can read back at a glance; each line is checked and a bad one is named by its number.
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from college.catalog.models import DAYS, Course, SectionStatus, Subject, Term
from college.extensions import db
from college.forms import CheckboxesField, choices
from college.i18n import DAY_NAMES
from college.places.forms import (
    SitePickerField,
    SlotGridField,
    feature_choices,
    optional_int,
    period_columns,
)

STATUS_LABELS = {
    SectionStatus.DRAFT: _l("Draft"), SectionStatus.OPEN: _l("Open for enrollment"),
    SectionStatus.CLOSED: _l("Enrollment closed"), SectionStatus.CANCELLED: _l("Cancelled"),
}

_TIME = r"(\d{1,2})[:：](\d{2})"
PERIOD_LINE = re.compile(rf"^(\S+)\s+{_TIME}\s*(?:-|–|—|~|～|至|到)\s*{_TIME}(?:\s+(\S+))?$")
_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
HOLIDAY_LINE = re.compile(rf"^{_DATE}(?:\s*(?:~|～|至|到|\.\.)\s*{_DATE})?(?:\s+(.*))?$")
MAKEUP_LINE = re.compile(rf"^{_DATE}\s+(\S+)(?:\s+(.*))?$")
WEEKDAY_WORDS = {**{d: d for d in DAYS}, **{name: d for d, name in DAY_NAMES["zh"].items()},
                 **{f"星期{name[-1]}": d for d, name in DAY_NAMES["zh"].items()},
                 **{name.lower(): d for d, name in DAY_NAMES["en"].items()}, "星期天": "sun", "周天": "sun"}
MAX_HOLIDAY_RANGE = 31


def _lines(text: str | None):
    """(line number, stripped line) for every line that is not empty."""
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if line:
            yield number, line


def _date(year: str, month: str, day: str) -> date:
    return date(int(year), int(month), int(day))


def parse_periods(text: str | None) -> list[dict]:
    """"am1 08:30-10:00 0" lines as [{code, start, end, penalty}]; ValidationError names the line."""
    periods = []
    for number, line in _lines(text):
        match = PERIOD_LINE.match(line)
        try:
            if match is None:
                raise ValueError
            code, h1, m1, h2, m2, penalty = match.groups()
            start, end = time(int(h1), int(m1)), time(int(h2), int(m2))
            penalty = int(penalty) if penalty is not None else 0
        except ValueError:
            raise ValidationError(_l("Line %(n)s: write a period like “am1 08:30-10:00 0” "
                                     "(code, start-end, penalty).", n=number)) from None
        periods.append({"code": code, "start": start, "end": end, "penalty": penalty})
    return periods


def parse_holidays(text: str | None) -> list[dict]:
    """"2027-04-05 清明节" or "2027-05-01~2027-05-05 劳动节" lines as holiday calendar days."""
    days = []
    for number, line in _lines(text):
        match = HOLIDAY_LINE.match(line)
        try:
            if match is None:
                raise ValueError
            groups = match.groups()
            first = _date(*groups[0:3])
            last = _date(*groups[3:6]) if groups[3] else first
        except ValueError:
            raise ValidationError(_l("Line %(n)s: write a holiday like “2027-04-05 清明节” or "
                                     "“2027-05-01~2027-05-05 劳动节”.", n=number)) from None
        if last < first or (last - first).days >= MAX_HOLIDAY_RANGE:
            raise ValidationError(_l("Line %(n)s: the last day must follow the first, within %(max)s days.",
                                     n=number, max=MAX_HOLIDAY_RANGE))
        name = (groups[6] or "").strip()[:80]
        days.extend({"day": date.fromordinal(o), "kind": "holiday", "name": name, "works_as": None}
                    for o in range(first.toordinal(), last.toordinal() + 1))
    return days


def parse_makeup_days(text: str | None) -> list[dict]:
    """"2027-04-25 mon 劳动节调休" lines as make-up working days that run a weekday's timetable."""
    days = []
    for number, line in _lines(text):
        match = MAKEUP_LINE.match(line)
        try:
            if match is None:
                raise ValueError
            year, month, day, weekday, name = match.groups()
            works_as = WEEKDAY_WORDS.get(weekday.lower())
            if works_as is None:
                raise ValueError
            days.append({"day": _date(year, month, day), "kind": "makeup",
                         "name": (name or "").strip()[:80], "works_as": works_as})
        except ValueError:
            raise ValidationError(_l("Line %(n)s: write a make-up day like “2027-04-25 周一 劳动节调休” "
                                     "(date, the weekday it works as, name).", n=number)) from None
    return days


def periods_text(periods) -> str:
    """The period grid back as lines, for the edit page."""
    return "\n".join(f"{p.code} {p.start:%H:%M}-{p.end:%H:%M} {p.penalty}" for p in periods)


def holidays_text(days) -> str:
    """Holidays back as lines, consecutive days with one name written as a range."""
    lines, run = [], []
    for day in [d for d in days if d.kind == "holiday"] + [None]:
        if run and (day is None or day.name != run[-1].name or day.day.toordinal() != run[-1].day.toordinal() + 1):
            span = f"{run[0].day}" if len(run) == 1 else f"{run[0].day}~{run[-1].day}"
            lines.append(f"{span} {run[0].name}".strip())
            run = []
        if day is not None:
            run.append(day)
    return "\n".join(lines)


def makeup_days_text(days) -> str:
    """Make-up days back as lines."""
    return "\n".join(f"{d.day} {DAY_NAMES['zh'].get(d.works_as, d.works_as)} {d.name}".strip()
                     for d in days if d.kind == "makeup")


class TermForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please give the term a name.")), Length(max=80)],
                       description=_l("For example 2027年春季学期."))
    first_day = DateField(_l("First teaching day"), validators=[InputRequired(_l("Please enter a date."))])
    last_day = DateField(_l("Last teaching day"), validators=[InputRequired(_l("Please enter a date."))])
    enrollment_opens = DateField(_l("Enrollment opens"), validators=[Optional()])
    enrollment_closes = DateField(_l("Enrollment closes"), validators=[Optional()])
    max_classes_per_learner = IntegerField(
        _l("Most classes per learner"), validators=[
            Optional(), NumberRange(min=1, max=50, message=_l("Enter a whole number from 1 to 50."))],
        description=_l("Optional. How many classes of this term one learner may hold, wait for or ask for, so that "
                       "popular classes are shared. Leave empty for no limit."))
    lottery_on = DateField(_l("Seats drawn by lot on"), validators=[Optional()],
                           description=_l("Optional. Requests made until this day take no seat at once: the "
                                          "seats are drawn by lot among them, so nobody has to be first. "
                                          "Leave empty for first come, first served."))
    periods = TextAreaField(
        _l("Periods of the day"), render_kw={"rows": 5},
        description=_l("One period a line: code, start-end, penalty for elders (0 = good time). "
                       "For example: am1 08:30-10:00 0"))
    holidays = TextAreaField(
        _l("Public holidays (no classes)"), render_kw={"rows": 5},
        description=_l("One a line: a date or a range, then the name. For example: 2027-04-05 清明节 "
                       "or 2027-05-01~2027-05-05 劳动节"))
    makeup_days = TextAreaField(
        _l("Make-up working days (调休)"), render_kw={"rows": 3},
        description=_l("One a line: the date, the weekday whose classes it runs, the name. "
                       "For example: 2027-04-25 周一 劳动节调休"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not isinstance(self.periods.data, str | None):  # filled from the record: show as lines
            self.periods.data = periods_text(self.periods.data)

    def validate_periods(self, field) -> None:
        field.parsed = parse_periods(field.data)
        if not field.parsed:
            raise ValidationError(_l("Please enter at least one period."))

    def validate_holidays(self, field) -> None:
        field.parsed = parse_holidays(field.data)

    def validate_makeup_days(self, field) -> None:
        field.parsed = parse_makeup_days(field.data)

    def values(self) -> dict:
        """The model values, periods and calendar days as lists of dicts."""
        return {
            "name": self.name.data, "first_day": self.first_day.data, "last_day": self.last_day.data,
            "enrollment_opens": self.enrollment_opens.data, "enrollment_closes": self.enrollment_closes.data,
            "lottery_on": self.lottery_on.data, "max_classes_per_learner": self.max_classes_per_learner.data,
            "periods": self.periods.parsed, "calendar_days": self.holidays.parsed + self.makeup_days.parsed,
        }


def fill_term_form(form: TermForm, term: Term) -> None:
    """Show the term's grid and calendar as lines on its edit page."""
    form.periods.data = periods_text(term.periods)
    form.holidays.data = holidays_text(term.calendar_days)
    form.makeup_days.data = makeup_days_text(term.calendar_days)


class SubjectForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Please give the subject a code.")), Length(max=40)],
                       description=_l("A short code such as calligraphy, used in imports and the timetable."))
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please give the subject a name.")), Length(max=80)])
    submit = SubmitField(_l("Save"))


def _subject_choices() -> list:
    return choices((s.id, f"{s.code} {s.name}") for s in db.session.scalars(sa.select(Subject).order_by(Subject.code)))


def _course_choices(blank: bool = False) -> list:
    pairs = [(c.id, f"{c.code} {c.name}") for c in db.session.scalars(sa.select(Course).order_by(Course.code))]
    return choices(([("", _l("— none —"))] if blank else []) + pairs)


class CourseForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Please give the course a code.")), Length(max=20)])
    subject_id = SelectField(_l("Subject"), coerce=optional_int, validators=[InputRequired(_l("Choose a subject."))])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please give the course a name.")), Length(max=120)])
    level = IntegerField(_l("Level"), default=1, validators=[
        InputRequired(_l("Please enter a level.")),
        NumberRange(min=1, max=9, message=_l("The level is between 1 and 9."))],
        description=_l("1 for beginners."))
    meetings_per_week = IntegerField(_l("Meetings a week"), default=1, validators=[
        InputRequired(_l("Please enter a number.")),
        NumberRange(min=1, max=7, message=_l("Between 1 and 7 meetings a week."))])
    minutes = IntegerField(_l("Minutes per meeting"), default=90, validators=[
        InputRequired(_l("Please enter a number.")),
        NumberRange(min=15, max=480, message=_l("Between 15 and 480 minutes."))])
    features = CheckboxesField(_l("Room must have"), choices=feature_choices())
    seats = IntegerField(_l("Seats"), validators=[
        InputRequired(_l("Please enter the number of seats.")),
        NumberRange(min=1, max=2000, message=_l("Seats must be between 1 and 2000."))])
    fee = DecimalField(_l("Fee (yuan)"), default=Decimal("0"), places=2, validators=[
        InputRequired(_l("Please enter the fee (0 if free).")),
        NumberRange(min=0, max=999999, message=_l("The fee is 0 or more."))])
    min_age = IntegerField(_l("Youngest age"), validators=[
        Optional(), NumberRange(min=0, max=120, message=_l("An age is between 0 and 120."))])
    max_age = IntegerField(_l("Oldest age"), validators=[
        Optional(), NumberRange(min=0, max=120, message=_l("An age is between 0 and 120."))])
    prerequisite_id = SelectField(_l("Course to finish first"), coerce=optional_int)
    intergenerational = BooleanField(_l("Intergenerational class (with children)"))
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject_id.choices = _subject_choices()
        self.prerequisite_id.choices = _course_choices(blank=True)


class SectionForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Please give the section a code.")), Length(max=20)],
                       description=_l("Unique in the term, such as C001."))
    term_id = SelectField(_l("Term"), coerce=optional_int, validators=[InputRequired(_l("Choose a term."))])
    course_id = SelectField(_l("Course"), coerce=optional_int, validators=[InputRequired(_l("Choose a course."))])
    seats = IntegerField(_l("Seats"), validators=[
        InputRequired(_l("Please enter the number of seats.")),
        NumberRange(min=1, max=2000, message=_l("Seats must be between 1 and 2000."))])
    sites = SitePickerField(_l("Sites where it may be held"),
                            description=_l("Open a subdistrict and tick its sites; the timetable picks one."))
    teacher_id = SelectField(_l("Teacher"), coerce=optional_int,
                             description=_l("Leave empty to let the timetable choose a teacher of the subject."))
    children_group_id = SelectField(_l("Children group"), coerce=optional_int,
                                    description=_l("Only for an intergenerational course."))
    status = SelectField(_l("Status"), choices=choices((s.value, STATUS_LABELS[s]) for s in SectionStatus))
    min_days_apart = IntegerField(_l("Days between meetings"), default=1, validators=[
        InputRequired(_l("Please enter a number.")),
        NumberRange(min=0, max=6, message=_l("Between 0 and 6 days."))])
    allowed_slots = SlotGridField(
        _l("Allowed times"),
        description=_l("Tick the periods the section may be held in. Tick nothing to allow any time."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        from college.people.models import ChildrenGroup, Teacher  # people builds on the catalogue

        super().__init__(*args, **kwargs)
        if hasattr(self.status.data, "value"):
            self.status.data = self.status.data.value
        self.term_id.choices = choices(
            (t.id, t.name) for t in db.session.scalars(sa.select(Term).order_by(Term.first_day.desc())))
        self.course_id.choices = _course_choices()
        teachers = db.session.scalars(
            sa.select(Teacher).options(selectinload(Teacher.subjects)).order_by(Teacher.code))
        self.teacher_id.choices = choices([("", _l("— none —"))] + [
            (t.id, f"{t.code} {t.name}（{'、'.join(s.name for s in t.subjects)}）") for t in teachers])
        groups = db.session.scalars(sa.select(ChildrenGroup).order_by(ChildrenGroup.code))
        self.children_group_id.choices = choices(
            [("", _l("— none —"))] + [(g.id, f"{g.code} {g.name}") for g in groups])
        self.sites.load()
        self.allowed_slots.columns = period_columns()
