"""Calendar pages: staff cancel or move single sessions (and undo that); a teacher's own timetable; the
learners' page of classes near home; each account's secret calendar link and its iCalendar feed."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from college.attendance.operations import taken_sessions
from college.auth.access import admin_required, roles_required, staff_required
from college.auth.models import Role
from college.calendar import operations as ops
from college.calendar.forms import ButtonForm, CancelForm, MoveForm, SubstituteForm
from college.catalog.models import DAYS, Section, SectionStatus, Term
from college.extensions import db
from college.people.models import Teacher, TeacherAbsence
from college.places.models import Area, AreaLevel, Room, Site
from college.records import RecordError
from college.timetable import grids
from college.timetable.exports import ical_feed
from college.timetable.models import SessionChange
from college.timetable.operations import published_version
from college.timetable.sessions import Session, dated_sessions, taught_by, teacher_sessions

bp = Blueprint("calendar", __name__)

WEEKS_AHEAD = 4


def _term(term_id: int | None) -> Term | None:
    """The chosen term, else the first term with a published timetable that has not ended, else the
    latest term (None when there is no term at all)."""
    if term_id is not None:
        term = db.session.get(Term, term_id)
        if term is None:
            abort(404)
        return term
    versions = ops.published_versions()
    if not versions:
        return db.session.scalar(sa.select(Term).order_by(Term.first_day.desc()))
    return versions[0].term


def _date_arg(name: str) -> date | None:
    value = request.args.get(name, "")
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _window(term: Term, start: date | None, weeks: int = WEEKS_AHEAD) -> tuple[date, date]:
    """From `start` (default: today, or the term's first day before it starts) for `weeks` weeks."""
    first = start or max(date.today(), term.first_day)
    first = min(max(first, term.first_day), term.last_day)
    return first, min(first + timedelta(days=7 * weeks - 1), term.last_day)


# --- staff: sessions, cancel, move, undo -----------------------------------------------------

def _staff_sites() -> list[Site]:
    allowed = ops.session_sites(current_user)
    query = sa.select(Site).order_by(Site.code)
    if allowed is not None:
        query = query.where(Site.id.in_(allowed or {-1}))
    return list(db.session.scalars(query))


@bp.route("/admin/calendar/")
@staff_required
def sessions():
    """The published timetable's dated sessions of a few weeks, at one site or all the user's sites."""
    term = _term(request.args.get("term", type=int))
    if term is None:
        return render_template("calendar/no_term.html")
    version = published_version(term)
    sites = _staff_sites()
    site_id = request.args.get("site", type=int)
    if site_id is not None and site_id not in {s.id for s in sites}:
        abort(403)
    shown_sites = {site_id} if site_id is not None else {s.id for s in sites}
    # Every site of the district at once is a long page: one week of it; one site or a coordinator's: four.
    weeks = 1 if site_id is None and ops.session_sites(current_user) is None else WEEKS_AHEAD
    first, last = _window(term, _date_arg("from"), weeks)
    rows: list[Session] = []
    if version is not None:
        meetings = ops.placed_meetings(version)
        rows = [s for s in dated_sessions(meetings, term)
                if (s.site_id in shown_sites or (s.moved_from and _original_site(s, meetings) in shown_sites))
                and (first <= s.day <= last or (s.moved_from is not None and first <= s.moved_from <= last))]
    return render_template("calendar/sessions.html", term=term, version=version, sites=sites, site_id=site_id,
                           sessions=rows, first=first, last=last, today=date.today(),
                           taken=taken_sessions({s.section_id for s in rows}),
                           earlier=first - timedelta(days=7 * weeks), later=last + timedelta(days=1))


def _original_site(session: Session, meetings) -> int | None:
    for m in meetings:
        if m.section_id == session.section_id and m.meeting == session.meeting:
            return m.room.site_id
    return None


def _session_args() -> tuple[Section, int, date]:
    section = db.session.get(Section, request.args.get("section", type=int) or 0)
    meeting = request.args.get("meeting", type=int)
    on_date = _date_arg("day")
    if section is None or meeting is None or on_date is None:
        abort(404)
    return section, meeting, on_date


def _move_choices(form: MoveForm, term: Term, row, sites: set[int] | None) -> MoveForm:
    """The periods of the term and the rooms the user may move a session into."""
    form.new_period.choices = [("", _("Same period"))] + [
        (p.code, f"{p.code} {p.start:%H:%M}–{p.end:%H:%M}") for p in term.periods]
    rooms = db.session.scalars(sa.select(Room).join(Site).order_by(Site.code, Room.name))
    form.new_room.choices = [("", _("Same room (%(room)s)", room=row.room.name))] + [
        (str(r.id), f"{r.site.name} · {r.name} ({r.seats})") for r in rooms
        if sites is None or r.site_id in sites]
    return form


def _cover_choices(form: SubstituteForm, section: Section, meeting: int, on_date: date) -> SubstituteForm:
    """The teachers who could take the session (see `operations.cover_candidates`)."""
    form.teacher.choices = [("", _("Choose a teacher"))] + [
        (str(t.id), f"{t.name} ({t.code})") for t in ops.cover_candidates(section, meeting, on_date, current_user)]
    return form


@bp.route("/admin/calendar/session", methods=["GET", "POST"])
@staff_required
def change():
    """Cancel, move or give to a substitute one session (section, meeting, original date in the query string)."""
    section, meeting, on_date = _session_args()
    try:
        _version, row, session = ops.find_session(section, meeting, on_date)
    except RecordError as error:
        if request.method != "POST":
            abort(404)
        # A form opened before another timetable was published that no longer has this session.
        flash(error.message, "error")
        return redirect(url_for(".sessions", term=section.term_id, **{"from": on_date.isoformat()}))
    allowed = ops.session_sites(current_user)
    if allowed is not None and session.site_id not in allowed:
        abort(403)
    cancel_form = CancelForm(prefix="cancel")
    move_form = _move_choices(MoveForm(prefix="move"), section.term, row, allowed)
    done = ops.existing_change(section, meeting, on_date)
    cover_form = SubstituteForm(prefix="cover")
    if done is None:
        _cover_choices(cover_form, section, meeting, on_date)
    back = url_for(".sessions", term=section.term_id, site=session.site_id, **{"from": on_date.isoformat()})
    if request.method == "POST":
        try:
            if "cancel-submit" in request.form and cancel_form.validate_on_submit():
                ops.cancel_session(section, meeting, on_date, cancel_form.reason.data, current_user)
                db.session.commit()
                flash(_("The session of %(day)s is cancelled; learners see the reason.",
                        day=_day(on_date)), "success")
                return redirect(back)
            if "move-submit" in request.form and move_form.validate_on_submit():
                room = db.session.get(Room, int(move_form.new_room.data)) if move_form.new_room.data else None
                ops.move_session(section, meeting, on_date, move_form.new_date.data, move_form.new_period.data or None,
                                 room, move_form.reason.data, current_user)
                db.session.commit()
                flash(_("The session is moved to %(day)s.", day=_day(move_form.new_date.data)), "success")
                return redirect(back)
            if "cover-submit" in request.form and cover_form.validate_on_submit():
                chosen = cover_form.teacher.data or ""
                teacher = db.session.get(Teacher, int(chosen)) if chosen.isdigit() else None
                ops.substitute_session(section, meeting, on_date, teacher, cover_form.reason.data, current_user)
                db.session.commit()
                flash(_("%(teacher)s takes the session of %(day)s; they and the learners see it.",
                        teacher=teacher.name, day=_day(on_date)), "success")
                return redirect(back)
        except RecordError as error:
            db.session.rollback()
            if "cancel-submit" in request.form:
                form = cancel_form
            elif "cover-submit" in request.form:
                form = cover_form
            else:
                form = move_form
            target = {"on_date": None, "meeting": None}.get(error.field, error.field)
            field = getattr(form, target, None) if target else None
            if field is not None:
                field.errors = [*field.errors, error.message]
            else:
                flash(error.message, "error")
            section = db.session.get(Section, section.id)
            done = ops.existing_change(section, meeting, on_date)   # the change that came first, if any
    return render_template("calendar/change.html", section=section, meeting=meeting, on_date=on_date,
                           session=session, done=done, cancel_form=cancel_form, move_form=move_form,
                           cover_form=cover_form, back=back, undo_form=ButtonForm())


def _day(value: date) -> str:
    from college.i18n import format_day

    return format_day(value)


@bp.route("/admin/calendar/absences/<int:absence_id>/cancel", methods=["POST"])
@admin_required
def cancel_absence(absence_id: int):
    """Cancel the sessions of a short teacher absence on their dates (from the repair page), so the
    weekly timetable need not be re-planned for it."""
    absence = db.session.get(TeacherAbsence, absence_id)
    if absence is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    term_id = request.form.get("term", type=int)
    try:
        cancelled = ops.cancel_absence_sessions(absence, request.form.get("reason", ""), current_user)
        db.session.commit()
        flash(_("%(n)s sessions are cancelled; learners see the reason. The weekly timetable stays as it is.",
                n=len(cancelled)), "success")
    except RecordError as error:
        db.session.rollback()
        flash(error.message, "error")
    if term_id is None:
        return redirect(url_for(".changes"), 303)
    return redirect(url_for("timetable.repair", term_id=term_id), 303)


@bp.route("/admin/calendar/changes")
@staff_required
def changes():
    """Every cancelled or moved session of a term (a coordinator: those at their sites)."""
    term = _term(request.args.get("term", type=int))
    if term is None:
        return render_template("calendar/no_term.html")
    rows = db.session.scalars(sa.select(SessionChange).join(Section, SessionChange.section_id == Section.id)
                              .where(Section.term_id == term.id)
                              .order_by(SessionChange.on_date, Section.code, SessionChange.meeting)).all()
    allowed = ops.session_sites(current_user)
    if allowed is not None:
        rows = [c for c in rows if ops.change_site_ids(c) & allowed]
    unmatched = {u.change.id: u for u in ops.unmatched_changes(term)}
    return render_template("calendar/changes.html", term=term, changes=rows, undo_form=ButtonForm(),
                           unmatched=unmatched, unmatched_count=sum(1 for c in rows if c.id in unmatched))


@bp.route("/admin/calendar/changes/<int:change_id>/undo", methods=["POST"])
@staff_required
def undo(change_id: int):
    found = db.session.get(SessionChange, change_id)
    if found is None:
        abort(404)
    term_id = found.section.term_id
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        restored = ops.undo_change(found, current_user)
        db.session.commit()
        flash(_("The change is undone: the session is back at its usual place.") if restored
              else _("The change is removed; it matched no session of the published timetable."), "success")
    except RecordError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for(".changes", term=term_id))


