"""The console in a real browser (headless Chromium) against the demo as shipped: the operator logs in, works the
待分类 queue, sends a notice to one grid and watches its progress bar reach 100 % while the worker delivers it
through the fake WeChat API, and opens the dashboard with its charts drawn. No page logs a console error (a CSP
refusal of an inline script or style would)."""

from __future__ import annotations

import requests
from selenium.webdriver.common.by import By

from bot.demo import history
from tests.browser import pages
from tests.browser.site import DISPLAY_NAME, Site, console_errors

MASS_SEND = "/cgi-bin/message/mass/send"
# The demo's residents bound in 幸福里社区·第一网格: the guide's, the quiet one, and those of its four weeks of history.
GRID_RESIDENTS = history.bound_in("幸福里社区", "第一网格")
NOTICE_TEXT = "本周六上午9点小区消防演练，请大家配合"


def assert_no_console_errors(browser) -> None:  # type: ignore[no-untyped-def]
    errors = console_errors(browser)
    assert not errors, f"console errors on {browser.current_url}: {errors}"


def test_the_operator_logs_in_and_classifies_an_appeal_from_the_review_queue(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    assert pages.css(browser, "#operator-name")[0].text == DISPLAY_NAME
    waiting = int(pages.css(browser, "#queue-review .queue-count")[0].get_attribute("data-count"))
    assert waiting >= 1
    assert_no_console_errors(browser)

    ticket, category = pages.classify_one_from_the_review_queue(browser, site)

    assert not pages.css(browser, f"#appeal-{ticket}"), f"{ticket} is still in the 待分类 queue"
    assert_no_console_errors(browser)
    browser.get(site.console)
    assert int(pages.css(browser, "#queue-review .queue-count")[0].get_attribute("data-count")) == waiting - 1
    browser.get(site.console + f"appeals/{ticket}")
    assert category in pages.css(browser, "main")[0].text
    assert_no_console_errors(browser)


def test_the_operator_sends_a_notice_to_one_grid_and_watches_it_reach_100_percent(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    pages.send_notice_to_the_grid(browser, site, NOTICE_TEXT)

    assert pages.wait_until_delivered(browser) == "100"
    assert_no_console_errors(browser)
    cancel = browser.find_elements(By.ID, "notice-cancel")
    assert not cancel or not cancel[0].is_displayed()  # nothing left to cancel
    refresh = browser.find_elements(By.ID, "progress-refresh")
    assert not refresh or refresh[0].is_displayed()  # drawn while sending: the page offers itself again
    (mass,) = requests.get(f"{site.demo.fake_api}/_fake/calls", params={"path": MASS_SEND}, timeout=5).json()
    assert set(mass["body"]["touser"]) == GRID_RESIDENTS


def test_the_dashboard_draws_its_charts(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    charts = pages.open_dashboard(browser, site)

    assert charts >= 2  # appeals per day by category, the channel mix
    assert_no_console_errors(browser)
