"""`python3 run.py screenshots [--out DIR]`: the console's main pages as PNGs, at a laptop's size (1280×800) and a
phone's (390×844), taken in headless Chromium from the same demo the browser tests use (tests/browser/site.py).

Writes DIR/console-<page>-<laptop|phone>.png (DIR defaults to docs/) for the login, the home page, the 待分类
queue, an appeal, the notices list and a notice at 100 %, the dashboard and the rates. A page the console does not
have (yet) is named on stderr and the exit code is 1; the others are written all the same.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.browser import pages
from tests.browser.site import LAPTOP, PHONE, ROOT, Site, browser_missing, open_browser, running_site

NOTICE_TEXT = "本周六上午9点小区消防演练，请大家配合"
DEVICES = (("laptop", LAPTOP), ("phone", PHONE))


def main(argv: list[str] | None = None) -> int:
    """Take the screenshots; 0 when every page was there, 1 when some were not, 2 when nothing could run."""
    parser = argparse.ArgumentParser(prog="run.py screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where the PNGs go (default: docs/)")
    out: Path = parser.parse_args(argv).out
    missing = browser_missing() or _missing_chinese_font()
    if missing:
        print(f"screenshots: {missing}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    absent: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="gridbot-screenshots-") as scratch, running_site(Path(scratch)) as site:
        notice = None
        for device, size in DEVICES:
            driver = open_browser(size, Path(scratch) / f"profile-{device}")
            try:
                notice = _shoot(Camera(driver, out, device, absent), site, notice)
            finally:
                driver.quit()
    for name in sorted(absent):
        print(f"screenshots: no {name} page in this console", file=sys.stderr)
    return 1 if absent else 0


class Camera:
    """Saves what the browser shows as out/console-<name>-<device>.png, or notes that the page is not there."""

    def __init__(self, driver, out: Path, device: str, absent: set[str]) -> None:  # type: ignore[no-untyped-def]
        self.driver, self.out, self.device, self.absent = driver, out, device, absent

    def shoot(self, name: str) -> None:
        if not pages.css(self.driver, "main.page") or pages.css(self.driver, "#page-refused"):
            self.absent.add(name)  # Flask's plain 404, or the console's own refusal
            return
        path = self.out / f"console-{name}-{self.device}.png"
        self.driver.save_screenshot(str(path))
        print(f"screenshots: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def _shoot(camera: Camera, site: Site, notice: str | None) -> str | None:
    """Every page once on this device; the notice sent on the first device (shown again on the others)."""
    from selenium.common.exceptions import TimeoutException

    driver = camera.driver
    driver.get(site.console + "login")
    camera.shoot("login")
    pages.log_in(driver, site)
    camera.shoot("home")
    driver.get(site.console + "appeals?queue=review")
    camera.shoot("review")
    driver.get(site.console + f"appeals/{site.tickets['o1']}")
    camera.shoot("appeal")
    try:
        notice = notice or pages.send_notice_to_the_grid(driver, site, NOTICE_TEXT)
        driver.get(site.console + f"notices/{notice}")
        pages.wait_until_delivered(driver)
        driver.get(site.console + f"notices/{notice}")  # the recipients' table as it ended
        pages.wait_until_delivered(driver)
        camera.shoot("notice")
    except TimeoutException:
        camera.absent.add("notice")
    driver.get(site.console + "notices")
    camera.shoot("notices")
    try:
        pages.open_dashboard(driver, site)
        camera.shoot("dashboard")
    except TimeoutException:
        camera.absent.add("dashboard")
    driver.get(site.console + "rates")
    camera.shoot("rates")
    return notice


def _missing_chinese_font() -> str | None:
    """Why the pictures would show boxes instead of Chinese, or None."""
    try:
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        found = ""
    if found.strip():
        return None
    return "no Chinese font: install one first (apt-get install fonts-noto-cjk)"


if __name__ == "__main__":
    sys.exit(main())
