"""The five kinds of record that travel as CSV: their columns, key, operations and order.

Every row goes through the domain's own create_x / update_x operation; the kinds only say
how cells become the `values` those operations take.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from college.auth.access import may_edit_site
from college.auth.models import Role
from college.bulk.actions import KIND_ROLES
from college.bulk.columns import (
    CellError,
    Column,
    Context,
    attr,
    boolean,
    choice,
    code_of,
    codes_of,
    default_of,
    free_text,
    integer,
    length_of,
    money,
    number,
    reference,
    references,
    slots_or_none,
    text,
    words,
)
from college.extensions import db
from college.records import RecordError


@dataclass
class Kind:
    name: str                                    # URL part and CLI argument: "rooms"
    model: type
    entity: str                                  # audit log entity of the records: "room"
    title: Any
    columns: list[Column]
    key: tuple[str, ...]                         # columns whose values identify a record
    find: Callable[[dict], Any]                  # values -> the existing record or None
    create: Callable[[dict, Any], Any]
    update: Callable[[Any, dict, Any], Any]
    records: Callable[[Context], list]           # what an account may export, in file order
    check_row: Callable[[dict, dict, Context], None] | None = None   # (values, cells, ctx); RecordError

    @property
    def roles(self) -> tuple:
        """Roles that may import and export this kind."""
        return KIND_ROLES[self.name]

    def column(self, name: str) -> Column | None:
        """The column with this CSV header name, None for a name the kind does not have."""
        return next((c for c in self.columns if c.name == name), None)

    def defaults(self, present: set[str]) -> dict:
        """Plain model defaults of the attributes no column of the file gives, for a new record."""
        mapper = sa.inspect(self.model)
        return {column.attr: default_of(mapper.columns[column.attr]) for column in self.columns
                if column.attr not in present and column.attr in mapper.columns
                and default_of(mapper.columns[column.attr]) is not None}

    def column_for(self, field: str | None) -> str:
        """The CSV column that an operation's field (model attribute) comes from, "" if none."""
        return next((c.name for c in self.columns if c.attr == field), "") if field else ""


def _missing(what):
    return lambda value: _l("There is no %(what)s with the code %(code)s.", what=what, code=value) \
        if value else _l("Please fill in this column.")


# Sites ---------------------------------------------------------------------------------------

def _area(cell: str, ctx: Context) -> int:
    """An area by its full path ("麒麟区 / 南宁街道 / 建设社区") or by a name no other area has."""
    from college.places.models import Area

    if not cell:
        raise CellError(_l("Please fill in this column."))
    if "areas" not in ctx.cache:
        areas = list(db.session.scalars(sa.select(Area)))
        by_path, by_name = {}, {}
        for area in areas:
            by_path[_path_key(area.path())] = area.id
            by_name.setdefault(area.name, []).append(area.id)
        ctx.cache["areas"] = (by_path, by_name)
    by_path, by_name = ctx.cache["areas"]
    found = by_path.get(_path_key(cell))
    if found is not None:
        return found
    named = by_name.get(cell.strip(), [])
    if len(named) == 1:
        return named[0]
    if named:
        raise CellError(_l("Several areas are called %(name)s: write the full path, like 麒麟区 / 南宁街道.",
                           name=cell))
    raise CellError(_l("There is no area %(name)s.", name=cell[:80]))


def _path_key(path: str) -> str:
    return "/".join(part.strip() for part in path.replace("／", "/").split("/"))


def _site_area_path(site) -> str:
    return site.area.path() if site.area else ""


