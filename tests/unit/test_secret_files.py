"""Each secret may come from a file named by <NAME>_FILE (systemd's LoadCredential=, docker secrets): the file's
one line is the value; set both ways, or pointing at a file that cannot be read, the process refuses naming the
variable and the file, never what the file holds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cli import startup_texts
from bot.settings import SECRET_VARIABLES, Settings, SettingsError, secret_files

BASE = {"WECHAT_TOKEN": "t", "WECHAT_APPID": "wx1", "GRIDBOT_SECRET_KEY": "s" * 32}
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
# A value for each secret that Settings accepts, and the field it lands in.
VALUES = {
    "WECHAT_TOKEN": ("token-from-file", "wechat_token"),
    "WECHAT_SECRET": ("appsecret-from-file", "wechat_secret"),
    "WECHAT_AES_KEY": (AES_KEY, "wechat_aes_key"),
    "GRIDBOT_SECRET_KEY": ("k" * 40, "secret_key"),
    "GRIDBOT_DATABASE_URL": ("postgresql+psycopg://gridbot:pw-from-file@db/gridbot", "database_url"),
    "GRIDBOT_REDIS_URL": ("redis://:pw-from-file@redis:6379/0", "redis_url"),
    "GRIDBOT_METRICS_TOKEN": ("metrics-token-from-file-0123", "metrics_token"),
    "WECHAT_AES_KEY_PREVIOUS": ("ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut", "wechat_aes_key_previous"),
}
# What a secret needs beside it to be accepted.
BESIDE = {"WECHAT_AES_KEY_PREVIOUS": {"WECHAT_AES_KEY": AES_KEY}}


def secret(tmp_path: Path, text: str, name: str = "secret") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_every_secret_variable_is_covered_here():
    assert set(VALUES) == set(SECRET_VARIABLES)


@pytest.mark.parametrize("name", SECRET_VARIABLES)
def test_each_secret_is_read_from_its_file_without_the_trailing_newline(tmp_path, name):
    value, field = VALUES[name]
    env = ({key: item for key, item in BASE.items() if key != name} | BESIDE.get(name, {})
           | {f"{name}_FILE": secret(tmp_path, value + "\n")})

    assert getattr(Settings.from_env(env), field) == value


def test_a_windows_line_break_and_inner_spaces_are_handled(tmp_path):
    env = BASE | {"WECHAT_SECRET_FILE": secret(tmp_path, "two words\r\n")}

    assert Settings.from_env(env).wechat_secret == "two words"


def test_a_secret_saved_by_notepad_with_a_bom_is_the_secret_without_it(tmp_path):
    path = tmp_path / "wechat_secret"
    path.write_bytes("app-secret-1\r\n".encode("utf-8-sig"))

    assert Settings.from_env(BASE | {"WECHAT_SECRET_FILE": str(path)}).wechat_secret == "app-secret-1"


def test_the_files_are_read_by_the_readers_commands_use_alone(tmp_path):
    env = {"GRIDBOT_DATABASE_URL_FILE": secret(tmp_path, "postgres://u:p@db/g\n", "url"),
           "GRIDBOT_SECRET_KEY_FILE": secret(tmp_path, "k" * 40, "key")}

    assert Settings.database_url_from_env(env) == "postgresql+psycopg://u:p@db/g"
    assert Settings.secret_key_from_env(env) == "k" * 40


def test_the_demo_takes_a_secret_from_its_file_instead_of_its_own(tmp_path):
    env = {"GRIDBOT_SECRET_KEY_FILE": secret(tmp_path, "d" * 40)}

    assert Settings.for_demo(env).secret_key == "d" * 40


@pytest.mark.parametrize("name", SECRET_VARIABLES)
def test_a_secret_set_both_ways_is_refused_naming_both(tmp_path, name):
    value, _field = VALUES[name]
    env = BASE | BESIDE.get(name, {}) | {name: value, f"{name}_FILE": secret(tmp_path, value)}

    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)

    (problem,) = refused.value.problems
    assert (problem.variable, problem.kind) == (f"{name}_FILE", "secret_twice")
    line = startup_texts.setting(problem)
    assert name in line and f"{name}_FILE" in line and value not in line and value not in str(refused.value)


@pytest.mark.parametrize("content, kind", [(None, "no_such_file"), (b"", "empty_file"), (b"\n", "empty_file"),
                                           ("密钥".encode("gbk"), "not_utf8")])
def test_a_file_that_gives_no_secret_is_refused_naming_the_file(tmp_path, content, kind):
    path = tmp_path / "wechat_secret"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(SettingsError) as refused:
        Settings.from_env(BASE | {"WECHAT_SECRET_FILE": str(path)})

    (problem,) = refused.value.problems
    assert (problem.variable, problem.kind, problem.value) == ("WECHAT_SECRET_FILE", kind, str(path))
    assert str(path) in startup_texts.setting(problem)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file whatever its mode")
def test_a_file_the_process_may_not_read_is_refused_naming_it(tmp_path):
    path = Path(secret(tmp_path, "hunter2"))
    path.chmod(0)

    with pytest.raises(SettingsError) as refused:
        Settings.from_env(BASE | {"WECHAT_SECRET_FILE": str(path)})

    (problem,) = refused.value.problems
    assert (problem.variable, problem.kind) == ("WECHAT_SECRET_FILE", "unreadable")
    assert startup_texts.setting(problem) == f"WECHAT_SECRET_FILE 指向的文件 {path} 无法读取，请检查它的权限。"


def test_a_directory_is_no_secret_file(tmp_path):
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(BASE | {"WECHAT_SECRET_FILE": str(tmp_path)})

    assert [(p.variable, p.kind) for p in refused.value.problems] == [("WECHAT_SECRET_FILE", "unreadable")]


def test_a_required_secret_whose_file_failed_is_named_once_beside_the_other_problems(tmp_path):
    env = {"WECHAT_APPID": "wx1", "WECHAT_TOKEN_FILE": str(tmp_path / "missing"),
           "GRIDBOT_SECRET_KEY_FILE": secret(tmp_path, "short"), "GRIDBOT_LOG_LEVEL": "loud"}

    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)

    assert [(p.variable, p.kind) for p in refused.value.problems] == [
        ("WECHAT_TOKEN_FILE", "no_such_file"), ("GRIDBOT_SECRET_KEY", "too_short"), ("GRIDBOT_LOG_LEVEL", "one_of")]
    assert "short" not in str(refused.value)


def test_an_empty_file_variable_means_unset_and_other_file_variables_are_left_alone(tmp_path):
    env = BASE | {"WECHAT_SECRET": "plain", "WECHAT_SECRET_FILE": "", "GRIDBOT_HOLIDAYS_FILE": "/x"}

    resolved = secret_files(env)

    assert resolved["WECHAT_SECRET"] == "plain" and "WECHAT_SECRET_FILE" not in resolved
    assert resolved["GRIDBOT_HOLIDAYS_FILE"] == "/x"
