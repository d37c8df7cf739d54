"""Every change to accounts: checks, then records.py (audited; passwords are never logged)."""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from college.audit.operations import log_change
from college.auth.models import Account, Role, hash_password
from college.extensions import db
from college.records import RecordError, create_record, delete_record, update_record

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200


def normalise_phone(phone: str | None) -> str:
    """The digits of a phone number: spaces, dashes, brackets and a leading +86 are dropped."""
    # Chinese input methods may type full-width digits (１３８…): keep them as ASCII digits.
    digits = "".join(str(unicodedata.decimal(ch)) for ch in (phone or "") if ch.isdecimal())
    if len(digits) == 13 and digits.startswith("86") and (phone or "").lstrip().startswith(("+86", "86")):
        digits = digits[2:]
    return digits


def check_phone(phone: str | None, field: str = "phone", *, required: bool = True) -> str:
    """Normalise a phone number, or refuse it: 5 to 20 digits."""
    text = "" if phone is None else str(phone).strip()
    if not text:
        if required:
            raise RecordError(field, _l("Please enter a phone number."))
        return ""
    if any(ch.isalpha() or ch in "²³¹" for ch in text):
        raise RecordError(field, _l("A phone number has digits only, like 13800000000."))
    digits = normalise_phone(text)
    if not 5 <= len(digits) <= 20:
        raise RecordError(field, _l("A phone number has 5 to 20 digits, like 13800000000."))
    return digits


def check_password(password: str | None) -> str:
    """Refuse a password shorter than 8 characters (or absurdly long)."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RecordError("password", _l("A password needs at least %(n)s characters.", n=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise RecordError("password", _l("A password can have at most %(n)s characters.", n=MAX_PASSWORD_LENGTH))
    return password


def phone_taken(phone: str, account: Account | None = None) -> bool:
    """True when another account already logs in with this phone number."""
    query = sa.select(Account.id).where(Account.phone == phone)
    if account is not None and account.id is not None:
        query = query.where(Account.id != account.id)
    return db.session.scalar(query) is not None


def _fits(record_id) -> bool:
    return isinstance(record_id, int) and not isinstance(record_id, bool) and 0 < record_id < 2**31


def _role(value) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise RecordError("role", _l("Choose one of the roles in the list.")) from None


def _check_account(values: dict, account: Account | None, actor) -> None:
    def current(key, default=None):
        return values[key] if key in values else (getattr(account, key) if account is not None else default)

    from college.people.models import Learner, Teacher

    if account is None or "phone" in values:
        phone = check_phone(current("phone"))
        if phone_taken(phone, account):
            raise RecordError("phone", _l("Another account already uses the phone number %(phone)s.", phone=phone))
        values["phone"] = phone
    name = str(current("display_name") or "").strip()
    if not name:
        raise RecordError("display_name", _l("Please enter the name shown for this account."))
    if len(name) > 80:
        raise RecordError("display_name", _l("A name can have at most %(n)s characters.", n=80))
    if "display_name" in values or account is None:
        values["display_name"] = name
    role = _role(current("role", Role.LEARNER))
    values["role"] = role
    if account is not None and actor is not None and getattr(actor, "id", None) == account.id:
        if account.role == Role.ADMIN and role != Role.ADMIN:
            raise RecordError("role", _l("You cannot remove your own administrator role."))
        if not values.get("active", account.active):
            raise RecordError("active", _l("You cannot deactivate your own account."))

    learner_id = current("learner_id")
    if learner_id:
        if role != Role.LEARNER:
            raise RecordError("learner_id", _l("Only a learner account is linked to a learner record."))
        if not _fits(learner_id) or db.session.get(Learner, learner_id) is None:
            raise RecordError("learner_id", _l("There is no learner with number %(id)s.", id=learner_id))
        clash = sa.select(Account.id).where(Account.learner_id == learner_id)
        if account is not None and account.id is not None:
            clash = clash.where(Account.id != account.id)
        if db.session.scalar(clash) is not None:
            raise RecordError("learner_id", _l("This learner already has an account."))
    teacher_id = current("teacher_id")
    if teacher_id:
        if role != Role.TEACHER:
            raise RecordError("teacher_id", _l("Only a teacher account is linked to a teacher record."))
        if not _fits(teacher_id) or db.session.get(Teacher, teacher_id) is None:
            raise RecordError("teacher_id", _l("Choose an existing teacher."))
        clash = sa.select(Account.id).where(Account.teacher_id == teacher_id)
        if account is not None and account.id is not None:
            clash = clash.where(Account.id != account.id)
        if db.session.scalar(clash) is not None:
            raise RecordError("teacher_id", _l("This teacher already has an account."))
    group_id = current("children_group_id")
    if group_id:
        from college.people.models import ChildrenGroup

        if role != Role.GROUP:
            raise RecordError("children_group_id", _l("Only a children's group organiser is linked to a group."))
        if not _fits(group_id) or db.session.get(ChildrenGroup, group_id) is None:
            raise RecordError("children_group_id", _l("Choose a children's group from the list."))
    elif role == Role.GROUP:
        raise RecordError("children_group_id", _l("A children's group organiser needs their group."))
    if "sites" in values:
        from college.places.models import Site

        sites = [item if isinstance(item, Site) else db.session.get(Site, item) if _fits(item) else None
                 for item in values["sites"] or []]
        if any(site is None for site in sites):
            raise RecordError("sites", _l("Choose sites from the list."))
        values["sites"] = list(dict.fromkeys(sites))
    sites = current("sites", []) or []
    if role == Role.COORDINATOR and not sites:
        raise RecordError("sites", _l("A site coordinator needs at least one site."))
    if role != Role.COORDINATOR and sites:
        raise RecordError("sites", _l("Only a site coordinator looks after sites."))


def create_account(values: dict, actor) -> Account:
    """Create an account; `values["password"]` (plain, at least 8 characters) is hashed, never logged.

    A ready `password_hash` may be given instead (bulk loaders hash once)."""
    values = dict(values)
    password = values.pop("password", None)
    password_hash = values.pop("password_hash", None)
    _check_account(values, None, actor)
    if password_hash is None:
        password_hash = hash_password(check_password(password))
    values["password_hash"] = password_hash
    values.setdefault("active", True)
    return create_record(Account, values, actor, summary=_summary(values))


def update_account(account: Account, values: dict, actor) -> Account:
    """Change an account; a non-empty `values["password"]` resets the password."""
    values = dict(values)
    password = values.pop("password", None)
    values.pop("password_hash", None)
    _check_account(values, account, actor)
    update_record(account, values, actor, summary=_summary(values, account))
    if password:
        set_password(account, password, actor)
    return account


def delete_account(account: Account, actor) -> None:
    """Delete an account; an administrator cannot delete their own."""
    if actor is not None and getattr(actor, "id", None) == account.id:
        raise RecordError(None, _l("You cannot delete your own account."))
    delete_record(account, actor, summary=_summary({}, account))


def set_password(account: Account, password: str, actor) -> Account:
    """Set a new password (hashed); the audit log says only that it changed."""
    account.password_hash = hash_password(check_password(password))
    db.session.flush()
    log_change(actor, "update", "account", account.id, _summary({}, account), {"password": ["", "changed"]})
    return account


def _summary(values: dict, account: Account | None = None) -> str:
    name = values.get("display_name") or (account.display_name if account else "")
    phone = values.get("phone") or (account.phone if account else "")
    return f"{name} {phone}".strip()
