"""Issue 8, item 1: a captured request URL must not let anyone speak as anyone.

The attack as it was run: take `signature`, `timestamp` and `nonce` from a genuine request (proxy access logs
hold them), drop `encrypt_type`, and POST a plain body with any FromUserName. Then the defences around it:
the mode, the replay guard (and what it does without Redis) and the optional source check.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from typing import Callable

import pytest
import redis as redis_lib
from sqlalchemy import select

from bot.redisconn import ensure_embedded_redis, stop_embedded_redis
from bot.settings import COMPAT, PLAIN, SAFE
from bot.web.app import create_app
from bot.web.runtime import Runtime
from bot.web.webhook import REFUSALS_LOGGED_PER_MINUTE
from bot.wechat.sources import (
    SAVED_NAME,
    SourceCheck,
    callback_ips_key,
    callback_ips_stored,
    keep_copy,
    parse_networks,
)
from bot.worker import schedule
from bot.worker.schedule import refresh_callback_ips
from bot.worker.schedule import run as run_relay
from storage.db import Database
from storage.models import Appeal
from tests.conftest import Clock, WeChat
from tests.fakes import Fake
from tests.handlers.test_staff_tasks import file_and_dispatch
from tests.integration.test_wire import appeals_of, post, signed, snapshot, text_fields, xml_of
from tests.support.personas import LI, WANG
from tests.support.wire import now_of

FORGED_MSG_ID = "7000000000000000666"
# Who the forger spoke as, and what they sent (the ticket of o1's dispatched appeal filled in).
FORGERIES: dict[str, tuple[str, Callable[[str], str]]] = {
    "查询 as the grid leader": (WANG, lambda ticket: f"查询 {ticket}"),
    "接单 as a grid member": (LI, lambda ticket: f"接单 {ticket}"),
    "办结 as a grid member": (LI, lambda ticket: f"办结 {ticket} 已处理完毕（伪造）"),
    "a new appeal as another resident": ("o2", lambda _ticket: "楼下有人深夜施工，噪音很大，请派人管管"),
}


def captured_url(wechat: WeChat, clock: Clock) -> dict[str, str]:
    """A genuine request of o1's, answered; returns the triple an access log shows of it."""
    response, genuine = wechat.post(wechat.server.text("o1", "我的诉求", create_time=now_of(clock)))
    assert response.status_code == 200
    return {key: genuine.params[key] for key in ("signature", "timestamp", "nonce")}


def forged_body(clock: Clock, forgery: str, ticket: str) -> bytes:
    openid, command = FORGERIES[forgery]
    return xml_of(text_fields(now_of(clock), FromUserName=openid, Content=command(ticket), MsgId=FORGED_MSG_ID)).encode()


def runtime_in(runtime: Runtime, **changes: object) -> Runtime:
    """Another web process on the same database and clock, with some settings changed."""
    return Runtime(runtime.settings.with_(**changes), clock=runtime.clock, database=runtime.database)


# --- the attack, in safe mode: encrypt_type dropped ------------------------------------------------------------


@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.postgres
def test_a_plain_body_under_a_captured_url_with_encrypt_type_dropped_is_refused_when_an_aes_key_is_set(
    wechat, client, seeded: Database, clock: Clock, caplog: pytest.LogCaptureFixture, forgery: str
) -> None:  # type: ignore[no-untyped-def]
    ticket = file_and_dispatch(wechat, seeded, clock)
    triple = captured_url(wechat, clock)
    before = snapshot(seeded)

    response = post(client, triple, forged_body(clock, forgery, ticket))

    assert response.status_code == 403
    assert ticket not in response.get_data(as_text=True)
    assert snapshot(seeded) == before
    assert "plaintext message refused in safe mode" in caplog.text


