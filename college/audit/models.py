"""The audit log: who changed which record, when, and what changed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from college.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_record", "entity", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=datetime.utcnow, index=True)
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(sa.String(20))  # create, update, delete, import
    entity: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(sa.String(200))
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    account: Mapped["Account | None"] = relationship()  # noqa: F821, UP037
