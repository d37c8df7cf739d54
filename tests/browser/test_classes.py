"""The learners' page of classes near home in a real browser, against ../shared/spec/elder-ux.md: an elder
on a 320 px phone taps their street and reads the published classes there; text ≥ 18 px with line height
≥ 1.3, the street buttons and the primary action ≥ 60 px tall, every target ≥ 44 × 44 px, contrast
≥ 4.5:1, Chinese first, no horizontal scrolling at 320 px or at 200% zoom, no request leaving 127.0.0.1."""

from __future__ import annotations

import pytest

from college.extensions import db
from college.models import AreaLevel
from tests.browser.test_pages import CONTRAST_JS, TARGETS_JS, _only_local, _scroll_width
from tests.college import factories as f
from tests.college.calendar.helpers import site
from tests.college.timetable.builders import published_small_term

pytestmark = pytest.mark.browser


def _district():
    """The small published term, its two sites in 鼓楼社区 and 南宁社区 of 南宁街道 (long names, as in life)."""
    published_small_term()
    district = f.area("麒麟区", AreaLevel.DISTRICT)
    street = f.area("南宁街道", AreaLevel.SUBDISTRICT, district)
    near, far = site("S01"), site("S02")
    near.area = f.area("鼓楼社区（麒麟区南宁街道办事处辖区）", AreaLevel.COMMUNITY, street)
    far.area = f.area("南宁社区", AreaLevel.COMMUNITY, street)
    near.step_free = True
    near.address = "麒麟区南宁街道鼓楼社区文化路128号党群服务中心二楼东侧"
    db.session.commit()
    return street


def _measure(page) -> dict:
    style = page.evaluate("""() => { const s = getComputedStyle(document.body);
        return {font_size: parseFloat(s.fontSize), line_height: parseFloat(s.lineHeight),
                lang: document.documentElement.lang}; }""")
    return {**style, "targets": page.evaluate(TARGETS_JS), "contrast": page.evaluate(CONTRAST_JS),
            "scroll_width": _scroll_width(page)}


def _meets_the_numbers(measured: dict, width: int, name: str) -> None:
    assert measured["lang"] == "zh-CN", name
    assert measured["font_size"] >= 18, name
    assert measured["line_height"] / measured["font_size"] >= 1.3, name
    small = [t for t in measured["targets"] if t["width"] < 44 or t["height"] < 44]
    assert not small, (name, small)
    for target in (t for t in measured["targets"] if t["primary"]):
        assert target["width"] >= 60 and target["height"] >= 60, (name, target)
    low = [t for t in measured["contrast"] if t["ratio"] < 4.5]
    assert not low, (name, low)
    assert measured["scroll_width"] <= width, (name, measured["scroll_width"])


@pytest.mark.parametrize("width", [320, 1280])
def test_an_elder_taps_their_street_and_reads_the_classes_there(live_server, new_page, width):
    _district()
    page = new_page(width=width, height=700)
    page.goto(f"{live_server}/classes")
    assert "第一步：选择您所在的街道或社区。" in page.inner_text("main")
    _meets_the_numbers(_measure(page), width, "choose")
    street_button = page.locator(".area-list > li > a.button").first
    box = street_button.bounding_box()
    assert box["height"] >= 60 and box["width"] >= 60, box       # the one next step is big
    street_button.click()
    page.wait_for_url("**/classes?area=*")
    main = page.inner_text("main")
    assert "南宁街道 的课" in main and "共 5 节课。" in main
    assert "书法入门" in main and "合唱" in main and "08:30–10:00" in main
    assert "无台阶：轮椅和助行器可以进出。" in main and "适合儿童（四点半课堂）。" in main
    assert page.locator("main h2").all_inner_texts() == ["周一", "周二", "周三", "周四", "周五"]
    measured = _measure(page)
    _meets_the_numbers(measured, width, "classes")
    assert [t for t in measured["targets"] if t["primary"]], "a primary action: choose another place"
    _only_local(page)


# Chrome's 200% zoom on a 1280 px window lays a page out 640 CSS px wide at 2 device px per CSS px: a page
# opened with new_page(**ZOOM_200) has that same layout.
ZOOM_200 = {"width": 640, "height": 450, "scale": 2}


def _meets_the_numbers_at_200_percent_zoom(page, name: str) -> None:
    """On a page opened with new_page(**ZOOM_200): no horizontal scrolling, text ≥ 18 px, and every primary
    action still ≥ 60 × 60 CSS px."""
    assert page.evaluate("window.devicePixelRatio") == ZOOM_200["scale"], name
    assert _scroll_width(page) <= ZOOM_200["width"], (name, _scroll_width(page))
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18, name
    for target in (t for t in page.evaluate(TARGETS_JS) if t["primary"]):
        assert target["width"] >= 60 and target["height"] >= 60, (name, target)


def test_the_classes_page_at_200_percent_zoom_needs_no_horizontal_scrolling(live_server, new_page):
    street = _district()
    page = new_page(**ZOOM_200)
    for path in ("/classes", f"/classes?area={street.id}"):
        page.goto(f"{live_server}{path}")
        _meets_the_numbers_at_200_percent_zoom(page, path)
    _only_local(page)
