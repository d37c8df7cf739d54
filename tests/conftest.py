"""Fixtures shared by the whole suite.

The data layer runs on SQLite by default and on PostgreSQL when SILVER_TEST_DATABASE=postgresql
(`make test` does both). The PostgreSQL run creates its own throwaway database and drops it at
the end; it fails, never skips, when the server cannot be reached.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from jinja2 import BytecodeCache

from college import create_app
from college.extensions import db

ROOT = Path(__file__).resolve().parent.parent
BACKEND = os.environ.get("SILVER_TEST_DATABASE", "sqlite")


def _postgres_database() -> tuple[str, callable]:
    admin_url = os.environ.get("SILVER_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    name = f"silver_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"),
                {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        engine.dispose()

    return url, drop


def empty_database(directory: Path) -> tuple[str, callable]:
    """A new empty database on the backend under test: (url, drop)."""
    if BACKEND == "postgresql":
        return _postgres_database()
    return "sqlite:///" + str(directory / f"{uuid.uuid4().hex[:8]}.db"), (lambda: None)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """One database for the session, its schema built by the Alembic migrations."""
    url, drop = empty_database(tmp_path_factory.mktemp("db"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    yield url
    drop()


def _empty_all_tables() -> None:
    with db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:  # self-references (area tree, prerequisites) first
            for fk in table.foreign_keys:
                if fk.column.table is table and fk.parent.nullable:
                    conn.execute(table.update().values({fk.parent.name: None}))
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


class _SharedBytecode(BytecodeCache):
    """Compiled templates kept for the whole run: every test makes its own app, and so its own Jinja
    environment, which would otherwise compile each template it renders again (a third of a test's time).
    Jinja checks each template's source against the cached code, so an edited template is compiled anew."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _SharedBytecode()


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test",
        "SERVER_NAME": None,
        # One iteration instead of scrypt: hashing is werkzeug's, tested there; ours is which method.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
    })
    app.jinja_env.bytecode_cache = _TEMPLATES
    with app.app_context():
        _empty_all_tables()
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (own `g`, own session), as in production.

    Without this the test's app context would be reused by every request, so Flask-Login's
    and Flask-Babel's per-request caches would leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
