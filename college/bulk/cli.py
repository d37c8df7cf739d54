"""`flask college import KIND FILE` and `flask college export KIND FILE` for operators."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask_babel import force_locale

from college.bulk.csvfiles import MAX_BYTES, FileRefused, write_table
from college.bulk.kinds import KIND_NAMES
from college.bulk.operations import export_rows, import_file
from college.cli import college_cli
from college.extensions import db

LANGUAGES = {"zh": "zh_Hans_CN", "en": "en"}


def _account(phone: str | None):
    from college.auth.models import Account

    if not phone:
        return None
    account = db.session.scalar(sa.select(Account).where(Account.phone == phone))
    if account is None:
        raise click.UsageError(f"no account with the phone number {phone}")
    return account


@college_cli.command("import")
@click.argument("kind", type=click.Choice(KIND_NAMES))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--account", "phone", help="Phone number of the account named in the audit log.")
@click.option("--lang", type=click.Choice(list(LANGUAGES)), default="zh", show_default=True,
              help="Language of the messages.")
def import_command(kind: str, path: Path, phone: str | None, lang: str) -> None:
    """Import a CSV file of KIND: every row, or nothing and each problem by line (exit 1)."""
    actor = _account(phone)
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    with force_locale(LANGUAGES[lang]):
        try:
            result = import_file(kind, data, actor, filename=path.name)
        except FileRefused as refused:
            db.session.rollback()
            raise click.ClickException(str(refused.message)) from None
        if not result.ok:
            db.session.rollback()
            for error in result.errors:
                click.echo(f"{path.name}:{error.line}: {error.column or '-'}: {error.message}", err=True)
            raise click.ClickException(f"{len(result.errors)} problem(s); nothing was imported")
    db.session.commit()
    click.echo(result.summary())


@college_cli.command("export")
@click.argument("kind", type=click.Choice(KIND_NAMES))
@click.argument("path", type=click.Path(dir_okay=False, writable=True, allow_dash=True, path_type=Path))
def export_command(kind: str, path: Path) -> None:
    """Write every record of KIND to a CSV file (UTF-8 with BOM); "-" writes to standard output."""
    header, rows = export_rows(kind)
    data = write_table(header, rows)
    if str(path) == "-":
        click.get_binary_stream("stdout").write(data)
        return
    path.write_bytes(data)
    click.echo(f"{kind}: {len(rows)} rows written to {path}")
