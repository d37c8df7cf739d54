"""Pages for areas, sites, closures and rooms (URL rules only; rules live in operations.py)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from college.admin.pages import Column, RecordPages, register_pages
from college.auth.access import may_edit_site
from college.auth.models import Role
from college.places import operations as ops
from college.places.forms import FEATURE_LABELS, RoomForm
from college.places.models import Room, Site

bp = Blueprint("places", __name__, url_prefix="/admin")


def own_sites_only(query, account):
    """Coordinators see only rooms of the sites they look after."""
    if account.has_role(Role.ADMIN):
        return query
    return query.where(Room.site_id.in_([site.id for site in account.sites]))


def may_edit_room(room, account, values) -> bool:
    if room is not None and not may_edit_site(account, room.site_id):
        return False
    return values is None or may_edit_site(account, values.get("site_id"))


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
    allowed=may_edit_room, options=lambda: [joinedload(Room.site)],
))
