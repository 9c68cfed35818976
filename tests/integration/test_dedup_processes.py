"""WeChat's retries, for real: the same message four times at once into two server processes is handled once.

WeChat waits 5 s for a passive reply and then retries, three more times, so one MsgId (for events:
FromUserName + CreateTime) can arrive four times, concurrently, at different web processes. Each must get the
same reply and exactly one appeal must be filed. Two separate `gridbot serve` processes (two gunicorn masters,
two sync workers each) share the test database, SQLite or PostgreSQL.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

import pytest
import requests
from sqlalchemy import func, select

from bot.wechat.simulator import SignedRequest, WeChatServer
from storage.db import Database
from storage.models import Appeal, Building, ProcessedMessage, Resident
from tests.conftest import TEST_AES_KEY, TEST_APPID, TEST_SECRET_KEY, TEST_TOKEN
from tests.support.ports import free_port_pair

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
RETRIES = 4  # the first delivery and WeChat's three retries
ROUNDS = 5
START_TIMEOUT_S = 60
TICKET = re.compile(r"编号：(G\d{10})")
TICKET_HELD = re.compile(r"编号 (G\d{10})")


@dataclass
class ServerProcess:
    """One `python -m bot serve` (a gunicorn master and its workers, in their own process group)."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/wechat"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of the master and its workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # anything of this server's own group still left
        except ProcessLookupError:
            pass
        self.process.wait(timeout=5)


def server_env(database_url: str, data_dir: Path, name: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "GRIDBOT_"))}
    runtime_dir = data_dir / f"run-{name}"  # gunicorn's control socket: one per server, none in $HOME
    runtime_dir.mkdir(mode=0o700, exist_ok=True)
    env.update(
        XDG_RUNTIME_DIR=str(runtime_dir),
        WECHAT_TOKEN=TEST_TOKEN,
        WECHAT_APPID=TEST_APPID,
        WECHAT_AES_KEY=TEST_AES_KEY,
        WECHAT_SECRET="test-secret",
        GRIDBOT_SECRET_KEY=TEST_SECRET_KEY,
        GRIDBOT_DATABASE_URL=database_url,
        GRIDBOT_DATA_DIR=str(data_dir),
        GRIDBOT_REDIS_URL=redis_url,  # the replay guard's; the session's server, not one left running per test
        GRIDBOT_LOG_LEVEL="WARNING",
    )
    return env


def start_server(database_url: str, data_dir: Path, name: str, redis_url: str, *,
                 mode: str | None = None) -> ServerProcess:
    port = free_port_pair()
    log = data_dir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            cwd=ROOT, env=server_env(database_url, data_dir, name, redis_url) | (
                {"GRIDBOT_WECHAT_MODE": mode} if mode else {}), stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
    return ServerProcess(port, process, log)


def wait_until_up(server: ServerProcess) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"server on {server.port} exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            if requests.get(f"http://127.0.0.1:{server.port}/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"server on {server.port} did not answer within {START_TIMEOUT_S}s:\n{server.log_tail()}")


