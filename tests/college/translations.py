"""Every sentence of a package has its Chinese translation: the messages its code and templates give to
gettext, and those of them that have no Chinese."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from flask import Flask
from flask_babel import force_locale, gettext, ngettext

ROOT = Path(__file__).resolve().parents[2]

Message = str | tuple[str, ...]


def _files(patterns) -> list[Path]:
    files = []
    for pattern in patterns:
        found = sorted(ROOT.glob(pattern))
        assert found, f"no file matches {pattern}"
        files += found
    return files


def messages(python=(), templates=()) -> set[Message]:
    """The messages of these Python files (`_` and `_l`) and Jinja templates, each given as a path or glob pattern
    from the repository root that must match at least one file. A plural message is a (singular, plural) tuple."""
    found = set()
    for path in _files(python):
        found |= {msg for _line, msg, _comments, _context in extract_from_file(
            "python", path, keywords={"_": None, "_l": None})}
    for path in _files(templates):
        found |= {msg for _line, msg, _comments, _context in extract_from_file(
            "jinja2.ext:babel_extract", path, keywords=DEFAULT_KEYWORDS, options={"extensions": "jinja2.ext.i18n"})}
    return found


def untranslated(app: Flask, found: set[Message]) -> list[Message]:
    """The messages that read the same in Chinese (a plural one by its singular)."""
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        return sorted((m for m in found
                       if (gettext(m) == m if isinstance(m, str) else ngettext(m[0], m[1], 1) == m[0])), key=str)
