"""Every process checks its configuration and dependencies before it starts, and refuses in one Chinese line
per problem: exit status 2 for configuration, 3 for a dependency that is unreachable or not ready."""

from __future__ import annotations

import os
import re
import socket
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from bot.cli import startup_texts
from bot.cli.gridbot import main
from bot.settings import DEMO_SECRET_KEY, DEMO_TOKEN
from tests.conftest import TEST_APPID, TEST_SECRET_KEY, TEST_TOKEN
from tests.support.ports import free_port_pair

CHINESE = re.compile(r"[\u4e00-\u9fff]")
UNREACHABLE_POSTGRES = "postgres://gridbot:hunter2@127.0.0.1:1/gridbot"


@pytest.fixture
def environment(database_url: str, redis_url: str, tmp_path: Path) -> dict[str, str | None]:
    """A deployment that would start: the migrated test database, the session's Redis, a writable data
    directory; nothing of the caller's own configuration."""
    cleared: dict[str, str | None] = {name: None for name in os.environ if name.startswith(("WECHAT_", "GRIDBOT_"))}
    return cleared | {"WECHAT_TOKEN": TEST_TOKEN, "WECHAT_APPID": TEST_APPID, "WECHAT_SECRET": "test-secret",
                      "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY, "GRIDBOT_DATABASE_URL": database_url,
                      "GRIDBOT_REDIS_URL": redis_url, "GRIDBOT_DATA_DIR": str(tmp_path / "data")}


def gridbot(environment: dict[str, str | None], *args: str, **changes: str | None) -> Result:
    if args[:1] == ("serve",) and "--port" not in args:  # serve checks it can listen: not on whatever holds 8000
        args = (*args, "--port", str(free_port_pair()))
    return CliRunner().invoke(main, list(args), env=environment | changes)


