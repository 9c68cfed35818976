"""The fake WeChat API's broadcast side behaves like WeChat: list sizes, clientmsgid and client_msg_id dedup, the 4-a-month
filter, and job-finish events pushed to the webhook signed and encrypted, which the webhook records."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import pytest
from wechatpy.crypto import WeChatCrypto
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bot.clock import now_utc
from bot.wechat.api import WeChatAPI, WeChatAPIError
from bot.wechat.fake import FakeWeChatServer
from storage import notice_records
from tests.conftest import TEST_AES_KEY, TEST_APPID, TEST_TOKEN
from tests.integration.test_notice_delivery import chunks, send
from tests.support.worker import work

pytestmark = pytest.mark.postgres


class Catcher:
    """A webhook stand-in that keeps what WeChat's server (here: the fake) POSTs to it."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []

        @Request.application
        def app(request: Request) -> Response:
            self.posts.append({"params": dict(request.args), "body": request.get_data()})
            return Response("success")

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}/wechat"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count: int) -> list[dict[str, Any]]:
        deadline = time.monotonic() + 5
        while len(self.posts) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.posts


@pytest.fixture
def catcher():  # type: ignore[no-untyped-def]
    caught = Catcher()
    yield caught
    caught.server.shutdown()


@pytest.fixture
def pushing_fake(catcher, worker_runtime):  # type: ignore[no-untyped-def]
    """A fake that pushes job-finish events to the catcher; the worker runtime talks to it."""
    with FakeWeChatServer(events_to=catcher.url, token=TEST_TOKEN, appid=TEST_APPID, aes_key=TEST_AES_KEY) as fake:
        worker_runtime.api = WeChatAPI(TEST_APPID, "test-secret", worker_runtime.redis, base_url=fake.url)
        yield fake


def test_mass_send_refuses_lists_outside_2_to_10000_and_answers_a_repeat_with_45065(pushing_fake, redis_client):
    api = WeChatAPI(TEST_APPID, "s", redis_client, base_url=pushing_fake.url)
    with pytest.raises(WeChatAPIError) as one:
        api.mass_send_text(["o1"], "x", "k-1")
    assert one.value.errcode == 40130
    with pytest.raises(WeChatAPIError) as too_many:
        api.mass_send_text([f"o{n}" for n in range(10_001)], "x", "k-2")
    assert too_many.value.errcode == 40130
    with pytest.raises(WeChatAPIError) as long_key:
        api.mass_send_text(["o1", "o2"], "x", "k" * 65)
    assert long_key.value.errcode == 45067
    first = api.mass_send_text(["o1", "o2"], "x", "k-3")
    assert api.mass_send_text(["o1", "o2"], "x", "k-3") == first  # 45065, the first msg_id


def test_a_template_repeated_with_its_client_msg_id_is_not_sent_again(pushing_fake, redis_client):
    api = WeChatAPI(TEST_APPID, "s", redis_client, base_url=pushing_fake.url)
    first = api.send_keyed_template("o1", "t", {"keyword1": {"value": "x"}}, None, "N1-r1")
    assert api.send_keyed_template("o1", "t", {"keyword1": {"value": "x"}}, None, "N1-r1") == first
    assert api.send_keyed_template("o2", "t", {"keyword1": {"value": "x"}}, None, "N1-r1") != first


def test_the_fifth_mass_send_of_a_month_is_filtered_and_the_event_says_so(pushing_fake, catcher, redis_client, client,
                                                                          clock):
    clock.current = now_utc()  # the fake signs with the real time; the webhook checks it against its clock
    api = WeChatAPI(TEST_APPID, "s", redis_client, base_url=pushing_fake.url)
    for n in range(5):
        api.mass_send_text(["o1", "o2"], "x", f"month-{n}")
    posts = catcher.wait(5)
    assert len(posts) == 5 and all(post["params"]["encrypt_type"] == "aes" for post in posts)
    crypto = WeChatCrypto(TEST_TOKEN, TEST_AES_KEY, TEST_APPID)
    plain = [crypto.decrypt_message(post["body"], post["params"]["msg_signature"], post["params"]["timestamp"],
                                    post["params"]["nonce"]) for post in posts]
    kept = sorted(re.search(r"<FilterCount><!\[CDATA\[(\d+)\]\]>", text).group(1) for text in plain)
    assert kept == ["0", "2", "2", "2", "2"]  # the fifth of the month reached nobody
    assert all("MASSSENDJOBFINISH" in text and "<TotalCount><![CDATA[2]]>" in text for text in plain)
    answer = client.post("/wechat", query_string=posts[0]["params"], data=posts[0]["body"])
    assert answer.status_code == 200  # the webhook verified and decrypted WeChat's (the fake's) event


def test_the_webhook_records_the_fakes_masssendjobfinish_for_a_real_notice(pushing_fake, catcher, worker_runtime,
                                                                           client, clock):
    clock.current = now_utc()
    number = send(worker_runtime)
    work(worker_runtime)
    (post,) = catcher.wait(1)
    assert client.post("/wechat", query_string=post["params"], data=post["body"]).status_code == 200
    (chunk,) = chunks(worker_runtime, number)
    assert (chunk.total_count, chunk.filter_count, chunk.sent_count, chunk.error_count) == (5, 5, 5, 0)
    with worker_runtime.database.transaction() as session:
        shown = notice_records.progress(session, notice_records.find(session, number))
    assert (shown.sent, shown.filtered) == (5, 0)
