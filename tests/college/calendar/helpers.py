"""Builders for the calendar tests: the small published term, its sections and rooms by name."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from college.extensions import db
from college.models import Room, Section, Site, Teacher
from college.records import RecordError


def section(code: str) -> Section:
    return db.session.scalars(select(Section).where(Section.code == code)).one()


def room(name: str) -> Room:
    return db.session.scalars(select(Room).where(Room.name == name)).one()


def site(code: str) -> Site:
    return db.session.scalars(select(Site).where(Site.code == code)).one()


def teacher(code: str) -> Teacher:
    return db.session.scalars(select(Teacher).where(Teacher.code == code)).one()


def refused(call, *args) -> RecordError:
    """The RecordError `call(*args)` raises (the test fails if it raises none)."""
    with pytest.raises(RecordError) as raised:
        call(*args)
    return raised.value


def publish_new_version(term, placements, number: int = 2):
    """Publish a finished, valid version `number` of the term with these (section, meeting, slot, room name)
    rows (slot None: the meeting is left out); returns (version, how many session changes no longer match)."""
    from college.models import JobState, MeetingAssignment, SolverStatus, TimetableVersion
    from college.timetable.operations import publish_version

    version = TimetableVersion(term=term, number=number, state=JobState.FINISHED, job_id="inproc", log="",
                               valid=True, solver_status=SolverStatus.FEASIBLE, solution={"assignments": []})
    version.meetings = [
        MeetingAssignment(section=section(s), meeting=m, slot=slot, room=room(r) if slot else None,
                          teacher=teacher("T02" if s == "C002" else "T01") if slot else None,
                          reason=None if slot else "没有空教室")
        for s, m, slot, r in placements]
    db.session.add(version)
    db.session.flush()
    unmatched = publish_version(version, None)
    db.session.commit()
    return version, unmatched


# The published timetable of `published_small_term` as (section, meeting, slot, room name) rows.
SMALL = [("C001", 0, "mon:am1", "书画室"), ("C001", 1, "wed:am1", "书画室"), ("C002", 0, "tue:am1", "大教室"),
         ("C002", 1, "thu:am1", "大教室"), ("C003", 0, "fri:pm2", "书画室")]
