"""Every change to teachers, children groups, learners and proxy links: checks, then records.py.

`values` holds model attribute names; many-to-many values are lists of model objects
(`subjects: [Subject]`, `sites: [Site]`), foreign keys are ids. Every refusal is a
RecordError(field, message) in the user's language; nothing is committed here.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from college.auth.models import Account, Role
from college.auth.operations import (
    check_phone,
    create_account,
    delete_account,
    phone_taken,
    update_account,
)
from college.catalog.models import DAYS, Section, Subject
from college.checks import current, record, text, unique
from college.extensions import db
from college.i18n import format_slot
from college.people.models import (
    ChildrenGroup,
    Gender,
    Learner,
    ProxyLink,
    ProxyRelation,
    Teacher,
    TeacherAbsence,
    TeacherKind,
)
from college.places.models import Area, AreaLevel, Site
from college.records import RecordError, create_record, delete_record, update_record

MIN_LEARNER_AGE = 40
MAX_LEARNER_AGE = 120
CHILD_AGES = (3, 17)
HOME_LEVELS = (AreaLevel.COMMUNITY, AreaLevel.GROUP, AreaLevel.GRID)










def _optional_phone(values: dict, obj, key: str) -> None:
    if key in values or obj is None:
        values[key] = check_phone(current(values, obj, key, ""), key, required=False)


def _enum_value(enum_cls, values: dict, obj, key: str, default, message):
    try:
        value = enum_cls(current(values, obj, key, default))
    except ValueError:
        raise RecordError(key, message) from None
    values[key] = value
    return value


def _optional_int(values: dict, obj, key: str, low: int, high: int, message) -> int | None:
    value = current(values, obj, key)
    if value in (None, ""):
        if key in values:
            values[key] = None
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise RecordError(key, message) from None
    if isinstance(value, float) and number != value or not low <= number <= high:
        raise RecordError(key, message)
    values[key] = number
    return number


def check_slots(slots, field: str) -> list[str]:
    """Weekly slots as sorted unique "day:period" strings, or a RecordError naming the bad one."""
    if isinstance(slots, str):   # "mon:am1 tue:pm2" or "mon:am1,tue:pm2", as a CSV cell holds them
        slots = slots.replace(",", " ").replace(";", " ").split()
    cleaned = []
    for slot in slots or []:
        day, _, period = str(slot).strip().partition(":")
        if day not in DAYS or not period or len(period) > 10:
            raise RecordError(field, _l("%(slot)s is not a weekly slot like mon:am1.", slot=slot))
        cleaned.append(f"{day}:{period}")
    order = {d: i for i, d in enumerate(DAYS)}
    return sorted(set(cleaned), key=lambda s: (order[s.split(":")[0]], s))


def _objects(model, items, field: str, message) -> list:
    """Model objects from objects or ids; refuses ids that do not exist."""
    found = []
    for item in items or []:
        obj = item if isinstance(item, model) else record(model, item)
        if obj is None:
            raise RecordError(field, message)
        found.append(obj)
    return list(dict.fromkeys(found))


# Teachers ---------------------------------------------------------------------------------

def _check_teacher(values: dict, teacher: Teacher | None) -> None:
    code = text(values, teacher, "code", 20, _l("Please enter a code, like T001."))
    unique(Teacher, Teacher.code, code, teacher, "code",
            _l("Another teacher already has the code %(code)s.", code=code))
    text(values, teacher, "name", 80, _l("Please enter the teacher's name."))
    _enum_value(TeacherKind, values, teacher, "kind", TeacherKind.PROFESSIONAL,
                _l("Choose dispatched professional or volunteer."))
    _optional_phone(values, teacher, "phone")
    email = text(values, teacher, "email", 120)
    if email and ("@" not in email or " " in email or email.startswith("@") or email.endswith("@")):
        raise RecordError("email", _l("Please enter an email address like name@example.com."))
    if "subjects" in values:
        values["subjects"] = _objects(Subject, values["subjects"], "subjects", _l("Choose subjects from the list."))
    available = check_slots(current(values, teacher, "available", []), "available")
    preferred = check_slots(current(values, teacher, "preferred", []), "preferred")
    outside = [s for s in preferred if s not in available]
    if outside:
        raise RecordError("preferred", _l(
            "Preferred slots must also be available: %(slots)s is not ticked as available.",
            slots="、".join(format_slot(slot) for slot in outside)))
    if "available" in values or teacher is None:
        values["available"] = available
    if "preferred" in values or teacher is None:
        values["preferred"] = preferred
    _optional_int(values, teacher, "max_meetings", 0, 70, _l("Enter a whole number from 0 to 70."))
    _optional_int(values, teacher, "max_sites_per_day", 1, 20, _l("Enter a whole number from 1 to 20."))
    if "intergenerational" in values:
        values["intergenerational"] = bool(values["intergenerational"])


def create_teacher(values: dict, actor) -> Teacher:
    """Create a teacher; refuses a taken code, bad slots, preferred slots outside availability."""
    values = dict(values)
    _check_teacher(values, None)
    return create_record(Teacher, values, actor)


def update_teacher(teacher: Teacher, values: dict, actor) -> Teacher:
    """Change a teacher, with the same checks as create_teacher."""
    values = dict(values)
    _check_teacher(values, teacher)
    return update_record(teacher, values, actor)


def _section_codes(column, record_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(Section.code).where(column == record_id).order_by(Section.code)))


def delete_teacher(teacher: Teacher, actor) -> None:
    """Delete a teacher; refused while a section has them as its fixed teacher."""
    codes = _section_codes(Section.teacher_id, teacher.id)
    if codes:
        raise RecordError(None, _l(
            "%(name)s is the fixed teacher of sections %(codes)s: give those sections another teacher first.",
            name=teacher.name, codes=", ".join(codes[:10]) + (" …" if len(codes) > 10 else "")))
    delete_record(teacher, actor)


# Children groups --------------------------------------------------------------------------

def _check_children_group(values: dict, group: ChildrenGroup | None) -> None:
    code = text(values, group, "code", 20, _l("Please enter a code, like G01."))
    unique(ChildrenGroup, ChildrenGroup.code, code, group, "code",
            _l("Another children group already has the code %(code)s.", code=code))
    name = text(values, group, "name", 120, _l("Please give the group a name."))
    organisation = text(values, group, "organisation", 120, _l("Please enter the organisation that runs the group."))
    clash = sa.select(ChildrenGroup.id).where(ChildrenGroup.organisation == organisation, ChildrenGroup.name == name)
    if group is not None and group.id is not None:
        clash = clash.where(ChildrenGroup.id != group.id)
    if db.session.scalar(clash) is not None:
        raise RecordError("name", _l("%(organisation)s already has a group called %(name)s.",
                                     organisation=organisation, name=name))
    text(values, group, "coordinator_name", 80)
    _optional_phone(values, group, "coordinator_phone")
    size = _optional_int(values, group, "size", 1, 500, _l("Enter a whole number from 1 to 500."))
    if size is None:
        raise RecordError("size", _l("Please enter the number of children (above 0)."))
    low, high = CHILD_AGES
    message = _l("Children's ages are from %(low)s to %(high)s.", low=low, high=high)
    min_age = _optional_int(values, group, "min_age", low, high, message)
    max_age = _optional_int(values, group, "max_age", low, high, message)
    if min_age is not None and max_age is not None and min_age > max_age:
        raise RecordError("max_age", _l("The oldest age cannot be below the youngest age."))
    if "available" in values or group is None:
        values["available"] = check_slots(current(values, group, "available", []), "available")
    if "sites" in values:
        values["sites"] = _objects(Site, values["sites"], "sites", _l("Choose sites from the list."))


def create_children_group(values: dict, actor) -> ChildrenGroup:
    """Create a children group; refuses a taken code or name, no children, unordered ages."""
    values = dict(values)
    _check_children_group(values, None)
    return create_record(ChildrenGroup, values, actor)


def update_children_group(group: ChildrenGroup, values: dict, actor) -> ChildrenGroup:
    """Change a children group, with the same checks as create_children_group."""
    values = dict(values)
    _check_children_group(values, group)
    return update_record(group, values, actor)


def delete_children_group(group: ChildrenGroup, actor) -> None:
    """Delete a children group; refused while a section is planned with it."""
    codes = _section_codes(Section.children_group_id, group.id)
    if codes:
        raise RecordError(None, _l(
            "%(name)s takes part in sections %(codes)s: remove the group from those sections first.",
            name=group.name, codes=", ".join(codes[:10]) + (" …" if len(codes) > 10 else "")))
    delete_record(group, actor)


# Learners ---------------------------------------------------------------------------------

def age_on(birth: date, day: date) -> int:
    """Whole years between birth and day."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _check_learner(values: dict, learner: Learner | None, today: date | None = None) -> None:
    text(values, learner, "name", 80, _l("Please enter the learner's name."))
    if "phone" in values or learner is None:
        values["phone"] = check_phone(current(values, learner, "phone"))
    birth = current(values, learner, "birth_date")
    if isinstance(birth, str) and not birth.strip():
        birth = values["birth_date"] = None
    if birth is not None:
        if isinstance(birth, str):
            try:
                birth = date.fromisoformat(birth.strip())
            except ValueError:
                raise RecordError("birth_date", _l("Please enter a date like 1958-03-02.")) from None
        if isinstance(birth, datetime):
            birth = birth.date()
        if not isinstance(birth, date):
            raise RecordError("birth_date", _l("Please enter a date like 1958-03-02."))
        today = today or date.today()
        if birth > today:
            raise RecordError("birth_date", _l("A birth date cannot be in the future."))
        age = age_on(birth, today)
        if age < MIN_LEARNER_AGE:
            raise RecordError("birth_date", _l(
                "The senior college takes learners aged %(age)s or more; this birth date makes them %(now)s.",
                age=MIN_LEARNER_AGE, now=age))
        if age > MAX_LEARNER_AGE:
            raise RecordError("birth_date", _l("Please check the year: this birth date makes the learner over %(age)s.",
                                               age=MAX_LEARNER_AGE))
        if "birth_date" in values:
            values["birth_date"] = birth
    _enum_value(Gender, values, learner, "gender", Gender.UNSPECIFIED, _l("Choose one of the listed answers."))
    area_id = current(values, learner, "home_area_id")
    if area_id not in (None, ""):
        area = record(Area, area_id)
        if area is None:
            raise RecordError("home_area_id", _l("Choose an existing community."))
        if area.level not in HOME_LEVELS:
            raise RecordError("home_area_id", _l("Choose a community (or a group or grid inside one), not a larger area."))
    elif "home_area_id" in values:
        values["home_area_id"] = None
    text(values, learner, "emergency_name", 80)
    _optional_phone(values, learner, "emergency_phone")


