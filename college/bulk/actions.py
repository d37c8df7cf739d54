"""Import and export buttons for the record list pages (RecordPages.extra_actions)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from college.auth.models import Role

# Who may import and export each kind; coordinators only rooms, of their own sites.
KIND_ROLES = {"sites": (Role.ADMIN,), "rooms": (Role.ADMIN, Role.COORDINATOR),
              "teachers": (Role.ADMIN,), "courses": (Role.ADMIN,), "sections": (Role.ADMIN,)}


class RoleActions(list):
    """(label, endpoint) buttons that list themselves only to an account with one of `roles`."""

    def __init__(self, actions, roles):
        super().__init__(actions)
        self.roles = roles

    def __iter__(self):
        user = current_user
        if user is None or not user.is_authenticated or not user.has_role(*self.roles):
            return iter(())
        return super().__iter__()


def bulk_actions(kind: str) -> list[tuple]:
    """The "Import from CSV" and "Export CSV" buttons of one kind's list page."""
    return RoleActions([(_l("Import from CSV"), f"bulk.import_{kind}"),
                        (_l("Export CSV"), f"bulk.export_{kind}")], KIND_ROLES[kind])
