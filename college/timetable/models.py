"""Timetable versions (one per solve) and the meetings each one places or leaves out."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from college.extensions import db
from college.places.models import _enum


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class SolverStatus(enum.StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


_ACTIVE_SQL = sa.text("state IN ('queued', 'running')")
_PUBLISHED_SQL = sa.text("published_at IS NOT NULL")


class TimetableVersion(db.Model):
    """One solve of a term: the job's state, what the solver said, and the timetable it gave."""

    __tablename__ = "timetable_version"
    __table_args__ = (
        sa.UniqueConstraint("term_id", "number"),
        # At most one published version and one queued-or-running solve per term, on both databases.
        sa.Index("uq_timetable_version_published_term", "term_id", unique=True,
                 sqlite_where=_PUBLISHED_SQL, postgresql_where=_PUBLISHED_SQL),
        sa.Index("uq_timetable_version_active_term", "term_id", unique=True,
                 sqlite_where=_ACTIVE_SQL, postgresql_where=_ACTIVE_SQL),
        sa.CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("term.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=datetime.utcnow)
    state: Mapped[JobState] = mapped_column(_enum(JobState), default=JobState.QUEUED)
    job_id: Mapped[str | None] = mapped_column(sa.String(80))        # RQ job id, or "inproc"
    time_limit: Mapped[float] = mapped_column(default=60.0)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]                            # last sign of life of the job
    solver_status: Mapped[SolverStatus | None] = mapped_column(_enum(SolverStatus))
    solver: Mapped[str] = mapped_column(sa.String(120), default="")
    objective: Mapped[float | None]                                  # best so far while running
    bound: Mapped[float | None]
    seconds: Mapped[float | None]
    valid: Mapped[bool | None]                                       # the scheduler's validator said so
    penalties: Mapped[dict | None] = mapped_column(sa.JSON)
    log: Mapped[str] = mapped_column(sa.Text, default="")
    problem: Mapped[dict | None] = mapped_column(sa.JSON)
    solution: Mapped[dict | None] = mapped_column(sa.JSON)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    term: Mapped[Term] = relationship()  # noqa: F821
    created_by: Mapped[Account | None] = relationship(foreign_keys=[created_by_id])  # noqa: F821
    published_by: Mapped[Account | None] = relationship(foreign_keys=[published_by_id])  # noqa: F821
    meetings: Mapped[list[MeetingAssignment]] = relationship(
        back_populates="version", cascade="all, delete-orphan", passive_deletes=True,
        order_by="MeetingAssignment.id")

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    def __str__(self) -> str:
        return f"{self.term.name} #{self.number}" if self.term else f"#{self.number}"


class MeetingAssignment(db.Model):
    """One meeting of a section in a version: placed (slot, room, teacher) or left out with a reason."""

    __tablename__ = "meeting_assignment"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "section_id", "meeting"),
        sa.CheckConstraint("meeting >= 0", name="meeting_nonnegative"),
        sa.CheckConstraint("(slot IS NULL) = (room_id IS NULL)", name="slot_with_room"),
        sa.CheckConstraint("slot IS NOT NULL OR reason IS NOT NULL", name="unplaced_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("timetable_version.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("section.id", ondelete="RESTRICT"), index=True)
    meeting: Mapped[int]
    slot: Mapped[str | None] = mapped_column(sa.String(20))
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id", ondelete="RESTRICT"), index=True)
    teacher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teacher.id", ondelete="RESTRICT"), index=True)
    locked: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(sa.Text)              # why it is unplaced

    version: Mapped[TimetableVersion] = relationship(back_populates="meetings")
    section: Mapped[Section] = relationship()  # noqa: F821
    room: Mapped[Room | None] = relationship()  # noqa: F821
    teacher: Mapped[Teacher | None] = relationship()  # noqa: F821

    @property
    def placed(self) -> bool:
        return self.slot is not None


class SessionAction(enum.StrEnum):
    CANCELLED = "cancelled"
    MOVED = "moved"
    SUBSTITUTED = "substituted"      # held as usual, taught by another teacher


class SessionChange(db.Model):
    """One dated session of a meeting cancelled, moved or taught by a substitute, with the reason
    learners are told.

    Keyed by the section, the meeting number and the session's original date, so that it holds
    for whichever version is published; a moved session names its new date, period and room, a
    substituted one the teacher who takes it (at its usual time and room)."""

    __tablename__ = "session_change"
    __table_args__ = (
        sa.UniqueConstraint("section_id", "meeting", "on_date"),
        sa.CheckConstraint("meeting >= 0", name="meeting_nonnegative"),
        sa.CheckConstraint("action != 'moved' OR new_date IS NOT NULL", name="moved_has_date"),
        sa.CheckConstraint("action != 'substituted' OR new_teacher_id IS NOT NULL", name="substitute_named"),
        sa.CheckConstraint("length(reason) > 0", name="reason_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("section.id", ondelete="CASCADE"), index=True)
    meeting: Mapped[int]
    on_date: Mapped[date]                                            # the session's original date
    action: Mapped[SessionAction] = mapped_column(_enum(SessionAction))
    new_date: Mapped[date | None]
    new_period: Mapped[str | None] = mapped_column(sa.String(20))   # period code, None = same
    new_room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id", ondelete="RESTRICT"), index=True)
    new_teacher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teacher.id", ondelete="RESTRICT"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=datetime.utcnow)

    section: Mapped[Section] = relationship()  # noqa: F821
    new_room: Mapped[Room | None] = relationship()  # noqa: F821
    new_teacher: Mapped[Teacher | None] = relationship()  # noqa: F821
    created_by: Mapped[Account | None] = relationship()  # noqa: F821
