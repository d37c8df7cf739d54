"""Pages for areas, sites, closures and rooms (URL rules only; rules live in operations.py)."""

import sqlalchemy as sa
from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from college.admin.pages import IGNORED_FIELDS, Column, RecordPages, register_pages
from college.auth.access import may_edit_site
from college.auth.models import Role
from college.bulk.actions import bulk_actions
from college.extensions import db
from college.i18n import format_day, format_slot
from college.places import operations as ops
from college.places.forms import (
    FEATURE_LABELS,
    LEVEL_LABELS,
    AreaForm,
    ClosureForm,
    RoomClosureForm,
    RoomForm,
    SiteForm,
    TravelOverrideForm,
)
from college.places.models import (
    AREA_LEVEL_ORDER,
    Area,
    Room,
    RoomClosure,
    Site,
    SiteClosure,
    TravelOverride,
)

bp = Blueprint("places", __name__, url_prefix="/admin")

def _own_site_ids(account) -> list[int]:
    return [site.id for site in account.sites]


def own_sites_only(query, account):
    """Coordinators see only rooms of the sites they look after."""
    if account.has_role(Role.ADMIN):
        return query
    return query.where(Room.site_id.in_(_own_site_ids(account)))


def may_edit_room(room, account, values) -> bool:
    """A coordinator may touch rooms of their own sites only, and not move one elsewhere."""
    if room is not None and not may_edit_site(account, room.site_id):
        return False
    return values is None or may_edit_site(account, values.get("site_id"))


def may_edit_closure(closure, account, values) -> bool:
    """A coordinator may touch closures of their own sites only, and not move one elsewhere."""
    if closure is not None and not may_edit_site(account, closure.site_id):
        return False
    return values is None or may_edit_site(account, values.get("site_id"))


def may_edit_site_record(site, account, values) -> bool:
    """Administrators edit every site; a coordinator edits their own and creates none."""
    if site is None:
        return account.has_role(Role.ADMIN)
    return may_edit_site(account, site.id)


def _form_values(form) -> dict:
    return {k: v for k, v in form.data.items() if k not in IGNORED_FIELDS}


def _slots_text(slots) -> str:
    if not slots:
        return str(_l("Always open"))
    return "、".join(format_slot(s) for s in slots[:6]) + ("…" if len(slots) > 6 else "")


register_pages(bp, RecordPages(
    name="areas", model=Area, title=_l("Areas"), singular=_l("area"), form=AreaForm,
    columns=[
        Column(_l("Area"), lambda a: a.path()),
        Column(_l("Level"), lambda a: LEVEL_LABELS[a.level]),
    ],
    create=ops.create_area, update=ops.update_area, delete=ops.delete_area,
    search=[Area.name],
    order_by=[sa.case({lv: i for i, lv in enumerate(AREA_LEVEL_ORDER)}, value=Area.level), Area.name],
    options=lambda: [joinedload(Area.parent)],
))

register_pages(bp, RecordPages(
    name="sites", model=Site, title=_l("Sites"), singular=_l("site"), form=SiteForm,
    columns=[
        Column(_l("Code"), lambda s: s.code),
        Column(_l("Name"), lambda s: s.name),
        Column(_l("Area"), lambda s: s.area.path()),
        Column(_l("Address"), lambda s: s.address),
        Column(_l("Opening times"), lambda s: _slots_text(s.open_slots)),
        Column(_l("Rooms"), lambda s: len(s.rooms)),
    ],
    create=ops.create_site, update=ops.update_site, delete=ops.delete_site,
    search=[Site.code, Site.name, Site.address], order_by=[Site.code],
    roles=(Role.ADMIN, Role.COORDINATOR),
    scope=lambda q, a: q if a.has_role(Role.ADMIN) else q.where(Site.id.in_(_own_site_ids(a))),
    allowed=may_edit_site_record, form_values=_form_values, delete_roles=(Role.ADMIN,),
    options=lambda: [joinedload(Site.area), selectinload(Site.rooms)],
    extra_actions=bulk_actions("sites"),
))

