"""Enrolling from a phone in a real browser, against ../shared/spec/elder-ux.md: a learner on a 320 px screen
logs in, finds a class near home, confirms, sees the slip and finds the class under 我的课程; the confirmation
page meets the numbers (text ≥ 18 px, the primary button ≥ 60 × 60 px, no horizontal scrolling); the
button disables itself on the first tap. A proxy enrolls a linked learner the same way."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa
from flask import request

from college.extensions import db
from college.models import Enrollment, Role, SectionStatus
from tests.browser.test_classes import (
    ZOOM_200,
    _district,
    _measure,
    _meets_the_numbers,
    _meets_the_numbers_at_200_percent_zoom,
)
from tests.browser.test_pages import _log_in, _only_local
from tests.college import factories as f
from tests.college.enrollment.helpers import learner, proxy_for

pytestmark = pytest.mark.browser

LEARNER_PHONE = "13700000001"


def _open_classes() -> None:
    from college.models import Section

    for section in db.session.scalars(sa.select(Section)):
        section.status = SectionStatus.OPEN
    db.session.commit()


def _district_and_a_learner_account():
    """The published district with open classes and learner 张秀英 able to log in: the street."""
    street = _district()
    _open_classes()
    le = learner(1, name="张秀英")
    account = f.account(LEARNER_PHONE, Role.LEARNER, "张秀英")
    account.learner_id = le.id
    db.session.commit()
    return street


def _enrollments() -> list[tuple[str, str]]:
    db.session.remove()
    return [(e.learner.name, e.status.value) for e in db.session.scalars(sa.select(Enrollment))]


def _enroll_in_the_first_class(page, base: str, street_id: int) -> None:
    page.goto(f"{base}/classes?area={street_id}")
    card = page.locator(".class-card").first
    assert "还剩 25 个名额" in card.inner_text()
    card.locator("a.button.primary", has_text="报名").click()
    page.wait_for_url("**/classes/*/enroll")


def _slow_enrollments(app) -> None:
    """Each enrollment POST takes a second and a half, as on a slow phone network."""
    @app.before_request
    def slow():
        if request.method == "POST" and request.path.endswith("/enroll"):
            time.sleep(1.5)


def test_a_learner_enrolls_from_a_320px_phone_and_finds_the_class_under_my_courses(live_app, live_server, new_page):
    _slow_enrollments(live_app)
    street = _district_and_a_learner_account()
    page = new_page(width=320, height=640)
    _log_in(page, live_server, LEARNER_PHONE)
    assert "我的课程" in page.inner_text("header")
    _enroll_in_the_first_class(page, live_server, street.id)

    main = page.inner_text("main")
    for fact in ("报名书法入门？", "王老师", "周一 08:30–10:00", "文化路128号", "无台阶", "免费", "2027年3月1日 周一"):
        assert fact in main, fact
    measured = _measure(page)
    _meets_the_numbers(measured, 320, "confirm")
    primary = [t for t in measured["targets"] if t["primary"]]
    assert [t["text"] for t in primary] == ["确认报名"], primary          # one clear next step
    assert primary[0]["width"] >= 60 and primary[0]["height"] >= 60

    # The first tap disables the button; a second submit while the network is slow sends nothing more.
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    # Seen from inside the page 50 ms after the first tap, while the server is still busy: the button, then
    # a second tap. sessionStorage keeps what was seen across the navigation to the slip.
    page.evaluate("""() => document.addEventListener('submit', () => {
        if (window.tapped) return;
        window.tapped = true;
        setTimeout(() => {
            const form = document.querySelector('form.enroll-form'), button = form.querySelector('button.primary');
            sessionStorage.setItem('tap', JSON.stringify({disabled: button.disabled, text: button.innerText}));
            form.requestSubmit();
        }, 50);
    })""")
    page.click("button.primary", no_wait_after=True)
    page.wait_for_url("**/my/classes/*")
    assert len(posts) == 1, posts
    state = page.evaluate("JSON.parse(sessionStorage.getItem('tap'))")
    assert state["disabled"] and "正在提交" in state["text"], state

    slip = page.inner_text("main")
    assert "报名成功" in slip and "张秀英" in slip and "书画室" in slip and "第一次上课" in slip
    _meets_the_numbers(_measure(page), 320, "slip")
    assert _enrollments() == [("张秀英", "enrolled")]

    page.click("header a:has-text('我的课程')")
    page.wait_for_url("**/my/classes")
    mine = page.inner_text("main")
    assert "书法入门" in mine and "状态：已报上" in mine and "看报名单" in mine and "退出" in mine
    _meets_the_numbers(_measure(page), 320, "my courses")
    _only_local(page)


def test_the_slip_prints_on_one_a4_page(live_server, new_page):
    street = _district_and_a_learner_account()
    page = new_page(width=320, height=640)
    _log_in(page, live_server, LEARNER_PHONE)
    _enroll_in_the_first_class(page, live_server, street.id)
    page.click("button.primary")
    page.wait_for_url("**/my/classes/*")
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()       # no navigation on paper
    assert not page.get_by_text("打印报名单").is_visible()
    assert page.get_by_text("报名成功").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1                    # one sheet
    width, height = (float(v) for v in re.search(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert abs(width - 595) < 2 and abs(height - 842) < 2, (width, height)    # A4 portrait, in points


def test_the_confirmation_page_and_the_slip_at_200_percent_zoom(live_server, new_page):
    """Zoomed to 200%, the confirmation page and the slip need no horizontal scrolling, their text stays
    ≥ 18 px and their one primary action ≥ 60 × 60 CSS px."""
    street = _district_and_a_learner_account()
    page = new_page(**ZOOM_200)
    _log_in(page, live_server, LEARNER_PHONE)
    _enroll_in_the_first_class(page, live_server, street.id)
    assert "报名书法入门？" in page.inner_text("main")
    _meets_the_numbers_at_200_percent_zoom(page, "confirm")
    assert page.locator("main .primary").all_inner_texts() == ["确认报名"]

    page.click("button.primary")
    page.wait_for_url("**/my/classes/*")
    assert "报名成功" in page.inner_text("main")
    _meets_the_numbers_at_200_percent_zoom(page, "slip")
    assert page.locator("main .primary").all_inner_texts() == ["我的课程"]
    _only_local(page)


def test_a_proxy_enrolls_a_linked_learner(live_server, new_page):
    street = _district()
    _open_classes()
    mother, father = learner(1, name="张秀英"), learner(2, name="李建国")
    learner(3, name="王陌生")
    proxy = proxy_for(mother, father, phone="13600000001")
    db.session.commit()
    page = new_page(width=320, height=640)
    _log_in(page, live_server, proxy.phone)
    _enroll_in_the_first_class(page, live_server, street.id)
    choices = page.locator(".learner-choices label").all_inner_texts()
    assert [c.strip() for c in choices] == ["张秀英", "李建国"]          # linked learners only
    _meets_the_numbers(_measure(page), 320, "proxy confirm")

    page.click("button.primary")                                        # nobody chosen: said in words
    assert "请选择为哪一位学员报名。" in page.inner_text("main")
    page.check(f"input[name=learner_id][value='{father.id}']")
    page.click("button.primary")
    page.wait_for_url("**/my/classes/*")
    assert "报名成功" in page.inner_text("main") and "李建国" in page.inner_text("main")
    assert _enrollments() == [("李建国", "enrolled")]

    page.goto(f"{live_server}/my/classes")
    mine = page.inner_text("main")
    assert "张秀英" in mine and "李建国" in mine and "王陌生" not in mine and "书法入门" in mine
    _only_local(page)


def test_a_seat_from_the_waitlist_greets_the_learner_on_a_320px_phone_until_got_it(live_server, new_page):
    """Waiting for a full class, 张秀英 gets the seat someone else leaves: the next time she opens the site
    on her phone, the home page says so in words, meets the numbers, and "知道了" puts the notice away."""
    from college.enrollment.operations import enroll, withdraw
    from college.models import Learner, Section

    _district_and_a_learner_account()
    section = db.session.scalars(sa.select(Section).order_by(Section.code)).first()
    section.seats = 1
    db.session.commit()
    first = enroll(learner(2, name="李建国"), section, None)
    me = db.session.scalar(sa.select(Learner).where(Learner.name == "张秀英"))
    waiting = enroll(me, section, None)
    db.session.commit()
    assert waiting.status.value == "waitlisted"
    withdraw(first, None)
    db.session.commit()

    page = new_page(width=320, height=640)
    _log_in(page, live_server, LEARNER_PHONE)
    notice = page.locator("section.promotion")
    assert notice.count() == 1
    text = notice.inner_text()
    assert "好消息：张秀英有名额了" in text and f"（{section.code}）的候补名单上" in text and "报名已确认" in text
    measured = _measure(page)
    _meets_the_numbers(measured, 320, "home with the notice")
    assert [t["text"] for t in measured["targets"] if t["primary"]] == ["我的课程"]   # still one next step

    notice.locator("a", has_text="看上课时间和地点").click()
    page.wait_for_url(f"**/my/classes/{waiting.id}")
    assert "原来在候补名单上" in page.inner_text("main") and "报名成功" in page.inner_text("main")
    page.go_back()
    page.locator("section.promotion button", has_text="知道了").click()
    page.wait_for_url(f"{live_server}/")
    assert page.locator("section.promotion").count() == 0
    page.goto(f"{live_server}/my/classes")
    assert "状态：已报上（候补转正式）" in page.inner_text("main")
    assert page.locator("section.promotion").count() == 0
    _only_local(page)


def test_a_class_drawn_by_lot_is_asked_for_from_a_320px_phone(live_server, new_page):
    """The term draws its seats by lot: the confirmation page says when and that being first does not matter,
    its one primary button asks for a seat, the slip says the request is in the draw, 我的课程 says when;
    each page meets the numbers, and no seat is taken before the draw."""
    from datetime import date, timedelta

    from college.models import Term

    street = _district_and_a_learner_account()
    term = db.session.scalars(sa.select(Term)).one()
    term.lottery_on = date.today() + timedelta(days=3)
    db.session.commit()
    page = new_page(width=320, height=640)
    _log_in(page, live_server, LEARNER_PHONE)
    _enroll_in_the_first_class(page, live_server, street.id)
    main = page.inner_text("main")
    assert "抽签决定：早报晚报机会一样，不用抢" in main
    measured = _measure(page)
    _meets_the_numbers(measured, 320, "confirm by lot")
    primary = [t for t in measured["targets"] if t["primary"]]
    assert [t["text"] for t in primary] == ["确认报名（参加抽签）"], primary
    assert primary[0]["width"] >= 60 and primary[0]["height"] >= 60

    page.click("button.primary")
    page.wait_for_url("**/my/classes/*")
    slip = page.inner_text("main")
    assert "已登记抽签" in slip and "在所有报名的人中抽签分配名额" in slip
    _meets_the_numbers(_measure(page), 320, "slip in the draw")
    assert _enrollments() == [("张秀英", "requested")]

    page.click("header a:has-text('我的课程')")
    page.wait_for_url("**/my/classes")
    assert "状态：等待" in page.inner_text("main") and "抽签" in page.inner_text("main")
    _meets_the_numbers(_measure(page), 320, "my courses in the draw")
    _only_local(page)
