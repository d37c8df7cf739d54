import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange

from college.extensions import db
from college.forms import CheckboxesField, choices
from college.places.models import ROOM_FEATURES, Site


FEATURE_LABELS = {
    "piano": _l("Piano"), "dance_floor": _l("Dance floor"), "computers": _l("Computers"),
    "desks": _l("Desks"), "kitchen": _l("Kitchen"), "step_free": _l("Step-free"),
    "projector": _l("Projector"), "easels": _l("Easels"), "stage": _l("Stage"),
}


def site_choices(account=None) -> list:
    query = sa.select(Site).order_by(Site.code)
    sites = db.session.scalars(query)
    if account is not None and not account.has_role("admin"):
        sites = [s for s in sites if account.coordinates_site(s.id)]
    return choices((s.id, f"{s.code} {s.name}") for s in sites)


class RoomForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int, validators=[DataRequired(_l("Choose a site."))])
    name = StringField(_l("Room name"), validators=[
        DataRequired(_l("Please give the room a name.")), Length(max=80)])
    seats = IntegerField(_l("Seats"), validators=[
        DataRequired(_l("Please enter the number of seats.")),
        NumberRange(min=1, max=2000, message=_l("Seats must be between 1 and 2000."))])
    features = CheckboxesField(_l("Features"), choices=choices((f, FEATURE_LABELS[f]) for f in ROOM_FEATURES))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from flask_login import current_user

        self.site_id.choices = site_choices(current_user)
