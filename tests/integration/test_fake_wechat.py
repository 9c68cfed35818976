"""The fake WeChat API over real HTTP: what it answers, what it records, how it is steered."""

from __future__ import annotations

import http.client
import json
import struct
import subprocess
import sys
import time
import zlib
from typing import Any, Iterator

import pytest
import requests

from bot.wechat.fake import FakeWeChatServer
from tests.support.ports import free_port_run

SECRET = "fake-secret"
CUSTOM_SEND = "/cgi-bin/message/custom/send"


class Client:
    """requests against one running fake."""

    def __init__(self, url: str) -> None:
        self.url = url

    def get(self, path: str, /, **params: Any) -> requests.Response:
        return requests.get(self.url + path, params=params, timeout=5)

    def post(self, path: str, body: Any = None, /, **params: Any) -> requests.Response:
        return requests.post(self.url + path, params=params, json=body, timeout=5)

    def token(self, secret: str = SECRET) -> str:
        answer = self.get("/cgi-bin/token", grant_type="client_credential", appid="wxany", secret=secret).json()
        return answer["access_token"]

    def send_text(self, token: str, content: str, touser: str = "oUser-0001") -> dict[str, Any]:
        body = {"touser": touser, "msgtype": "text", "text": {"content": content}}
        return self.post(CUSTOM_SEND, body, access_token=token).json()

    def calls(self, **params: Any) -> list[dict[str, Any]]:
        return self.get("/_fake/calls", **params).json()


@pytest.fixture
def fake() -> Iterator[Client]:
    """A fake with a short token lifetime and a secret to check, on an ephemeral port."""
    with FakeWeChatServer(expires_in=900, secret=SECRET) as server:
        yield Client(server.url)


def test_a_token_fetch_answers_a_token_with_the_configured_lifetime(fake: Client) -> None:
    answer = fake.get("/cgi-bin/token", grant_type="client_credential", appid="wxany", secret=SECRET).json()

    assert answer["expires_in"] == 900 and len(answer["access_token"]) > 20
    assert fake.send_text(answer["access_token"], "hi") == {"errcode": 0, "errmsg": "ok"}


def test_a_new_token_invalidates_the_previous_one(fake: Client) -> None:
    first = fake.token()
    second = fake.token()

    assert fake.send_text(first, "old")["errcode"] == 40001
    assert fake.send_text(second, "new")["errcode"] == 0
    assert fake.get("/_fake/stats").json()["token_fetches"] == 2


def test_a_wrong_grant_type_or_secret_gets_no_token(fake: Client) -> None:
    assert fake.get("/cgi-bin/token", grant_type="password", appid="wx", secret=SECRET).json()["errcode"] == 40002
    assert fake.get("/cgi-bin/token", grant_type="client_credential", secret="nope").json()["errcode"] == 40125


def test_an_unknown_token_is_an_invalid_credential(fake: Client) -> None:
    assert fake.send_text("made-up-token", "hi") == {
        "errcode": 40001,
        "errmsg": "invalid credential, access_token is invalid or not latest",
    }


def test_an_unknown_api_path_is_invalid_url_but_still_recorded(fake: Client) -> None:
    answer = fake.post("/cgi-bin/no/such/api", {"x": 1}, access_token=fake.token()).json()

    assert answer["errcode"] == 40066
    [call] = fake.calls(path="/cgi-bin/no/such/api")
    assert call["body"] == {"x": 1} and call["response"]["errcode"] == 40066


def test_recorded_calls_mask_the_access_token_and_the_secret(fake: Client) -> None:
    token = fake.token()
    fake.send_text(token, "hello")

    token_call, send_call = fake.calls()
    assert token_call["query"]["secret"] == "***"
    assert token_call["response"]["access_token"] == token[:4] + "…"
    assert send_call["query"] == {"access_token": token[:4] + "…"}
    assert token not in fake.get("/_fake/calls").text and SECRET not in fake.get("/_fake/calls").text
    assert set(send_call) == {"seq", "at", "method", "path", "query", "body", "response"}


def test_calls_can_be_filtered_by_path_and_sequence_and_reset_without_losing_the_token(fake: Client) -> None:
    token = fake.token()
    for n in range(3):
        fake.send_text(token, f"m{n}")
    first_send_seq = fake.calls(path=CUSTOM_SEND)[0]["seq"]

    later = fake.calls(path=CUSTOM_SEND, since=first_send_seq)
    assert [c["body"]["text"]["content"] for c in later] == ["m1", "m2"]
    assert fake.get("/_fake/stats").json() == {
        "token_fetches": 1,
        "calls": 4,
        "by_path": {"/cgi-bin/token": 1, CUSTOM_SEND: 3},
    }

    requests.delete(f"{fake.url}/_fake/calls", timeout=5).raise_for_status()
    assert fake.calls() == []
    assert fake.send_text(token, "still valid")["errcode"] == 0
    assert fake.calls()[0]["seq"] > later[-1]["seq"]


def test_an_injected_errcode_answers_the_next_calls_then_normal_service_resumes(fake: Client) -> None:
    token = fake.token()
    fake.post("/_fake/fail", {"path": CUSTOM_SEND, "errcode": 45015, "times": 2}).raise_for_status()

    results = [fake.send_text(token, f"m{n}")["errcode"] for n in range(3)]

    assert results == [45015, 45015, 0]


