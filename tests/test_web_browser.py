"""The desk in a real browser (headless Chromium via Playwright) against `newsgrasp serve`.

Flows a reader follows: front page → story → an event's evidence; the USA–RUS
relations chart → a point → its events; a search → its feed.  Screenshots at
1280 px and 360 px go to test-artifacts/.  The XSS test opens pages of a store
whose every field carries script payloads and checks that nothing ran.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ._web_support import ARTIFACTS, desk_db, hostile_store, serve

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and shutil.which("chromium") is None,
    reason="no Chromium at /usr/bin/chromium (Debian's `chromium` package); Playwright's own browser "
           "download does not work here",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium"))
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def desk(demo_site) -> Iterator[str]:
    with serve(desk_db(demo_site)) as base:
        yield base


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 360])
def test_reader_follows_a_story_to_an_events_evidence(browser, desk, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(desk + "/")
    assert response.status == 200 and "script-src 'self'" in response.headers["content-security-policy"]
    cards = page.locator(".story-card")
    assert cards.count() >= 3
    shot(page, f"front-{width}")
    assert no_horizontal_scroll(page), "the front page fits the viewport"

    # The first story with events: open it from the front page.
    story_links = page.locator(".story-card h2 a")
    for i in range(story_links.count()):
        story_links.nth(i).click()
        if page.locator("a.evidence-link").count():
            break
        page.go_back()
    assert "/stories/" in page.url
    assert page.locator("#h-coverage").is_visible()
    shot(page, f"story-{width}")
    assert no_horizontal_scroll(page)

    evidence = page.locator("a.evidence-link").first
    sentence = evidence.locator("xpath=..").inner_text()
    evidence.click()
    page.wait_for_url(re.compile(r"/articles/\d+#s\d+$"))
    anchor = page.url.split("#", 1)[1]
    target = page.locator(f"#{anchor}")
    assert target.is_visible()
    quoted = sentence.split("\u201c", 1)[1].rsplit("\u201d", 1)[0].strip()
    assert " ".join(quoted.split())[:40] in " ".join(target.inner_text().split()), "lands on the evidence sentence"
    assert page.locator(".sentence:target").count() == 1
    shot(page, f"evidence-{width}")
    assert not errors, errors
    page.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_relations_chart_point_opens_its_events(browser, desk, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(desk + "/relations")
    page.fill("#r-a", "USA")
    page.fill("#r-b", "RUS")
    page.press("#r-b", "Enter")
    page.wait_for_selector("svg.chart")
    points = page.locator("svg.chart a.point")
    assert points.count() >= 1
    shot(page, f"relations-{width}")
    label = points.first.get_attribute("aria-label") or ""
    expected = int(label.split(": ", 1)[1].split(" event", 1)[0])
    points.first.locator("rect").last.click()
    page.wait_for_url(re.compile(r"point=.*#events$"))
    page.wait_for_selector("#events")
    assert page.locator("#events .events li").count() == expected
    page.locator("#events a.evidence-link").first.click()
    page.wait_for_url(re.compile(r"/articles/\d+#s\d+$"))
    assert page.locator(".sentence:target").count() == 1
    page.close()


def test_search_and_subscribe_to_its_feed(browser, desk):
    import feedparser

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(desk + "/")
    page.fill("#quick-q", "missile")
    page.press("#quick-q", "Enter")
    page.wait_for_selector(".hits")
    assert page.locator(".hits mark").count() >= 3
    shot(page, "search-1280")
    href = page.locator("a.feed").get_attribute("href")
    assert href
    feed = httpx.get(desk + href, timeout=10)
    assert feed.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(feed.content)
    assert not parsed.bozo and len(parsed.entries) >= 3
    titles = {e.title for e in parsed.entries}
    shown = {t.strip() for t in page.locator(".hits h2 a").all_inner_texts()}
    assert titles <= shown | titles and titles & shown
    page.set_viewport_size({"width": 360, "height": 800})
    assert no_horizontal_scroll(page)
    shot(page, "search-360")
    page.close()


def test_keyboard_reaches_the_skip_link_and_main_content(browser, desk):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(desk + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#main$"))
    for _ in range(12):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") in ("A", "INPUT", "SELECT", "BUTTON")
    page.close()


def test_pages_read_without_javascript(browser, desk):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(desk + "/")
    assert page.locator(".story-card").count() >= 3
    page.locator(".story-card h2 a").first.click()
    assert page.locator("#h-coverage").is_visible()
    page.goto(desk + "/relations?a=USA&b=RUS")
    page.locator("svg.chart a.point rect").last.click()
    page.wait_for_url(re.compile(r"#events$"))
    assert page.locator("#events").is_visible(), "even the chart's points are plain links"
    context.close()


def test_script_payloads_in_every_field_never_run(browser, tmp_path):
    ids = hostile_store(tmp_path / "hostile.db")
    urls = ["/", "/latest", f"/articles/{ids['article']}", f"/articles/{ids['article'] + 1}",
            f"/stories/{ids['story']}", "/sources", "/search?q=missile", "/actors", "/actors/RUS",
            "/relations?a=USA&b=RUS", "/relations?a=USA&b=RUS&point=2017-01-20",
            "/search?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "/actors/%3Cscript%3Ealert(1)%3C%2Fscript%3E"]
    with serve(tmp_path / "hostile.db") as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        for url in urls:
            response = page.goto(base + url)
            assert response is not None
            assert "unsafe-inline" not in response.headers["content-security-policy"]
            assert response.headers["content-security-policy"].startswith("default-src 'none'")
            handlers = page.evaluate("[...document.querySelectorAll('*')].flatMap(el => [...el.attributes]"
                                     ".filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name))")
            assert not handlers, (url, handlers)
            pwned = page.evaluate("window.__pwned === undefined && "
                                  "[...document.querySelectorAll('iframe')].length === 0")
            assert pwned, f"a payload ran or was injected on {url}"
            assert page.locator("script, img, iframe, object, embed").count() == 0, url
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
            assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))], url
            assert page.locator("body").is_visible()
        shot(page, "xss-article-1280")
        assert not dialogs, dialogs
        context.close()
