"""The WeChat adapter against the fake WeChat API over real HTTP, with the token shared through real Redis."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Iterator

import pytest
import redis as redis_lib
import requests

from bot.privacy import mask as mask_openid
from bot.settings import Settings
from bot.wechat.api import WeChatAPI, WeChatAPIError
from bot.wechat.fake import FakeWeChatServer
from bot.wechat.http import WeChatSession
from tests.fakes import Fake

APPID = "wxtestapp0001"
SECRET = "test-secret-value"
OPENID = "oResident-0001-zz"
CUSTOM_SEND = "/cgi-bin/message/custom/send"


@pytest.fixture
def fake() -> Iterator[Fake]:
    """The fake WeChat API on an ephemeral port, checking appid and secret like the real one."""
    with FakeWeChatServer(appid=APPID, secret=SECRET) as server:
        yield Fake(server.url)


def make_api(fake: Fake, redis_client: redis_lib.Redis, **kwargs: Any) -> WeChatAPI:
    options: dict[str, Any] = {"appid": APPID, "secret": SECRET, "base_url": fake.url, **kwargs}
    return WeChatAPI(redis=redis_client, **options)


def test_send_text_posts_the_customer_service_json_with_the_token_issued_by_the_fake(
    fake: Fake, redis_client: redis_lib.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api = make_api(fake, redis_client)
    api.send_text(OPENID, "您的诉求已受理 <b>&")

    [token_call] = fake.calls("/cgi-bin/token")
    [send] = fake.calls(CUSTOM_SEND)
    assert send["method"] == "POST"
    assert send["body"] == {"touser": OPENID, "msgtype": "text", "text": {"content": "您的诉求已受理 <b>&"}}
    assert send["response"] == {"errcode": 0, "errmsg": "ok"}
    token = api.access_token()
    assert send["query"]["access_token"] == token[:4] + "…"
    assert token_call["query"]["appid"] == APPID
    assert redis_client.get(f"gridbot:wechat:{APPID}:token") == token.encode()
    assert 7200 - 300 - 5 <= redis_client.ttl(f"gridbot:wechat:{APPID}:token") <= 7200 - 300
    assert not redis_client.exists(f"gridbot:wechat:{APPID}:token_lock")
    assert int(redis_client.get(f"gridbot:wechat:{APPID}:token_fetches")) == 1
    assert "access_token=***" in caplog.text and token not in caplog.text and SECRET not in caplog.text
    assert OPENID not in caplog.text and mask_openid(OPENID) in caplog.text


def test_two_instances_sending_from_eight_threads_share_exactly_one_token_fetch(
    fake: Fake, redis_client: redis_lib.Redis
) -> None:
    apis = [make_api(fake, redis_client), make_api(fake, redis_client)]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        barrier.wait()
        for n in range(index, 20, 8):
            try:
                apis[n % 2].send_text(OPENID, f"message {n}")
            except BaseException as exc:  # collected: an exception in a thread would otherwise vanish
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert errors == []
    assert fake.stats()["token_fetches"] == 1
    assert sorted(c["body"]["text"]["content"] for c in fake.calls(CUSTOM_SEND)) == sorted(
        f"message {n}" for n in range(20)
    )
    assert int(redis_client.get(f"gridbot:wechat:{APPID}:token_fetches")) == 1


def test_a_process_that_finds_the_fetch_lock_taken_waits_and_reads_the_stored_token(
    fake: Fake, redis_client: redis_lib.Redis
) -> None:
    api = make_api(fake, redis_client)
    redis_client.set(f"gridbot:wechat:{APPID}:token_lock", "held-by-another-process", px=10_000)
    result: list[str] = []
    waiter = threading.Thread(target=lambda: result.append(api.access_token()))
    waiter.start()
    time.sleep(0.2)
    assert waiter.is_alive()

    redis_client.set(f"gridbot:wechat:{APPID}:token", "stored-by-the-lock-holder", ex=60)
    waiter.join(timeout=2)

    assert result == ["stored-by-the-lock-holder"]
    assert fake.stats()["token_fetches"] == 0
    assert redis_client.get(f"gridbot:wechat:{APPID}:token_fetches") is None


def test_an_expired_token_is_refetched_once_and_the_send_succeeds(
    fake: Fake, redis_client: redis_lib.Redis
) -> None:
    api = make_api(fake, redis_client)
    api.send_text(OPENID, "first")
    old_token = api.access_token()
    fake.expire_token()

    api.send_text(OPENID, "second")

    assert fake.stats()["token_fetches"] == 2
    sends = fake.calls(CUSTOM_SEND)
    assert [c["response"]["errcode"] for c in sends] == [0, 40001, 0]
    assert api.access_token() != old_token


def test_a_process_reuses_the_token_it_read_for_a_few_seconds_and_a_replaced_one_costs_one_call(
    fake: Fake, redis_client: redis_lib.Redis
) -> None:
    sender, other_process = make_api(fake, redis_client), make_api(fake, redis_client)
    sender.send_text(OPENID, "first")
    redis_client.delete(f"gridbot:wechat:{APPID}:token")
    sender.send_text(OPENID, "second: the token read a moment ago, without asking Redis")
    assert fake.stats()["token_fetches"] == 1

    fake.expire_token()  # WeChat replaced it, and another process fetched the new one
    fresh = other_process.access_token()
    sender.send_text(OPENID, "third")

    assert [c["response"]["errcode"] for c in fake.calls(CUSTOM_SEND)] == [0, 0, 40001, 0]
    assert fake.stats()["token_fetches"] == 2 and sender.access_token() == fresh


def test_a_persistently_rejected_token_raises_after_exactly_one_retry(
    fake: Fake, redis_client: redis_lib.Redis
) -> None:
    api = make_api(fake, redis_client)
    fake.fail(CUSTOM_SEND, 40001, times=5)

    with pytest.raises(WeChatAPIError) as caught:
        api.send_text(OPENID, "never delivered")

    assert caught.value.errcode == 40001
    assert not caught.value.transient and not caught.value.window_closed
    assert len(fake.calls(CUSTOM_SEND)) == 2
    assert fake.stats()["token_fetches"] == 2


def test_a_stale_token_error_does_not_discard_the_token_another_process_stored(
    fake: Fake, redis_client: redis_lib.Redis
) -> None:
    api = make_api(fake, redis_client)
    stale = api.access_token()
    redis_client.set(f"gridbot:wechat:{APPID}:token", "fresh-token-from-another-process")

    assert api.token.discard(stale) is False
    assert api.access_token() == "fresh-token-from-another-process"


@pytest.mark.parametrize("errcode", [45015, 45047])
def test_a_closed_reply_window_is_a_permanent_window_closed_error(
    fake: Fake, redis_client: redis_lib.Redis, errcode: int
) -> None:
    api = make_api(fake, redis_client)
    fake.fail(CUSTOM_SEND, errcode)

    with pytest.raises(WeChatAPIError) as caught:
        api.send_text(OPENID, "too late")

    assert caught.value.errcode == errcode
    assert caught.value.window_closed and not caught.value.transient
    assert len(fake.calls(CUSTOM_SEND)) == 1


@pytest.mark.parametrize("failure", [-1, 45009, "http500"])
def test_system_busy_rate_limit_and_http_500_are_transient(
    fake: Fake, redis_client: redis_lib.Redis, failure: int | str
) -> None:
    api = make_api(fake, redis_client)
    fake.fail(CUSTOM_SEND, failure)

    with pytest.raises(WeChatAPIError) as caught:
        api.send_text(OPENID, "retry me later")

    assert caught.value.transient and not caught.value.window_closed
    api.send_text(OPENID, "the next one goes through")


def test_a_timeout_is_transient_and_does_not_leak_the_token(fake: Fake, redis_client: redis_lib.Redis) -> None:
    api = make_api(fake, redis_client, timeout=0.5)
    token = api.access_token()
    fake.fail(CUSTOM_SEND, "timeout", delay=2)

    with pytest.raises(WeChatAPIError) as caught:
        api.send_text(OPENID, "slow")

    assert caught.value.transient
    assert token not in str(caught.value) and caught.value.__cause__ is None


def test_an_unreachable_server_is_transient(redis_client: redis_lib.Redis) -> None:
    with FakeWeChatServer() as server:
        dead_url = server.url  # the port is free again once the server is closed
    api = WeChatAPI(APPID, SECRET, redis_client, base_url=dead_url, timeout=0.5)

    with pytest.raises(WeChatAPIError) as caught:
        api.send_text(OPENID, "nobody home")

    assert caught.value.transient


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY"])
def test_calls_go_through_the_proxy_the_environment_names_unless_no_proxy_exempts_the_host(
    fake: Fake, redis_client: redis_lib.Redis, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    with FakeWeChatServer() as server:
        dead_proxy = server.url  # nothing listens there any more
    monkeypatch.setenv(variable, dead_proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    proxied = WeChatAPI(APPID, SECRET, redis_client, base_url=fake.url, timeout=0.5)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    exempt = WeChatAPI(APPID, SECRET, redis_client, base_url=fake.url, timeout=0.5)

    with pytest.raises(WeChatAPIError) as caught:
        proxied.send_text(OPENID, "via the proxy")
    assert caught.value.transient and not fake.calls(CUSTOM_SEND)
    exempt.send_text(OPENID, "straight to the API")
    assert len(fake.calls(CUSTOM_SEND)) == 1


def test_the_session_takes_requests_timeout_forms_and_leaves_other_calls_to_requests(fake: Fake) -> None:
    session = WeChatSession(fake.url)
    token = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}
    answer = session.get(f"{fake.url}/cgi-bin/token", params=token, timeout=(0.5, 2.0))
    assert answer.status_code == 200 and answer.json()["access_token"]
    # A call this session does not do itself (a JSON body by keyword, here) is requests' own, and still answered.
    access = {"access_token": answer.json()["access_token"]}
    sent = session.post(f"{fake.url}/cgi-bin/message/custom/send", params=access,
                        json={"touser": OPENID, "msgtype": "text", "text": {"content": "经 requests"}}, timeout=2.0)
    assert sent.json() == {"errcode": 0, "errmsg": "ok"}
    assert fake.calls(CUSTOM_SEND)[-1]["body"]["text"]["content"] == "经 requests"


def test_an_unknown_api_path_is_a_permanent_error(fake: Fake, redis_client: redis_lib.Redis) -> None:
    api = make_api(fake, redis_client)

    with pytest.raises(WeChatAPIError) as caught:
        api.client.post("no/such/api", data={})

    assert caught.value.errcode == 40066 and not caught.value.transient


@pytest.mark.parametrize(
    ("appid", "secret", "errcode", "hint"),
    [(APPID, "wrong-secret", 40125, "WECHAT_SECRET"), ("wxwrongappid", SECRET, 40013, "WECHAT_APPID")],
)
def test_a_token_fetch_rejected_for_bad_credentials_is_permanent_and_never_shows_the_secret(
    fake: Fake,
    redis_client: redis_lib.Redis,
    caplog: pytest.LogCaptureFixture,
    appid: str,
    secret: str,
    errcode: int,
    hint: str,
) -> None:
    api = make_api(fake, redis_client, appid=appid, secret=secret)
    caplog.set_level(logging.DEBUG)

    with pytest.raises(WeChatAPIError) as caught:
        api.send_text(OPENID, "hello")

    assert caught.value.errcode == errcode and not caught.value.transient
    assert "access token" in str(caught.value) and hint in str(caught.value)
    assert secret not in str(caught.value) and secret not in caplog.text
    assert fake.calls(CUSTOM_SEND) == []
    assert redis_client.get(f"gridbot:wechat:{appid}:token") is None


def test_after_a_rejected_secret_no_process_fetches_again_for_a_while(
    fake: Fake, redis_client: redis_lib.Redis
) -> None:
    first = make_api(fake, redis_client, secret="wrong-secret")
    other_process = make_api(fake, redis_client, secret="wrong-secret")
    for api in (first, other_process, first):
        with pytest.raises(WeChatAPIError) as caught:
            api.send_text(OPENID, "hello")
        assert not caught.value.transient and "WECHAT_SECRET" in str(caught.value)
    assert fake.stats()["token_fetches"] == 1  # the daily quota is not spent on the same error
    first.token.unblock()  # what a worker restart does (the block otherwise expires after 5 minutes)
    with pytest.raises(WeChatAPIError):
        first.send_text(OPENID, "hello")
    assert fake.stats()["token_fetches"] == 2


def test_a_transient_token_fetch_failure_does_not_block_the_next_try(fake: Fake, redis_client: redis_lib.Redis) -> None:
    fake.fail("/cgi-bin/token", -1, times=1)
    api = make_api(fake, redis_client)
    with pytest.raises(WeChatAPIError) as caught:
        api.send_text(OPENID, "hello")
    assert caught.value.transient
    api.send_text(OPENID, "hello")
    assert len(fake.calls(CUSTOM_SEND)) == 1


def test_a_token_fetch_with_the_wrong_grant_type_is_permanent(fake: Fake, redis_client: redis_lib.Redis) -> None:
    answer = requests.get(f"{fake.url}/cgi-bin/token", params={"grant_type": "password"}, timeout=5).json()
    assert answer["errcode"] == 40002

    fake.fail("/cgi-bin/token", 40002)
    with pytest.raises(WeChatAPIError) as caught:
        make_api(fake, redis_client).access_token()
    assert caught.value.errcode == 40002 and not caught.value.transient


def test_send_template_returns_the_msgid_and_sends_the_data(fake: Fake, redis_client: redis_lib.Redis) -> None:
    api = make_api(fake, redis_client)
    data = {"thing1": {"value": "电梯故障"}, "phrase2": {"value": "已办结"}}

    msgid = api.send_template(OPENID, "TPL-status", data, url="https://example.org/a/1")

    [call] = fake.calls("/cgi-bin/message/template/send")
    assert msgid == str(call["response"]["msgid"])
    expected = {"touser": OPENID, "template_id": "TPL-status", "url": "https://example.org/a/1", "data": data}
    assert call["body"] == expected


def test_download_media_returns_the_png_bytes(fake: Fake, redis_client: redis_lib.Redis) -> None:
    content = make_api(fake, redis_client).download_media("MEDIA-123")

    assert content.startswith(b"\x89PNG\r\n\x1a\n") and content.endswith(b"IEND\xaeB`\x82")
    [call] = fake.calls("/cgi-bin/media/get")
    assert call["query"]["media_id"] == "MEDIA-123"


def test_settings_with_a_base_url_redirect_every_call_including_the_token(
    fake: Fake, redis_client: redis_lib.Redis
) -> None:
    settings = Settings(wechat_token="t", wechat_appid=APPID, wechat_secret=SECRET, wechat_api_base_url=fake.url)
    api = WeChatAPI.from_settings(settings, redis_client)

    api.send_text(OPENID, "via settings")
    # A wechatpy API class that hard-codes https://api.weixin.qq.com/: it reaches the fake (which does not know it).
    with pytest.raises(WeChatAPIError, match="40066"):
        api.client.template.get_industry()

    assert fake.stats()["by_path"] == {"/cgi-bin/token": 1, CUSTOM_SEND: 1, "/cgi-bin/template/get_industry": 1}

