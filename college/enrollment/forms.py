"""Forms of the enrollment pages: an administrator enrolls a learner found by phone number; a learner or
proxy confirms an enrollment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length


class EnrollByPhoneForm(FlaskForm):
    """The learner's phone number; when several learners share it, which of them."""

    phone = StringField(_l("Learner's phone number"), validators=[InputRequired(_l("Please enter a phone number.")),
                                                                  Length(max=20)])
    learner_id = SelectField(_l("Which learner"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Enroll"))


class ChooseLearnerForm(FlaskForm):
    """A learner confirms; a proxy also says which of their linked learners (choices set by the page)."""

    learner_id = RadioField(_l("Who is enrolling?"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Yes, enroll"))
