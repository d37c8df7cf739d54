"""Command-line commands for operators: `flask college ...` and `flask demo ...`."""

from __future__ import annotations

import json

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from college.extensions import db

college_cli = AppGroup("college", help="Operate the college's data.")


def count_records() -> dict[str, int]:
    from college import models as m

    kinds = {
        "areas": m.Area, "sites": m.Site, "site_closures": m.SiteClosure, "rooms": m.Room,
        "terms": m.Term, "periods": m.Period, "calendar_days": m.CalendarDay, "subjects": m.Subject,
        "courses": m.Course, "sections": m.Section, "teachers": m.Teacher,
        "children_groups": m.ChildrenGroup, "learners": m.Learner, "accounts": m.Account,
        "proxy_links": m.ProxyLink, "enrollments": m.Enrollment, "audit_entries": m.AuditEntry,
        "timetable_versions": m.TimetableVersion, "meeting_assignments": m.MeetingAssignment,
    }
    counts = {name: db.session.scalar(sa.select(sa.func.count()).select_from(model))
              for name, model in kinds.items()}
    counts["volunteer_teachers"] = db.session.scalar(
        sa.select(sa.func.count()).select_from(m.Teacher).where(m.Teacher.kind == m.TeacherKind.VOLUNTEER))
    for role in m.Role:
        counts[f"accounts_{role.value}"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(m.Account).where(m.Account.role == role))
    return counts


@college_cli.command("stats")
def stats() -> None:
    """Print one JSON object counting every kind of record."""
    click.echo(json.dumps(count_records(), sort_keys=True))


def register(app: Flask) -> None:
    import college.bulk.cli  # noqa: F401  (adds `flask college import` and `export`)
    from college.demo.cli import demo_cli
    from college.timetable.cli import timetable_cli

    app.cli.add_command(college_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(timetable_cli)
