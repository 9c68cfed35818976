"""The console as a browser meets it: `gridbot demo` (serve, the RQ worker, the fake WeChat API and Redis, exactly
as shipped) with a 社区 operator added by `gridbot user add`, appeals residents sent through the real webhook, and
Debian's headless Chromium driven by Selenium.

Shared by the browser tests (tests/browser/conftest.py) and the screenshot script (tests/browser/screenshots.py),
so the pictures in docs/ show the very pages the tests check.
"""

from __future__ import annotations

import importlib.util
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import requests

from bot.wechat.simulator import WeChatServer
from tests.e2e.test_cli import GUIDE_END, PYTHON, ROOT, TICKET, Demo, launch_demo, stop_demo
from tests.e2e.test_demo_operator import operator_env

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

# Debian's packages (`chromium`, `chromium-driver`); .ci/run installs them. Selenium is pointed at both, so its
# selenium-manager never runs (it would try to download a browser, and there is no internet here).
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
START_TIMEOUT_S = 90  # the demo on a busy two-core machine: migrate, seed, start five processes (~12 s when idle)
PORT_ATTEMPTS = 3
PORT_TAKEN = "Address already in use"  # as the demo says when a port it checked was taken before it bound it
LAPTOP = (1280, 800)
PHONE = (390, 844)
FAVICON = "/favicon.ico "  # as a failed load names it: "<url> - Failed to load resource"

USERNAME = "shequ"
DISPLAY_NAME = "幸福里值班员"
COMMUNITY = "幸福里社区"
GRID = "幸福里社区/第一网格"
# What residents of 幸福里社区 send: the first three are too vague for the classifier (待分类, each with a guess the
# list offers as one click); the last is clear and goes straight to its grid.
APPEALS = (
    ("o5", "有个事情想反映一下"),
    ("o6", "小区门口那块地方的事"),
    ("o7", "车棚的事情麻烦看看"),
    ("o1", "3号楼电梯坏了，物业一直不来修"),
)
WORKED = "o1"
WORK = (  # the grid member takes o1's appeal and resolves it, and o1 is satisfied
    ("demo_staff_lina", "接单 {ticket}"),
    ("demo_staff_lina", "办结 {ticket} 已联系维保公司修好电梯"),
    ("o1", "1"),
)


@dataclass(frozen=True)
class Site:
    """The running demo and the console account the browser logs in with."""

    demo: Demo
    username: str
    password: str
    env: dict[str, str]  # the demo's settings (its operator.env), for commands run against it
    tickets: dict[str, str]  # each resident of APPEALS -> the ticket of their appeal

    @property
    def console(self) -> str:
        return f"http://127.0.0.1:{self.demo.port}/console/"


def browser_missing() -> str | None:
    """Why the browser tests cannot run on this machine, or None when they can."""
    if importlib.util.find_spec("selenium") is None:
        return "selenium is not installed (pip install -e '.[test]')"
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    if missing:
        return (f"{' and '.join(missing)} not found: install Debian's chromium and chromium-driver "
                "(apt-get install chromium chromium-driver; .ci/run does)")
    return None


def open_browser(size: tuple[int, int], profile: Path) -> Chrome:
    """Headless Chromium at `size` (CSS pixels), keeping the page's console messages for `console_errors`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=zh-CN",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    width, height = size
    # The window's size would include the browser's frame; the page must get exactly `size`, as on a device.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    return driver


def console_errors(driver: Chrome) -> list[str]:
    """The page's console errors since the last call: CSP refusals, failed loads, script errors.

    Not the browser's own request for /favicon.ico: the console has no icon, and no page asks for one."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and FAVICON not in entry["message"]]


@contextmanager
def running_site(workdir: Path) -> Iterator[Site]:
    """The demo with the browser's operator and the residents' appeals; stopped (with its Redis) on exit."""
    demo = _start_demo(workdir)
    try:
        settings = operator_env(demo)
        password = _add_operator(settings)
        yield Site(demo, USERNAME, password, settings, _send_appeals(demo, settings))
    finally:
        stop_demo(demo)


def _start_demo(workdir: Path) -> Demo:
    """The demo, up; started again on other ports when another program took its free ports in the meantime."""
    attempt = 0
    while True:
        demo = launch_demo(workdir / f"demo{attempt}", workdir / f"run{attempt}")
        try:
            demo.wait_for(GUIDE_END, START_TIMEOUT_S)
            return demo
        except AssertionError:
            stop_demo(demo)
            attempt += 1
            if PORT_TAKEN not in demo.output or attempt == PORT_ATTEMPTS:
                raise


def _add_operator(env: dict[str, str]) -> str:
    """`gridbot user add` a 社区 operator of 幸福里社区, the password piped on stdin; returns the password."""
    password = f"Web-{secrets.token_urlsafe(12)}"
    added = subprocess.run([PYTHON, "-m", "bot", "user", "add", USERNAME, "--role", "社区", "--scope", COMMUNITY,
                            "--name", DISPLAY_NAME], cwd=ROOT, env=env, input=password + "\n", capture_output=True,
                           text=True, timeout=60)
    if added.returncode != 0:
        raise RuntimeError(f"gridbot user add failed: {added.stdout}{added.stderr}")
    return password


def _send_appeals(demo: Demo, env: dict[str, str]) -> dict[str, str]:
    """Each resident's message, signed and encrypted as WeChat's server sends it, to the demo's webhook, and the
    work on the clear one (accepted, resolved, rated), so the rates have something to show; the tickets filed."""
    server = WeChatServer(env["WECHAT_TOKEN"], env["WECHAT_APPID"], env["WECHAT_AES_KEY"])
    tickets = {}
    for openid, text in APPEALS:
        filed = TICKET.search(_say(demo, server, openid, text))
        if filed is None:
            raise RuntimeError(f"the webhook did not file {openid}'s appeal")
        tickets[openid] = filed.group(0)
    for openid, text in WORK:
        _say(demo, server, openid, text.format(ticket=tickets[WORKED]))
    return tickets


def _say(demo: Demo, server: WeChatServer, openid: str, text: str) -> str:
    """The bot's reply to `openid` saying `text`."""
    signed = server.sign(server.text(openid, text), encrypted=True)
    response = requests.post(demo.webhook, params=signed.params, data=signed.body, timeout=30,
                             headers={"Content-Type": "text/xml"})
    if response.status_code != 200:
        raise RuntimeError(f"the webhook answered {openid}'s message with HTTP {response.status_code}")
    return server.open_reply(response.text, signed) or ""
