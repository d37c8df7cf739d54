"""What every report reads: a version's problem and timetable in the shared format, and the records
behind the ids of that format (codes for sites, teachers and sections, `R<id>` for rooms).

Reports work on the shared format so that they count exactly what the solver and the validator
count; the lookup only turns ids into names and links.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from college.catalog.models import Course, Section
from college.extensions import db
from college.people.models import ChildrenGroup, Teacher
from college.places.models import Room, Site
from college.timetable.adapter import build_problem, version_to_solution
from college.timetable.models import TimetableVersion


@dataclass
class Lookup:
    """Names and database ids behind the ids of the shared format."""

    sites: dict[str, tuple[int, str]] = field(default_factory=dict)          # code -> (id, name)
    rooms: dict[str, tuple[int, str, str]] = field(default_factory=dict)     # "R12" -> (id, name, site name)
    teachers: dict[str, tuple[int, str]] = field(default_factory=dict)       # code -> (id, name)
    sections: dict[str, str] = field(default_factory=dict)                   # code -> course name
    groups: dict[str, tuple[int, str]] = field(default_factory=dict)         # code -> (id, name)

    def site_name(self, code: str) -> str:
        return self.sites.get(code, (None, code))[1]

    def room_name(self, rid: str) -> str:
        """"site · room", so a room is known without its site beside it."""
        if rid not in self.rooms:
            return rid
        _id, name, site = self.rooms[rid]
        return f"{site} · {name}"

    def teacher_name(self, code: str) -> str:
        return self.teachers.get(code, (None, code))[1]

    def section_name(self, code: str) -> str:
        course = self.sections.get(code)
        return f"{code} {course}" if course else code


@dataclass
class Source:
    """A version's problem and solution dicts with the lookup for their ids."""

    version: TimetableVersion
    problem: dict
    solution: dict
    lookup: Lookup


def lookup_for(version: TimetableVersion) -> Lookup:
    """Every site, room, teacher, children group and the version's term's sections, four queries in all."""
    found = Lookup()
    for sid, code, name in db.session.execute(sa.select(Site.id, Site.code, Site.name)):
        found.sites[code] = (sid, name)
    for rid, name, site in db.session.execute(sa.select(Room.id, Room.name, Site.name).join(Room.site)):
        found.rooms[f"R{rid}"] = (rid, name, site)
    for tid, code, name in db.session.execute(sa.select(Teacher.id, Teacher.code, Teacher.name)):
        found.teachers[code] = (tid, name)
    for gid, code, name in db.session.execute(sa.select(ChildrenGroup.id, ChildrenGroup.code, ChildrenGroup.name)):
        found.groups[code] = (gid, name)
    found.sections = dict(db.session.execute(
        sa.select(Section.code, Course.name).join(Course, Section.course_id == Course.id)
        .where(Section.term_id == version.term_id)).all())
    return found


def source_for(version: TimetableVersion) -> Source:
    """The version's stored problem (today's problem of its term when none was stored) and its timetable."""
    problem = version.problem or build_problem(version.term)
    return Source(version, problem, version_to_solution(version), lookup_for(version))
