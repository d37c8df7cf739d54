"""Every sentence of the reports (code and templates) has its Chinese translation."""

from babel.messages.extract import extract_from_file
from flask_babel import force_locale, gettext

from tests.college.timetable.test_translations import ROOT

PYTHON = ["college/reports/routes.py"]
TEMPLATES = sorted((ROOT / "templates/reports").glob("*.html"))


def _messages() -> set[str]:
    found = {msg for name in PYTHON for _line, msg, _c, _x in extract_from_file(
        "python", ROOT / name, keywords={"_": None, "_l": None})}
    found |= {msg for path in TEMPLATES for _line, msg, _c, _x in extract_from_file("jinja2.ext:babel_extract", path)}
    return {m for m in found if isinstance(m, str)}


def test_every_message_of_the_reports_is_translated_to_chinese(app):
    messages = _messages()
    assert len(messages) >= 50 and "District overview" in messages
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        untranslated = sorted(m for m in messages if gettext(m) == m)
    assert untranslated == []
