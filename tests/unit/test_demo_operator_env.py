"""The demo's operator.env: sourced in another terminal, in whatever directory the operator works in."""

import shlex
from pathlib import Path

from bot.demo.run import _print_guide, _write_operator_env


def exported(path: Path) -> dict[str, str]:
    return {name: shlex.split(value)[0] for name, value in (line.removeprefix("export ").split("=", 1)
                                                            for line in path.read_text().splitlines()
                                                            if line.startswith("export "))}


def test_a_demo_started_with_relative_paths_writes_them_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path(".gridbot-demo").mkdir()
    env = {"GRIDBOT_DATA_DIR": ".gridbot-demo", "GRIDBOT_DATABASE_URL": "sqlite:///.gridbot-demo/gridbot.db",
           "GRIDBOT_REDIS_URL": "unix:///run/redis.sock", "PATH": "/usr/bin"}

    written = exported(_write_operator_env(Path(".gridbot-demo"), env))

    assert written == {"GRIDBOT_DATA_DIR": str(tmp_path / ".gridbot-demo"),
                       "GRIDBOT_DATABASE_URL": f"sqlite:///{tmp_path}/.gridbot-demo/gridbot.db",
                       "GRIDBOT_REDIS_URL": "unix:///run/redis.sock"}


def test_absolute_and_server_databases_are_written_as_given(tmp_path):
    for url in (f"sqlite:///{tmp_path}/gridbot.db", "postgresql://gridbot@db/gridbot"):
        given = {"GRIDBOT_DATA_DIR": str(tmp_path), "GRIDBOT_DATABASE_URL": url}
        written = exported(_write_operator_env(tmp_path, given))
        assert written["GRIDBOT_DATABASE_URL"] == url


def test_the_guides_chase_up_says_a_chase_minutes_after_filing_reaches_nobody(settings, capsys):
    # It promised 提醒承办人 of a chase sent right after the guide's own new appeal, which now tells nobody.
    _print_guide(settings, "127.0.0.1", 9000, "http://127.0.0.1:9001", "scene", "G2612050004", "template",
                 Path("operator.env"), "password")
    chase = next(line for line in capsys.readouterr().out.splitlines() if "电梯还没修好" in line)
    assert "任务卡发出 10 分钟后再催才提醒承办人" in chase
