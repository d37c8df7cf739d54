"""Who may do what: role checks for routes, and the coordinator's own sites."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from college.auth.models import Role


def roles_required(*roles: Role):
    """Route decorator: log in first, then 403 unless the account has one of `roles`."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


admin_required = roles_required(Role.ADMIN)
staff_required = roles_required(Role.ADMIN, Role.COORDINATOR)


def may_edit_site(account, site_id: int | None) -> bool:
    """Administrators edit every site; a coordinator only their own."""
    if account.has_role(Role.ADMIN):
        return True
    return account.has_role(Role.COORDINATOR) and site_id is not None and account.coordinates_site(site_id)


def require_site(site_id: int | None) -> None:
    if not may_edit_site(current_user, site_id):
        abort(403)
