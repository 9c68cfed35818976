"""`gridbot simulate` pointed at an office's own webhook rather than the demo's: it sends what that webhook reads."""

import pytest
import requests
from click.testing import CliRunner

from bot.cli import dev
from bot.cli.gridbot import main
from bot.clock import now_utc
from bot.settings import PLAIN
from bot.web.app import create_app
from bot.web.runtime import Runtime
from tests.conftest import TEST_APPID, TEST_SECRET_KEY, TEST_TOKEN

pytestmark = pytest.mark.postgres


@pytest.fixture
def plain_account_webhook(runtime, monkeypatch):
    """A webhook of an account configured without an EncodingAESKey (plain mode), reached by simulate's POST."""
    settings = runtime.settings.with_(wechat_aes_key=None, wechat_mode=None)
    assert settings.mode == PLAIN
    client = create_app(runtime=Runtime(settings, clock=now_utc, database=runtime.database)).test_client()

    def post(url, params, data, timeout, headers):  # type: ignore[no-untyped-def]
        answer = client.post("/wechat", query_string=params, data=data, headers=headers)
        return _Response(answer.status_code, answer.get_data(as_text=True))

    monkeypatch.setattr(dev.requests, "post", post)
    for name in ("WECHAT_AES_KEY", "WECHAT_AES_KEY_FILE", "GRIDBOT_WECHAT_MODE"):
        monkeypatch.delenv(name, raising=False)


class _Response:
    def __init__(self, status_code: int, text: str) -> None:
        self.status_code, self.text = status_code, text


def test_simulate_talks_plain_to_an_account_of_its_own_that_has_no_aes_key(plain_account_webhook, tmp_path):
    environment = {"WECHAT_TOKEN": TEST_TOKEN, "WECHAT_APPID": TEST_APPID, "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY,
                   "GRIDBOT_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(main, ["simulate", "--openid", "o_first_day", "电梯坏了"], env=environment)
    assert result.exit_code == 0, result.output
    assert "HTTP 400" not in result.output and "请选择您所在的社区" in result.output


def test_simulate_given_bytes_that_are_no_utf8_says_so_without_a_traceback(plain_account_webhook, tmp_path):
    environment = {"WECHAT_TOKEN": TEST_TOKEN, "WECHAT_APPID": TEST_APPID, "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY,
                   "GRIDBOT_DATA_DIR": str(tmp_path)}
    cut = "认证 " + b"\xe7\xa0".decode("utf-8", "surrogateescape")  # a shell's `cut -c` halved a character
    result = CliRunner().invoke(main, ["simulate", "--openid", "o_first_day", cut], env=environment)
    assert result.exit_code == 2 and "不是 UTF-8 编码的文字" in result.output
    assert not isinstance(result.exception, UnicodeError)


@pytest.mark.parametrize("url", ["foo", "http://", "ftp://127.0.0.1/wechat", "http://127.0.0.1:99999/wechat"])
def test_simulate_given_an_unusable_url_says_so_without_a_traceback(tmp_path, url: str):
    environment = {"WECHAT_TOKEN": TEST_TOKEN, "WECHAT_APPID": TEST_APPID, "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY,
                   "GRIDBOT_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(main, ["simulate", "--url", url, "--openid", "o1", "电梯坏了"], env=environment)
    assert result.exit_code == 1 and f"--url 不是可用的网址：{url}" in result.output
    assert not isinstance(result.exception, requests.RequestException)


def test_simulate_to_a_webhook_that_does_not_answer_says_so_without_a_traceback(tmp_path, monkeypatch):
    def post(url, params, data, timeout, headers):  # type: ignore[no-untyped-def]
        raise requests.ReadTimeout(f"HTTPConnectionPool: Read timed out. (read timeout={timeout})")

    monkeypatch.setattr(dev.requests, "post", post)
    environment = {"WECHAT_TOKEN": TEST_TOKEN, "WECHAT_APPID": TEST_APPID, "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY,
                   "GRIDBOT_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(main, ["simulate", "--openid", "o1", "电梯坏了"], env=environment)
    assert result.exit_code == 1 and "10 秒内没有回复" in result.output
    assert not isinstance(result.exception, requests.RequestException)
