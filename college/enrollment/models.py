"""One row per (section, learner): in the draw, enrolled, waitlisted or withdrawn; the status changes, the
row stays. One LotteryDraw per term that draws its seats by lot."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from college.extensions import db
from college.places.models import _enum


class EnrollmentStatus(enum.StrEnum):
    REQUESTED = "requested"      # asked for a seat before the term's draw; holds none until it is drawn
    ENROLLED = "enrolled"        # holds one of the section's seats (counted in Section.enrolled)
    WAITLISTED = "waitlisted"    # waits in order of created_at, then id
    WITHDRAWN = "withdrawn"


ACTIVE_STATUSES = (EnrollmentStatus.REQUESTED, EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED)


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
    # The request's number in its section's draw (1 = drawn first), None when it was not in a draw.
    draw_rank: Mapped[int | None] = mapped_column()
    # Who clicked: the learner, a proxy or an administrator (None once that account is deleted).
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id", ondelete="SET NULL"), index=True)

    section: Mapped[Section] = relationship()  # noqa: F821
    learner: Mapped[Learner] = relationship()  # noqa: F821
    created_by: Mapped[Account | None] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return f"{self.learner.name} · {self.section.code}" if self.learner and self.section else str(self.id)


class LotteryDraw(db.Model):
    """The draw of a term's seats among the requests made before it: when, by whom, with which seed (the
    order of each section's requests is `lottery.draw_order(seed, section id, request ids)`, so anyone can
    re-run it), and what it gave."""

    __tablename__ = "lottery_draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("term.id", ondelete="CASCADE"), unique=True)
    seed: Mapped[str] = mapped_column(sa.String(64))
    drawn_at: Mapped[datetime] = mapped_column(default=datetime.utcnow)
    drawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id", ondelete="SET NULL"))
    sections: Mapped[int] = mapped_column(default=0)        # sections that had requests
    requests: Mapped[int] = mapped_column(default=0)
    seated: Mapped[int] = mapped_column(default=0)
    waitlisted: Mapped[int] = mapped_column(default=0)

    term: Mapped[Term] = relationship()  # noqa: F821
    drawn_by: Mapped[Account | None] = relationship()  # noqa: F821
