"""A second demo started while the first runs: on the first's data directory (the default one, or a terminal that
sourced the first's operator.env) it stops before starting anything, saying which demo holds it and how to run a
second one; with a data directory of its own it starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo import claim, run
from bot.demo.sourced import forget_sourced
from bot.settings import Settings
from tests.conftest import TEST_APPID, TEST_SECRET_KEY, TEST_TOKEN


def demo_settings(data_dir: Path, database_url: str | None = None, redis_url: str | None = None) -> Settings:
    return Settings(wechat_token=TEST_TOKEN, wechat_appid=TEST_APPID, wechat_secret="test-secret",
                    database_url=database_url or f"sqlite:///{data_dir / 'gridbot.db'}", redis_url=redis_url,
                    data_dir=data_dir, secret_key=TEST_SECRET_KEY)


@pytest.fixture
def nothing_starts(monkeypatch):
    """The demo's processes, ports and database: a refused demo must reach none of them."""
    monkeypatch.setattr(run, "_run_claimed", lambda *_args: pytest.fail("the second demo started"))


def test_a_second_demo_on_the_first_ones_data_directory_stops_naming_it_and_how_to_run_a_second(tmp_path,
                                                                                                nothing_starts):
    first = tmp_path / ".gridbot-demo"
    first.mkdir()
    with claim.claim(demo_settings(first), 8130), pytest.raises(run.DemoError) as refused:
        run.run_demo(demo_settings(first), "127.0.0.1", 8132)

    said = str(refused.value)
    assert said.startswith(f"数据目录 {first} 正被另一个演示使用（它的网页回调在端口 8130）")
    assert "会改掉先启动的控制台密码" in said and "先在原来的终端按 Ctrl-C 停下它" in said
    assert said.endswith("要同时运行第二个，给它另一个数据目录和端口，如 "
                         "GRIDBOT_DATA_DIR=.gridbot-demo-8132 python3 run.py demo --port 8132")


def test_a_terminal_that_sourced_the_first_demos_settings_is_refused_with_another_data_directory(tmp_path,
                                                                                                 nothing_starts):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    sourced = {"database_url": f"sqlite:///{first / 'gridbot.db'}", "redis_url": f"unix://{first / 'redis.sock'}"}
    with claim.claim(demo_settings(first), 8130):
        for name, url in sourced.items():
            with pytest.raises(run.DemoError, match=f"所在的目录 {first} 正被另一个演示使用"):
                run.run_demo(demo_settings(second, **{name: url}), "127.0.0.1", 8130)


def test_a_demo_with_its_own_data_directory_starts_and_one_stopped_frees_its_directory(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    monkeypatch.setattr(run, "_run_claimed", lambda *_args: 0)
    with claim.claim(demo_settings(first), 8130):
        assert run.run_demo(demo_settings(second), "127.0.0.1", 8132) == 0
    assert run.run_demo(demo_settings(first), "127.0.0.1", 8130) == 0
    assert (first / claim.LOCK_FILE).read_text() == "8130\n"


def test_a_demo_started_again_in_the_terminal_that_sourced_its_operator_env_starts_its_own_redis_and_fake_api(
        tmp_path):
    data_dir = tmp_path / ".gridbot-demo"
    data_dir.mkdir()
    first = {"GRIDBOT_DATA_DIR": str(data_dir), "GRIDBOT_DATABASE_URL": f"sqlite:///{data_dir}/gridbot.db",
             "GRIDBOT_REDIS_URL": f"unix://{data_dir}/redis.sock", "WECHAT_API_BASE_URL": "http://127.0.0.1:8131",
             "GRIDBOT_PUBLIC_URL": "http://127.0.0.1:8130", "GRIDBOT_QUIET_HOURS": "off"}
    run._write_operator_env(data_dir, first)
    terminal = {**first, "GRIDBOT_QUIET_HOURS": "23:00-06:00", "HOME": "/home/sunli"}  # sourced, then one changed

    dropped = forget_sourced(terminal)

    assert dropped == ["GRIDBOT_DATABASE_URL", "GRIDBOT_PUBLIC_URL", "GRIDBOT_REDIS_URL", "WECHAT_API_BASE_URL"]
    assert terminal == {"GRIDBOT_DATA_DIR": str(data_dir), "GRIDBOT_QUIET_HOURS": "23:00-06:00", "HOME": "/home/sunli"}
    started = Settings.for_demo(terminal)
    assert (started.redis_url, started.wechat_api_base_url, started.public_url) == (None, None, None)
    assert started.database_url == f"sqlite:///{data_dir}/gridbot.db"


def test_a_terminal_of_its_own_settings_keeps_them(tmp_path):
    terminal = {"GRIDBOT_DATA_DIR": str(tmp_path), "GRIDBOT_REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert forget_sourced(terminal) == [] and terminal["GRIDBOT_REDIS_URL"] == "redis://127.0.0.1:6379/0"
