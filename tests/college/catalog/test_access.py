"""Who may open the catalogue's pages, and both languages."""

import pytest

from college.extensions import db
from college.models import Role
from tests.college import factories as f


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TEACHER, Role.COORDINATOR])
def test_only_administrators_open_catalogue_pages(client, app, role):
    user = f.account("13700000003", role, "某人")
    db.session.commit()
    f.login(client, user)
    urls = list(f.blueprint_requests(app, "catalog"))
    assert len(urls) == 16
    for method, url in urls:
        assert client.open(url, method=method).status_code == 403, url


@pytest.mark.parametrize("page,zh,en", [
    ("terms", "学期", "Terms"), ("subjects", "科目", "Subjects"),
    ("courses", "课程", "Courses"), ("sections", "教学班", "Sections")])
def test_catalogue_lists_in_both_languages(client, page, zh, en):
    admin = f.account()
    f.section()
    db.session.commit()
    f.login(client, admin)
    chinese = client.get(f"/admin/{page}/").get_data(as_text=True)
    assert f"<h1>{zh}</h1>" in chinese
    english = client.get(f"/admin/{page}/?lang=en").get_data(as_text=True)
    assert f"<h1>{en}</h1>" in english
