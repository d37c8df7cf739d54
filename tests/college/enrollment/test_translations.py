"""Every sentence of the enrollment package and its pages has its Chinese translation."""

from pathlib import Path

from babel.messages.extract import extract_from_file
from flask_babel import force_locale, gettext

ROOT = Path(__file__).resolve().parents[3]


def _messages() -> set[str]:
    found = set()
    for path in sorted((ROOT / "college/enrollment").glob("*.py")):
        found |= {msg if isinstance(msg, str) else msg[0] for _line, msg, _comments, _context in extract_from_file(
            "python", path, keywords={"_": None, "_l": None})}
    for path in sorted((ROOT / "templates/enrollment").glob("*.html")):
        found |= {msg for _line, msg, _comments, _context in extract_from_file(
            "jinja2.ext:babel_extract", path, options={"extensions": "jinja2.ext.i18n"})}
    return found


def test_every_message_of_enrollment_is_translated_to_chinese(app):
    messages = _messages()
    assert len(messages) >= 80
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        untranslated = sorted(m for m in messages if gettext(m) == m)
    assert untranslated == []
