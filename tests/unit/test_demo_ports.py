"""Two demos on neighbouring ports: the second one says which port is taken by what, or takes another for its
fake WeChat API."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from flask import Flask
from werkzeug.serving import make_server

from bot.cli.gridbot import main
from bot.demo.run import DemoError, _check_port, _fake_api_port
from bot.wechat.fake import create_fake_app
from tests.support.ports import free_port_pair, port_is_free


@contextmanager
def serving(app: Flask, port: int) -> Iterator[None]:
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        thread.join()


def gridbot_webhook() -> Flask:
    app = Flask("webhook")
    app.add_url_rule("/healthz", "healthz", lambda: "ok")
    return app


@pytest.mark.parametrize(("app", "holder"), [
    (create_fake_app, "已被另一个演示的模拟微信接口占用"),
    (gridbot_webhook, "已被另一个 gridbot 的网页回调占用"),
], ids=["another demo's fake API", "another gridbot's webhook"])
def test_a_webhook_port_another_demo_holds_is_named_with_what_holds_it(app, holder):
    port = free_port_pair()
    with serving(app(), port), pytest.raises(DemoError) as refused:
        _check_port("网页回调", "127.0.0.1", port, "--port")
    assert str(refused.value) == f"端口 {port}（网页回调）无法使用（{holder}）：请用 --port 换一个端口。"


def test_a_port_held_by_something_else_says_so_plainly():
    port = free_port_pair()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken, pytest.raises(DemoError) as refused:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        _check_port("网页回调", "127.0.0.1", port, "--port")
    assert "无法使用（已被其他程序占用）：请用 --port 换一个端口" in str(refused.value)


def test_the_fake_api_takes_the_next_port_or_when_the_neighbouring_demo_holds_it_a_free_one():
    port = free_port_pair()
    assert _fake_api_port(port, None) == port + 1
    with serving(gridbot_webhook(), port + 1):
        chosen = _fake_api_port(port, None)
        assert chosen not in (port, port + 1) and port_is_free(chosen)
        with pytest.raises(DemoError, match=rf"端口 {port + 1}（模拟微信接口）无法使用（已被另一个 gridbot 的网页回调占用）"
                                            "：请用 --api-port 换一个端口"):
            _fake_api_port(port, port + 1)
    assert _fake_api_port(port, port + 1) == port + 1


def test_fake_wechat_on_a_port_in_use_says_so_in_one_line_at_once():
    port = free_port_pair()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = CliRunner().invoke(main, ["fake-wechat", "--port", str(port)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"无法在 127.0.0.1:{port} 上监听（已被其他程序占用）：请用 --port 换一个端口。"


def test_the_demo_starts_its_worker_only_once_the_fake_api_answers(monkeypatch, tmp_path):
    """The worker delivers the seeded history's messages as it starts: with the fake not listening yet, each
    waited half a minute for its retry."""
    from types import SimpleNamespace

    from bot.demo import run
    from bot.settings import Settings
    from tests.conftest import TEST_APPID, TEST_SECRET_KEY, TEST_TOKEN

    happened: list[tuple[str, str]] = []

    def child(_restarts, arguments, _env):  # type: ignore[no-untyped-def]
        happened.append(("started", arguments[0]))
        return SimpleNamespace(process=SimpleNamespace(poll=lambda: None))

    for name, stand_in in {
        "_check_data_dir": lambda _dir: None, "_check_port": lambda *_args: None,
        "upgrade": lambda _url: happened.append(("migrated", "database")),
        "_seed": lambda _settings: happened.append(("seeded", "database")) or ("scene", "G1", "pw"),
        "_write_operator_env": lambda *_args: tmp_path / "operator.env", "_Child": child,
        "_wait_until_up": lambda url, _children: happened.append(("answered", url.rsplit(":", 1)[-1])),
        "_print_guide": lambda *_args: None, "_supervise": lambda *_args: 0, "_stop": lambda _children: None,
    }.items():
        monkeypatch.setattr(run, name, stand_in)
    settings = Settings(wechat_token=TEST_TOKEN, wechat_appid=TEST_APPID, wechat_secret="test-secret",
                        database_url="sqlite://", redis_url="redis://127.0.0.1:1/0", data_dir=tmp_path,
                        secret_key=TEST_SECRET_KEY)

    assert run.run_demo(settings, "127.0.0.1", 9100, 9102) == 0

    assert happened.index(("answered", "9102/_fake/stats")) < happened.index(("started", "worker"))
    # …at no cost: the fake starts before the database is migrated; the worker and the webhook start together
    # after that, while the demo street is seeded, and the guide waits for the webhook.
    assert happened == [("started", "fake-wechat"), ("migrated", "database"), ("answered", "9102/_fake/stats"),
                        ("started", "worker"), ("started", "serve"), ("seeded", "database"),
                        ("answered", "9100/healthz")]
