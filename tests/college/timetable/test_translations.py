"""Every sentence the timetable operations can show has its Chinese translation."""

import pytest
from flask_babel import force_locale

from college.records import RecordError
from college.timetable.operations import request_solve
from tests.college.timetable.builders import small_term
from tests.college.translations import messages, untranslated

FILES = ["college/timetable/operations.py", "college/timetable/jobs.py"]


def test_every_message_of_the_timetable_is_translated_to_chinese(app):
    found = messages(python=FILES)
    assert len(found) >= 10
    assert untranslated(app, found) == []


def test_a_refused_second_solve_says_so_in_chinese(app):
    term = small_term()
    request_solve(term, None)
    with app.test_request_context(), force_locale("zh_Hans_CN"), pytest.raises(RecordError) as refused:
        request_solve(term, None)
    assert str(refused.value.message) == "2027年春季学期 的课表正在生成中（第 1 版）；请等它完成，或将其取消。"
