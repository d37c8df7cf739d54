"""Forms for areas, sites, closures and rooms, and two pickers the catalogue reuses:
a weekday × period grid of checkboxes and a list of sites grouped by subdistrict."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from college.extensions import db
from college.forms import CheckboxesField, choices
from college.i18n import DAY_CODES, DAY_NAMES, is_chinese
from college.places.models import AREA_LEVEL_ORDER, ROOM_FEATURES, Area, AreaLevel, Site

FEATURE_LABELS = {
    "piano": _l("Piano"), "dance_floor": _l("Dance floor"), "computers": _l("Computers"),
    "desks": _l("Desks"), "kitchen": _l("Kitchen"), "step_free": _l("Step-free"),
    "projector": _l("Projector"), "easels": _l("Easels"), "stage": _l("Stage"),
}
LEVEL_LABELS = {
    AreaLevel.DISTRICT: _l("District"), AreaLevel.SUBDISTRICT: _l("Subdistrict"),
    AreaLevel.COMMUNITY: _l("Community"), AreaLevel.GROUP: _l("Group"), AreaLevel.GRID: _l("Grid"),
}
DEFAULT_PERIODS = ["am1", "am2", "pm1", "pm2"]


def optional_int(value) -> int | None:
    """Coerce a select's value to an id, "" meaning none."""
    if value in (None, "", "None"):
        return None
    return int(value)


def feature_choices() -> list:
    """Room features as checkbox choices (rooms and courses use the same list)."""
    return choices((f, FEATURE_LABELS[f]) for f in ROOM_FEATURES)


def site_choices(account=None) -> list:
    """Sites as select choices; a coordinator is offered their own sites only."""
    sites = db.session.scalars(sa.select(Site).order_by(Site.code))
    if account is not None and not account.has_role("admin"):
        sites = [s for s in sites if account.coordinates_site(s.id)]
    return choices((s.id, f"{s.code} {s.name}") for s in sites)


def area_choices(blank: bool = False) -> list:
    """Every area, shown with its path, sorted by path."""
    areas = list(db.session.scalars(sa.select(Area)))
    pairs = sorted(((a.id, a.path()) for a in areas), key=lambda p: p[1])
    return choices(([("", _l("— none —"))] if blank else []) + pairs)


def period_columns() -> list[tuple[str, str]]:
    """(code, label) for the period columns of a slot grid: every term's periods, by start time."""
    from college.catalog.models import Period  # the catalogue builds on places; import late

    rows = db.session.execute(
        sa.select(Period.code, sa.func.min(Period.start)).group_by(Period.code)
        .order_by(sa.func.min(Period.start), Period.code)).all()
    if not rows:
        return [(code, code) for code in DEFAULT_PERIODS]
    return [(code, f"{code} {start:%H:%M}") for code, start in rows]


class SlotGridWidget:
    """Weekdays down, periods across, one big checkbox per slot; the hint says what none means."""

    def __call__(self, field, **kwargs) -> Markup:
        chosen = set(field.data or [])
        columns = list(field.columns)
        known = {code for code, _ in columns}
        for slot in sorted(chosen):  # keep slots of periods no term uses any more visible
            code = slot.split(":", 1)[-1]
            if code not in known:
                known.add(code)
                columns.append((code, code))
        names = DAY_NAMES["zh" if is_chinese() else "en"]
        html = []
        if field.description:
            html.append(f'<p class="hint" id="{field.id}-hint">{escape(field.description)}</p>')
        html.append(f'<div class="slot-grid-wrap"><table class="slot-grid" id="{field.id}">')
        html.append('<thead><tr><td></td>')
        html.extend(f'<th scope="col">{escape(label)}</th>' for _, label in columns)
        html.append('</tr></thead><tbody>')
        for day in DAY_CODES:
            html.append(f'<tr><th scope="row">{escape(names[day])}</th>')
            for code, _ in columns:
                value = f"{day}:{code}"
                checked = " checked" if value in chosen else ""
                html.append(
                    f'<td><label><input type="checkbox" name="{field.name}" value="{escape(value)}"{checked}>'
                    f'<span class="sr-only">{escape(names[day])} {escape(code)}</span></label></td>')
            html.append('</tr>')
        html.append('</tbody></table></div>')
        return Markup("".join(html))


class SlotGridField(CheckboxesField):
    """Weekly slots ("mon:am1") as a grid; an empty choice is stored as None."""

    widget = SlotGridWidget()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate_choice", False)  # the operation checks each slot with a message
        super().__init__(*args, choices=[], **kwargs)
        self.type = "CheckboxesField"  # rendered in a fieldset with its legend
        self.columns = []

    def process_data(self, value):
        self.data = list(value) if value else []


class SitePickerWidget:
    """Sites grouped by subdistrict, each group folded unless one of its sites is chosen."""

    def __call__(self, field, **kwargs) -> Markup:
        chosen = set(field.data or [])
        html = []
        if field.description:
            html.append(f'<p class="hint">{escape(field.description)}</p>')
        html.append(f'<div class="site-picker" id="{field.id}">')
        for group, sites in field.groups:
            picked = sum(1 for site_id, _ in sites if site_id in chosen)
            is_open = " open" if picked else ""
            html.append(f'<details{is_open}><summary>{escape(group)} ({picked}/{len(sites)})</summary>'
                        '<ul class="choices">')
            for site_id, label in sites:
                checked = " checked" if site_id in chosen else ""
                box = f"{field.id}-{site_id}"
                html.append(f'<li><input type="checkbox" id="{box}" name="{field.name}" value="{site_id}"{checked}>'
                            f'<label for="{box}">{escape(label)}</label></li>')
            html.append('</ul></details>')
        html.append('</div>')
        return Markup("".join(html))


