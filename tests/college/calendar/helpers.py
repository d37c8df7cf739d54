"""Builders for the calendar tests: the small published term, its sections and rooms by name."""

from __future__ import annotations

from sqlalchemy import select

from college.extensions import db
from college.models import Room, Section, Site, Teacher


def section(code: str) -> Section:
    return db.session.scalars(select(Section).where(Section.code == code)).one()


def room(name: str) -> Room:
    return db.session.scalars(select(Room).where(Room.name == name)).one()


def site(code: str) -> Site:
    return db.session.scalars(select(Site).where(Site.code == code)).one()


def teacher(code: str) -> Teacher:
    return db.session.scalars(select(Teacher).where(Teacher.code == code)).one()
