"""The published small term the calendar tests change sessions of."""

import pytest
from flask_babel import force_locale

from college.extensions import db
from tests.college import factories as f
from tests.college.timetable.builders import published_small_term


@pytest.fixture
def published(app):
    """(term, published version, admin account) of `published_small_term`, in a Chinese request: C001 on Monday
    and Wednesday am1 (08:30) in 书画室 at S01 with 王老师 (T01), C002 on Tuesday and Thursday am1 in 大教室 at
    S02, C003 on Friday pm2 in 书画室."""
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        term, version = published_small_term()
        admin = f.account()
        db.session.commit()
        yield term, version, admin
