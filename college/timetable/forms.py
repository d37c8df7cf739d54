"""Forms of the timetable pages: start a solve, move a meeting; the buttons that only need CSRF."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange

from college.timetable.operations import MAX_TIME_LIMIT


class WholeNumberField(IntegerField):
    """An integer field that says in the user's language when the text is not a whole number."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0].strip())
            except ValueError:
                self.data = None
                raise ValueError(_l("Please enter a time limit in seconds.")) from None


class SolveForm(FlaskForm):
    """Build the timetable of a term with a time limit."""

    time_limit = WholeNumberField(
        _l("Time limit (seconds)"), default=60,
        validators=[InputRequired(_l("Please enter a time limit in seconds.")),
                    NumberRange(min=1, max=MAX_TIME_LIMIT,
                                message=_l("The time limit must be between 1 and %(max)s seconds.",
                                           max=MAX_TIME_LIMIT))],
        description=_l("The solver stops after this time with the best timetable it has found."))
    note = StringField(_l("Note"), validators=[Length(max=200)])
    submit = SubmitField(_l("Build the timetable"))


class ButtonForm(FlaskForm):
    """A POST button (cancel, publish): only the CSRF token."""


class MoveForm(FlaskForm):
    """Move one meeting to a time, a room and a teacher (the teacher of the whole class)."""

    slot = SelectField(_l("Time"), validators=[InputRequired(_l("Choose a time."))])
    room = SelectField(_l("Room"), coerce=int, validators=[InputRequired(_l("Choose a room."))])
    teacher = SelectField(_l("Teacher (of every meeting of this class)"), coerce=int,
                          validators=[InputRequired(_l("Choose a teacher."))])
    submit = SubmitField(_l("Move the meeting"))
