"""Administrators' reports on a timetable version: the district overview, the penalty with the meetings
behind it, and week grids as CSV, XLSX and printable A4 pages (URL rules only; the data comes from
overview.py, penalties.py and exports.py)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from college.auth.access import admin_required
from college.catalog.models import Term
from college.extensions import db
from college.reports import exports
from college.reports.overview import district_overview, percent
from college.reports.penalties import breakdown
from college.reports.source import source_for
from college.timetable import grids
from college.timetable.models import JobState, TimetableVersion

bp = Blueprint("reports", __name__, url_prefix="/admin/reports")

TERM_LABELS = {
    "time": (_l("Afternoon and evening meetings"),
             _l("Each meeting of a class without children costs its period's penalty: older learners prefer mornings.")),
    "site_change": (_l("Site changes within a day"),
                    _l("For each teacher and day: the number of different sites, less one.")),
    "room_change": (_l("Room changes within a class"),
                    _l("For each class: the number of different rooms it uses, less one.")),
    "teacher_pref": (_l("Outside the teacher's preferred times"),
                     _l("Each meeting in a slot its teacher did not mark as preferred (teachers who mark none cost nothing).")),
    "perturbation": (_l("Moved from the published timetable"),
                     _l("Each meeting of the published timetable now at another time, in another room, with another teacher, or left out.")),
    "unassigned": (_l("Meetings without a place"), _l("Each meeting the timetable leaves out.")),
}

PRINT_ROOMY_LINES = 12        # up to this many meetings down a week, three lines each fit an A4 page


def dense_font(lines: int) -> float | None:
    """Type size (pt) for a printed week with `lines` meetings stacked down it: None (the roomy 9 pt, three
    lines a meeting) when it fits, else two lines a meeting, as small as fitting one A4 page needs but
    never below 6 pt (a fuller week runs on to a second page, its header row repeated)."""
    if lines <= PRINT_ROOMY_LINES:
        return None
    return round(max(6.0, min(7.5, 400 / (lines * 2 * 1.2 + 6))), 1)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _term(term_id: int) -> Term:
    term = db.session.get(Term, term_id)
    if term is None:
        abort(404)
    return term


def _chosen(term: Term) -> tuple[list[TimetableVersion], TimetableVersion | None]:
    """The term's versions with a timetable, and the one asked for by ?version=N (default: the published one)."""
    versions = grids.viewable_versions(term)
    wanted = request.args.get("version", type=int)
    version = next((v for v in versions if v.number == wanted), None) if wanted else None
    return versions, version or grids.default_version(term)


def _viewable(version_id: int) -> TimetableVersion:
    """A finished version holding a timetable (what `grids.viewable_versions` lists), else 404."""
    version = db.session.get(TimetableVersion, version_id)
    if version is None or version.state != JobState.FINISHED or version.solution is None:
        abort(404)
    return version


def grid_link(version: TimetableVersion, lookup, kind: str, code: str) -> str | None:
    """The week grid of one site, room or teacher (by its id in the shared format) in this version."""
    table = {"site": lookup.sites, "room": lookup.rooms, "teacher": lookup.teachers}[kind]
    if code not in table:
        return None
    return url_for("timetable.grid", term_id=version.term_id, version=version.number,
                   show=f"{kind}:{table[code][0]}")


@bp.route("/terms/<int:term_id>/overview")
@admin_required
def overview(term_id: int):
    term = _term(term_id)
    versions, version = _chosen(term)
    data = district_overview(version) if version is not None else None
    return render_template("reports/overview.html", term=term, versions=versions, version=version, data=data,
                           percent=percent, grid_link=grid_link, endpoint=".overview")


@bp.route("/terms/<int:term_id>/penalty")
@admin_required
def penalty(term_id: int):
    term = _term(term_id)
    versions, version = _chosen(term)
    source = terms = None
    if version is not None:
        source = source_for(version)
        terms = breakdown(source.problem, source.solution)
    return render_template("reports/penalty.html", term=term, versions=versions, version=version, source=source,
                           terms=terms, lookup=source.lookup if source else None, labels=TERM_LABELS, grid_link=grid_link, endpoint=".penalty")