@pytest.fixture(scope="module")
def servers(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[list[ServerProcess]]:
    """Two independent `gridbot serve` processes on the test database, in compat mode (both kinds of message)."""
    data_dir = tmp_path_factory.mktemp("servers")
    started: list[ServerProcess] = []
    try:
        for name in ("a", "b"):
            started.append(start_server(database_url, data_dir, name, redis_url, mode="compat"))
        for server in started:
            wait_until_up(server)
        yield started
    finally:
        for server in started:
            server.stop()


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    request: SignedRequest


def deliver_at_once(deliveries: list[tuple[str, SignedRequest]]) -> list[Answer]:
    """POST every (url, request) from its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(deliveries))
    answers: list[Answer | BaseException | None] = [None] * len(deliveries)

    def send(index: int, url: str, request: SignedRequest) -> None:
        try:
            barrier.wait(timeout=10)
            response = requests.post(url, params=request.params, data=request.body, timeout=15,
                                     headers={"Content-Type": "text/xml"})
            answers[index] = Answer(response.status_code, response.text, request)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            answers[index] = error

    threads = [threading.Thread(target=send, args=(i, url, request)) for i, (url, request) in enumerate(deliveries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    failures = [a for a in answers if not isinstance(a, Answer)]
    assert not failures, failures
    return answers  # type: ignore[return-value]


def retries_of(wechat: WeChatServer, xml: str, servers: list[ServerProcess], encrypted: bool) -> list[tuple[str, SignedRequest]]:
    """Four deliveries of one message, split across both servers: the same signed request twice, and a retry
    signed afresh (new nonce; in safe mode new ciphertext) twice, as WeChat's retries are."""
    now = int(time.time())
    first = wechat.sign(xml, encrypted=encrypted, timestamp=now)
    again = wechat.sign(xml, encrypted=encrypted, timestamp=now)
    assert again.params["nonce"] != first.params["nonce"] or again.body != first.body
    return [(servers[i % 2].url, request) for i, request in enumerate([first, first, again, again])]


def scalar(database: Database, statement) -> int:  # type: ignore[no-untyped-def]
    with database.transaction() as session:
        return session.scalar(statement) or 0


@pytest.mark.parametrize("mode", ["plaintext", "safe"])
def test_the_same_msgid_four_times_at_once_into_two_processes_files_one_appeal_and_gets_one_reply(
    servers: list[ServerProcess], seeded: Database, mode: str
) -> None:
    wechat = WeChatServer(TEST_TOKEN, TEST_APPID, TEST_AES_KEY)
    encrypted = mode == "safe"
    for round_ in range(ROUNDS):
        content = f"{round_ + 1}号楼电梯坏了，物业一直不来修（{mode}）"
        msg_id = int(time.time() * 1000) * 100 + round_
        xml = wechat.text("o1", content, msg_id=msg_id, create_time=int(time.time()))

        answers = deliver_at_once(retries_of(wechat, xml, servers, encrypted))

        assert [a.status for a in answers] == [200] * RETRIES, [a.body[:200] for a in answers]
        replies = [wechat.open_reply(a.body, a.request) for a in answers]
        assert replies[0] is not None and "已受理您的诉求" in replies[0], replies[0]
        assert replies == [replies[0]] * RETRIES, f"round {round_}: different replies:\n" + "\n---\n".join(map(str, replies))
        if not encrypted:
            assert {a.body for a in answers} == {answers[0].body}  # the stored reply, byte for byte
        else:
            assert all("<Encrypt>" in a.body and content not in a.body for a in answers)
        appeals = scalar(seeded, select(func.count()).select_from(Appeal).where(Appeal.content == content))
        assert appeals == 1, f"round {round_}: {appeals} appeals for one message"
        assert scalar(seeded, select(func.count()).select_from(Appeal)) == round_ + 1
        with seeded.transaction() as session:
            ticket = session.scalar(select(Appeal.ticket).where(Appeal.content == content))
            keys = session.scalar(select(func.count()).select_from(ProcessedMessage)
                                  .where(ProcessedMessage.key == f"msg:{msg_id}"))
        assert TICKET.search(replies[0]) and TICKET.search(replies[0]).group(1) == ticket  # type: ignore[union-attr]
        assert keys == 1


@pytest.mark.parametrize("mode", ["plaintext", "safe"])
def test_the_same_event_four_times_at_once_into_two_processes_is_handled_once(
    servers: list[ServerProcess], seeded: Database, mode: str
) -> None:
    # A newcomer's appeal waits for an address; their QR-code subscribe binds them and releases it. Only the
    # first handling can release it, so a second run of the event would answer differently.
    wechat = WeChatServer(TEST_TOKEN, TEST_APPID, TEST_AES_KEY)
    with seeded.transaction() as session:
        building = session.scalars(select(Building).where(Building.name == "3号楼")).one()
        scene, building_id = building.scene_key, building.id
    residents_before = scalar(seeded, select(func.count()).select_from(Resident))
    for round_ in range(ROUNDS):
        openid = f"o_race_{mode}_{round_}"
        held = deliver_at_once([(servers[0].url, wechat.sign(wechat.text(openid, "小区门口垃圾堆了三天没人清")))])
        held_ticket = TICKET_HELD.search(wechat.open_reply(held[0].body, held[0].request) or "")
        assert held_ticket, held[0].body
        created = int(time.time())
        xml = wechat.event(openid, "subscribe", key=f"qrscene_{scene}", create_time=created)

        answers = deliver_at_once(retries_of(wechat, xml, servers, mode == "safe"))

        assert [a.status for a in answers] == [200] * RETRIES, [a.body[:200] for a in answers]
        replies = [wechat.open_reply(a.body, a.request) for a in answers]
        assert replies[0] is not None and "已为您绑定：幸福里社区·第一网格" in replies[0], replies[0]
        assert f"您反映的问题（编号 {held_ticket.group(1)}）已提交给" in replies[0], replies[0]
        assert replies == [replies[0]] * RETRIES, f"round {round_}: different replies:\n" + "\n---\n".join(map(str, replies))
        with seeded.transaction() as session:
            rows = session.scalars(select(Resident).where(Resident.openid == openid)).all()
            keys = session.scalar(select(func.count()).select_from(ProcessedMessage)
                                  .where(ProcessedMessage.key.startswith(f"evt:{openid}:{created}:")))
            statuses = session.scalars(select(Appeal.status).where(Appeal.ticket == held_ticket.group(1))).all()
        assert len(rows) == 1 and rows[0].building_id == building_id
        assert keys == 1
        assert statuses == ["submitted"]
    assert scalar(seeded, select(func.count()).select_from(Resident)) == residents_before + ROUNDS


def test_threads_in_one_process_racing_on_one_msgid_file_one_appeal(client, clock, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    # The quick in-process variant: four threads, four test clients, one app and database.
    wechat = WeChatServer(TEST_TOKEN, TEST_APPID, TEST_AES_KEY)
    now = int(clock().timestamp())
    request = wechat.sign(wechat.text("o1", "楼道灯坏了好几天了", msg_id=424242, create_time=now), encrypted=True,
                          timestamp=now)
    barrier = threading.Barrier(RETRIES)
    bodies: list[str] = []

    def send() -> None:
        test_client = client.application.test_client()
        barrier.wait(timeout=10)
        response = test_client.post("/wechat", query_string=request.params, data=request.body)
        # Each encrypted reply has its own IV: compare what they say.
        bodies.append(f"{response.status_code} {wechat.open_reply(response.get_data(as_text=True), request)}")

    threads = [threading.Thread(target=send) for _ in range(RETRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(bodies) == RETRIES and len(set(bodies)) == 1 and bodies[0].startswith("200 "), bodies
    assert scalar(seeded, select(func.count()).select_from(Appeal)) == 1


@pytest.mark.quiet
def test_a_message_stuck_behind_a_hung_one_is_answered_in_time_and_asked_to_resend(
    client, clock, seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    # gunicorn's threaded workers are not restarted for one hung thread, as a sync worker was at 10 s: the
    # next message must not wait behind it past WeChat's 5 s.
    from handlers.resident_texts import SYSTEM_BUSY

    runtime = client.application.extensions["gridbot"]
    monkeypatch.setattr(runtime, "settings", replace(runtime.settings, request_db_wait_ms=500))
    wechat = WeChatServer(TEST_TOKEN, TEST_APPID, TEST_AES_KEY)
    now = int(clock().timestamp())
    request = wechat.sign(wechat.text("o1", "楼道灯坏了好几天了", create_time=now), encrypted=True, timestamp=now)
    runtime._handling.acquire()  # the message before it hangs (say, on a lost database connection)
    try:
        started = time.monotonic()
        response = client.post("/wechat", query_string=request.params, data=request.body)
        took = time.monotonic() - started
    finally:
        runtime._handling.release()

    assert response.status_code == 200 and 0.5 <= took < 2.0
    assert wechat.open_reply(response.get_data(as_text=True), request) == SYSTEM_BUSY
    assert scalar(seeded, select(func.count()).select_from(Appeal)) == 0
    retry = client.post("/wechat", query_string=request.params, data=request.body)  # WeChat's retry, or a resend
    assert "已受理您的诉求" in (wechat.open_reply(retry.get_data(as_text=True), request) or "")