def _sites() -> Kind:
    from college.places import operations as ops
    from college.places.models import Site

    return Kind(
        name="sites", model=Site, entity="site", title=_l("Sites"),
        columns=[
            Column("code", "code", text(20), attr("code"), True, _l("A short code such as S01.")),
            Column("name", "name", text(length_of(Site.name)), free_text("name"), True,
                   _l("The site's name, unique in its area.")),
            Column("area", "area_id", _area, _site_area_path, True,
                   _l("The area's path from the district down, like 麒麟区 / 南宁街道 / 建设社区.")),
            Column("address", "address", text(length_of(Site.address)), free_text("address"),
                   hint=_l("Street address; may be empty.")),
            Column("latitude", "latitude", number, attr("latitude"), hint=_l("From a map, e.g. 25.49.")),
            Column("longitude", "longitude", number, attr("longitude"), hint=_l("From a map, e.g. 103.80.")),
            Column("child_safe", "child_safe", boolean, attr("child_safe"), hint=_l("yes or no.")),
            Column("step_free", "step_free", boolean, attr("step_free"), hint=_l("yes or no.")),
            Column("contact_phone", "contact_phone", text(20), attr("contact_phone"),
                   hint=_l("Digits only, like 13800000000; may be empty.")),
            Column("open_slots", "open_slots", slots_or_none, attr("open_slots"),
                   hint=_l("Weekly slots like mon:am1;tue:pm2; empty means always open.")),
        ],
        key=("code",),
        find=lambda v: db.session.scalar(sa.select(Site).where(Site.code == v["code"])),
        create=ops.create_site, update=ops.update_site,
        records=lambda ctx: list(db.session.scalars(sa.select(Site).order_by(Site.code))),
    )


# Rooms ---------------------------------------------------------------------------------------

def _room_site_allowed(values: dict, cells: dict, ctx: Context) -> None:
    """A coordinator imports rooms of their own sites only."""
    if ctx.account is None or may_edit_site(ctx.account, values.get("site_id")):
        return
    raise RecordError("site_id", _l("You do not coordinate site %(code)s.", code=cells.get("site", "")))


def _rooms_for(ctx: Context) -> list:
    from college.places.models import Room, Site

    query = sa.select(Room).join(Room.site).options(selectinload(Room.site)).order_by(Site.code, Room.name)
    if ctx.account is not None and not ctx.account.has_role(Role.ADMIN):
        query = query.where(Room.site_id.in_([site.id for site in ctx.account.sites]))
    return list(db.session.scalars(query))


def _rooms() -> Kind:
    from college.places import operations as ops
    from college.places.models import Room, Site

    return Kind(
        name="rooms", model=Room, entity="room", title=_l("Rooms"),
        columns=[
            Column("site", "site_id", reference(Site, Site.code, _missing(_l("site"))), code_of("site"), True,
                   _l("The site's code, like S01.")),
            Column("name", "name", text(length_of(Room.name)), free_text("name"), True,
                   _l("The room's name, unique in its site.")),
            Column("seats", "seats", integer(required=True), attr("seats"), True, _l("Number of seats, above 0.")),
            Column("features", "features", words, attr("features"),
                   hint=_l("Features like piano;dance_floor;computers;desks;kitchen;step_free.")),
        ],
        key=("site", "name"),
        find=lambda v: db.session.scalar(sa.select(Room).where(Room.site_id == v["site_id"],
                                                               Room.name == v["name"])),
        create=ops.create_room, update=ops.update_room, records=_rooms_for,
        check_row=_room_site_allowed,
    )


# Teachers ------------------------------------------------------------------------------------

