"""Accounts: one per phone number, with a role; coordinators are tied to their sites."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from college.extensions import db


def hash_password(password: str) -> str:
    """A salted hash with the configured method (scrypt unless PASSWORD_HASH_METHOD says otherwise)."""
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


class Role(enum.StrEnum):
    LEARNER = "learner"
    PROXY = "proxy"
    TEACHER = "teacher"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
    GROUP = "group"              # organiser of a children's group (四点半课堂 and the like)


coordinator_sites = sa.Table(
    "coordinator_site",
    db.metadata,
    sa.Column("account_id", sa.ForeignKey("account.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("site_id", sa.ForeignKey("site.id", ondelete="CASCADE"), primary_key=True),
)


class Account(UserMixin, db.Model):
    __tablename__ = "account"
    __table_args__ = (sa.CheckConstraint("length(phone) >= 5", name="phone_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(sa.String(20), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    display_name: Mapped[str] = mapped_column(sa.String(80))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=20,
                                               values_callable=lambda e: [m.value for m in e]))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=datetime.utcnow)
    learner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("learner.id", ondelete="SET NULL"), unique=True)
    teacher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teacher.id", ondelete="SET NULL"), unique=True)
    # The children's group a group organiser keeps (several organisers may share one group).
    children_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("children_group.id", ondelete="SET NULL"),
                                                          index=True)
    # Secret part of the account's calendar feed URL (a phone calendar subscribes without a login);
    # None until the user asks for one; replacing it revokes the old URL.
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    learner: Mapped[Learner | None] = relationship(foreign_keys=[learner_id])  # noqa: F821
    teacher: Mapped[Teacher | None] = relationship(foreign_keys=[teacher_id])  # noqa: F821
    children_group: Mapped[ChildrenGroup | None] = relationship(foreign_keys=[children_group_id])  # noqa: F821
    sites: Mapped[list[Site]] = relationship(secondary=coordinator_sites)  # noqa: F821

    @property
    def is_active(self) -> bool:  # Flask-Login: a disabled account cannot log in
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def coordinates_site(self, site_id: int) -> bool:
        return any(site.id == site_id for site in self.sites)

    def __str__(self) -> str:
        return f"{self.display_name} {self.phone}"

    def __repr__(self) -> str:
        return f"<Account {self.phone} {self.role}>"