# --- a teacher's own timetable ---------------------------------------------------------------

@bp.route("/my/timetable")
@roles_required(Role.TEACHER)
def my_timetable():
    """The teacher's week in each published timetable, and their sessions of the coming weeks."""
    teacher = current_user.teacher
    terms = []
    if teacher is not None:
        for version in ops.published_versions():
            term = version.term
            first, last = _window(term, _date_arg("from"))
            placed = ops.placed_meetings(version)
            meetings = taught_by(placed, teacher.id)
            sessions = [s for s in teacher_sessions(placed, teacher.id, term)
                        if first <= s.day <= last or (s.moved_from is not None and first <= s.moved_from <= last)]
            sections = sorted({m.section for m in meetings}, key=lambda s: s.code)
            site_of = {m.section_id: m.room.site.name for m in meetings}
            terms.append({"term": term, "version": version, "week": grids.week_grid(version, "teacher", teacher.id),
                          "sessions": sessions, "first": first, "last": last,
                          "taken": taken_sessions({s.section_id for s in sessions}),
                          "sections": [(s, sorted({m.room.site.name for m in meetings if m.section_id == s.id}))
                                       for s in sections], "site_of": site_of})
    return render_template("calendar/my_timetable.html", teacher=teacher, terms=terms, today=date.today())


