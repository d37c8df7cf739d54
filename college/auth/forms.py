"""The login form and the administrators' account form."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from college.auth.models import Role
from college.extensions import db
from college.forms import CheckboxesField, choices
from college.people.forms import LearnerField


class LoginForm(FlaskForm):
    phone = StringField(_l("Phone number"), validators=[
        DataRequired(_l("Please enter your phone number.")),
        Regexp(r"^\+?[0-9 -]{5,20}$", message=_l("A phone number has digits only, like 13800000000.")),
    ], render_kw={"autocomplete": "tel", "inputmode": "tel"})
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Please enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Log in"))


ROLE_LABELS = {
    Role.LEARNER: _l("Learner"), Role.PROXY: _l("Proxy (acts for learners)"), Role.TEACHER: _l("Teacher"),
    Role.COORDINATOR: _l("Site coordinator"), Role.ADMIN: _l("Administrator"),
    Role.GROUP: _l("Children's group organiser"),
}


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class AccountForm(FlaskForm):
    """An account as the administrator sees it; the password is only ever typed, never shown."""

    phone = StringField(_l("Phone number (used to log in)"), validators=[
        DataRequired(_l("Please enter a phone number.")),
        Length(max=30, message=_l("A phone number is at most 30 characters."))],
        render_kw={"inputmode": "tel", "autocomplete": "off"})
    display_name = StringField(_l("Name shown"), validators=[
        DataRequired(_l("Please enter the name shown for this account.")),
        Length(max=80, message=_l("A name can have at most %(max)d characters."))])
    role = SelectField(_l("Role"), invalid_choice_message=_l("Choose one of the roles in the list."))
    active = BooleanField(_l("Active (may log in)"), default=True)
    password = PasswordField(_l("New password"), validators=[Optional(), Length(max=200)],
                             description=_l("At least 8 characters. Leave empty to keep the current password."),
                             render_kw={"autocomplete": "new-password"})
    learner_id = LearnerField(_l("Learner record (for a learner account)"))
    teacher_id = SelectField(_l("Teacher record (for a teacher account)"), coerce=_optional_int,
                             invalid_choice_message=_l("Choose a teacher from the list."),
                             invalid_value_message=_l("Choose a teacher from the list."))
    children_group_id = SelectField(_l("Children's group (for a group organiser)"), coerce=_optional_int,
                                    invalid_choice_message=_l("Choose a children's group from the list."),
                                    invalid_value_message=_l("Choose a children's group from the list."))
    sites = CheckboxesField(_l("Sites this coordinator looks after"), coerce=int,
                            invalid_choice_message=_l("Choose sites from the list."),
                            invalid_value_message=_l("Choose sites from the list."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        from college.people.models import Teacher

        if obj is None:   # a new account needs a password; only an edit may leave it empty
            self.password.label.text = _l("Password")
            self.password.description = _l("At least 8 characters. Give it to the account holder in person.")
        from college.places.models import Site

        self.role.choices = choices((r.value, ROLE_LABELS[r]) for r in Role)
        teachers = db.session.scalars(sa.select(Teacher).order_by(Teacher.code))
        self.teacher_id.choices = choices([("", _l("(none)"))] + [(t.id, f"{t.code} {t.name}") for t in teachers])
        from college.people.models import ChildrenGroup

        groups = db.session.scalars(sa.select(ChildrenGroup).order_by(ChildrenGroup.code))
        self.children_group_id.choices = choices([("", _l("(none)"))] + [(g.id, f"{g.code} {g.name}") for g in groups])
        self.sites.choices = choices(
            (s.id, f"{s.code} {s.name}") for s in db.session.scalars(sa.select(Site).order_by(Site.code)))
