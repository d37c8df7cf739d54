"""Forms for teachers, children groups, learners and proxy links (checks that need the
database live in operations.py)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, StopValidation

from college.catalog.models import DAYS, Period, Subject, Term
from college.extensions import db
from college.forms import CheckboxesField, choices
from college.i18n import DAY_NAMES, is_chinese
from college.people.models import Gender, Learner, ProxyRelation, TeacherKind
from college.places.models import Area, AreaLevel, Site

DEFAULT_PERIODS = ["am1", "am2", "pm1", "pm2"]
MAX_ID = 2**31 - 1   # record numbers fit a 32-bit integer column

KIND_LABELS = {TeacherKind.PROFESSIONAL: _l("Dispatched professional teacher"),
               TeacherKind.VOLUNTEER: _l("Volunteer (e.g. a retired teacher)")}
GENDER_LABELS = {Gender.FEMALE: _l("Female"), Gender.MALE: _l("Male"), Gender.UNSPECIFIED: _l("Not given")}
RELATION_LABELS = {ProxyRelation.FAMILY: _l("Family member"),
                   ProxyRelation.COMMUNITY_WORKER: _l("Community worker"),
                   ProxyRelation.GRID_WORKER: _l("Grid worker")}
HOME_LEVELS = (AreaLevel.COMMUNITY, AreaLevel.GROUP, AreaLevel.GRID)


def period_columns(extra_slots=()) -> list[tuple[str, str]]:
    """(code, heading) of the grid's periods: the latest term's, or am1/am2/pm1/pm2 without a term;
    periods already used by the record are kept so that editing never drops them."""
    term_id = db.session.scalar(sa.select(Term.id).order_by(Term.first_day.desc(), Term.id.desc()).limit(1))
    columns: list[tuple[str, str]] = []
    if term_id is not None:
        periods = db.session.scalars(sa.select(Period).where(Period.term_id == term_id).order_by(Period.start))
        columns = [(p.code, f"{p.code} {p.start.strftime('%H:%M')}") for p in periods]
    if not columns:
        columns = [(code, code) for code in DEFAULT_PERIODS]
    known = {code for code, _ in columns}
    for slot in extra_slots or ():
        code = str(slot).split(":", 1)[-1]
        if code and code not in known:
            known.add(code)
            columns.append((code, code))
    return columns


class SlotGridWidget:
    """A weekday × period table of checkboxes, one row per day."""

    def __call__(self, field, **kwargs):
        names = DAY_NAMES["zh" if is_chinese() else "en"]
        selected = set(field.data or ())
        head = "".join(f'<th scope="col">{escape(label)}</th>' for _, label in field.columns)
        rows = []
        for day in DAYS:
            cells = []
            for code, _ in field.columns:
                value = f"{day}:{code}"
                box_id = f"{field.id}-{day}-{code}"
                checked = " checked" if value in selected else ""
                cells.append(
                    f'<td><label class="slot-cell" for="{escape(box_id)}">'
                    f'<input type="checkbox" id="{escape(box_id)}" name="{escape(field.name)}" '
                    f'value="{escape(value)}"{checked}>'
                    f'<span class="sr-only">{escape(names[day])} {escape(code)}</span></label></td>')
            rows.append(f'<tr><th scope="row">{escape(names[day])}</th>{"".join(cells)}</tr>')
        corner = f'<th scope="col"><span class="sr-only">{escape(_l("Day"))}</span></th>'
        return Markup(f'<div class="slot-grid-wrap"><table class="slot-grid" id="{escape(field.id)}">'
                      f'<thead><tr>{corner}{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


class SlotGridField(CheckboxesField):
    """Weekly slots ("mon:am1") picked on a weekday × period grid."""

    widget = SlotGridWidget()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_choice_message",
                          _l("Pick slots from the grid only: one or more are not on it."))
        super().__init__(label, validators, **kwargs)
        self.type = "CheckboxesField"   # shown as a fieldset with a legend by macros.field
        self.columns: list[tuple[str, str]] = []

    def set_columns(self, columns: list[tuple[str, str]]) -> None:
        self.columns = columns
        self.choices = choices((f"{d}:{code}", f"{d}:{code}") for d in DAYS for code, _ in columns)


def optional_int(value):
    """'' or None as None, anything else as an int (a ValueError for text)."""
    if value in (None, "", "None"):
        return None
    return int(value)


def site_choices() -> list:
    """Every site, by code, as checkbox choices."""
    return choices((s.id, f"{s.code} {s.name}") for s in db.session.scalars(sa.select(Site).order_by(Site.code)))


def phone_field(label, required: bool = False) -> StringField:
    """A phone number box (digits keypad on a phone); operations normalise and check it."""
    checks = [DataRequired(_l("Please enter a phone number."))] if required else [Optional()]
    return StringField(label, validators=[*checks, Length(max=30, message=_l("A phone number is at most 30 characters."))],
                       render_kw={"inputmode": "tel", "autocomplete": "off"})


def max_meetings_field(label) -> IntegerField:
    """A teacher's weekly cap (the office's form and the teacher's own say it in their words)."""
    return IntegerField(label, validators=[
        Optional(), NumberRange(min=0, max=70, message=_l("Enter a whole number from 0 to 70."))],
        description=_l("Leave empty for no limit."))