register_pages(bp, RecordPages(
    name="closures", model=SiteClosure, title=_l("Site closures"), singular=_l("closure"), form=ClosureForm,
    columns=[
        Column(_l("Site"), lambda c: c.site.name),
        Column(_l("First closed day"), lambda c: format_day(c.first_day)),
        Column(_l("Last closed day"), lambda c: format_day(c.last_day)),
        Column(_l("Reason"), lambda c: c.reason),
    ],
    create=ops.create_closure, update=ops.update_closure, delete=ops.delete_closure,
    search=[Site.name, SiteClosure.reason], order_by=[SiteClosure.first_day, Site.code],
    roles=(Role.ADMIN, Role.COORDINATOR),
    scope=lambda q, a: q.join(SiteClosure.site) if a.has_role(Role.ADMIN) else q.join(SiteClosure.site).where(
        SiteClosure.site_id.in_(_own_site_ids(a))),
    allowed=may_edit_closure, options=lambda: [joinedload(SiteClosure.site)],
))

register_pages(bp, RecordPages(
    name="rooms", model=Room, title=_l("Rooms"), singular=_l("room"), form=RoomForm,
    columns=[
        Column(_l("Site"), lambda r: r.site.name),
        Column(_l("Room name"), lambda r: r.name),
        Column(_l("Seats"), lambda r: r.seats),
        Column(_l("Features"), lambda r: "、".join(str(FEATURE_LABELS.get(f, f)) for f in r.features)),
    ],
    create=ops.create_room, update=ops.update_room, delete=ops.delete_room,
    search=[Room.name, Site.name], order_by=[Room.site_id, Room.name],
    roles=(Role.ADMIN, Role.COORDINATOR), scope=lambda q, a: own_sites_only(q.join(Room.site), a),
    allowed=may_edit_room, options=lambda: [joinedload(Room.site)], extra_actions=bulk_actions("rooms"),
))



def may_edit_room_closure(closure, account, values) -> bool:
    """A coordinator may touch closures of rooms at their own sites only."""
    if closure is not None and not may_edit_site(account, closure.room.site_id):
        return False
    if values is None or values.get("room_id") is None:
        return True
    room = db.session.get(Room, values["room_id"])
    return room is not None and may_edit_site(account, room.site_id)


register_pages(bp, RecordPages(
    name="room_closures", model=RoomClosure, title=_l("Room closures"), singular=_l("room closure"),
    form=RoomClosureForm,
    columns=[
        Column(_l("Site"), lambda c: c.room.site.name),
        Column(_l("Room"), lambda c: c.room.name),
        Column(_l("First closed day"), lambda c: format_day(c.first_day)),
        Column(_l("Last closed day"), lambda c: format_day(c.last_day)),
        Column(_l("Reason"), lambda c: c.reason),
    ],
    create=ops.create_room_closure, update=ops.update_room_closure, delete=ops.delete_room_closure,
    search=[Room.name, Site.name, RoomClosure.reason], order_by=[RoomClosure.first_day.desc()],
    roles=(Role.ADMIN, Role.COORDINATOR),
    scope=lambda q, a: own_sites_only(q.join(RoomClosure.room).join(Room.site), a),
    allowed=may_edit_room_closure, options=lambda: [joinedload(RoomClosure.room).joinedload(Room.site)],
))


def _site_label(site) -> str:
    return f"{site.code} {site.name}"


register_pages(bp, RecordPages(
    name="travel", model=TravelOverride, title=_l("Travel times between sites"), singular=_l("travel time"),
    form=TravelOverrideForm,
    columns=[
        Column(_l("From site"), lambda t: _site_label(t.site_a)),
        Column(_l("To site"), lambda t: _site_label(t.site_b)),
        Column(_l("Travel minutes"), lambda t: t.minutes),
        Column(_l("Note"), lambda t: t.note),
    ],
    create=ops.create_travel_override, update=ops.update_travel_override, delete=ops.delete_travel_override,
    search=[TravelOverride.note], order_by=[TravelOverride.site_a_id, TravelOverride.site_b_id],
    options=lambda: [joinedload(TravelOverride.site_a), joinedload(TravelOverride.site_b)],
))
