from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from college.auth.forms import LoginForm
from college.auth.models import Account
from college.auth.operations import normalise_phone
from college.extensions import db, login_manager

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = None


@login_manager.user_loader
def load_account(account_id: str) -> Account | None:
    return db.session.get(Account, int(account_id))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        account = db.session.scalar(sa.select(Account).where(Account.phone == normalise_phone(form.phone.data)))
        if account is None or not account.active or not account.check_password(form.password.data):
            form.password.errors.append(_("The phone number or the password is not right. Please try again."))
        else:
            login_user(account, remember=True)
            target = request.args.get("next", "")
            if not target.startswith("/") or urlsplit(target).netloc:
                target = url_for("main.home")
            return redirect(target)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>")
def set_language(code: str):
    if code in ("zh_Hans_CN", "en"):
        session["lang"] = code
    target = request.referrer or url_for("main.home")
    if urlsplit(target).netloc not in ("", request.host):
        target = url_for("main.home")
    return redirect(target)
