"""One row per (section, learner): enrolled, waitlisted or withdrawn; the status changes, the row stays."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from college.extensions import db
from college.places.models import _enum


class EnrollmentStatus(enum.StrEnum):
    ENROLLED = "enrolled"        # holds one of the section's seats (counted in Section.enrolled)
    WAITLISTED = "waitlisted"    # waits in order of created_at, then id
    WITHDRAWN = "withdrawn"


ACTIVE_STATUSES = (EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED)


class Enrollment(db.Model):
    __tablename__ = "enrollment"
    __table_args__ = (
        sa.UniqueConstraint("section_id", "learner_id"),
        sa.Index("ix_enrollment_section_status", "section_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("section.id", ondelete="RESTRICT"))
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("learner.id", ondelete="RESTRICT"), index=True)
    status: Mapped[EnrollmentStatus] = mapped_column(_enum(EnrollmentStatus))
    created_at: Mapped[datetime] = mapped_column(default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=datetime.utcnow)
    # Taken off the waitlist into a freed seat (None when the seat was had at once); the learner's
    # pages say so until the learner or a proxy acknowledges it (promotion_seen_at).
    promoted_at: Mapped[datetime | None] = mapped_column()
    promotion_seen_at: Mapped[datetime | None] = mapped_column()
    # Who clicked: the learner, a proxy or an administrator (None once that account is deleted).
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id", ondelete="SET NULL"), index=True)

    section: Mapped[Section] = relationship()  # noqa: F821
    learner: Mapped[Learner] = relationship()  # noqa: F821
    created_by: Mapped[Account | None] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return f"{self.learner.name} · {self.section.code}" if self.learner and self.section else str(self.id)