def _teachers() -> Kind:
    from college.catalog.models import Subject
    from college.people import operations as ops
    from college.people.models import Teacher, TeacherKind

    return Kind(
        name="teachers", model=Teacher, entity="teacher", title=_l("Teachers"),
        columns=[
            Column("code", "code", text(20), attr("code"), True, _l("A short code such as T001.")),
            Column("name", "name", text(length_of(Teacher.name)), free_text("name"), True, _l("Full name.")),
            Column("kind", "kind", choice(TeacherKind, TeacherKind.PROFESSIONAL), attr("kind"),
                   hint=_l("professional or volunteer.")),
            Column("phone", "phone", text(20), attr("phone"),
                   hint=_l("Digits only, like 13800000000; may be empty.")),
            Column("email", "email", text(length_of(Teacher.email)), free_text("email"), hint=_l("May be empty.")),
            Column("subjects", "subjects",
                   references(Subject, Subject.code, lambda codes: _l("There is no subject with the code %(code)s.",
                                                                      code=codes)),
                   codes_of("subjects"), hint=_l("Subject codes, like calligraphy;painting.")),
            Column("available", "available", words, attr("available"),
                   hint=_l("Weekly slots the teacher can teach, like mon:am1;tue:am2.")),
            Column("preferred", "preferred", words, attr("preferred"),
                   hint=_l("Preferred slots, among the available ones.")),
            Column("max_meetings", "max_meetings", integer(), attr("max_meetings"),
                   hint=_l("Most meetings a week; empty for no limit.")),
            Column("max_sites_per_day", "max_sites_per_day", integer(), attr("max_sites_per_day"),
                   hint=_l("Most sites in one day; empty for no limit.")),
            Column("intergenerational", "intergenerational", boolean, attr("intergenerational"),
                   hint=_l("yes if cleared for classes with children.")),
        ],
        key=("code",),
        find=lambda v: db.session.scalar(sa.select(Teacher).where(Teacher.code == v["code"])),
        create=ops.create_teacher, update=ops.update_teacher,
        records=lambda ctx: list(db.session.scalars(
            sa.select(Teacher).options(selectinload(Teacher.subjects)).order_by(Teacher.code))),
    )


# Courses -------------------------------------------------------------------------------------

def _courses_in_order(ctx: Context) -> list:
    """Courses by code, each after its prerequisite, so the file re-imports into an empty catalogue."""
    from college.catalog.models import Course

    courses = list(db.session.scalars(sa.select(Course).options(selectinload(Course.subject))
                                      .order_by(Course.code)))
    by_id = {c.id: c for c in courses}
    ordered, placed = [], set()

    def place(course, seen: frozenset = frozenset()) -> None:
        if course.id in placed or course.id in seen:
            return
        if course.prerequisite_id in by_id:
            place(by_id[course.prerequisite_id], seen | {course.id})
        placed.add(course.id)
        ordered.append(course)

    for course in courses:
        place(course)
    return ordered


def _courses() -> Kind:
    from college.catalog import operations as ops
    from college.catalog.models import Course, Subject

    return Kind(
        name="courses", model=Course, entity="course", title=_l("Courses"),
        columns=[
            Column("code", "code", text(20), attr("code"), True, _l("A short code such as K001.")),
            Column("subject", "subject_id", reference(Subject, Subject.code, _missing(_l("subject"))),
                   code_of("subject"), True, _l("The subject's code, like calligraphy.")),
            Column("name", "name", text(length_of(Course.name)), free_text("name"), True,
                   _l("The course's name, unique for its subject and level.")),
            Column("level", "level", integer(default=default_of(Course.level)), attr("level"),
                   hint=_l("1 for beginners, 2, 3 … above.")),
            Column("meetings_per_week", "meetings_per_week", integer(default=default_of(Course.meetings_per_week)),
                   attr("meetings_per_week"), hint=_l("1 to 7; empty means 1.")),
            Column("minutes", "minutes", integer(default=default_of(Course.minutes)), attr("minutes"),
                   hint=_l("Minutes per meeting.")),
            Column("seats", "seats", integer(required=True), attr("seats"), True, _l("Number of seats, above 0.")),
            Column("fee", "fee", money, attr("fee"), hint=_l("Yuan per term, like 120.00.")),
            Column("min_age", "min_age", integer(), attr("min_age"), hint=_l("Youngest age; empty for no limit.")),
            Column("max_age", "max_age", integer(), attr("max_age"), hint=_l("Oldest age; empty for no limit.")),
            Column("features", "features", words, attr("features"),
                   hint=_l("Room features it needs, like piano;desks.")),
            Column("prerequisite", "prerequisite_id",
                   reference(Course, Course.code, _missing(_l("course")), required=False),
                   code_of("prerequisite"), hint=_l("Code of the course to take first; it must "
                                                     "exist already or come earlier in the file.")),
            Column("intergenerational", "intergenerational", boolean, attr("intergenerational"),
                   hint=_l("yes for a class of elders with children.")),
            Column("description", "description", text(2000), free_text("description"),
                   hint=_l("A few sentences for learners; may be empty.")),
        ],
        key=("code",),
        find=lambda v: db.session.scalar(sa.select(Course).where(Course.code == v["code"])),
        create=ops.create_course, update=ops.update_course, records=_courses_in_order,
    )