def create_learner(values: dict, actor) -> Learner:
    """Create a learner; with `create_account` true (and `password`, or a ready `password_hash`)
    also their learner login account with the same phone number, refused if that phone has one."""
    values = dict(values)
    make_account = values.pop("create_account", False)
    password = values.pop("password", None)
    password_hash = values.pop("password_hash", None)
    _check_learner(values, None)
    if make_account and phone_taken(values["phone"]):
        raise RecordError("phone", _l(
            "An account with the phone number %(phone)s already exists: one account per phone number.",
            phone=values["phone"]))
    learner = create_record(Learner, values, actor)
    if make_account:
        try:
            create_account({"phone": learner.phone, "display_name": learner.name, "role": Role.LEARNER,
                            "learner_id": learner.id, "password": password, "password_hash": password_hash}, actor)
        except RecordError as error:
            if error.field not in ("phone", "password"):
                error.field = None   # the learner form has no such field: say it above the form
            raise
    return learner


def update_learner(learner: Learner, values: dict, actor) -> Learner:
    """Change a learner, with the same checks as create_learner; their own login account follows
    a new phone number (refused if another account has it) and a new name."""
    values = dict(values)
    values.pop("create_account", None)
    values.pop("password", None)
    values.pop("password_hash", None)
    old_phone, old_name = learner.phone, learner.name
    _check_learner(values, learner)
    account = db.session.scalar(sa.select(Account).where(Account.learner_id == learner.id))
    follow = {}
    if account is not None and values.get("phone", old_phone) != old_phone and account.phone == old_phone:
        if phone_taken(values["phone"], account):
            raise RecordError("phone", _l(
                "An account with the phone number %(phone)s already exists: one account per phone number.",
                phone=values["phone"]))
        follow["phone"] = values["phone"]
    if account is not None and values.get("name", old_name) != old_name and account.display_name == old_name:
        follow["display_name"] = values["name"]
    update_record(learner, values, actor)
    if follow:
        update_account(account, follow, actor)
    return learner


