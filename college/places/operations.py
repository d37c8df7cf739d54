"""Every change to areas, sites, closures and rooms: checks, then records.py (audited).

Each check raises RecordError(field, message) naming the form field (= model attribute).
"""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from college.checks import current, text, unique
from college.extensions import db
from college.i18n import DAY_CODES
from college.places.models import (
    AREA_LEVEL_ORDER,
    ROOM_FEATURES,
    Area,
    AreaLevel,
    Room,
    RoomClosure,
    Site,
    SiteClosure,
    TravelOverride,
)
from college.records import RecordError, create_record, delete_record, update_record

CODE_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,20}$")
FEATURE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
PERIOD_CODE = re.compile(r"^[a-z0-9_]{1,10}$")








def check_slots(slots, field: str) -> list[str] | None:
    """Weekly slots "mon:am1"; an empty list means "no limit" and is stored as None."""
    if not slots:
        return None
    cleaned = []
    for slot in slots:
        day, _, period = str(slot).partition(":")
        if day not in DAY_CODES or not PERIOD_CODE.match(period):
            raise RecordError(field, _l("%(slot)s is not a weekly slot like mon:am1.", slot=slot))
        if slot not in cleaned:
            cleaned.append(slot)
    return cleaned


# Areas ---------------------------------------------------------------------------------------

def _check_area(values: dict, area: Area | None = None) -> None:
    name = text(values, area, "name", 80, _l("Please give the area a name."))
    level = current(values, area, "level")
    try:
        level = AreaLevel(level)
    except ValueError:
        raise RecordError("level", _l("Choose a level.")) from None
    values["level"] = level
    parent_id = current(values, area, "parent_id")
    if level == AreaLevel.DISTRICT:
        if parent_id is not None:
            raise RecordError("parent_id", _l("A district belongs to no other area."))
    else:
        parent = db.session.get(Area, parent_id) if parent_id is not None else None
        wanted = AREA_LEVEL_ORDER[AREA_LEVEL_ORDER.index(level) - 1]
        if parent is None or parent.level != wanted:
            raise RecordError("parent_id", _l("Choose the area one level up (%(level)s).",
                                              level=_level_label(wanted)))
    if area is not None and level != area.level and area.children:
        raise RecordError("level", _l("This area has areas under it; its level cannot change."))
    unique(Area, Area.name, name, area, "name", _l("There is already an area called %(name)s here.", name=name),
            Area.parent_id.is_(None) if parent_id is None else Area.parent_id == parent_id)


def _level_label(level: AreaLevel) -> str:
    from college.places.forms import LEVEL_LABELS

    return str(LEVEL_LABELS[level])


def create_area(values: dict, actor) -> Area:
    """Add an area one level below its parent; refuses a name its parent already has."""
    _check_area(values)
    return create_record(Area, values, actor)


def update_area(area: Area, values: dict, actor) -> Area:
    """Change an area under the same rules as create_area."""
    _check_area(values, area)
    return update_record(area, values, actor)


def delete_area(area: Area, actor) -> None:
    """Delete an area; refused while areas, sites or learners belong to it."""
    delete_record(area, actor)


# Sites ---------------------------------------------------------------------------------------

def _check_site(values: dict, site: Site | None = None) -> None:
    code = text(values, site, "code", 20, _l("Please give the site a code."))
    if not CODE_PATTERN.match(code):
        raise RecordError("code", _l("A code has letters, digits, - or _ only, like S01."))
    unique(Site, Site.code, code, site, "code", _l("Another site already has the code %(code)s.", code=code))
    name = text(values, site, "name", 120, _l("Please give the site a name."))
    area_id = current(values, site, "area_id")
    if area_id is None or db.session.get(Area, area_id) is None:
        raise RecordError("area_id", _l("Choose an existing area."))
    unique(Site, Site.name, name, site, "name",
            _l("This area already has a site called %(name)s.", name=name), Site.area_id == area_id)
    for field, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = current(values, site, field)
        if value is None:
            continue
        try:
            value = float(value)
        except (TypeError, ValueError):
            value = float("nan")
        if not low <= value <= high:  # NaN fails too
            raise RecordError(field, _l("Must be between %(low)s and %(high)s.", low=low, high=high))
        if field in values:
            values[field] = value
    for field, limit in (("address", 200), ("contact_phone", 20)):
        value = (current(values, site, field, "") or "").strip()
        if len(value) > limit:
            raise RecordError(field, _l("At most %(n)s characters, please.", n=limit))
        if field in values:
            values[field] = value
    phone = values.get("contact_phone")
    if phone and not re.fullmatch(r"[0-9+\- ]{5,20}", phone):
        raise RecordError("contact_phone", _l("A phone number has digits only, like 13800000000."))
    if "open_slots" in values:
        values["open_slots"] = check_slots(values["open_slots"], "open_slots")


