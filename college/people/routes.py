"""Pages for teachers, children groups, learners, proxy links and accounts (URL rules only;
the rules live in operations.py)."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from college.admin.pages import Column, RecordPages, register_pages
from college.auth import operations as account_ops
from college.auth.forms import ROLE_LABELS, AccountForm
from college.auth.models import Account
from college.bulk.actions import bulk_actions
from college.catalog.models import Subject
from college.extensions import db
from college.i18n import format_day
from college.people import operations as ops
from college.people.forms import (
    GENDER_LABELS,
    KIND_LABELS,
    RELATION_LABELS,
    AbsenceForm,
    ChildrenGroupForm,
    LearnerForm,
    ProxyLinkForm,
    TeacherForm,
)
from college.people.models import ChildrenGroup, Learner, ProxyLink, Teacher, TeacherAbsence
from college.places.models import Site

bp = Blueprint("people", __name__, url_prefix="/admin")

IGNORED = {"csrf_token", "submit"}


def _data(form) -> dict:
    return {k: v for k, v in form.data.items() if k not in IGNORED}


def _objects(model, ids) -> list:
    return [obj for obj in (db.session.get(model, i) for i in ids or []) if obj is not None]


def teacher_values(form) -> dict:
    """Form data as operation values: subject ids become Subject records."""
    values = _data(form)
    values["subjects"] = _objects(Subject, values.get("subjects"))
    return values


def fill_teacher(form, teacher: Teacher) -> None:
    """Tick the teacher's subjects on the edit page."""
    form.subjects.data = [s.id for s in teacher.subjects]


def group_values(form) -> dict:
    """Form data as operation values: site ids become Site records."""
    values = _data(form)
    values["sites"] = _objects(Site, values.get("sites"))
    return values


def fill_group(form, group: ChildrenGroup) -> None:
    """Tick the group's sites on the edit page."""
    form.sites.data = [s.id for s in group.sites]


def account_values(form) -> dict:
    """Form data as operation values; an empty password means: keep the current one."""
    values = _data(form)
    values["sites"] = _objects(Site, values.get("sites"))
    for key in ("learner_id", "teacher_id", "children_group_id"):
        values[key] = values.get(key) or None
    if not values.get("password"):
        values.pop("password", None)
    return values


def fill_account(form, account: Account) -> None:
    """Tick the coordinator's sites on the edit page; the password box stays empty."""
    form.sites.data = [s.id for s in account.sites]
    form.password.data = ""


def _slots(slots) -> str:
    return str(len(slots or []))


register_pages(bp, RecordPages(
    name="teachers", model=Teacher, title=_l("Teachers"), singular=_l("teacher"), form=TeacherForm,
    columns=[
        Column(_l("Teacher code"), lambda t: t.code),
        Column(_l("Full name"), lambda t: t.name),
        Column(_l("Kind of teacher"), lambda t: KIND_LABELS.get(t.kind, t.kind)),
        Column(_l("Subjects"), lambda t: "、".join(s.name for s in t.subjects)),
        Column(_l("Available slots a week"), lambda t: _slots(t.available)),
        Column(_l("Phone"), lambda t: t.phone),
    ],
    create=ops.create_teacher, update=ops.update_teacher, delete=ops.delete_teacher,
    search=[Teacher.code, Teacher.name, Teacher.phone], order_by=[Teacher.code],
    form_values=teacher_values, fill_form=fill_teacher, options=lambda: [selectinload(Teacher.subjects)],
    extra_actions=bulk_actions("teachers"),
))

register_pages(bp, RecordPages(
    name="children-groups", model=ChildrenGroup, title=_l("Children groups"), singular=_l("children group"),
    form=ChildrenGroupForm,
    columns=[
        Column(_l("Group code"), lambda g: g.code),
        Column(_l("Group name"), lambda g: g.name),
        Column(_l("Organisation"), lambda g: g.organisation),
        Column(_l("Number of children"), lambda g: g.size),
        Column(_l("Ages"), lambda g: f"{g.min_age or '?'}–{g.max_age or '?'}"),
        Column(_l("Sites the group can reach"), lambda g: "、".join(s.name for s in g.sites)),
    ],
    create=ops.create_children_group, update=ops.update_children_group, delete=ops.delete_children_group,
    search=[ChildrenGroup.code, ChildrenGroup.name, ChildrenGroup.organisation], order_by=[ChildrenGroup.code],
    form_values=group_values, fill_form=fill_group, options=lambda: [selectinload(ChildrenGroup.sites)],
))