def _saved(form, save) -> bool:
    """Validate the form and run `save` (an operation that checks and audits), committing; False with the
    refusal set on its field (or flashed) when the form or the operation says no, nothing written."""
    if not form.validate_on_submit():
        return False
    try:
        save()
        db.session.commit()
        return True
    except RecordError as error:
        db.session.rollback()
        field = getattr(form, error.field or "", None)
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            flash(str(error.message), "error")
        return False


@bp.route("/my/availability", methods=["GET", "POST"])
@roles_required(Role.TEACHER)
def my_availability():
    """A teacher keeps their own weekly times, preferred times and limits; the office's next timetable (or
    repair) uses them. Classes of the published timetable now outside those times are listed."""
    from college.people import operations as people_ops
    from college.people.forms import MyAvailabilityForm

    teacher = current_user.teacher
    if teacher is None:
        return render_template("calendar/my_availability.html", teacher=None, form=None, outside=[])
    form, status = MyAvailabilityForm(obj=teacher), 200
    if request.method == "POST":
        if _saved(form, lambda: people_ops.update_teacher(teacher, form.values(), current_user)):
            flash(_("Your times are saved. The college office uses them for the next timetable."), "success")
            return redirect(url_for(".my_availability"), 303)
        status = 422
    return render_template("calendar/my_availability.html", teacher=teacher, form=form,
                           outside=ops.meetings_outside_availability(teacher)), status


