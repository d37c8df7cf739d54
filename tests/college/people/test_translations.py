"""Every sentence the people and account pages can show has its Chinese translation."""

from pathlib import Path

from babel.messages.extract import extract_from_file
from flask_babel import force_locale, gettext

ROOT = Path(__file__).resolve().parents[3]
FILES = ["college/people/forms.py", "college/people/operations.py", "college/people/routes.py",
         "college/auth/forms.py", "college/auth/operations.py", "college/auth/routes.py"]


def test_every_message_of_people_and_accounts_is_translated_to_chinese(app):
    messages = {msg for name in FILES
                for _line, msg, _comments, _context in extract_from_file(
                    "python", ROOT / name, keywords={"_": None, "_l": None})}
    assert len(messages) > 100
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        untranslated = sorted(m for m in messages if gettext(m) == m)
    assert untranslated == []