def delete_learner(learner: Learner, actor) -> None:
    """Delete a learner with their own learner account and proxy links; refused while other
    records (e.g. enrollments) still use them."""
    from college.enrollment.operations import count_enrollments  # enrollment builds on people

    held = count_enrollments(learner=learner)
    if held:
        raise RecordError(None, _l("Cannot delete %(name)s: they have %(n)s enrollment records (classes taken, "
                                   "waited for or left). Their class history is kept.", name=learner.name, n=held))
    account = db.session.scalar(sa.select(Account).where(Account.learner_id == learner.id))
    if account is not None and account.role == Role.LEARNER:
        delete_account(account, actor)
    delete_record(learner, actor)


# Proxy links ------------------------------------------------------------------------------

def _check_proxy_link(values: dict, link: ProxyLink | None, now: datetime | None = None) -> None:
    proxy_id = current(values, link, "proxy_account_id")
    proxy = record(Account, proxy_id)
    if proxy is None:
        raise RecordError("proxy_account_id", _l("Choose the proxy's account."))
    if proxy.role != Role.PROXY:
        raise RecordError("proxy_account_id", _l("This account is not a proxy account; give it the proxy role first."))
    learner_id = current(values, link, "learner_id")
    learner = record(Learner, learner_id)
    if learner is None:
        raise RecordError("learner_id", _l("There is no learner with number %(id)s.", id=learner_id))
    clash = sa.select(ProxyLink.id).where(ProxyLink.proxy_account_id == proxy_id, ProxyLink.learner_id == learner_id)
    if link is not None and link.id is not None:
        clash = clash.where(ProxyLink.id != link.id)
    if db.session.scalar(clash) is not None:
        raise RecordError("learner_id", _l("%(proxy)s already acts for %(learner)s.",
                                           proxy=proxy.display_name, learner=learner.name))
    _enum_value(ProxyRelation, values, link, "relation", None, _l("Choose family member, community worker or grid worker."))
    consent_at = current(values, link, "consent_at")
    if isinstance(consent_at, str):
        try:
            consent_at = values["consent_at"] = datetime.fromisoformat(consent_at.strip())
        except ValueError:
            consent_at = None
    if isinstance(consent_at, datetime) and consent_at.tzinfo is not None:
        consent_at = values["consent_at"] = consent_at.astimezone().replace(tzinfo=None)
    if not isinstance(consent_at, datetime):
        raise RecordError("consent_at", _l("Please record when the learner gave consent."))
    if consent_at > (now or datetime.now()):
        raise RecordError("consent_at", _l("Consent cannot be recorded in the future."))
    text(values, link, "consent_note", 200, _l("Please note how the learner gave consent."))