@bp.route("/my/group", methods=["GET", "POST"])
@roles_required(Role.GROUP)
def my_group():
    """A children's group organiser keeps their group's size, free times, reachable sites and contact, and
    sees when its intergenerational classes meet (the next weeks' sessions, cancelled and moved ones said)."""
    from college.people import operations as people_ops
    from college.people.forms import MyGroupForm

    group = current_user.children_group
    if group is None:
        return render_template("calendar/my_group.html", group=None, form=None, sessions=[])
    form, status = MyGroupForm(obj=group), 200
    if request.method == "GET":
        form.sites.data = [s.id for s in group.sites]
    elif _saved(form, lambda: people_ops.update_children_group(group, form.values(), current_user)):
        flash(_("Your group is saved. The college office uses it for the next timetable."), "success")
        return redirect(url_for(".my_group"), 303)
    else:
        status = 422
    sessions = ops.group_sessions(group.id)[:WEEKS_AHEAD * 7]
    return render_template("calendar/my_group.html", group=group, form=form, sessions=sessions), status


# --- the learners' page: classes near home ---------------------------------------------------

def _subtree(area: Area) -> set[int]:
    ids, todo = set(), [area.id]
    while todo:
        current = todo.pop()
        ids.add(current)
        todo.extend(db.session.scalars(sa.select(Area.id).where(Area.parent_id == current)))
    return ids


def _areas_with_sites() -> list[tuple[Area, list[Area]]]:
    """Streets (subdistricts) with their communities, only those that have a site somewhere below."""
    areas = list(db.session.scalars(sa.select(Area)))
    parents = {a.id: a.parent_id for a in areas}
    holding = set()
    for area_id in db.session.scalars(sa.select(Site.area_id).distinct()):
        while area_id is not None and area_id not in holding:
            holding.add(area_id)
            area_id = parents.get(area_id)
    streets = sorted((a for a in areas if a.level == AreaLevel.SUBDISTRICT and a.id in holding), key=lambda a: a.name)
    out = [(s, sorted((c for c in areas if c.parent_id == s.id and c.id in holding), key=lambda c: c.name))
           for s in streets]
    if not out:   # a district without streets: its areas that hold sites directly
        out = [(a, []) for a in sorted((a for a in areas if a.id in holding and a.parent_id is None),
                                       key=lambda a: a.name)]
    return out


