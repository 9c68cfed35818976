"""The console's pages as a 管理员 opens them (Flask's test client over the app as `gridbot serve` builds it), on a
database bench/console_scale.py loaded: `console_scale.py --pages`.

The first load of a page computes its figures (in production the worker has usually computed them ahead); the
later loads are served as the console serves them (bot/figure_cache.py). Rendering is in these times, which the
storage timings of console_scale.py leave out.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from bot.settings import Settings
from bot.web.app import create_app
from bot.web.runtime import Runtime
from storage import console_users
from storage.models import ConsoleUser
from tests.support.console import PASSWORD, Browser

PAGES = ("/console/", "/console/appeals", "/console/dashboard", "/console/rates", "/console/rates?by=street",
         "/console/rates?page=30")
USERNAME = "bench-admin"


def time_pages(database_url: str, redis_url: str, data_dir: Path, now: datetime, rounds: int) -> None:
    """Print, for each page of PAGES, its first load, the median of `rounds` more, and its size."""
    settings = Settings(wechat_token="bench", wechat_appid="wx0000000000000000", wechat_secret="bench",
                        database_url=database_url, redis_url=redis_url, data_dir=data_dir,
                        secret_key="bench-secret-key-" + "0" * 32, public_url="https://gridbot.bench")
    runtime = Runtime(settings, clock=lambda: now)
    with runtime.database.transaction() as session:
        if session.scalars(select(ConsoleUser).where(ConsoleUser.username == USERNAME)).first() is None:
            console_users.add_user(session, USERNAME, "管理员", None, "测试", PASSWORD, now)
    client = create_app(runtime=runtime).test_client()
    client.environ_base.update({"wsgi.url_scheme": "https", "REMOTE_ADDR": "10.0.0.1"})
    browser = Browser(client)
    assert browser.login(USERNAME).status_code == 302
    print(f"\npages as 管理员, {rounds} loads after the first; milliseconds")
    print(f"{'page':32}{'first':>10}{'then':>10}{'KB':>8}")
    for path in PAGES:
        took = []
        for _ in range(rounds + 1):
            started = time.perf_counter()
            response = browser.get(path)
            took.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, f"{path}: {response.status_code}"
        print(f"{path:32}{took[0]:>10.0f}{statistics.median(took[1:]):>10.0f}{len(response.get_data()) // 1024:>8}")
    runtime.database.dispose()