def create_site(values: dict, actor) -> Site:
    """Add a teaching point; code unique, name unique in its area, coordinates in range."""
    _check_site(values)
    return create_record(Site, values, actor)


def update_site(site: Site, values: dict, actor) -> Site:
    """Change a teaching point under the same rules as create_site."""
    _check_site(values, site)
    return update_record(site, values, actor)


def delete_site(site: Site, actor) -> None:
    """Delete a site with its closures; refused while rooms, sections or children groups use it."""
    delete_record(site, actor)


# Closures ------------------------------------------------------------------------------------

def _check_closure_dates(values: dict, closure: SiteClosure | RoomClosure | None) -> None:
    """The dates and reason of a site or room closure: ordered, at most a year, reason trimmed."""
    first, last = current(values, closure, "first_day"), current(values, closure, "last_day")
    if not isinstance(first, date):
        raise RecordError("first_day", _l("Please enter a date."))
    if not isinstance(last, date):
        raise RecordError("last_day", _l("Please enter a date."))
    if last < first:
        raise RecordError("last_day", _l("The last day cannot be before the first day."))
    if (last - first).days > 366:
        raise RecordError("last_day", _l("A closure lasts at most a year."))
    reason = (current(values, closure, "reason", "") or "").strip()
    if len(reason) > 200:
        raise RecordError("reason", _l("At most %(n)s characters, please.", n=200))
    values["reason"] = reason


def _check_closure(values: dict, closure: SiteClosure | None = None) -> None:
    site_id = current(values, closure, "site_id")
    if site_id is None or db.session.get(Site, site_id) is None:
        raise RecordError("site_id", _l("Choose an existing site."))
    _check_closure_dates(values, closure)


def create_closure(values: dict, actor) -> SiteClosure:
    """Close a site from first_day to last_day (inclusive, ordered)."""
    _check_closure(values)
    return create_record(SiteClosure, values, actor)


def update_closure(closure: SiteClosure, values: dict, actor) -> SiteClosure:
    """Change a closure under the same rules as create_closure."""
    _check_closure(values, closure)
    return update_record(closure, values, actor)


def delete_closure(closure: SiteClosure, actor) -> None:
    """Delete a closure: the site is open on those days again."""
    delete_record(closure, actor)


# Rooms ---------------------------------------------------------------------------------------

def _check_room(values: dict, room: Room | None = None) -> None:
    site_id = values.get("site_id", room.site_id if room else None)
    if site_id is None or db.session.get(Site, site_id) is None:
        raise RecordError("site_id", _l("Choose an existing site."))
    seats = values.get("seats", room.seats if room else None)
    if isinstance(seats, bool) or not isinstance(seats, int) or seats <= 0:
        raise RecordError("seats", _l("Seats must be a whole number above 0."))
    name = (values.get("name", room.name if room else "") or "").strip()
    if not name:
        raise RecordError("name", _l("Please give the room a name."))
    clash = sa.select(Room.id).where(Room.site_id == site_id, Room.name == name)
    if room is not None:
        clash = clash.where(Room.id != room.id)
    if db.session.scalar(clash) is not None:
        raise RecordError("name", _l("This site already has a room called %(name)s.", name=name))
    values["name"] = name
    if "features" in values:
        values["features"] = check_features(values["features"])


def check_features(features) -> list[str]:
    """Feature names such as "piano" (the pages offer ROOM_FEATURES), each once (rooms and courses)."""
    cleaned = []
    for feature in features or []:
        if feature not in ROOM_FEATURES and not FEATURE_PATTERN.match(str(feature)):
            raise RecordError("features", _l("%(feature)s is not a feature name like piano or dance_floor.", feature=feature))
        if feature not in cleaned:
            cleaned.append(feature)
    return cleaned


def create_room(values: dict, actor) -> Room:
    """Add a room to a site; seats above 0, name unique in the site."""
    _check_room(values)
    return create_record(Room, values, actor)


