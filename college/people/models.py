"""Teachers, children groups, learners and the proxies who act for them."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from college.extensions import db
from college.places.models import _enum


class TeacherKind(enum.StrEnum):
    PROFESSIONAL = "professional"   # dispatched professional teacher (派驻专业教师)
    VOLUNTEER = "volunteer"         # e.g. a retired teacher


teacher_subjects = sa.Table(
    "teacher_subject",
    db.metadata,
    sa.Column("teacher_id", sa.ForeignKey("teacher.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("subject_id", sa.ForeignKey("subject.id", ondelete="RESTRICT"), primary_key=True),
)


class Teacher(db.Model):
    __tablename__ = "teacher"
    __table_args__ = (
        sa.CheckConstraint("max_meetings IS NULL OR max_meetings >= 0", name="max_meetings_nonnegative"),
        sa.CheckConstraint("max_sites_per_day IS NULL OR max_sites_per_day >= 1", name="max_sites_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[TeacherKind] = mapped_column(_enum(TeacherKind), default=TeacherKind.PROFESSIONAL)
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    email: Mapped[str] = mapped_column(sa.String(120), default="")
    # Weekly slots ("mon:am1") the teacher can teach in, and those they prefer.
    available: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    preferred: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    max_meetings: Mapped[int | None]
    max_sites_per_day: Mapped[int | None]
    intergenerational: Mapped[bool] = mapped_column(default=False)  # cleared for classes with children

    subjects: Mapped[list[Subject]] = relationship(secondary=teacher_subjects, order_by="Subject.code")  # noqa: F821
    absences: Mapped[list[TeacherAbsence]] = relationship(
        back_populates="teacher", order_by="TeacherAbsence.first_day", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.name


class TeacherAbsence(db.Model):
    """A teacher cannot teach from a date (illness, leave): on every day, or only on some weekdays.

    `last_day` None means until further notice; `days` None means every weekday, otherwise a
    list of day codes ("mon", "tue", ...)."""

    __tablename__ = "teacher_absence"
    __table_args__ = (
        sa.CheckConstraint("last_day IS NULL OR first_day <= last_day", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("teacher.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date | None]
    days: Mapped[list[str] | None] = mapped_column(sa.JSON)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=datetime.utcnow)

    teacher: Mapped[Teacher] = relationship(back_populates="absences")


children_group_sites = sa.Table(
    "children_group_site",
    db.metadata,
    sa.Column("children_group_id", sa.ForeignKey("children_group.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("site_id", sa.ForeignKey("site.id", ondelete="RESTRICT"), primary_key=True),
)


class ChildrenGroup(db.Model):
    """A children's group (e.g. a half-past-four classroom); no child's personal data is kept."""

    __tablename__ = "children_group"
    __table_args__ = (
        sa.UniqueConstraint("organisation", "name"),
        sa.CheckConstraint("size > 0", name="size_positive"),
        sa.CheckConstraint("min_age IS NULL OR max_age IS NULL OR min_age <= max_age", name="ages_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    organisation: Mapped[str] = mapped_column(sa.String(120))
    coordinator_name: Mapped[str] = mapped_column(sa.String(80), default="")
    coordinator_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    size: Mapped[int]
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    available: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    sites: Mapped[list[Site]] = relationship(secondary=children_group_sites, order_by="Site.code")  # noqa: F821

    def __str__(self) -> str:
        return self.name


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNSPECIFIED = "unspecified"


class Learner(db.Model):
    __tablename__ = "learner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    phone: Mapped[str] = mapped_column(sa.String(20), index=True)
    birth_date: Mapped[date | None]
    gender: Mapped[Gender] = mapped_column(_enum(Gender), default=Gender.UNSPECIFIED)
    home_area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id", ondelete="RESTRICT"), index=True)
    emergency_name: Mapped[str] = mapped_column(sa.String(80), default="")
    emergency_phone: Mapped[str] = mapped_column(sa.String(20), default="")

    home_area: Mapped[Area | None] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return self.name


class ProxyRelation(enum.StrEnum):
    FAMILY = "family"
    COMMUNITY_WORKER = "community_worker"
    GRID_WORKER = "grid_worker"


class ProxyLink(db.Model):
    """A proxy account may act for a learner, with the learner's recorded consent (代报名)."""

    __tablename__ = "proxy_link"
    __table_args__ = (sa.UniqueConstraint("proxy_account_id", "learner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proxy_account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("learner.id", ondelete="CASCADE"), index=True)
    relation: Mapped[ProxyRelation] = mapped_column(_enum(ProxyRelation))
    consent_at: Mapped[datetime]
    consent_note: Mapped[str] = mapped_column(sa.String(200), default="")

    proxy: Mapped[Account] = relationship()  # noqa: F821
    learner: Mapped[Learner] = relationship()