def refusal(result: Result) -> list[str]:
    """The lines the command printed on stderr, after checking it printed nothing else and no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == "" and "Traceback" not in result.stderr and "Usage:" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert all(CHINESE.search(line) for line in lines), lines
    return lines


def test_serve_refuses_an_unmigrated_database_and_says_to_run_db_upgrade(environment, tmp_path):
    result = gridbot(environment, "serve", GRIDBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}")

    assert refusal(result) == ["数据库尚未升级到当前版本，请先运行 gridbot db upgrade"]
    assert result.exit_code == 3


def test_the_worker_refuses_an_unreachable_database_naming_it_with_its_password_masked(environment):
    result = gridbot(environment, "worker", GRIDBOT_DATABASE_URL=UNREACHABLE_POSTGRES)

    (line,) = refusal(result)
    assert line.startswith("无法连接数据库 postgresql+psycopg://gridbot:***@127.0.0.1:1/gridbot：")
    assert "hunter2" not in result.output
    assert result.exit_code == 3


def test_db_upgrade_against_an_unreachable_postgres_url_is_one_line(environment):
    result = gridbot(environment, "db", "upgrade", GRIDBOT_DATABASE_URL=UNREACHABLE_POSTGRES)

    (line,) = refusal(result)
    assert line.startswith("无法连接数据库 postgresql+psycopg://gridbot:***@127.0.0.1:1/gridbot：") and "refused" in line
    assert result.exit_code == 3


def test_an_operator_command_on_an_unreachable_database_is_one_line(environment):
    result = gridbot(environment, "faq", "list", GRIDBOT_DATABASE_URL=UNREACHABLE_POSTGRES)

    (line,) = refusal(result)
    assert line.startswith("无法连接数据库") and result.exit_code == 3


def test_the_worker_refuses_to_start_without_wechat_secret(environment):
    result = gridbot(environment, "worker", WECHAT_SECRET=None)

    assert refusal(result) == ["未设置 WECHAT_SECRET，worker 无法发送通知：请填入公众号后台“基本配置”里的 AppSecret"]
    assert result.exit_code == 2


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_the_demos_published_secrets_are_refused_facing_the_real_wechat_but_not_the_fake(environment, command):
    demo = {"WECHAT_TOKEN": DEMO_TOKEN, "GRIDBOT_SECRET_KEY": DEMO_SECRET_KEY}
    result = gridbot(environment | demo, command)

    assert refusal(result) == [startup_texts.published_secrets(["WECHAT_TOKEN", "GRIDBOT_SECRET_KEY"])]
    assert result.exit_code == 2 and DEMO_SECRET_KEY not in result.output
    faked = gridbot(environment | demo, command, WECHAT_API_BASE_URL="http://127.0.0.1:1",
                    GRIDBOT_DATABASE_URL=UNREACHABLE_POSTGRES)
    assert refusal(faked)[0].startswith("无法连接数据库")  # past the secrets: the demo and the benches talk to the fake


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_the_example_environment_files_placeholders_are_refused_facing_the_real_wechat(environment, command):
    example = Path(__file__).resolve().parents[2] / "deploy" / "env" / "gridbot.env"
    copied = dict(line.split("=", 1) for line in example.read_text(encoding="utf-8").splitlines()
                  if line and not line.startswith("#"))
    copied.pop("GRIDBOT_DATA_DIR")  # the test's own, writable

    result = gridbot(environment | copied, command)

    assert refusal(result) == [startup_texts.example_values(["WECHAT_APPID", "GRIDBOT_PUBLIC_URL"])]
    assert result.exit_code == 2
    edited = gridbot(environment | copied, command, WECHAT_APPID=TEST_APPID, GRIDBOT_PUBLIC_URL="https://grid.example.cn",
                     GRIDBOT_DATABASE_URL=UNREACHABLE_POSTGRES)
    assert refusal(edited)[0].startswith("无法连接数据库")  # past the placeholders once they are edited


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_a_malformed_redis_url_names_the_variable(environment, command):
    result = gridbot(environment, command, GRIDBOT_REDIS_URL="localhost:6379")

    (line,) = refusal(result)
    assert line.startswith("GRIDBOT_REDIS_URL 必须形如 redis://") and result.exit_code == 2


def test_the_worker_refuses_an_unreachable_redis_named_with_its_password_masked(environment):
    result = gridbot(environment, "worker", GRIDBOT_REDIS_URL="redis://:hunter2@127.0.0.1:1/0")

    (line,) = refusal(result)
    assert line.startswith("无法连接 Redis redis://:***@127.0.0.1:1/0：") and "hunter2" not in result.output
    assert result.exit_code == 3


def test_serve_starts_while_its_redis_is_down_and_logs_what_waits_for_it(environment, monkeypatch, caplog):
    """A supervisor restarting a web host during a Redis outage stopped its intake, though the database files every
    message and the worker sends the outbox once Redis is back."""
    runs: list[int] = []
    monkeypatch.setattr("bot.web.server.run_gunicorn", lambda settings, host, port, workers: runs.append(workers))

    result = gridbot(environment, "serve", GRIDBOT_REDIS_URL="redis://:hunter2@127.0.0.1:1/0")

    assert result.exit_code == 0, result.output
    assert runs == [1]
    assert "Redis at redis://:***@127.0.0.1:1/0 is unreachable" in caplog.text and "serving anyway" in caplog.text
    assert "hunter2" not in caplog.text


def test_a_user_dictionary_saved_as_gbk_names_the_file_and_the_fix(environment, tmp_path):
    userdict = tmp_path / "街道词典.txt"
    userdict.write_bytes("幸福里小区 10 n\n".encode("gbk"))

    result = gridbot(environment, "serve", GRIDBOT_USERDICT=str(userdict))

    assert refusal(result) == [f"GRIDBOT_USERDICT 中的词典 {userdict} 不是 UTF-8 编码：请用记事本或 WPS“另存为”UTF-8 后再启动"]
    assert result.exit_code == 2


def test_an_unknown_log_level_names_the_variable_and_the_levels(environment):
    result = gridbot(environment, "worker", GRIDBOT_LOG_LEVEL="verbose")

    assert refusal(result) == ["GRIDBOT_LOG_LEVEL 只能是 DEBUG, INFO, WARNING, ERROR, CRITICAL 之一，现在是“verbose”。"]
    assert result.exit_code == 2


def test_an_unwritable_data_directory_is_named(environment, tmp_path):
    not_a_directory = tmp_path / "a-file"
    not_a_directory.write_text("")

    result = gridbot(environment, "serve", GRIDBOT_DATA_DIR=str(not_a_directory / "data"))

    (line,) = refusal(result)
    assert line.startswith(f"数据目录 {not_a_directory / 'data'} 无法写入（路径中有一段不是目录）")
    assert "GRIDBOT_DATA_DIR" in line and result.exit_code == 2


def test_every_bad_variable_is_reported_at_once_one_line_each(environment):
    result = gridbot(environment, "serve", WECHAT_TOKEN=None, GRIDBOT_OUTBOX_POLL_MS="fast",
                     GRIDBOT_LOG_LEVEL="verbose", GRIDBOT_REDIS_URL="localhost:6379")

    lines = refusal(result)
    assert [line.split()[0] for line in lines] == ["未设置", "GRIDBOT_REDIS_URL", "GRIDBOT_LOG_LEVEL",
                                                   "GRIDBOT_OUTBOX_POLL_MS"]
    assert "WECHAT_TOKEN" in lines[0] and result.exit_code == 2


def test_configuration_and_dependency_failures_are_listed_together_with_the_configuration_status(environment):
    result = gridbot(environment, "worker", WECHAT_SECRET="", GRIDBOT_DATABASE_URL=UNREACHABLE_POSTGRES)

    lines = refusal(result)
    assert len(lines) == 2 and "WECHAT_SECRET" in lines[0] and lines[1].startswith("无法连接数据库")
    assert result.exit_code == 2


def test_an_operator_command_migrates_a_fresh_database_as_before(environment, tmp_path):
    result = gridbot(environment, "faq", "list", GRIDBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}")

    assert result.exit_code == 0, result.output


def test_a_secret_given_both_ways_is_refused_without_showing_it(environment, tmp_path):
    secret = tmp_path / "wechat_secret"
    secret.write_text("from-the-file\n", encoding="utf-8")

    result = gridbot(environment, "worker", WECHAT_SECRET_FILE=str(secret))

    assert refusal(result) == ["WECHAT_SECRET 和 WECHAT_SECRET_FILE 只能设置一个：密钥要么直接写在 WECHAT_SECRET 里，"
                               "要么放在 WECHAT_SECRET_FILE 指向的文件里。"]
    assert result.exit_code == 2 and "from-the-file" not in result.output and "test-secret" not in result.output


def test_db_upgrade_says_whether_it_migrated_or_found_the_database_current(environment):
    result = gridbot(environment, "db", "upgrade")  # the session's database, migrated already

    assert result.exit_code == 0 and result.stdout.strip() == "数据库已是当前版本。"


def test_the_database_url_comes_from_a_file(environment, tmp_path):
    database = tmp_path / "from-file.db"
    url_file = tmp_path / "database_url"
    url_file.write_text(f"sqlite:///{database}\n", encoding="utf-8")

    result = gridbot(environment, "db", "upgrade", GRIDBOT_DATABASE_URL=None, GRIDBOT_DATABASE_URL_FILE=str(url_file))

    assert result.exit_code == 0 and result.stdout.strip() == "已执行数据库迁移，数据库现在是当前版本。"
    assert database.stat().st_size


def test_serve_on_a_port_in_use_is_one_line_and_does_not_start(environment, monkeypatch):
    # gunicorn alone tried five times over five seconds, said so in English and exited 1.
    runs: list[int] = []
    monkeypatch.setattr("bot.web.server.run_gunicorn", lambda settings, host, port, workers: runs.append(workers))
    port = free_port_pair()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()

        result = gridbot(environment, "serve", "--port", str(port))

    assert refusal(result) == [f"无法在 127.0.0.1:{port} 上监听（已被其他程序占用）：请先停掉占用它的程序"
                               "（如还没退出的上一个 gridbot serve），或用 --host、--port 换一个"]
    assert result.exit_code == 3 and runs == []  # as for a dependency not ready: systemd starts it again


@pytest.mark.parametrize("option", [("serve", "--port"), ("demo", "--port"), ("demo", "--api-port"),
                                    ("fake-wechat", "--port")])
@pytest.mark.parametrize("port", ["65536", "70000"])
def test_a_port_no_server_can_listen_on_is_refused_as_a_usage_error_not_a_traceback(environment, option, port):
    result = gridbot(environment, *option, port)

    assert result.exit_code == 2 and "Traceback" not in result.output and result.exception is not None
    assert f"'{option[1]}' 的值不对：要在 1 到 65535 之间" in result.output


def test_a_demo_whose_api_port_is_its_port_is_refused_before_anything_starts(environment, monkeypatch):
    import bot.demo.run

    started: list[int] = []
    monkeypatch.setattr(bot.demo.run, "run_demo", lambda *args: started.append(1) or 0)
    port = str(free_port_pair())

    result = gridbot(environment, "demo", "--port", port, "--api-port", port)

    assert result.exit_code == 2 and "Traceback" not in result.output and started == []
    assert f"'--api-port' 的值不对：不能和 --port 相同（都是 {port}）" in result.output


def test_a_demo_on_the_last_port_gives_its_fake_api_a_free_one():
    from bot.demo.run import _fake_api_port

    assert 1 <= _fake_api_port(65535, None) < 65535


@pytest.mark.parametrize(("given", "started"), [((), 1), (("--workers", "3"), 3)])
def test_serve_starts_one_web_process_on_sqlite_unless_told_how_many(environment, monkeypatch, given, started):
    # One process handles one message at a time: a second on SQLite only contends for its one write lock.
    runs: list[int] = []
    monkeypatch.setattr("bot.web.server.run_gunicorn", lambda settings, host, port, workers: runs.append(workers))

    result = gridbot(environment, "serve", *given)

    assert result.exit_code == 0, result.output
    assert runs == [started]


def test_serve_starts_two_web_processes_on_postgresql_unless_told_how_many(settings):
    from bot.web.server import default_workers

    assert default_workers(replace(settings, database_url="postgresql+psycopg://gridbot@db.example/gridbot")) == 2
    assert default_workers(replace(settings, database_url="sqlite:////var/lib/gridbot/gridbot.db")) == 1


@pytest.mark.parametrize("count", ["0", "-1", "65", "100000"])
def test_serve_refuses_a_number_of_web_processes_outside_one_to_sixty_four(environment, monkeypatch, count):
    runs: list[int] = []
    monkeypatch.setattr("bot.web.server.run_gunicorn", lambda settings, host, port, workers: runs.append(workers))

    result = gridbot(environment, "serve", "--workers", count)

    assert result.exit_code == 2 and "--workers" in result.output
    assert runs == []


@pytest.mark.parametrize("command", [("db", "upgrade"), ("appeals", "list")])
def test_a_database_migrated_by_a_newer_gridbot_is_refused_in_one_line_by_db_upgrade_and_operator_commands(
        environment, tmp_path, command):
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    assert gridbot(environment, "db", "upgrade", GRIDBOT_DATABASE_URL=url).exit_code == 0
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_a_newer_gridbot'"))
    engine.dispose()

    result = gridbot(environment, *command, GRIDBOT_DATABASE_URL=url)

    assert refusal(result) == [startup_texts.NEWER_SCHEMA]
    assert result.exit_code == 3


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_a_misspelt_street_in_the_points_rules_is_refused_naming_its_line_and_the_ledgers_streets(
        environment, seeded, tmp_path, command):
    from storage import points_rules

    rules = tmp_path / "points.toml"
    shipped = points_rules.SHIPPED.read_text(encoding="utf-8")
    rules.write_text(shipped + '\n[street."幸福街到".resolved]\npoints = 3\n', encoding="utf-8")
    line = len(shipped.splitlines()) + 2

    result = gridbot(environment, command, GRIDBOT_POINTS_RULES=str(rules))

    assert refusal(result) == [f"GRIDBOT_POINTS_RULES 指向的积分规则文件 {rules} 第 {line} 行：街道“幸福街到”在台账里没有"
                               "（多半是街道名写错了，它的规则不会用上；台账里的街道有：幸福街道）"
                               "（格式见 README“积分”一节和随软件附带的 storage/data/points.toml）。"]
    assert result.exit_code == 2