def update_room(room: Room, values: dict, actor) -> Room:
    """Change a room under the same rules as create_room."""
    _check_room(values, room)
    return update_record(room, values, actor)


def delete_room(room: Room, actor) -> None:
    """Delete a room; refused while something still uses it."""
    delete_record(room, actor)



# Room closures -------------------------------------------------------------------------------

def _check_room_closure(values: dict, closure: RoomClosure | None = None) -> None:
    room_id = current(values, closure, "room_id")
    if room_id is None or db.session.get(Room, room_id) is None:
        raise RecordError("room_id", _l("Choose an existing room."))
    _check_closure_dates(values, closure)


def _room_closure_summary(values: dict, closure: RoomClosure | None = None) -> str:
    room = db.session.get(Room, current(values, closure, "room_id"))
    return f"{room.site.name if room else '?'} · {room.name if room else '?'} {current(values, closure, 'first_day')}"


def create_room_closure(values: dict, actor) -> RoomClosure:
    """Close one room from first_day to last_day (inclusive) while the rest of its site stays open;
    the next timetable repair moves its meetings."""
    _check_room_closure(values)
    return create_record(RoomClosure, values, actor, summary=_room_closure_summary(values))


def update_room_closure(closure: RoomClosure, values: dict, actor) -> RoomClosure:
    """Change a room closure under the same rules as create_room_closure."""
    _check_room_closure(values, closure)
    return update_record(closure, values, actor, summary=_room_closure_summary(values, closure))


def delete_room_closure(closure: RoomClosure, actor) -> None:
    """Delete a room closure: the room can be used again from the next solve."""
    delete_record(closure, actor, summary=_room_closure_summary({}, closure))


# Travel overrides ----------------------------------------------------------------------------

MAX_TRAVEL_MINUTES = 600


def _check_travel_override(values: dict, override: TravelOverride | None = None) -> None:
    """Two different existing sites, stored in order (site_a_id < site_b_id), one override per pair."""
    a, b = current(values, override, "site_a_id"), current(values, override, "site_b_id")
    for field, site_id in (("site_a_id", a), ("site_b_id", b)):
        if site_id is None or db.session.get(Site, site_id) is None:
            raise RecordError(field, _l("Choose an existing site."))
    if a == b:
        raise RecordError("site_b_id", _l("Choose two different sites: a site needs no travel time to itself."))
    minutes = current(values, override, "minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= MAX_TRAVEL_MINUTES:
        raise RecordError("minutes", _l("Travel minutes are a whole number from 0 to %(max)s.",
                                        max=MAX_TRAVEL_MINUTES))
    note = (current(values, override, "note", "") or "").strip()
    if len(note) > 200:
        raise RecordError("note", _l("At most %(n)s characters, please.", n=200))
    low, high = sorted((a, b))
    values.update(site_a_id=low, site_b_id=high, minutes=minutes, note=note)
    clash = sa.select(TravelOverride).where(TravelOverride.site_a_id == low, TravelOverride.site_b_id == high)
    if override is not None:
        clash = clash.where(TravelOverride.id != override.id)
    other = db.session.scalar(clash)
    if other is not None:
        raise RecordError("site_b_id", _l("These two sites already have a travel time (%(n)s minutes): "
                                          "change that one instead.", n=other.minutes))


def _travel_summary(values: dict, override: TravelOverride | None = None) -> str:
    a = db.session.get(Site, current(values, override, "site_a_id"))
    b = db.session.get(Site, current(values, override, "site_b_id"))
    return f"{a.name if a else '?'} ↔ {b.name if b else '?'}: {current(values, override, 'minutes')}"


def create_travel_override(values: dict, actor) -> TravelOverride:
    """Set the travel minutes between two sites (both ways), in place of the map estimate."""
    _check_travel_override(values)
    return create_record(TravelOverride, values, actor, summary=_travel_summary(values))


def update_travel_override(override: TravelOverride, values: dict, actor) -> TravelOverride:
    """Change a travel override under the same rules as create_travel_override."""
    _check_travel_override(values, override)
    return update_record(override, values, actor, summary=_travel_summary(values, override))


def delete_travel_override(override: TravelOverride, actor) -> None:
    """Delete a travel override: the map estimate holds again from the next timetable."""
    delete_record(override, actor, summary=_travel_summary({}, override))