def _subdistrict_of(area: Area, areas: dict[int, Area]) -> Area:
    while area.level not in (AreaLevel.DISTRICT, AreaLevel.SUBDISTRICT) and area.parent_id in areas:
        area = areas[area.parent_id]
    return area


class SitePickerField(CheckboxesField):
    """Many sites (84 in the district) as checkboxes grouped by subdistrict."""

    widget = SitePickerWidget()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, coerce=int, choices=[], **kwargs)
        self.type = "CheckboxesField"
        self.groups = []

    def process_data(self, value):
        self.data = [getattr(v, "id", v) for v in value] if value else []

    def load(self) -> None:
        """Fill the choices and groups from the database."""
        areas = {a.id: a for a in db.session.scalars(sa.select(Area))}
        groups: dict[str, list] = {}
        for site in db.session.scalars(sa.select(Site).order_by(Site.code)):
            area = areas.get(site.area_id)
            key = _subdistrict_of(area, areas).name if area else ""
            groups.setdefault(key, []).append((site.id, f"{site.code} {site.name}"))
        self.groups = sorted(groups.items())
        self.choices = choices((site_id, label) for _, sites in self.groups for site_id, label in sites)


class AreaForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please give the area a name.")), Length(max=80)])
    level = SelectField(_l("Level"), choices=choices((lv.value, LEVEL_LABELS[lv]) for lv in AREA_LEVEL_ORDER))
    parent_id = SelectField(_l("Belongs to"), coerce=optional_int,
                            description=_l("A district belongs to nothing; every other area belongs to an "
                                           "area one level up (a community to a subdistrict)."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_id.choices = area_choices(blank=True)


class SiteForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Please give the site a code.")), Length(max=20)],
                       description=_l("A short code such as S01, used in imports and the timetable."))
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please give the site a name.")), Length(max=120)])
    area_id = SelectField(_l("Area"), coerce=optional_int, validators=[InputRequired(_l("Choose an area."))])
    address = StringField(_l("Address"), validators=[Length(max=200)])
    latitude = FloatField(_l("Latitude"), validators=[Optional()],
                          description=_l("From a map, e.g. 25.49; leave empty if unknown."))
    longitude = FloatField(_l("Longitude"), validators=[Optional()],
                           description=_l("From a map, e.g. 103.80; leave empty if unknown."))
    child_safe = BooleanField(_l("Safe for classes with children"))
    step_free = BooleanField(_l("Step-free access"))
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=20)])
    open_slots = SlotGridField(
        _l("Opening times"),
        description=_l("Tick the periods in which the site is open. Tick nothing if it is always open."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_id.choices = area_choices()
        self.open_slots.columns = period_columns()


class ClosureForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=optional_int, validators=[InputRequired(_l("Choose a site."))])
    first_day = DateField(_l("First closed day"), validators=[InputRequired(_l("Please enter a date."))])
    last_day = DateField(_l("Last closed day"), validators=[InputRequired(_l("Please enter a date."))],
                         description=_l("The same as the first day for a closure of one day."))
    reason = StringField(_l("Reason"), validators=[Length(max=200)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_id.choices = site_choices(current_user)


class RoomForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int, validators=[DataRequired(_l("Choose a site."))])
    name = StringField(_l("Room name"), validators=[
        DataRequired(_l("Please give the room a name.")), Length(max=80)])
    seats = IntegerField(_l("Seats"), validators=[
        DataRequired(_l("Please enter the number of seats.")),
        NumberRange(min=1, max=2000, message=_l("Seats must be between 1 and 2000."))])
    features = CheckboxesField(_l("Features"), choices=feature_choices())
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_id.choices = site_choices(current_user)


def room_choices(account=None) -> list:
    """Rooms as select choices ("site · room"); a coordinator is offered the rooms of their own sites only."""
    from college.places.models import Room

    rooms = db.session.scalars(sa.select(Room).join(Room.site).order_by(Site.code, Room.name))
    if account is not None and not account.has_role("admin"):
        rooms = [r for r in rooms if account.coordinates_site(r.site_id)]
    return choices((r.id, f"{r.site.code} {r.site.name} · {r.name}") for r in rooms)


class RoomClosureForm(FlaskForm):
    room_id = SelectField(_l("Room"), coerce=optional_int, validators=[InputRequired(_l("Choose a room."))])
    first_day = DateField(_l("First closed day"), validators=[InputRequired(_l("Please enter a date."))])
    last_day = DateField(_l("Last closed day"), validators=[InputRequired(_l("Please enter a date."))],
                         description=_l("The same as the first day for a closure of one day."))
    reason = StringField(_l("Reason"), validators=[Length(max=200)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.room_id.choices = room_choices(current_user)


class TravelOverrideForm(FlaskForm):
    site_a_id = SelectField(_l("From site"), coerce=optional_int, validators=[InputRequired(_l("Choose a site."))])
    site_b_id = SelectField(_l("To site"), coerce=optional_int, validators=[InputRequired(_l("Choose a site."))])
    minutes = IntegerField(_l("Travel minutes"), validators=[
        InputRequired(_l("Please enter the minutes, e.g. 25.")),
        NumberRange(min=0, max=600, message=_l("Travel minutes are a whole number from 0 to 600."))],
        description=_l("The same both ways; it replaces the estimate from the map when the timetable is built."))
    note = StringField(_l("Note"), validators=[Length(max=200)],
                       description=_l("e.g. the bus takes longer than the map says"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_a_id.choices = site_choices()
        self.site_b_id.choices = site_choices()
