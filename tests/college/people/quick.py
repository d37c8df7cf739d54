"""Accounts and logins for page tests without paying for scrypt each time (the login page itself
is tested in tests/college/auth/test_login.py)."""

from __future__ import annotations

from functools import cache

from werkzeug.security import generate_password_hash

from college.extensions import db
from college.models import Account, Role
from tests.college import factories as f


@cache
def _password_hash() -> str:
    return generate_password_hash(f.PASSWORD)


def account(phone="13800000001", role=Role.ADMIN, name="管理员", sites=()) -> Account:
    """Like factories.account, with one password hash computed once for the whole run."""
    acc = Account(phone=phone, display_name=name, role=role, password_hash=_password_hash(), sites=list(sites))
    db.session.add(acc)
    db.session.flush()
    return acc


def login(client, acc: Account) -> None:
    """Start a logged-in session for acc, as Flask-Login keeps it."""
    with client.session_transaction() as session:
        session["_user_id"] = str(acc.id)
        session["_fresh"] = True
