"""Silver College: the app factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from college import config
from college.extensions import babel, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages, CLI. Nothing runs at import."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder="static")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_checks(app)
    register_commands(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, _record):
    # SQLite enforces foreign keys only when asked, per connection.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def register_extensions(app: Flask) -> None:
    from college import i18n, models  # noqa: F401  (every model, for Alembic)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app, babel)


def register_blueprints(app: Flask) -> None:
    from college.admin.routes import bp as admin_bp
    from college.audit.routes import bp as audit_bp
    from college.auth.routes import bp as auth_bp
    from college.bulk.routes import bp as bulk_bp
    from college.catalog.routes import bp as catalog_bp
    from college.main import bp as main_bp
    from college.people.routes import bp as people_bp
    from college.places.routes import bp as places_bp
    from college.timetable.routes import bp as timetable_bp

    for bp in (main_bp, auth_bp, admin_bp, audit_bp, places_bp, people_bp, catalog_bp, bulk_bp, timetable_bp):
        app.register_blueprint(bp)
    from college.reports.routes import bp as reports_bp

    app.register_blueprint(reports_bp)
    from college.calendar.routes import bp as calendar_bp

    app.register_blueprint(calendar_bp)
    from college.enrollment.routes import bp as enrollment_bp

    app.register_blueprint(enrollment_bp)
    from college.attendance.routes import bp as attendance_bp

    app.register_blueprint(attendance_bp)


def register_errorhandlers(app: Flask) -> None:
    from flask import render_template

    def render_error(error):
        code = getattr(error, "code", 500)
        if code == 500:
            db.session.rollback()
        return render_template("errors.html", code=code, error=error), code

    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, render_error)


def register_request_checks(app: Flask) -> None:
    from flask import abort, request

    @app.before_request
    def refuse_nul_characters():
        # No keyboard types a NUL; PostgreSQL refuses it in text, so answer 400, not 500.
        values = list(request.args.values())
        if request.method == "POST" and request.mimetype != "multipart/form-data":
            values += list(request.form.values())
        if any("\x00" in value for value in values) or "\x00" in request.path:
            abort(400)


def register_commands(app: Flask) -> None:
    from college.cli import register

    register(app)
