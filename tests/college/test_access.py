"""Every administrators' route, present and future: non-staff get 403, strangers the login page."""

import re

import pytest

from college.models import Role
from tests.college.people import quick as q


def admin_requests(app) -> list[tuple[str, str]]:
    """(method, url) for every GET and POST rule under /admin, with made-up values for its parts."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        url = re.sub(r"<int:[^>]+>", "999999", rule.rule)
        url = re.sub(r"<[^>]+>", "made-up", url)
        for method in sorted(rule.methods & {"GET", "POST"}):
            found.append((method, url))
    return found


def test_the_walk_finds_the_admin_pages(app):
    urls = {url for _method, url in admin_requests(app)}
    assert "/admin/" in urls and "/admin/rooms/new" in urls and "/admin/accounts/999999/edit" in urls
    assert ("POST", "/admin/teachers/999999/delete") in admin_requests(app)


@pytest.mark.parametrize("role", [Role.LEARNER, Role.PROXY, Role.TEACHER, Role.GROUP])
def test_every_admin_route_refuses_learners_proxies_teachers_and_group_organisers(app, client, role):
    who = q.account("13700000009", role, "非管理员")
    from college.extensions import db

    db.session.commit()
    q.login(client, who)
    allowed = [(method, url, client.open(url, method=method).status_code)
               for method, url in admin_requests(app)]
    assert [entry for entry in allowed if entry[2] != 403] == []


def test_every_admin_route_sends_a_stranger_to_the_login_page(app, client):
    wrong = []
    for method, url in admin_requests(app):
        response = client.open(url, method=method)
        if response.status_code != 302 or not response.headers["Location"].startswith("/login"):
            wrong.append((method, url, response.status_code))
    assert wrong == []