def max_sites_field() -> IntegerField:
    return IntegerField(_l("Most sites in one day"), validators=[
        Optional(), NumberRange(min=1, max=20, message=_l("Enter a whole number from 1 to 20."))],
        description=_l("Leave empty for no limit."))


class TeacherForm(FlaskForm):
    code = StringField(_l("Teacher code"), validators=[
        DataRequired(_l("Please enter a code, like T001.")), Length(max=20, message=_l("At most %(max)d characters."))])
    name = StringField(_l("Full name"), validators=[
        DataRequired(_l("Please enter the teacher's name.")), Length(max=80, message=_l("At most %(max)d characters."))])
    kind = SelectField(_l("Kind of teacher"), choices=choices((k.value, KIND_LABELS[k]) for k in TeacherKind),
                       invalid_choice_message=_l("Choose dispatched professional or volunteer."))
    phone = phone_field(_l("Phone"))
    email = EmailField(_l("Email"), validators=[
        Optional(), Length(max=120, message=_l("At most %(max)d characters."))])
    subjects = CheckboxesField(_l("Subjects this teacher can teach"), coerce=int,
                               invalid_choice_message=_l("Choose subjects from the list."),
                               invalid_value_message=_l("Choose subjects from the list."))
    available = SlotGridField(_l("Weekly availability"))
    preferred = SlotGridField(_l("Preferred slots (only among the available ones)"))
    max_meetings = max_meetings_field(_l("Most meetings a week"))
    max_sites_per_day = max_sites_field()
    intergenerational = BooleanField(_l("Cleared for classes with children"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.kind.choices = choices((k.value, KIND_LABELS[k]) for k in TeacherKind)
        self.subjects.choices = choices(
            (s.id, s.name) for s in db.session.scalars(sa.select(Subject).order_by(Subject.code)))
        used = list(getattr(obj, "available", None) or []) + list(getattr(obj, "preferred", None) or [])
        columns = period_columns(used)
        self.available.set_columns(columns)
        self.preferred.set_columns(columns)


class MyAvailabilityForm(FlaskForm):
    """A teacher's own weekly times and limits (the rest of their record is the office's)."""

    available = SlotGridField(_l("When I can teach"))
    preferred = SlotGridField(_l("When I prefer to teach (only among those)"))
    max_meetings = max_meetings_field(_l("Most classes a week"))
    max_sites_per_day = max_sites_field()
    submit = SubmitField(_l("Save my times"))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        used = list(getattr(obj, "available", None) or []) + list(getattr(obj, "preferred", None) or [])
        columns = period_columns(used)
        self.available.set_columns(columns)
        self.preferred.set_columns(columns)

    def values(self) -> dict:
        return {"available": self.available.data or [], "preferred": self.preferred.data or [],
                "max_meetings": self.max_meetings.data, "max_sites_per_day": self.max_sites_per_day.data}


class ChildrenGroupForm(FlaskForm):
    code = StringField(_l("Group code"), validators=[
        DataRequired(_l("Please enter a code, like G01.")), Length(max=20, message=_l("At most %(max)d characters."))])
    name = StringField(_l("Group name"), validators=[
        DataRequired(_l("Please give the group a name.")), Length(max=120, message=_l("At most %(max)d characters."))],
        description=_l("Store no child's personal data here: only the group, its size and its ages."))
    organisation = StringField(_l("Organisation"), validators=[
        DataRequired(_l("Please enter the organisation that runs the group.")),
        Length(max=120, message=_l("At most %(max)d characters."))],
        description=_l("For example: Gulou community's half-past-four classroom."))
    coordinator_name = StringField(_l("Coordinator's name"), validators=[
        Optional(), Length(max=80, message=_l("At most %(max)d characters."))])
    coordinator_phone = phone_field(_l("Coordinator's phone"))
    size = IntegerField(_l("Number of children"), validators=[
        DataRequired(_l("Please enter the number of children (above 0).")),
        NumberRange(min=1, max=500, message=_l("Enter a whole number from 1 to 500."))])
    min_age = IntegerField(_l("Youngest age"), validators=[
        Optional(), NumberRange(min=3, max=17, message=_l("Children's ages are from 3 to 17."))])
    max_age = IntegerField(_l("Oldest age"), validators=[
        Optional(), NumberRange(min=3, max=17, message=_l("Children's ages are from 3 to 17."))])
    available = SlotGridField(_l("Free slots"))
    sites = CheckboxesField(_l("Sites the group can reach"), coerce=int,
                            invalid_choice_message=_l("Choose sites from the list."),
                            invalid_value_message=_l("Choose sites from the list."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.available.set_columns(period_columns(getattr(obj, "available", None) or []))
        self.sites.choices = site_choices()


class MyGroupForm(FlaskForm):
    """What a children's group organiser keeps of their own group: how many children come, when they are
    free, which sites they can reach, and who to call (the name and organisation stay the office's)."""

    size = IntegerField(_l("Number of children"), validators=[
        DataRequired(_l("Please enter the number of children (above 0).")),
        NumberRange(min=1, max=500, message=_l("Enter a whole number from 1 to 500."))])
    available = SlotGridField(_l("When the children are free"))
    sites = CheckboxesField(_l("Sites the children can reach"), coerce=int,
                            invalid_choice_message=_l("Choose sites from the list."),
                            invalid_value_message=_l("Choose sites from the list."),
                            description=_l("Only sites the college has checked as safe for children are listed."))
    coordinator_name = StringField(_l("Coordinator's name"), validators=[
        Optional(), Length(max=80, message=_l("At most %(max)d characters."))])
    coordinator_phone = phone_field(_l("Coordinator's phone"))
    submit = SubmitField(_l("Save our group"))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.available.set_columns(period_columns(getattr(obj, "available", None) or []))
        kept = {s.id for s in getattr(obj, "sites", None) or []}
        self.sites.choices = choices(
            (s.id, f"{s.code} {s.name}") for s in db.session.scalars(sa.select(Site).order_by(Site.code))
            if s.child_safe or s.id in kept)

    def values(self) -> dict:
        return {"size": self.size.data, "available": self.available.data or [], "sites": self.sites.data or [],
                "coordinator_name": self.coordinator_name.data or "",
                "coordinator_phone": self.coordinator_phone.data or ""}


def area_choices() -> list:
    """Communities and the groups and grids inside them: where a learner can live."""
    areas = db.session.scalars(sa.select(Area).where(Area.level.in_(HOME_LEVELS)).order_by(Area.name))
    return choices([("", _l("(not given)"))] + [(a.id, a.name) for a in areas])


class LearnerForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[
        DataRequired(_l("Please enter the learner's name.")), Length(max=80, message=_l("At most %(max)d characters."))])
    phone = phone_field(_l("Phone"), required=True)
    birth_date = DateField(_l("Birth date"), validators=[Optional()],
                           description=_l("For example 1958-03-02."))
    gender = SelectField(_l("Gender"), choices=choices((g.value, GENDER_LABELS[g]) for g in Gender),
                         invalid_choice_message=_l("Choose one of the listed answers."))
    home_area_id = SelectField(_l("Home community"), coerce=optional_int,
                               invalid_choice_message=_l("Choose an existing community."),
                               invalid_value_message=_l("Choose an existing community."))
    emergency_name = StringField(_l("Emergency contact's name"), validators=[
        Optional(), Length(max=80, message=_l("At most %(max)d characters."))])
    emergency_phone = phone_field(_l("Emergency contact's phone"))
    create_account = BooleanField(_l("Also create a login account with this phone number"))
    password = PasswordField(_l("Password for the new account"), validators=[Optional(), Length(max=200)],
                           description=_l("At least 8 characters. Give it to the learner in person."),
                           render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.home_area_id.choices = area_choices()
        self.gender.choices = choices((g.value, GENDER_LABELS[g]) for g in Gender)
        if obj is not None:   # the account is made when the learner is created (or on the accounts page)
            del self.create_account
            del self.password


class LearnerField(StringField):
    """A learner given by the number in the learners list or by their phone number; data is the id."""

    def __init__(self, label=None, validators=None, required=False, **kwargs):
        kwargs.setdefault("description", _l("The number shown in the list of learners, or the learner's phone number."))
        super().__init__(label, validators, **kwargs)
        self.required = required

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else ("" if self.data is None else str(self.data))

    def process_formdata(self, valuelist):
        self.data = (valuelist[0] if valuelist else "").strip()[:40] or None

    def pre_validate(self, form):
        from college.auth.operations import normalise_phone

        text = self.data
        if isinstance(text, int) or text is None:
            if text is None and self.required:
                raise StopValidation(_l("Please enter the learner's number or phone number."))
            return
        digits = normalise_phone(text)
        if not digits or any(ch.isalpha() for ch in text):
            raise StopValidation(_l("Enter the learner's number or phone number in digits."))
        if len(digits) <= 9 and int(digits) < MAX_ID and db.session.get(Learner, int(digits)) is not None:
            self.data = int(digits)
            return
        ids = list(db.session.scalars(sa.select(Learner.id).where(Learner.phone == digits).limit(2)))
        if not ids:
            raise StopValidation(_l("No learner has the number or phone number %(text)s.", text=text))
        if len(ids) > 1:
            raise StopValidation(_l("Several learners share the phone number %(text)s: enter the learner's number.",
                                    text=text))
        self.data = ids[0]


def proxy_choices() -> list:
    """Accounts with the proxy role."""
    from college.auth.models import Account, Role

    accounts = db.session.scalars(sa.select(Account).where(Account.role == Role.PROXY).order_by(Account.display_name))
    return choices([("", _l("(choose)"))] + [(a.id, str(a)) for a in accounts])


class ProxyLinkForm(FlaskForm):
    proxy_account_id = SelectField(_l("Proxy account"), coerce=optional_int,
                                   invalid_choice_message=_l("Choose the proxy's account."),
                                   invalid_value_message=_l("Choose the proxy's account."),
                                   validators=[DataRequired(_l("Choose the proxy's account."))])
    learner_id = LearnerField(_l("Learner (number or phone)"), required=True)
    relation = SelectField(_l("Relation"), choices=choices((r.value, RELATION_LABELS[r]) for r in ProxyRelation),
                           invalid_choice_message=_l("Choose family member, community worker or grid worker."))
    consent_at = DateTimeLocalField(_l("Consent given on"), validators=[
        DataRequired(_l("Please record when the learner gave consent."))],
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
    consent_note = TextAreaField(_l("How consent was given"), validators=[
        DataRequired(_l("Please note how the learner gave consent.")),
        Length(max=200, message=_l("At most %(max)d characters."))],
        description=_l("For example: signed form at the community office, witnessed by the grid worker."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.proxy_account_id.choices = proxy_choices()
        self.relation.choices = choices((r.value, RELATION_LABELS[r]) for r in ProxyRelation)


def teacher_choices() -> list:
    """Teachers as select choices, by code."""
    from college.people.models import Teacher

    return choices((t.id, f"{t.code} {t.name}") for t in db.session.scalars(sa.select(Teacher).order_by(Teacher.code)))


def weekday_choices() -> list:
    """The seven days as checkbox choices, in the reader's language."""
    names = DAY_NAMES["zh" if is_chinese() else "en"]
    return choices((d, names[d]) for d in DAYS)


class AbsenceForm(FlaskForm):
    teacher_id = SelectField(_l("Teacher"), coerce=int, validators=[DataRequired(_l("Choose a teacher."))])
    first_day = DateField(_l("First day away"), validators=[DataRequired(_l("Please enter a date."))])
    last_day = DateField(_l("Last day away"), validators=[Optional()],
                         description=_l("Leave empty while the return is not known."))
    days = CheckboxesField(_l("Only on these days"), invalid_choice_message=_l("Choose days from the list."),
                           description=_l("Leave all unticked when the teacher cannot teach on any day."))
    reason = StringField(_l("Reason"), validators=[Length(max=200, message=_l("At most %(max)d characters."))])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.teacher_id.choices = teacher_choices()
        self.days.choices = weekday_choices()
