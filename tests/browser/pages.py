"""What an operator does in the console, step by step in the browser: log in, work the 待分类 queue, send a notice
and watch it reach 100 %, open the dashboard. Used by the browser tests and the screenshot script.

The pages of notices and the dashboard are found by these selectors only (their contract with this file):
- the compose form `form[action$="/console/notices/new"]` with fields `scope` and `text` and a submit button;
  the preview's `form[action$="/console/notices/send"]` and its submit button; the notice's page at
  /console/notices/<number> with a `<progress>` that gets value 100 and `data-done="1"` once everyone is settled;
- the dashboard's charts: ECharts containers (ECharts marks them `_echarts_instance_`) that static/dashboard.js
  gives `data-drawn="1"` once drawn.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from tests.browser.site import GRID, Site

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

T = TypeVar("T")
PAGE_TIMEOUT_S = 15
NOTICE_TIMEOUT_S = 30  # the worker's mass send through the fake API, then the progress page's next poll
CHARTS = "[_echarts_instance_]"
NOTICE_PAGE = re.compile(r"/console/notices/(N\d{10})")


def wait(driver: Chrome, condition: Callable[[Chrome], T], timeout: float = PAGE_TIMEOUT_S, what: str = "") -> T:
    """What `condition` returns once it is truthy; fails naming `what` and the page it waited on."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(
        condition, message=f"{what or 'the page'} not there within {timeout}s on {driver.current_url}")


def css(driver: Chrome, selector: str):  # type: ignore[no-untyped-def]
    """The elements matching `selector` (an empty list when none do)."""
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def log_in(driver: Chrome, site: Site) -> None:
    """Fill and submit the login form; on the home page after it."""
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.get(site.console + "login")
    css(driver, "#username")[0].send_keys(site.username)
    css(driver, "#password")[0].send_keys(site.password)
    css(driver, "#login-submit")[0].click()
    wait(driver, lambda page: css(page, "#page-home"), what="the home page after logging in")


def classify_one_from_the_review_queue(driver: Chrome, site: Site) -> tuple[str, str]:
    """From the home page's 待分类 card, apply the first appeal's one-click suggestion; its ticket and category."""
    driver.get(site.console)
    css(driver, "#queue-review")[0].click()
    forms = wait(driver, lambda page: css(page, "#appeal-list form.one-click"), what="a one-click suggestion")
    form = forms[0]
    ticket = form.get_attribute("id").removeprefix("suggest-")
    category = form.find_element("css selector", "input[name=category]").get_attribute("value")
    form.find_element("css selector", "button").click()
    wait(driver, lambda page: css(page, "#action-done"), what="the confirmation of the correction")
    return ticket, category


def send_notice_to_the_grid(driver: Chrome, site: Site, text: str) -> str:
    """Compose a notice to 幸福里社区/第一网格, read its preview, send it; its number (on its page after it)."""
    driver.get(site.console + "notices/new")
    compose = wait(driver, lambda page: css(page, 'form[action$="/console/notices/new"]'), what="the compose form")[0]
    scope = compose.find_element("css selector", "[name=scope]")
    scope.clear()
    scope.send_keys(GRID)
    compose.find_element("css selector", "[name=text]").send_keys(text)
    compose.find_element("css selector", "[type=submit]").click()
    send = wait(driver, lambda page: css(page, 'form[action$="/console/notices/send"]'), what="the preview")[0]
    send.find_element("css selector", "[type=submit]").click()
    found = wait(driver, lambda page: NOTICE_PAGE.search(page.current_url), what="the notice's page")
    return found.group(1)


def wait_until_delivered(driver: Chrome) -> str:
    """Wait on the notice's page until its progress bar says everyone is settled; the bar's value."""
    bar = wait(driver, lambda page: css(page, 'progress[data-done="1"]'), NOTICE_TIMEOUT_S,
               what="the progress bar at 100 %")[0]
    return bar.get_attribute("value")


def open_dashboard(driver: Chrome, site: Site) -> int:
    """Open the dashboard and wait until every chart on it is drawn; how many charts there are."""
    driver.get(site.console + "dashboard")

    def drawn(page: Chrome) -> int:
        charts = css(page, CHARTS)
        return len(charts) if charts and all(chart.get_attribute("data-drawn") == "1" for chart in charts) else 0

    return wait(driver, drawn, what="every chart drawn")
