"""Every model, imported in one place so that Alembic and create_app see the whole schema."""

from college.audit.models import AuditEntry
from college.auth.models import Account, Role, coordinator_sites
from college.catalog.models import (
    CalendarDay,
    Course,
    DayKind,
    Period,
    Section,
    SectionStatus,
    Subject,
    Term,
    section_sites,
)
from college.people.models import (
    ChildrenGroup,
    Gender,
    Learner,
    ProxyLink,
    ProxyRelation,
    Teacher,
    TeacherKind,
    children_group_sites,
    teacher_subjects,
)
from college.places.models import Area, AreaLevel, Room, Site, SiteClosure

__all__ = [
    "Account", "Area", "AreaLevel", "AuditEntry", "CalendarDay", "ChildrenGroup", "Course", "DayKind", "Gender",
    "Learner", "Period", "ProxyLink", "ProxyRelation", "Role", "Room", "Section", "SectionStatus", "Site",
    "SiteClosure", "Subject", "Teacher", "TeacherKind", "Term", "children_group_sites", "coordinator_sites",
    "section_sites", "teacher_subjects",
]
