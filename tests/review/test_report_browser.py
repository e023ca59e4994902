"""The HTML report in a real headless Chromium: loads cleanly, draws the chart, words seek the audio.

Skipped when Chromium or Playwright is missing, except on CI (CI=true), where that is a failure.
Screenshots (desktop and phone) are left in the test's tmp folder for a human to look at.
"""

import os
import shutil
from pathlib import Path

import pytest

from mockloop.review.html_report import session_report
from mockloop.review.loader import open_session

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]


def _need_browser():
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install playwright)")
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if missing:
        message = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def report_file(store, make_session, tmp_path):
    session = make_session()
    path = tmp_path / "report.html"
    path.write_text(session_report(open_session(store, session.id), "test"), encoding="utf-8")
    return path


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}], ids=["laptop", "phone"])
def test_the_report_loads_draws_its_chart_and_words_seek_the_audio(browser, report_file, tmp_path, viewport):
    page = browser.new_page(viewport=viewport)
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.goto(report_file.as_uri())
    page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=15000)
    page.screenshot(path=str(tmp_path / f"report-{viewport['width']}.png"), full_page=False)

    chart = page.locator("svg.timeline").first
    box = chart.bounding_box()
    assert box["width"] >= min(viewport["width"] - 60, 900) and box["height"] > 80  # fills the column
    assert chart.locator("circle.filler").count() == 6 and chart.locator("rect.pause.long").count() == 1

    word = page.locator(".w.filler").nth(2)  # "You" of "You know," at 0:48
    start = float(word.get_attribute("data-start"))
    word.click()
    page.evaluate("document.querySelector('audio').pause()")
    assert abs(page.evaluate("document.querySelector('audio').currentTime") - start) < 0.5
    page.wait_for_function("document.querySelector('.w.now') !== null", timeout=5000)

    evidence = page.locator("button.ev[data-start]").first
    evidence.click()
    page.evaluate("document.querySelector('audio').pause()")
    assert abs(page.evaluate("document.querySelector('audio').currentTime") - float(evidence.get_attribute("data-start"))) < 0.5

    no_sideways_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert no_sideways_scroll
    assert errors == [] and requests == []
    page.close()


def test_the_report_marks_uncertain_words_quotes_and_an_unreliable_transcript(browser, store, make_session, sample_analysis, tmp_path):
    from mockloop.config import DEFAULT_SETTINGS

    threshold = DEFAULT_SETTINGS.uncertainty.word_min_probability
    words = sample_analysis["transcript"]["words"]
    for word in words:  # saved without flags: the report judges each word by its probability
        word.pop("uncertain", None)
    unsure = [i for i, w in enumerate(words) if (w.get("probability") or 1) < threshold and w["text"].strip(",.").lower() not in ("um", "uh")]
    first_item = sample_analysis["content"]["rubric"][0]
    first_item["evidence"] = [dict(first_item["evidence"][0], uncertain=True)] if first_item["evidence"] else [
        {"quote": words[0]["text"], "start": words[0]["start"], "uncertain": True}
    ]
    sample_analysis["scorecard"]["warnings"] = ["The transcript may be unreliable: try `--model small.en`."]
    session = make_session(analysis=sample_analysis)
    path = tmp_path / "report.html"
    path.write_text(session_report(open_session(store, session.id), "test"), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(path.as_uri())

    marked = page.locator(".w.uncertain")
    assert unsure and marked.count() == len(unsure)
    assert [marked.nth(i).inner_text() for i in range(marked.count())] == [words[i]["text"] for i in unsure]
    assert page.evaluate("getComputedStyle(document.querySelector('.w.uncertain')).textDecorationStyle") == "wavy"
    assert "unsure" in marked.first.get_attribute("title")
    assert page.locator("button.ev .unsure").count() == 1
    assert "may be unreliable" in page.locator("p.warning").first.inner_text()
    page.close()


def test_the_interviewers_turns_stand_apart_in_the_transcript_and_seek_the_audio(browser, store, make_session, conversation, tmp_path):
    session = make_session(analysis=conversation)
    path = tmp_path / "report.html"
    path.write_text(session_report(open_session(store, session.id), "test"), encoding="utf-8")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=15000)

    said = page.locator(".transcript .said")
    assert said.count() == 3
    reply, word = said.first, page.locator(".transcript .w").first
    # a block of its own, coloured apart from the candidate's words, and named
    assert reply.evaluate("e => getComputedStyle(e).display") == "block"
    assert reply.evaluate("e => getComputedStyle(e).backgroundColor") != word.evaluate("e => getComputedStyle(e).backgroundColor")
    assert reply.inner_text().startswith("Interviewer answers your question")
    reply.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "report-conversation.png"), full_page=False)
    reply.click()
    page.evaluate("document.querySelector('audio').pause()")
    assert abs(page.evaluate("document.querySelector('audio').currentTime") - 34.7) < 0.5

    question = page.locator("ul.asking button.ev[data-start]")
    assert question.count() == 1 and "(reached teams)" in question.inner_text()
    question.click()
    page.evaluate("document.querySelector('audio').pause()")
    assert abs(page.evaluate("document.querySelector('audio').currentTime") - 32.52) < 0.5
    assert page.locator("svg.timeline rect.said-span").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert errors == []
    page.close()