register_pages(bp, RecordPages(
    name="learners", model=Learner, title=_l("Learners"), singular=_l("learner"), form=LearnerForm,
    columns=[
        Column(_l("Learner number"), lambda learner: learner.id),
        Column(_l("Full name"), lambda learner: learner.name),
        Column(_l("Phone"), lambda learner: learner.phone),
        Column(_l("Birth date"), lambda learner: format_day(learner.birth_date)),
        Column(_l("Gender"), lambda learner: GENDER_LABELS.get(learner.gender, learner.gender)),
        Column(_l("Home community"), lambda learner: learner.home_area.name if learner.home_area else ""),
    ],
    create=ops.create_learner, update=ops.update_learner, delete=ops.delete_learner,
    search=[Learner.name, Learner.phone], order_by=[Learner.id],
    options=lambda: [joinedload(Learner.home_area)],
))

register_pages(bp, RecordPages(
    name="proxies", model=ProxyLink, title=_l("Proxies"), singular=_l("proxy link"), form=ProxyLinkForm,
    columns=[
        Column(_l("Proxy account"), lambda link: str(link.proxy)),
        Column(_l("Acts for learner"), lambda link: f"{link.learner.name} (#{link.learner.id})"),
        Column(_l("Relation"), lambda link: RELATION_LABELS.get(link.relation, link.relation)),
        Column(_l("Consent given on"), lambda link: f"{format_day(link.consent_at.date())} "
                                                    f"{link.consent_at.strftime('%H:%M')}"),
        Column(_l("How consent was given"), lambda link: link.consent_note),
    ],
    create=ops.create_proxy_link, update=ops.update_proxy_link, delete=ops.delete_proxy_link,
    search=[Account.display_name, Account.phone, Learner.name],
    order_by=[ProxyLink.id], options=lambda: [joinedload(ProxyLink.proxy), joinedload(ProxyLink.learner)],
    scope=lambda query, _account: query.join(ProxyLink.proxy).join(ProxyLink.learner),
))

register_pages(bp, RecordPages(
    name="accounts", model=Account, title=_l("Accounts"), singular=_l("account"), form=AccountForm,
    columns=[
        Column(_l("Phone"), lambda a: a.phone),
        Column(_l("Name shown"), lambda a: a.display_name),
        Column(_l("Role"), lambda a: ROLE_LABELS.get(a.role, a.role)),
        Column(_l("Active"), lambda a: _l("yes") if a.active else _l("no")),
        Column(_l("Linked record"), lambda a: (a.learner and f"{a.learner.name} (#{a.learner.id})")
               or (a.teacher and a.teacher.name) or (a.children_group and a.children_group.name)
               or "、".join(s.name for s in a.sites)),
    ],
    create=account_ops.create_account, update=account_ops.update_account, delete=account_ops.delete_account,
    search=[Account.phone, Account.display_name], order_by=[Account.role, Account.phone],
    form_values=account_values, fill_form=fill_account,
    options=lambda: [joinedload(Account.learner), joinedload(Account.teacher), joinedload(Account.children_group),
                     selectinload(Account.sites)],
))


def _absence_days(a) -> str:
    from college.people.forms import weekday_choices

    if not a.days:
        return str(_l("Every day"))
    names = {c.value: c.label for c in weekday_choices()}
    return "、".join(str(names.get(d, d)) for d in a.days)


def _absence_values(form) -> dict:
    values = _data(form)
    values["days"] = values.get("days") or None
    return values


register_pages(bp, RecordPages(
    name="absences", model=TeacherAbsence, title=_l("Teacher absences"), singular=_l("absence"), form=AbsenceForm,
    columns=[
        Column(_l("Teacher"), lambda a: a.teacher.name),
        Column(_l("First day away"), lambda a: format_day(a.first_day)),
        Column(_l("Last day away"), lambda a: format_day(a.last_day) if a.last_day else _l("Until further notice")),
        Column(_l("Days"), _absence_days),
        Column(_l("Reason"), lambda a: a.reason),
    ],
    create=ops.create_absence, update=ops.update_absence, delete=ops.delete_absence,
    search=[Teacher.name, Teacher.code, TeacherAbsence.reason], order_by=[TeacherAbsence.first_day.desc()],
    form_values=_absence_values,
    scope=lambda q, a: q.join(TeacherAbsence.teacher), options=lambda: [joinedload(TeacherAbsence.teacher)],
))
