"""Pages in a real browser: the administrator's room form, reflow, and the elder-UX numbers.

The numbers come from ../shared/spec/elder-ux.md: body text ≥ 18 px with line height ≥ 1.3,
the primary button ≥ 60×60 px and every other target ≥ 44×44 px (inline links in a sentence
are exempt, as in WCAG 2.5.8), text contrast ≥ 4.5:1, no horizontal scrolling at 320 px
width or at 200% zoom, errors said in words, and no request leaving 127.0.0.1.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from college.extensions import db
from college.models import Room
from tests.college import factories as f

pytestmark = pytest.mark.browser

ADMIN_PHONE = "13800000001"

# Every visible button or link (a link inside a sentence is exempt) with its size in CSS px.
TARGETS_JS = """() => [...document.querySelectorAll(
    'a, button, input[type=submit], input[type=button], select, summary')].flatMap(el => {
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  if (!r.width || !r.height || s.visibility === 'hidden' || r.right <= 0 || r.bottom <= 0) return [];
  if (el.tagName === 'A' && !el.classList.contains('button') && el.closest('p')) return [];
  return [{text: (el.innerText || el.value || '').trim().slice(0, 40), width: r.width, height: r.height,
           primary: el.classList.contains('primary')}];
})"""

# Contrast of every element that holds text itself, against the first opaque background behind it.
CONTRAST_JS = """() => {
  const rgba = c => (c.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number).concat([1]).slice(0, 4);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => { for (; el; el = el.parentElement) {
      const c = rgba(getComputedStyle(el).backgroundColor); if (c[3] > 0) return c; }
    return [255, 255, 255, 1]; };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const r = el.getBoundingClientRect();
    if (!own || !r.width || !r.height || r.right <= 0) continue;
    const a = lum(rgba(getComputedStyle(el).color)), b = lum(background(el));
    out.push({text: el.textContent.trim().slice(0, 30),
              ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)});
  }
  return out;
}"""


def _setup_admin_with_rooms(rooms: int = 3):
    admin = f.account(ADMIN_PHONE, name="测试管理员")
    site = f.site("S01", "鼓楼社区银发先锋之家（党群服务中心二楼东侧多功能活动室旁）")
    for i in range(rooms):
        f.room(site, name=f"第{i + 1}教室（书画、合唱、智能手机共用）", seats=20 + i, features=["desks", "piano"])
    db.session.commit()
    return admin, site


def _log_in(page, base: str, phone: str = ADMIN_PHONE, password: str = f.PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#phone", phone)
    page.fill("#password", password)
    page.click("button.primary")
    page.wait_for_load_state()


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _only_local(page) -> None:
    hosts = {urlsplit(url).hostname for url in page.requests if not url.startswith(("data:", "blob:"))}
    assert page.requests and hosts == {"127.0.0.1"}, hosts


def test_admin_creates_a_room_through_the_form_and_sees_it_listed(live_server, new_page):
    _, site = _setup_admin_with_rooms(0)
    page = new_page()
    _log_in(page, live_server)
    page.goto(f"{live_server}/admin/rooms/new")
    page.select_option("#site_id", str(site.id))
    page.fill("#name", "书画室")
    page.fill("#seats", "24")
    page.check("input[name=features][value=desks]")
    page.click("main button.primary")
    page.wait_for_url(f"{live_server}/admin/rooms/**")
    assert "书画室" in page.locator("table.records").inner_text()
    db.session.remove()
    room = db.session.scalar(sa.select(Room).where(Room.name == "书画室"))
    assert room.seats == 24 and room.features == ["desks"] and room.site_id == site.id
    _only_local(page)


def test_a_failed_login_is_said_in_words_next_to_the_field(live_server, new_page):
    _setup_admin_with_rooms(0)
    page = new_page()
    _log_in(page, live_server, password="wrong-password")
    error = page.locator("#password-err")
    assert error.is_visible()
    assert "手机号码或密码不正确" in error.inner_text()
    assert page.get_attribute("#password", "aria-invalid") == "true"
    _only_local(page)


@pytest.mark.parametrize("width", [320, 1280])
def test_text_size_line_height_targets_and_contrast_on_login_and_list(live_server, new_page, width):
    _setup_admin_with_rooms(3)
    page = new_page(width=width)
    page.goto(f"{live_server}/login")
    pages = {"login": _measure(page)}
    _log_in(page, live_server)
    page.goto(f"{live_server}/admin/rooms/")
    assert page.locator("table.records").count() == 1
    pages["list"] = _measure(page)
    for name, measured in pages.items():
        assert measured["font_size"] >= 18, name
        assert measured["line_height"] / measured["font_size"] >= 1.3, name
        primary = [t for t in measured["targets"] if t["primary"]]
        assert primary, name
        for target in primary:
            assert target["width"] >= 60 and target["height"] >= 60, (name, target)
        small = [t for t in measured["targets"] if t["width"] < 44 or t["height"] < 44]
        assert not small, (name, small)
        low = [t for t in measured["contrast"] if t["ratio"] < 4.5]
        assert not low, (name, low)
        assert measured["scroll_width"] <= width, (name, measured["scroll_width"])
    _only_local(page)


def _measure(page) -> dict:
    style = page.evaluate("""() => { const s = getComputedStyle(document.body);
        return {font_size: parseFloat(s.fontSize), line_height: parseFloat(s.lineHeight)}; }""")
    return {**style, "targets": page.evaluate(TARGETS_JS), "contrast": page.evaluate(CONTRAST_JS),
            "scroll_width": _scroll_width(page)}


def test_login_and_list_pages_reflow_at_320px_without_horizontal_scrolling(live_server, new_page):
    _setup_admin_with_rooms(3)
    page = new_page(width=320, height=640)
    page.goto(f"{live_server}/login")
    assert _scroll_width(page) <= 320
    _log_in(page, live_server)
    page.goto(f"{live_server}/admin/rooms/")
    assert page.locator("table.records tbody tr").count() == 3
    assert _scroll_width(page) <= 320
    _only_local(page)


def test_pages_at_200_percent_zoom_need_no_horizontal_scrolling(live_server, new_page):
    """Chrome's 200% zoom on a 1280 px window lays pages out 640 CSS px wide at 2 device px per
    CSS px; a 640 px viewport with device scale factor 2 is that same layout."""
    _setup_admin_with_rooms(3)
    page = new_page(width=640, height=450, scale=2)
    assert page.evaluate("window.devicePixelRatio") == 2
    for path in ("/login", "/admin/rooms/", "/admin/rooms/new"):
        if path != "/login" and "/login" in page.url:
            _log_in(page, live_server)
        page.goto(f"{live_server}{path}")
        assert page.url.endswith(path)
        assert _scroll_width(page) <= 640, path
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    _only_local(page)