@bp.route("/terms/<int:term_id>/exports")
@admin_required
def export_list(term_id: int):
    term = _term(term_id)
    versions, version = _chosen(term)
    options = grids.choices_for(version) if version is not None else {}
    return render_template("reports/exports.html", term=term, versions=versions, version=version, options=options,
                           kinds=grids.KINDS, endpoint=".export_list")


def _grid(version: TimetableVersion, kind: str, key: int) -> tuple[grids.Grid, str]:
    """The week grid and its title; 404 for a kind or record the version does not use."""
    if kind not in grids.KINDS:
        abort(404)
    label = dict(grids.choices_for(version).get(kind, [])).get(key)
    if label is None:
        abort(404)
    return grids.week_grid(version, kind, key), _title(version, kind, label)


def _title(version: TimetableVersion, kind: str, label: str) -> str:
    return f"{version.term.name} · {_('Version %(n)s', n=version.number)} · {grids.KINDS[kind]}: {label}"


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    """An attachment; file names are ASCII (ids, not titles), so every browser keeps them."""
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _filename(version: TimetableVersion, kind: str, key: int, ext: str) -> str:
    return f"timetable-{version.term_id}-v{version.number}-{kind}-{key}.{ext}"


@bp.route("/versions/<int:version_id>/grids/<kind>/<int:key>.csv")
@admin_required
def grid_csv(version_id: int, kind: str, key: int):
    version = _viewable(version_id)
    week, title = _grid(version, kind, key)
    return _download(exports.to_csv(exports.grid_rows(week, title)), "text/csv; charset=utf-8",
                     _filename(version, kind, key, "csv"))


@bp.route("/versions/<int:version_id>/grids/<kind>/<int:key>.xlsx")
@admin_required
def grid_xlsx(version_id: int, kind: str, key: int):
    version = _viewable(version_id)
    week, title = _grid(version, kind, key)
    return _download(exports.to_xlsx([(title.rsplit(": ", 1)[-1], exports.grid_rows(week, title))]), XLSX,
                     _filename(version, kind, key, "xlsx"))


@bp.route("/versions/<int:version_id>/grids/<kind>.xlsx")
@admin_required
def kind_xlsx(version_id: int, kind: str):
    """Every grid of one kind (all sites, all teachers, ...) in one workbook, a sheet each."""
    version = _viewable(version_id)
    if kind not in grids.KINDS:
        abort(404)
    options = grids.choices_for(version).get(kind, [])
    weeks = exports.every_grid(version, kind, [key for key, _label in options])
    sheets = [(label, exports.grid_rows(weeks[key], _title(version, kind, label))) for key, label in options]
    return _download(exports.to_xlsx(sheets), XLSX, f"timetable-{version.term_id}-v{version.number}-{kind}.xlsx")


@bp.route("/versions/<int:version_id>/print/<kind>")
@admin_required
def print_grids(version_id: int, kind: str):
    """A4 landscape pages, one grid per page: every grid of the kind, or only ?key=ID."""
    version = _viewable(version_id)
    if kind not in grids.KINDS:
        abort(404)
    options = grids.choices_for(version).get(kind, [])
    only = request.args.get("key", type=int)
    if only is not None:
        options = [(k, label) for k, label in options if k == only]
        if not options:
            abort(404)
    weeks = exports.every_grid(version, kind, [key for key, _label in options])
    pages = [(label, weeks[key], dense_font(exports.lines_needed(weeks[key]))) for key, label in options]
    return render_template("reports/print.html", version=version, term=version.term, kind_label=grids.KINDS[kind],
                           pages=pages)


@bp.context_processor
def report_helpers() -> dict:
    """`day_name("mon")` → 周一 / Mon in the reports' templates."""
    from college.i18n import DAY_NAMES, is_chinese

    return {"day_name": lambda code: DAY_NAMES["zh" if is_chinese() else "en"].get(code, code)}
