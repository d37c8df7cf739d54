"""Terms with their calendars and period grids; subjects, courses and sections."""

from __future__ import annotations

import enum
from datetime import date, time
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from college.extensions import db
from college.places.models import _enum

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Term(db.Model):
    __tablename__ = "term"
    __table_args__ = (
        sa.CheckConstraint("first_day <= last_day", name="dates_ordered"),
        sa.CheckConstraint(
            "enrollment_opens IS NULL OR enrollment_closes IS NULL OR enrollment_opens <= enrollment_closes",
            name="enrollment_ordered"),
        sa.CheckConstraint("max_classes_per_learner IS NULL OR max_classes_per_learner >= 1",
                           name="max_classes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    enrollment_opens: Mapped[date | None]
    enrollment_closes: Mapped[date | None]
    # Seats drawn by lot on this day among the requests made until then (no race); None: first come,
    # first served from the day enrollment opens.
    lottery_on: Mapped[date | None]
    # At most this many classes a learner may ask for, hold or wait for in the term; None: no limit.
    max_classes_per_learner: Mapped[int | None]

    periods: Mapped[list[Period]] = relationship(
        back_populates="term", order_by="Period.start", cascade="all, delete-orphan")
    calendar_days: Mapped[list[CalendarDay]] = relationship(
        back_populates="term", order_by="CalendarDay.day", cascade="all, delete-orphan")
    sections: Mapped[list[Section]] = relationship(back_populates="term")

    def slots(self) -> list[str]:
        return [f"{d}:{p.code}" for d in DAYS for p in self.periods]

    def __str__(self) -> str:
        return self.name


class DayKind(enum.StrEnum):
    HOLIDAY = "holiday"        # public holiday: no class
    MAKEUP = "makeup"          # make-up working day (调休): runs the timetable of `works_as`


class CalendarDay(db.Model):
    """A public holiday or a make-up working day inside a term."""

    __tablename__ = "calendar_day"
    __table_args__ = (
        sa.UniqueConstraint("term_id", "day"),
        sa.CheckConstraint("kind <> 'makeup' OR works_as IS NOT NULL", name="makeup_has_weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("term.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    kind: Mapped[DayKind] = mapped_column(_enum(DayKind))
    name: Mapped[str] = mapped_column(sa.String(80), default="")
    works_as: Mapped[str | None] = mapped_column(sa.String(3))  # "mon".."sun" for a make-up day

    term: Mapped[Term] = relationship(back_populates="calendar_days")


class Period(db.Model):
    """One period of the daily grid; the same periods exist on every day of the term."""

    __tablename__ = "period"
    __table_args__ = (
        sa.UniqueConstraint("term_id", "code"),
        sa.CheckConstraint("start < \"end\"", name="times_ordered"),
        sa.CheckConstraint("penalty >= 0", name="penalty_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("term.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(10))
    start: Mapped[time]
    end: Mapped[time]
    penalty: Mapped[int] = mapped_column(default=0)  # "elder-unfriendly" cost

    term: Mapped[Term] = relationship(back_populates="periods")


class Subject(db.Model):
    __tablename__ = "subject"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)

    def __str__(self) -> str:
        return self.name


class Course(db.Model):
    __tablename__ = "course"
    __table_args__ = (
        sa.UniqueConstraint("subject_id", "name", "level"),
        sa.CheckConstraint("seats > 0", name="seats_positive"),
        sa.CheckConstraint("meetings_per_week BETWEEN 1 AND 7", name="meetings_range"),
        sa.CheckConstraint("minutes > 0", name="minutes_positive"),
        sa.CheckConstraint("fee >= 0", name="fee_nonnegative"),
        sa.CheckConstraint("min_age IS NULL OR max_age IS NULL OR min_age <= max_age", name="ages_ordered"),
        sa.CheckConstraint("prerequisite_id IS NULL OR prerequisite_id <> id", name="not_own_prerequisite"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    subject_id: Mapped[int] = mapped_column(sa.ForeignKey("subject.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    level: Mapped[int] = mapped_column(default=1)
    meetings_per_week: Mapped[int] = mapped_column(default=1)
    minutes: Mapped[int] = mapped_column(default=90)
    features: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    seats: Mapped[int]
    fee: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2), default=Decimal("0"))
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    prerequisite_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course.id", ondelete="RESTRICT"))
    intergenerational: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(sa.Text, default="")

    subject: Mapped[Subject] = relationship()
    prerequisite: Mapped[Course | None] = relationship(remote_side=[id])

    def __str__(self) -> str:
        return self.name


class SectionStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


section_sites = sa.Table(
    "section_site",
    db.metadata,
    sa.Column("section_id", sa.ForeignKey("section.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("site_id", sa.ForeignKey("site.id", ondelete="RESTRICT"), primary_key=True),
)


class Section(db.Model):
    """A class (班) of a course in a term."""

    __tablename__ = "section"
    __table_args__ = (
        sa.UniqueConstraint("term_id", "code"),
        sa.CheckConstraint("seats > 0", name="seats_positive"),
        sa.CheckConstraint("min_days_apart >= 0", name="min_days_apart_nonnegative"),
        # The seat counter: enrollment changes it only with one atomic UPDATE (college/enrollment).
        sa.CheckConstraint("enrolled >= 0 AND enrolled <= seats", name="enrolled_within_seats"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("term.id", ondelete="RESTRICT"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="RESTRICT"), index=True)
    seats: Mapped[int]
    teacher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teacher.id", ondelete="RESTRICT"), index=True)
    children_group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("children_group.id", ondelete="RESTRICT"), index=True)
    status: Mapped[SectionStatus] = mapped_column(_enum(SectionStatus), default=SectionStatus.DRAFT)
    min_days_apart: Mapped[int] = mapped_column(default=1)
    allowed_slots: Mapped[list[str] | None] = mapped_column(sa.JSON)  # null: any slot
    enrolled: Mapped[int] = mapped_column(default=0, server_default="0")  # seats taken

    term: Mapped[Term] = relationship(back_populates="sections")
    course: Mapped[Course] = relationship()
    teacher: Mapped[Teacher | None] = relationship()  # noqa: F821
    children_group: Mapped[ChildrenGroup | None] = relationship()  # noqa: F821
    sites: Mapped[list[Site]] = relationship(secondary=section_sites, order_by="Site.code")  # noqa: F821

    def __str__(self) -> str:
        return f"{self.code} {self.course.name}" if self.course else self.code
