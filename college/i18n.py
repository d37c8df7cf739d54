"""Languages: Simplified Chinese first, English too; dates written the way learners read them."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

PACKAGE = Path(__file__).resolve().parent


def translation_directories() -> list[Path]:
    """college/translations and each domain's own <domain>/translations, merged by Flask-Babel."""
    return sorted(p for p in PACKAGE.glob("**/translations") if p.is_dir())
LANGUAGE_NAMES = {"zh_Hans_CN": "中文", "en": "English"}
WEEKDAYS_ZH = "一二三四五六日"
DAY_CODES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_NAMES = {
    "zh": dict(zip(DAY_CODES, ["周一", "周二", "周三", "周四", "周五", "周六", "周日"], strict=True)),
    "en": dict(zip(DAY_CODES, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], strict=True)),
}


def compile_catalogs(directories: list[Path] | None = None) -> None:
    """Compile each messages.po to messages.mo when the .mo is missing or older.

    Several processes may start at once (gunicorn workers, test workers), each compiling: each
    writes its own temporary file and renames it over the .mo, which is atomic, so a reader
    sees the old catalog or a whole new one and no writer removes another's file.
    """
    for po_path in (p for d in directories or translation_directories()
                    for p in d.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        fd, tmp = tempfile.mkstemp(dir=mo_path.parent, prefix="messages.", suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as mo_file:
                write_mo(mo_file, catalog)
            os.replace(tmp, mo_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def select_locale() -> str:
    languages = ["zh_Hans_CN", "en"]
    if not has_request_context():   # CLI commands and operations called outside a request
        return "zh_Hans_CN"
    wanted = request.args.get("lang") or session.get("lang")
    if wanted in languages:
        return wanted
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return "zh_Hans_CN"


def is_chinese() -> bool:
    return str(get_locale()).startswith("zh")


def format_day(value: date | None) -> str:
    """2027年3月2日 周二 in Chinese, Tue 2 Mar 2027 in English."""
    if value is None:
        return ""
    if is_chinese():
        return f"{value.year}年{value.month}月{value.day}日 周{WEEKDAYS_ZH[value.weekday()]}"
    return value.strftime("%a %-d %b %Y")


def format_slot(slot: str | None) -> str:
    """"mon:am1" as 周一 am1 / Mon am1."""
    if not slot or ":" not in slot:
        return slot or ""
    day, period = slot.split(":", 1)
    names = DAY_NAMES["zh" if is_chinese() else "en"]
    return f"{names.get(day, day)} {period}"


def init_app(app: Flask, babel) -> None:
    compile_catalogs()
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES",
                          ";".join(str(d) for d in translation_directories()))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["slot"] = format_slot
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
