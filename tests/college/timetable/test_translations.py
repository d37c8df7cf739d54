"""Every sentence the timetable operations can show has its Chinese translation."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from flask_babel import force_locale, gettext

from college.records import RecordError
from college.timetable.operations import request_solve
from tests.college.timetable.builders import small_term

ROOT = Path(__file__).resolve().parents[3]
FILES = ["college/timetable/operations.py", "college/timetable/jobs.py"]


def test_every_message_of_the_timetable_is_translated_to_chinese(app):
    messages = {msg for name in FILES
                for _line, msg, _comments, _context in extract_from_file(
                    "python", ROOT / name, keywords={"_": None, "_l": None})}
    assert len(messages) >= 10
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        untranslated = sorted(m for m in messages if gettext(m) == m)
    assert untranslated == []


def test_a_refused_second_solve_says_so_in_chinese(app):
    term = small_term()
    request_solve(term, None)
    with app.test_request_context(), force_locale("zh_Hans_CN"), pytest.raises(RecordError) as refused:
        request_solve(term, None)
    assert str(refused.value.message) == "2027年春季学期 的课表正在生成中（第 1 版）；请等它完成，或将其取消。"