def create_proxy_link(values: dict, actor) -> ProxyLink:
    """Let a proxy account act for a learner; refused without the learner's recorded consent."""
    values = dict(values)
    _check_proxy_link(values, None)
    return create_record(ProxyLink, values, actor, summary=_link_summary(values))


def update_proxy_link(link: ProxyLink, values: dict, actor) -> ProxyLink:
    """Change a proxy link, with the same checks as create_proxy_link."""
    values = dict(values)
    _check_proxy_link(values, link)
    return update_record(link, values, actor, summary=_link_summary(values, link))


def delete_proxy_link(link: ProxyLink, actor) -> None:
    """Stop a proxy acting for a learner."""
    delete_record(link, actor, summary=_link_summary({}, link))


def _link_summary(values: dict, link: ProxyLink | None = None) -> str:
    proxy = record(Account, current(values, link, "proxy_account_id"))
    learner = record(Learner, current(values, link, "learner_id"))
    return f"{proxy.display_name if proxy else '?'} → {learner.name if learner else '?'}"



# Teacher absences ------------------------------------------------------------------------------

def _check_absence(values: dict, absence: TeacherAbsence | None = None) -> None:
    teacher_id = current(values, absence, "teacher_id")
    if teacher_id is None or db.session.get(Teacher, teacher_id) is None:
        raise RecordError("teacher_id", _l("Choose an existing teacher."))
    first, last = current(values, absence, "first_day"), current(values, absence, "last_day")
    if not isinstance(first, date):
        raise RecordError("first_day", _l("Please enter a date."))
    if last is not None and not isinstance(last, date):
        raise RecordError("last_day", _l("Please enter a date."))
    if last is not None and last < first:
        raise RecordError("last_day", _l("The last day away cannot be before the first day."))
    days = current(values, absence, "days")
    if days is not None:
        days = list(days)
        unknown = [d for d in days if d not in DAYS]
        if unknown:
            raise RecordError("days", _l("Unknown day %(day)s.", day=unknown[0]))
        days = [d for d in DAYS if d in days] or None         # none ticked: every day
    values["days"] = days
    reason = (current(values, absence, "reason", "") or "").strip()
    if len(reason) > 200:
        raise RecordError("reason", _l("At most %(n)s characters, please.", n=200))
    values["reason"] = reason


def _absence_summary(values: dict, absence: TeacherAbsence | None = None) -> str:
    teacher = record(Teacher, current(values, absence, "teacher_id"))
    return f"{teacher.name if teacher else '?'} {current(values, absence, 'first_day')}"


def create_absence(values: dict, actor) -> TeacherAbsence:
    """Record that a teacher cannot teach from first_day (to last_day, or until further notice),
    on every day or only on the given weekdays; the next timetable repair moves their meetings."""
    _check_absence(values)
    return create_record(TeacherAbsence, values, actor, summary=_absence_summary(values))


def update_absence(absence: TeacherAbsence, values: dict, actor) -> TeacherAbsence:
    """Change an absence under the same rules as create_absence."""
    _check_absence(values, absence)
    return update_record(absence, values, actor, summary=_absence_summary(values, absence))


def delete_absence(absence: TeacherAbsence, actor) -> None:
    """Delete an absence: the teacher is available again from the next solve."""
    delete_record(absence, actor, summary=_absence_summary({}, absence))
