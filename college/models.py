"""Every model, imported in one place so that Alembic and create_app see the whole schema."""

from college.attendance.models import Attendance, Presence
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
from college.enrollment.models import Enrollment, EnrollmentStatus, LotteryDraw
from college.people.models import (
    ChildrenGroup,
    Gender,
    Learner,
    ProxyLink,
    ProxyRelation,
    Teacher,
    TeacherAbsence,
    TeacherKind,
    children_group_sites,
    teacher_subjects,
)
from college.places.models import (
    Area,
    AreaLevel,
    Room,
    RoomClosure,
    Site,
    SiteClosure,
    TravelOverride,
)
from college.timetable.models import (
    JobState,
    MeetingAssignment,
    SessionAction,
    SessionChange,
    SolverStatus,
    TimetableVersion,
)

__all__ = [
    "Account", "Area", "Attendance", "AreaLevel", "AuditEntry", "CalendarDay", "ChildrenGroup", "Course", "DayKind", "Enrollment", "EnrollmentStatus", "Gender",
    "JobState", "Learner", "LotteryDraw", "MeetingAssignment", "Period", "Presence", "ProxyLink", "ProxyRelation", "Role", "Room", "RoomClosure",
    "Section", "SectionStatus", "SessionAction", "SessionChange", "Site", "SiteClosure", "SolverStatus", "Subject",
    "Teacher", "TeacherAbsence", "TeacherKind", "Term", "TimetableVersion", "TravelOverride", "children_group_sites", "coordinator_sites", "section_sites", "teacher_subjects",
]
