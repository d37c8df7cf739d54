"""Every change to areas, sites, closures and rooms: checks, then records.py (audited)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from college.extensions import db
from college.places.models import Room, Site
from college.records import RecordError, create_record, delete_record, update_record


def _check_room(values: dict, room: Room | None = None) -> None:
    site_id = values.get("site_id", room.site_id if room else None)
    if site_id is None or db.session.get(Site, site_id) is None:
        raise RecordError("site_id", _l("Choose an existing site."))
    seats = values.get("seats", room.seats if room else None)
    if seats is None or seats <= 0:
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


def create_room(values: dict, actor) -> Room:
    _check_room(values)
    return create_record(Room, values, actor)


def update_room(room: Room, values: dict, actor) -> Room:
    _check_room(values, room)
    return update_record(room, values, actor)


def delete_room(room: Room, actor) -> None:
    delete_record(room, actor)
