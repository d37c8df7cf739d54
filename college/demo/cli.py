"""`flask demo load`: build (or rebuild) the demo district and print its logins and counts."""

from __future__ import annotations

import json
import time

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from college.auth.models import Role
from college.cli import count_records
from college.demo.loader import SHARED_PASSWORD, load_demo
from college.extensions import db

demo_cli = AppGroup("demo", help="The demo district (Qilin district, Qujing).")

ROLE_NAMES = {Role.ADMIN: "administrator", Role.COORDINATOR: "coordinator",
              Role.TEACHER: "teacher", Role.LEARNER: "learner", Role.GROUP: "group organiser"}


@demo_cli.command("load")
def load() -> None:
    """Load the demo district in one transaction, replacing an earlier demo (same data every time)."""
    started = time.perf_counter()
    try:
        result = load_demo()
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise click.ClickException(
            "the earlier demo district could not be replaced: other records still use it "
            f"({error.orig.__class__.__name__}). Nothing was changed.") from None
    seconds = time.perf_counter() - started
    verb = "replaced" if result.replaced else "loaded"
    click.echo(f"Demo district {verb} in {seconds:.1f} s.")
    click.echo("Logins (phone / password):")
    for login in result.logins:
        label = "group" if login.role == Role.GROUP else "sites"
        note = f"  {label}: {login.note}" if login.note else ""
        click.echo(f"  {ROLE_NAMES[login.role]:<14} {login.phone} / {login.password}  {login.name}{note}")
    click.echo(f"  every other demo account (learners, teachers, proxies): password {SHARED_PASSWORD}")
    click.echo("Counts: " + json.dumps(count_records(), sort_keys=True))