def test_cleared_injections_no_longer_fail_calls(fake: Client) -> None:
    token = fake.token()
    fake.post("/_fake/fail", {"path": CUSTOM_SEND, "errcode": -1, "times": 5}).raise_for_status()
    requests.delete(f"{fake.url}/_fake/fail", timeout=5).raise_for_status()

    assert fake.send_text(token, "fine")["errcode"] == 0


def test_an_http500_injection_answers_status_500(fake: Client) -> None:
    token = fake.token()
    fake.post("/_fake/fail", {"path": CUSTOM_SEND, "errcode": "http500"}).raise_for_status()

    body = {"touser": "oUser-0001", "msgtype": "text", "text": {"content": "x"}}
    assert fake.post(CUSTOM_SEND, body, access_token=token).status_code == 500
    assert fake.calls(path=CUSTOM_SEND)[0]["response"] == {"http_status": 500}


def test_a_timeout_injection_delays_a_normal_answer(fake: Client) -> None:
    token = fake.token()
    fake.post("/_fake/fail", {"path": CUSTOM_SEND, "errcode": "timeout", "delay": 0.3}).raise_for_status()

    started = time.monotonic()
    answer = fake.send_text(token, "slow")

    assert time.monotonic() - started >= 0.3
    assert answer["errcode"] == 0


def test_a_malformed_injection_is_refused(fake: Client) -> None:
    assert fake.post("/_fake/fail", {"path": "/elsewhere", "errcode": 1}).status_code == 400
    assert fake.post("/_fake/fail", {"path": CUSTOM_SEND, "errcode": "soon"}).status_code == 400


def test_expiring_the_token_makes_api_calls_fail_with_40001(fake: Client) -> None:
    token = fake.token()
    fake.post("/_fake/expire-token").raise_for_status()

    assert fake.send_text(token, "hi")["errcode"] == 40001


def test_template_send_answers_increasing_msgids_and_menu_create_answers_ok(fake: Client) -> None:
    token = fake.token()
    body = {"touser": "oUser-0001", "template_id": "TPL", "data": {"first": {"value": "x"}}}

    first = fake.post("/cgi-bin/message/template/send", body, access_token=token).json()
    second = fake.post("/cgi-bin/message/template/send", body, access_token=token).json()
    menu = fake.post("/cgi-bin/menu/create", {"button": []}, access_token=token).json()

    assert first["errcode"] == 0 and second["msgid"] == first["msgid"] + 1
    assert menu == {"errcode": 0, "errmsg": "ok"}


def test_media_get_serves_a_valid_png(fake: Client) -> None:
    response = fake.get("/cgi-bin/media/get", access_token=fake.token(), media_id="M1")

    assert response.headers["Content-Type"] == "image/png"
    assert png_size(response.content) == (1, 1)
    assert fake.get("/cgi-bin/media/get", access_token=fake.token()).json()["errcode"] == 40007


def test_the_page_shows_sent_text_newest_first_and_escapes_html(fake: Client) -> None:
    token = fake.token()
    fake.send_text(token, "您的诉求已受理")
    fake.send_text(token, "<script>alert(1)</script>")

    page = fake.get("/")

    assert page.headers["Content-Type"].startswith("text/html")
    assert "<title>模拟微信接口</title>" in page.text and 'http-equiv="refresh" content="3"' in page.text
    assert "<script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert page.text.index("&lt;script&gt;") < page.text.index("您的诉求已受理")
    assert token not in page.text


def png_size(content: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking its signature, every chunk CRC and that the pixels inflate."""
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, {}
    while offset < len(content):
        (length,) = struct.unpack(">I", content[offset : offset + 4])
        kind, data = content[offset + 4 : offset + 8], content[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", content[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        chunks[kind] = data
        offset += 12 + length
    assert list(chunks)[-1] == b"IEND"
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)
    return width, height


def test_the_callback_ip_list_is_the_local_machine_plus_what_the_config_adds(fake: Client) -> None:
    assert fake.get("/cgi-bin/getcallbackip", access_token=fake.token()).json() == {"ip_list": ["127.0.0.1", "::1"]}
    assert fake.get("/cgi-bin/getcallbackip", access_token="stale").json()["errcode"] == 40001
    with FakeWeChatServer(callback_ips=("10.8.0.0/16", "192.0.2.7")) as server:
        configured = Client(server.url)
        answer = configured.get("/cgi-bin/getcallbackip", access_token=configured.token()).json()
    assert answer == {"ip_list": ["127.0.0.1", "::1", "10.8.0.0/16", "192.0.2.7"]}


def test_gridbot_fake_wechat_keeps_a_connection_open_between_calls_as_wechats_api_does():
    """A sender pays one TCP connection for many calls (werkzeug's development server closed each one)."""
    port = free_port_run(1)
    fake = subprocess.Popen([sys.executable, "-m", "bot", "fake-wechat", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not _answers(port):
            assert fake.poll() is None and time.monotonic() < deadline, "fake-wechat did not start"
            time.sleep(0.1)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        sockets = []
        for _ in range(3):
            connection.request("GET", "/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s")
            answer = connection.getresponse()
            assert answer.status == 200 and "access_token" in json.loads(answer.read())
            assert not answer.will_close
            sockets.append(connection.sock)
        assert sockets[0] is not None and sockets[0] is sockets[1] is sockets[2]
        connection.close()
    finally:
        fake.terminate()
        assert fake.wait(timeout=10) == 0


def _answers(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/_fake/stats", timeout=1).ok
    except requests.ConnectionError:
        return False
