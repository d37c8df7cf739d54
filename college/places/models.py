"""Areas (district → subdistrict → community → group → grid), sites and their rooms."""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from college.extensions import db


class AreaLevel(enum.StrEnum):
    DISTRICT = "district"
    SUBDISTRICT = "subdistrict"
    COMMUNITY = "community"
    GROUP = "group"
    GRID = "grid"


AREA_LEVEL_ORDER = list(AreaLevel)

# Room features the college uses; free strings are allowed in the solver format, but pages
# offer these.
ROOM_FEATURES = ["piano", "dance_floor", "computers", "desks", "kitchen", "step_free",
                 "projector", "easels", "stage"]


def _enum(cls):
    return sa.Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Area(db.Model):
    __tablename__ = "area"
    __table_args__ = (sa.UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    level: Mapped[AreaLevel] = mapped_column(_enum(AreaLevel))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id", ondelete="RESTRICT"), index=True)

    parent: Mapped[Area | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Area]] = relationship(back_populates="parent")

    def path(self) -> str:
        names, area = [], self
        while area is not None:
            names.append(area.name)
            area = area.parent
        return " / ".join(reversed(names))

    def __str__(self) -> str:
        return self.name


class Site(db.Model):
    """A teaching point, usually in a community's silver-pioneer home."""

    __tablename__ = "site"
    __table_args__ = (
        sa.UniqueConstraint("area_id", "name"),
        sa.CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude_range"),
        sa.CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="RESTRICT"), index=True)
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    child_safe: Mapped[bool] = mapped_column(default=False)
    step_free: Mapped[bool] = mapped_column(default=False)
    # Slots ("mon:am1") in which the site is open; null means open whenever the term's grid runs.
    open_slots: Mapped[list[str] | None] = mapped_column(sa.JSON)
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")

    area: Mapped[Area] = relationship()
    rooms: Mapped[list[Room]] = relationship(back_populates="site", order_by="Room.name")
    closures: Mapped[list[SiteClosure]] = relationship(
        back_populates="site", order_by="SiteClosure.first_day", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.name


class SiteClosure(db.Model):
    """Dates on which a site holds no class (renovation, an event in the home)."""

    __tablename__ = "site_closure"
    __table_args__ = (sa.CheckConstraint("first_day <= last_day", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(200), default="")

    site: Mapped[Site] = relationship(back_populates="closures")


class Room(db.Model):
    __tablename__ = "room"
    __table_args__ = (
        sa.UniqueConstraint("site_id", "name"),
        sa.CheckConstraint("seats > 0", name="seats_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    seats: Mapped[int]
    features: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    site: Mapped[Site] = relationship(back_populates="rooms")
    closures: Mapped[list[RoomClosure]] = relationship(
        back_populates="room", order_by="RoomClosure.first_day", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.site.name} {self.name}" if self.site else self.name

    @property
    def step_free(self) -> bool:
        """Reachable without steps: the whole site is, or the room has the feature."""
        return bool(self.site.step_free) or "step_free" in (self.features or [])


class RoomClosure(db.Model):
    """Dates on which one room cannot be used (a leak, repairs) while the rest of its site is open."""

    __tablename__ = "room_closure"
    __table_args__ = (sa.CheckConstraint("first_day <= last_day", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("room.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(200), default="")

    room: Mapped[Room] = relationship(back_populates="closures")


class TravelOverride(db.Model):
    """Travel minutes between two sites set by an administrator, in place of the map estimate.

    Stored once per unordered pair (site_a_id < site_b_id); the minutes hold both ways."""

    __tablename__ = "travel_override"
    __table_args__ = (
        sa.UniqueConstraint("site_a_id", "site_b_id"),
        sa.CheckConstraint("site_a_id < site_b_id", name="pair_ordered"),
        sa.CheckConstraint("minutes >= 0", name="minutes_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_a_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id", ondelete="CASCADE"), index=True)
    site_b_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id", ondelete="CASCADE"), index=True)
    minutes: Mapped[int]
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    site_a: Mapped[Site] = relationship(foreign_keys=[site_a_id])
    site_b: Mapped[Site] = relationship(foreign_keys=[site_b_id])

    def __str__(self) -> str:
        return f"{self.site_a} ↔ {self.site_b}"
