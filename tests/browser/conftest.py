"""Fixtures of the browser tests: one demo for the module's tests, one headless Chromium, and a logged-in page.

Without Chromium or Selenium the tests are skipped, saying what to install; under CI (CI=true) that is a failure,
since .ci/run installs both.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

from tests.browser import pages
from tests.browser import site as browser_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[browser_site.Site]:
    """The running demo, its 社区 operator and the residents' appeals."""
    _require_browser()
    # The residents' and grid member's messages are posted with requests, whose connection pool logs each URL at
    # debug level: the callback URL WeChat signs carries the sender's openid. Those are this test's client's
    # lines, not gridbot's; the log scan of the run must not read them as gridbot leaking an openid.
    pool_log = logging.getLogger("urllib3.connectionpool")
    level = pool_log.level
    pool_log.setLevel(logging.INFO)
    try:
        with browser_site.running_site(tmp_path_factory.mktemp("browser")) as running:
            yield running
    finally:
        pool_log.setLevel(level)  # the API client's tests read these lines (the token masked in them)


@pytest.fixture(scope="module")
def chromium(site: browser_site.Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Headless Chromium at a laptop's size, for the module's tests."""
    logging.getLogger("selenium").setLevel(logging.INFO)  # not every WebDriver request and answer in the log
    driver = browser_site.open_browser(browser_site.LAPTOP, tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.fixture
def browser(site: browser_site.Site, chromium):  # type: ignore[no-untyped-def]
    """The operator logged in through the login form, on the console's home page."""
    pages.log_in(chromium, site)
    return chromium


def _require_browser() -> None:
    missing = browser_site.browser_missing()
    if missing is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"the browser tests must run in CI, but {missing}", pytrace=False)
    pytest.skip(f"browser tests skipped: {missing}")
