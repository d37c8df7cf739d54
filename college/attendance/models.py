"""One row per learner and dated session: present, absent, or away with leave."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from college.extensions import db
from college.places.models import _enum


class Presence(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"          # asked for leave (请假)


class Attendance(db.Model):
    """Keyed like a session change: the section, the meeting number and the session's original date, so it
    stays with its session whichever version is published and wherever the session was moved."""

    __tablename__ = "attendance"
    __table_args__ = (
        sa.UniqueConstraint("section_id", "meeting", "on_date", "learner_id"),
        sa.CheckConstraint("meeting >= 0", name="meeting_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("section.id", ondelete="CASCADE"), index=True)
    meeting: Mapped[int]
    on_date: Mapped[date]
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("learner.id", ondelete="RESTRICT"), index=True)
    presence: Mapped[Presence] = mapped_column(_enum(Presence))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=datetime.utcnow)

    section: Mapped[Section] = relationship()  # noqa: F821
    learner: Mapped[Learner] = relationship()  # noqa: F821
    recorded_by: Mapped[Account | None] = relationship()  # noqa: F821