@pytest.mark.postgres
def test_safe_mode_wants_the_msg_signature_before_it_reads_the_body(client, clock: Clock, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    params = signed(now_of(clock)) | {"encrypt_type": "aes"}  # no msg_signature: nothing covers the body

    response = post(client, params, xml_of(text_fields(now_of(clock))).encode())

    assert response.status_code == 403
    assert appeals_of(seeded, "o1") == []


@pytest.mark.postgres
def test_in_safe_mode_a_captured_url_with_another_encrypted_body_is_refused_without_asking_redis(
    wechat, client, seeded: Database, clock: Clock, redis_client: redis_lib.Redis
) -> None:  # type: ignore[no-untyped-def]
    ticket = file_and_dispatch(wechat, seeded, clock)
    response, genuine = wechat.post(wechat.server.text("o1", "我的诉求", create_time=now_of(clock)))
    assert response.status_code == 200
    # The forger even encrypts (as if they had the AES key), but cannot sign the new body without the token.
    forged = wechat.server.sign(forged_body(clock, "办结 as a grid member", ticket).decode(), encrypted=True,
                                timestamp=int(genuine.params["timestamp"]), nonce=genuine.params["nonce"])
    before = snapshot(seeded)

    refused = post(client, genuine.params, forged.body)  # the captured URL: its msg_signature is the genuine one

    assert refused.status_code == 403
    assert snapshot(seeded) == before
    assert redis_client.keys("gridbot:wechat:*:request:*") == []  # safe mode spends no Redis round trip on it


# --- plain mode: the replay guard ------------------------------------------------------------------------------------


@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.postgres
def test_in_plain_mode_a_captured_url_with_another_body_is_refused_for_the_whole_window(
    wechat_plain, plain_client, seeded: Database, clock: Clock, forgery: str
) -> None:  # type: ignore[no-untyped-def]
    ticket = file_and_dispatch(wechat_plain, seeded, clock)
    triple = captured_url(wechat_plain, clock)
    before = snapshot(seeded)

    refused_at_once = post(plain_client, triple, forged_body(clock, forgery, ticket))
    clock.advance(seconds=299)  # the timestamp is still inside the 300 s window
    refused_later = post(plain_client, triple, forged_body(clock, forgery, ticket))

    assert (refused_at_once.status_code, refused_later.status_code) == (403, 403)
    assert snapshot(seeded) == before


@pytest.mark.postgres
def test_in_plain_mode_wechats_retry_of_the_same_body_gets_the_stored_reply(
    wechat_plain, plain_client, seeded: Database, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    response, genuine = wechat_plain.post(wechat_plain.server.text("o1", "3号楼电梯坏了，物业一直不来修"))
    clock.advance(seconds=5)

    retry = post(plain_client, genuine.params, genuine.body)

    assert response.status_code == retry.status_code == 200
    assert "编号：G" in response.get_data(as_text=True)
    assert retry.get_data() == response.get_data()
    assert len(appeals_of(seeded, "o1")) == 1


def test_a_pair_stays_remembered_until_its_timestamp_leaves_the_window(
    plain_client, clock: Clock, seeded: Database, redis_client: redis_lib.Redis
) -> None:  # type: ignore[no-untyped-def]
    ahead = now_of(clock) + 250  # a sender whose clock runs ahead: accepted for 250 + 300 s from now

    response = post(plain_client, signed(ahead, nonce="161803398"), xml_of(text_fields(now_of(clock))).encode())

    assert response.status_code == 200
    [key] = redis_client.keys("gridbot:wechat:*:request:*")
    assert key.decode().endswith(f":{ahead}:161803398")
    assert 549 <= redis_client.ttl(key) <= 551


@pytest.mark.parametrize("forgery", FORGERIES)
def test_in_plain_mode_the_url_of_a_url_check_cannot_carry_a_message(
    plain_client, clock: Clock, seeded: Database, forgery: str
) -> None:  # type: ignore[no-untyped-def]
    triple = signed(now_of(clock), nonce="271828182")
    checked = plain_client.get("/wechat", query_string=triple | {"echostr": "5772156649"})
    before = snapshot(seeded)

    refused = post(plain_client, triple, forged_body(clock, forgery, "G2611010001"))

    assert checked.get_data(as_text=True) == "5772156649"
    assert refused.status_code == 403
    assert snapshot(seeded) == before
    assert plain_client.get("/wechat", query_string=triple | {"echostr": "5772156649"}).status_code == 200


def test_a_flood_of_forged_requests_leaves_a_bounded_number_of_log_lines(
    client, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    forged = {"signature": "0" * 40, "timestamp": str(now_of(clock)), "nonce": "1"}

    statuses = {post(client, forged, b"<xml/>").status_code for _ in range(REFUSALS_LOGGED_PER_MINUTE * 10)}

    assert statuses == {403}
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("webhook refused 403")]
    assert len(lines) == REFUSALS_LOGGED_PER_MINUTE
    assert all("bad signature" in line for line in lines)


# --- without Redis -----------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_in_safe_mode_redis_killed_mid_load_loses_nothing(
    runtime: Runtime, clock: Clock, seeded: Database, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    own_redis = tmp_path / "redis-to-kill"
    safe = runtime_in(runtime, redis_url=ensure_embedded_redis(own_redis))
    wechat = WeChat(create_app(runtime=safe).test_client(), clock)
    replies, retried = [], None
    try:
        for number in range(1, 11):
            if number == 6:
                stop_embedded_redis(own_redis)
            response, request = wechat.post(wechat.server.text("o1", f"{number}号楼电梯坏了，物业一直不来修"))
            assert response.status_code == 200, response.get_data(as_text=True)
            replies.append(wechat.server.open_reply(response.get_data(as_text=True), request))
            retried = retried or (request if number == 7 else None)
        retry = wechat.client.post("/wechat", query_string=retried.params, data=retried.body)  # type: ignore[union-attr]
    finally:
        stop_embedded_redis(own_redis)

    assert all(reply and "编号：G" in reply for reply in replies), replies
    assert wechat.server.open_reply(retry.get_data(as_text=True), retried) == replies[6]  # type: ignore[arg-type]
    assert sorted(a.content for a in appeals_of(seeded, "o1")) == sorted(
        f"{n}号楼电梯坏了，物业一直不来修" for n in range(1, 11))
    # Safe mode never needed Redis for the replay guard: the msg_signature already ties each body to its pair.
    assert not [r for r in caplog.records if r.levelno == logging.ERROR and "replay guard" in r.getMessage()]


@pytest.mark.parametrize("mode", [PLAIN, COMPAT])
@pytest.mark.postgres
def test_in_plain_and_compat_mode_no_redis_means_503_and_nothing_stored(
    runtime: Runtime, clock: Clock, seeded: Database, tmp_path, caplog: pytest.LogCaptureFixture, mode: str
) -> None:  # type: ignore[no-untyped-def]
    unguarded = runtime_in(runtime, wechat_mode=mode, redis_url=f"unix://{tmp_path / 'no-redis.sock'}")
    wechat = WeChat(create_app(runtime=unguarded).test_client(), clock, encrypted=False)
    before = snapshot(seeded)

    response, _request = wechat.post(wechat.server.text("o1", "3号楼电梯坏了，物业一直不来修"))

    assert response.status_code == 503  # WeChat retries; a forged body must not get through meanwhile
    assert snapshot(seeded) == before
    assert "refusing messages until it is back" in caplog.text


# --- the GET check works in every mode ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [SAFE, COMPAT, PLAIN])
def test_the_url_check_works_in_every_mode(runtime: Runtime, clock: Clock, mode: str) -> None:
    client = create_app(runtime=runtime_in(runtime, wechat_mode=mode)).test_client()

    response = client.get("/wechat", query_string=signed(now_of(clock)) | {"echostr": "5772156649"})

    assert (response.status_code, response.get_data(as_text=True)) == (200, "5772156649")


# --- the source check ----------------------------------------------------------------------------------------------

WECHAT_IPS = ["127.0.0.1", "101.226.0.0/16"]


def sources_client(runtime: Runtime, redis_client: redis_lib.Redis, entries: list[str] | None = WECHAT_IPS,
                   proxies: str = ""):  # type: ignore[no-untyped-def]
    """A webhook with GRIDBOT_TRUSTED_SOURCES=wechat (and GRIDBOT_TRUSTED_PROXIES), the list in Redis."""
    if entries is not None:
        redis_client.set(callback_ips_key(runtime.settings.wechat_appid), json.dumps({"entries": entries}))
    proxy_networks, _invalid = parse_networks(proxies.split(",") if proxies else [])
    checked = runtime_in(runtime, trusted_sources="wechat", trusted_proxies=proxy_networks)
    return create_app(runtime=checked).test_client()


def post_from(client, wechat: WeChat, peer: str, forwarded_for: str | None = None):  # type: ignore[no-untyped-def]
    request = wechat.server.sign(wechat.server.text("o1", "3号楼电梯坏了，物业一直不来修"), encrypted=True,
                                 timestamp=wechat.now())
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/wechat", query_string=request.params, data=request.body, headers=headers,
                       environ_base={"REMOTE_ADDR": peer})


@pytest.mark.parametrize("peer, forwarded_for, status", [
    ("127.0.0.1", None, 200),
    ("101.226.3.4", None, 200),  # inside a CIDR range of the list
    ("::ffff:127.0.0.1", None, 200),  # an IPv4 peer seen through an IPv6 socket
    ("10.1.2.3", None, 403),
    ("10.1.2.3", "127.0.0.1", 403),  # X-Forwarded-For from a peer that is not a trusted proxy: ignored
], ids=["listed IP", "listed range", "IPv4-mapped", "unlisted peer", "spoofed X-Forwarded-For"])
@pytest.mark.postgres
def test_with_trusted_sources_only_wechats_callback_ips_may_post(
    runtime: Runtime, wechat, redis_client: redis_lib.Redis, seeded: Database, peer: str,
    forwarded_for: str | None, status: int
) -> None:  # type: ignore[no-untyped-def]
    response = post_from(sources_client(runtime, redis_client), wechat, peer, forwarded_for)

    assert response.status_code == status
    assert len(appeals_of(seeded, "o1")) == (1 if status == 200 else 0)


@pytest.mark.parametrize("peer, status", [("127.0.0.1", 200), ("10.1.2.3", 403)], ids=["WeChat", "elsewhere"])
def test_with_trusted_sources_the_url_check_is_answered_only_to_wechats_callback_ips(
    runtime: Runtime, redis_client: redis_lib.Redis, clock: Clock, peer: str, status: int
) -> None:
    client = sources_client(runtime, redis_client)

    response = client.get("/wechat", query_string=signed(now_of(clock)) | {"echostr": "5772156649"},
                          environ_base={"REMOTE_ADDR": peer})

    assert response.status_code == status
    assert ("5772156649" in response.get_data(as_text=True)) == (status == 200)


@pytest.mark.parametrize("forwarded_for, status", [
    ("127.0.0.1", 200),
    ("203.0.113.9, 127.0.0.1", 200),  # the client's own claims stand left of what our proxy saw
    ("127.0.0.1, 203.0.113.9", 403),  # a listed IP prepended by the client does not help it
    ("127.0.0.1, 10.0.0.7", 200),  # a chain of our own proxies is skipped
    ("not-an-ip", 403),
], ids=["WeChat via the proxy", "spoofed left part", "WeChat IP prepended", "two proxies", "garbage"])
@pytest.mark.postgres
def test_behind_a_trusted_proxy_the_right_most_untrusted_forwarded_address_counts(
    runtime: Runtime, wechat, redis_client: redis_lib.Redis, seeded: Database, forwarded_for: str, status: int
) -> None:  # type: ignore[no-untyped-def]
    client = sources_client(runtime, redis_client, proxies="10.0.0.0/8")

    assert post_from(client, wechat, "10.0.0.5", forwarded_for).status_code == status


@pytest.mark.postgres
def test_a_reverse_proxy_missing_from_the_trusted_proxies_is_named_in_the_refusals_log(
    runtime: Runtime, wechat, redis_client: redis_lib.Redis, seeded: Database, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    client = sources_client(runtime, redis_client, proxies="10.0.0.10")  # the guide's example, not this host's nginx

    response = post_from(client, wechat, "192.168.1.10", "101.226.3.4")  # nginx on this host, for WeChat's server

    assert response.status_code == 403
    refused = [r.getMessage() for r in caplog.records if "not one of WeChat's callback IPs" in r.getMessage()]
    assert len(refused) == 1 and "192.168.1.10" in refused[0] and "GRIDBOT_TRUSTED_PROXIES" in refused[0]


@pytest.mark.postgres
def test_until_the_worker_fetched_the_list_the_webhook_answers_503_and_says_why_once(
    runtime: Runtime, wechat, redis_client: redis_lib.Redis, seeded: Database, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    client = sources_client(runtime, redis_client, entries=None)

    statuses = [post_from(client, wechat, "127.0.0.1").status_code for _ in range(3)]

    assert statuses == [503, 503, 503]
    assert appeals_of(seeded, "o1") == []
    missing = [r for r in caplog.records if r.levelno == logging.ERROR and "callback IP list" in r.getMessage()]
    assert len(missing) == 1 and "gridbot worker" in missing[0].getMessage()


class FlakyRedis:
    """The web process's Redis, which can be cut off; and the process's monotonic clock, moved by hand."""

    def __init__(self, client: redis_lib.Redis) -> None:
        self.client, self.down, self.now, self.asked = client, False, 1000.0, 0

    def __call__(self) -> redis_lib.Redis:
        self.asked += 1
        if self.down:
            raise redis_lib.ConnectionError("Connection refused")
        return self.client

    def clock(self) -> float:
        return self.now


@pytest.mark.postgres
def test_while_redis_is_down_the_last_callback_ip_list_read_is_used_for_a_day_and_said_once_a_minute(
    runtime: Runtime, wechat, redis_client: redis_lib.Redis, seeded: Database, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    client = sources_client(runtime, redis_client)
    flaky = FlakyRedis(redis_client)
    checked = client.application.extensions["gridbot"]
    checked.sources = SourceCheck(checked.settings, flaky, clock=flaky.clock)
    assert post_from(client, wechat, "127.0.0.1").status_code == 200  # the list read while Redis was up

    flaky.down = True
    statuses = []
    for _ in range(3):
        flaky.now += 3600  # hours into the outage: safe mode files each message without Redis
        statuses.append(post_from(client, wechat, "127.0.0.1").status_code)
    unlisted = post_from(client, wechat, "10.1.2.3").status_code
    flaky.now += 24 * 3600
    after_a_day = post_from(client, wechat, "127.0.0.1").status_code

    assert (statuses, unlisted, after_a_day) == ([200, 200, 200], 403, 503)
    stale = [r.getMessage() for r in caplog.records if "read 3600 s ago" in r.getMessage()]
    assert len(stale) == 1 and "Redis is unavailable (ConnectionError)" in stale[0]


@pytest.mark.postgres
def test_while_redis_is_down_messages_do_not_each_wait_for_it_and_it_is_asked_again_every_ten_seconds(
    runtime: Runtime, wechat, redis_client: redis_lib.Redis, seeded: Database
) -> None:  # type: ignore[no-untyped-def]
    client = sources_client(runtime, redis_client)
    flaky = FlakyRedis(redis_client)
    checked = client.application.extensions["gridbot"]
    checked.sources = SourceCheck(checked.settings, flaky, clock=flaky.clock)
    assert post_from(client, wechat, "127.0.0.1").status_code == 200
    flaky.down, flaky.now, flaky.asked = True, flaky.now + 120, 0

    statuses = []
    for _ in range(5):  # a burst of messages within two seconds
        statuses.append(post_from(client, wechat, "127.0.0.1").status_code)
        flaky.now += 0.5
    asked_in_the_burst = flaky.asked
    flaky.now += 10
    statuses.append(post_from(client, wechat, "127.0.0.1").status_code)
    flaky.down = False
    flaky.now += 10
    statuses.append(post_from(client, wechat, "127.0.0.1").status_code)

    assert statuses == [200] * 7
    assert (asked_in_the_burst, flaky.asked) == (1, 3)  # back: the list is read from Redis again


def restarted_without_redis(runtime: Runtime, redis_client: redis_lib.Redis, down: bool = True):  # type: ignore[no-untyped-def]
    """A web process started (on this host) while Redis is unreachable -- or emptied, with `down=False`."""
    client = sources_client(runtime, redis_client, entries=None)
    flaky = FlakyRedis(redis_client)
    flaky.down = down
    checked = client.application.extensions["gridbot"]
    checked.sources = SourceCheck(checked.settings, flaky, clock=flaky.clock)
    return client


@pytest.mark.postgres
def test_a_web_process_started_while_redis_is_down_checks_sources_against_the_copy_this_host_kept(
    runtime: Runtime, wechat, redis_client: redis_lib.Redis, seeded: Database, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    assert post_from(sources_client(runtime, redis_client), wechat, "127.0.0.1").status_code == 200  # read, kept
    client = restarted_without_redis(runtime, redis_client)

    statuses = [post_from(client, wechat, peer).status_code for peer in ("127.0.0.1", "101.226.3.4", "10.1.2.3")]

    assert statuses == [200, 200, 403]
    assert (runtime.settings.data_dir / SAVED_NAME).stat().st_mode & 0o077 == 0  # private, like the other data
    stale = [r.getMessage() for r in caplog.records if "read 0 s ago" in r.getMessage()]
    assert len(stale) == 1 and "Redis is unavailable (ConnectionError)" in stale[0]


@pytest.mark.postgres
def test_a_web_process_started_after_redis_lost_the_list_uses_the_copy_until_the_worker_fetches_it_again(
    runtime: Runtime, wechat, redis_client: redis_lib.Redis, seeded: Database
) -> None:  # type: ignore[no-untyped-def]
    assert post_from(sources_client(runtime, redis_client), wechat, "127.0.0.1").status_code == 200
    redis_client.delete(callback_ips_key(runtime.settings.wechat_appid))  # emptied, or an empty server in its place

    client = restarted_without_redis(runtime, redis_client, down=False)

    assert [post_from(client, wechat, peer).status_code for peer in ("127.0.0.1", "10.1.2.3")] == [200, 403]


@pytest.mark.parametrize("value", ["not json", '{"entries": 7}', '{"fetched_at": "2026-12-07"}', '{"entries": []}'])
def test_an_unreadable_list_in_redis_is_not_a_server_error_and_the_worker_fetches_it_again(
    runtime: Runtime, wechat, redis_client: redis_lib.Redis, seeded: Database, worker_runtime, fake_wechat: Fake,
    value: str
) -> None:  # type: ignore[no-untyped-def]
    assert post_from(sources_client(runtime, redis_client), wechat, "127.0.0.1").status_code == 200  # read, kept
    key = callback_ips_key(runtime.settings.wechat_appid)
    redis_client.set(key, value)  # written by hand, or by something else sharing this Redis
    client = restarted_without_redis(runtime, redis_client, down=False)

    assert [post_from(client, wechat, peer).status_code for peer in ("127.0.0.1", "10.1.2.3")] == [200, 403]
    assert not callback_ips_stored(redis_client, runtime.settings.wechat_appid)  # so the worker fetches it again
    assert refresh_callback_ips(worker_runtime) and callback_ips_stored(redis_client, runtime.settings.wechat_appid)


@pytest.mark.parametrize("spoil", ["confirmed over a day ago", "another account's", "garbled"])
def test_a_web_process_started_while_redis_is_down_refuses_with_503_without_a_usable_copy(
    runtime: Runtime, wechat, redis_client: redis_lib.Redis, seeded: Database, spoil: str
) -> None:  # type: ignore[no-untyped-def]
    copy = runtime.settings.data_dir / SAVED_NAME
    keep_copy(runtime.settings.data_dir, "wx_another_account" if spoil == "another account's" else
              runtime.settings.wechat_appid, json.dumps({"entries": WECHAT_IPS}))
    if spoil == "garbled":
        copy.write_text('{"appid": "' + runtime.settings.wechat_appid + '", "entries": 7}')
    if spoil == "confirmed over a day ago":
        os.utime(copy, (time.time() - 24 * 3600 - 60, time.time() - 24 * 3600 - 60))
    client = restarted_without_redis(runtime, redis_client)

    assert post_from(client, wechat, "127.0.0.1").status_code == 503
    assert appeals_of(seeded, "o1") == []


@pytest.mark.postgres
def test_the_worker_fetches_the_callback_ips_from_the_fake_api_and_the_webhook_uses_them(
    worker_runtime, runtime: Runtime, wechat, fake_wechat: Fake, redis_client: redis_lib.Redis, seeded: Database
) -> None:  # type: ignore[no-untyped-def]
    assert refresh_callback_ips(worker_runtime) is True

    stored = json.loads(redis_client.get(callback_ips_key(runtime.settings.wechat_appid)))
    assert stored["entries"] == ["127.0.0.1/32", "::1/128"]
    copy = json.loads((worker_runtime.settings.data_dir / SAVED_NAME).read_text())  # for this host's web processes
    assert (copy["appid"], copy["entries"]) == (runtime.settings.wechat_appid, stored["entries"])
    assert [call["path"] for call in fake_wechat.calls("/cgi-bin/getcallbackip")] == ["/cgi-bin/getcallbackip"]
    client = sources_client(runtime, redis_client, entries=None)
    assert post_from(client, wechat, "127.0.0.1").status_code == 200
    assert post_from(client, wechat, "192.0.2.1").status_code == 403
    with seeded.transaction() as session:
        assert len(session.scalars(select(Appeal)).all()) == 1


def test_a_worker_with_trusted_sources_fetches_the_list_when_it_starts_and_again_when_redis_lost_it(
    worker_runtime, redis_client: redis_lib.Redis, fake_wechat: Fake, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(schedule, "CALLBACK_IPS_CHECK_S", 0.05)
    worker_runtime.settings = worker_runtime.settings.with_(trusted_sources="wechat")
    key = callback_ips_key(worker_runtime.settings.wechat_appid)
    stop = threading.Event()
    loop = threading.Thread(target=run_relay, args=(worker_runtime, stop))
    loop.start()

    def fetched(what: str) -> None:
        deadline = time.monotonic() + 10
        while redis_client.get(key) is None:
            assert time.monotonic() < deadline, f"the worker did not fetch WeChat's callback IPs {what}"
            time.sleep(0.05)

    try:
        fetched("when it started")
        time.sleep(0.3)
        assert len(fake_wechat.calls("/cgi-bin/getcallbackip")) == 1  # the next one is a day away...
        redis_client.delete(key)  # ...unless Redis loses it (emptied, or an empty server in its place)
        worker_runtime.clock.advance(seconds=31)
        fetched("after Redis lost it")
    finally:
        stop.set()
        loop.join(timeout=10)
    assert len(fake_wechat.calls("/cgi-bin/getcallbackip")) == 2