def nearby_classes(area: Area) -> list[dict]:
    """The published classes at the sites of an area (and the areas below it), in week order."""
    from college.i18n import DAY_NAMES, is_chinese

    area_ids = _subtree(area)
    names = DAY_NAMES["zh" if is_chinese() else "en"]
    out = []
    order = {d: i for i, d in enumerate(DAYS)}
    weekly: dict[int, list[tuple]] = {}   # section -> all its weekly times, wherever they are
    for version in ops.published_versions():
        periods = {p.code: p for p in version.term.periods}
        for m in ops.placed_meetings(version):
            day, _sep, code = m.slot.partition(":")
            period = periods.get(code)
            if period is None:
                continue
            weekly.setdefault(m.section_id, []).append(
                (order.get(day, 9), period.start, f"{names.get(day, day)} {period.start.strftime('%H:%M')}"))
            if m.room.site.area_id not in area_ids:
                continue
            teacher = m.teacher or m.section.teacher
            out.append({"day": day, "day_name": names.get(day, day), "start": period.start, "end": period.end,
                        "course": m.section.course.name, "section": m.section.code, "site": m.room.site,
                        "room": m.room.name, "teacher": teacher.name if teacher else "",
                        "step_free": m.room.step_free,
                        "child_safe": m.room.site.child_safe, "term": version.term.name,
                        "section_id": m.section_id, "open": m.section.status == SectionStatus.OPEN,
                        "seats_left": max(m.section.seats - m.section.enrolled, 0)})
    for row in out:   # a class that meets more than once a week says so on each of its days
        times = sorted(weekly.get(row["section_id"], []))
        row["weekly"] = _(", ").join(t[2] for t in times) if len(times) > 1 else ""
    out.sort(key=lambda c: (order.get(c["day"], 9), c["start"], c["course"], c["section"]))
    return out


@bp.route("/classes")
def classes():
    """Choose a street or community; see the published classes at its sites by day and time."""
    area = None
    area_id = request.args.get("area", type=int)
    if area_id is not None:
        area = db.session.get(Area, area_id)
        if area is None:
            abort(404)
    rows = nearby_classes(area) if area is not None else []
    days = []
    for row in rows:
        if not days or days[-1][0] != row["day"]:
            days.append((row["day"], row["day_name"], []))
        days[-1][2].append(row)
    return render_template("calendar/classes.html", area=area, streets=_areas_with_sites(), days=days, count=len(rows),
                           published=bool(ops.published_versions()))


# --- the secret calendar link and its feed ---------------------------------------------------

@bp.route("/my/calendar-link", methods=["GET", "POST"])
@login_required
def calendar_link():
    """Show the account's secret calendar URL; create or replace it (the old one stops working)."""
    if not ops.may_have_feed(current_user):
        abort(403)
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        ops.new_calendar_token(current_user, current_user)
        db.session.commit()
        flash(_("Your new calendar link is ready; the old one no longer works."), "success")
        return redirect(url_for(".calendar_link"))
    token = current_user.calendar_token
    url = url_for(".feed", token=token, _external=True) if token else None
    return render_template("calendar/link.html", url=url, form=form)


@bp.route("/calendar/<token>.ics")
def feed(token: str):
    """The account's sessions as iCalendar, without a login: the secret token is the key."""
    account = ops.account_for_token(token)
    if account is None:
        abort(404)
    # Weak: the tag names what the feed shows, not its bytes (each copy has its own DTSTAMP).
    tag = ops.feed_tag(account, str(get_locale()))
    headers = {"Cache-Control": "private, max-age=300", "ETag": f'W/"{tag}"'}
    if request.if_none_match.contains_weak(tag):
        return Response(status=304, headers=headers)     # a calendar polling again: nothing changed
    body = ical_feed(ops.feed_sessions(account), f"{account.display_name} · {_('Silver College')}",
                     cancelled_word=_("Session cancelled"), moved_word=_("Session moved"),
                     covered_word=_("Substitute for"))
    return body, 200, {**headers, "Content-Type": "text/calendar; charset=utf-8"}