# Sections ------------------------------------------------------------------------------------

def _sections() -> Kind:
    from college.catalog import operations as ops
    from college.catalog.models import Course, Section, SectionStatus, Term
    from college.people.models import ChildrenGroup, Teacher
    from college.places.models import Site

    def no_term(name):
        return _l("There is no term called %(name)s.", name=name) if name else _l("Please fill in this column.")

    return Kind(
        name="sections", model=Section, entity="section", title=_l("Sections"),
        columns=[
            Column("term", "term_id", reference(Term, Term.name, no_term), code_of("term", "name"), True,
                   _l("The term's name, like 2027年春季学期.")),
            Column("code", "code", text(20), attr("code"), True, _l("A short code such as C001, unique in the term.")),
            Column("course", "course_id", reference(Course, Course.code, _missing(_l("course"))),
                   code_of("course"), True, _l("The course's code.")),
            Column("seats", "seats", integer(required=True), attr("seats"), True, _l("Number of seats, above 0.")),
            Column("sites", "sites",
                   references(Site, Site.code, lambda codes: _l("There is no site with the code %(code)s.",
                                                                code=codes)),
                   codes_of("sites"), True, _l("Codes of the sites it may meet at, like S01;S02.")),
            Column("teacher", "teacher_id",
                   reference(Teacher, Teacher.code, _missing(_l("teacher")), required=False),
                   code_of("teacher"), hint=_l("A fixed teacher's code; empty lets the timetable choose.")),
            Column("children_group", "children_group_id",
                   reference(ChildrenGroup, ChildrenGroup.code, _missing(_l("children group")), required=False),
                   code_of("children_group"), hint=_l("Code of the children group, for intergenerational courses.")),
            Column("status", "status", choice(SectionStatus, SectionStatus.DRAFT), attr("status"),
                   hint=_l("draft, open, closed or cancelled.")),
            Column("min_days_apart", "min_days_apart", integer(default=default_of(Section.min_days_apart)),
                   attr("min_days_apart"),
                   hint=_l("Fewest days between two meetings of a week.")),
            Column("allowed_slots", "allowed_slots", slots_or_none, attr("allowed_slots"),
                   hint=_l("Weekly slots it may use, like mon:am1;wed:am1; empty for any.")),
        ],
        key=("term", "code"),
        find=lambda v: db.session.scalar(sa.select(Section).where(Section.term_id == v["term_id"],
                                                                  Section.code == v["code"])),
        create=ops.create_section, update=ops.update_section,
        records=lambda ctx: list(db.session.scalars(
            sa.select(Section).join(Section.term).options(
                selectinload(Section.sites), selectinload(Section.course), selectinload(Section.teacher),
                selectinload(Section.children_group), selectinload(Section.term))
            .order_by(Term.first_day, Term.name, Section.code))),
    )


BUILDERS = {"sites": _sites, "rooms": _rooms, "teachers": _teachers, "courses": _courses,
            "sections": _sections}
KIND_NAMES = list(BUILDERS)


def get_kind(name: str) -> Kind:
    """The description of one kind; KeyError for a name not in KIND_NAMES."""
    return BUILDERS[name]()
