"""Forms of the calendar pages: cancel, move or give one session to a substitute; the button that makes a new
calendar link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField


class CancelForm(FlaskForm):
    """Cancel one dated session (the reason is checked by the operation, which says what is wrong)."""

    reason = StringField(_l("Reason learners are told"), id="cancel-reason")
    submit = SubmitField(_l("Cancel this session"))


class MoveForm(FlaskForm):
    """Move one dated session to another date, and maybe another period and room."""

    new_date = DateField(_l("New date"), validators=[], id="new_date")
    new_period = SelectField(_l("Period"), choices=[], id="new_period")
    new_room = SelectField(_l("Room"), choices=[], id="new_room")
    reason = StringField(_l("Reason learners are told"), id="move-reason")
    submit = SubmitField(_l("Move this session"))


class SubstituteForm(FlaskForm):
    """Give one dated session to another teacher, at its usual time and room."""

    # Any id is accepted here: the operation says why a teacher cannot take the session (the list may be
    # older than the teacher's day).
    teacher = SelectField(_l("Substitute teacher"), choices=[], id="substitute-teacher", validate_choice=False)
    reason = StringField(_l("Reason learners are told"), id="substitute-reason")
    submit = SubmitField(_l("Have this teacher take the session"))


class ButtonForm(FlaskForm):
    """A POST button: only the CSRF token."""
