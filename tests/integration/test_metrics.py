"""/metrics and /healthz/all: what the webhook counted, what the workers counted in Redis, what the scrape reads
from the shared state, a dependency that is down, and who may read it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from rq import Queue, SimpleWorker
from rq.worker_registration import get_keys

from bot.jobqueue import QUEUE_NAME
from bot.settings import PRIVATE_NETWORKS
from bot.web import inbox
from bot.web.app import create_app
from bot.web.runtime import Runtime
from bot.wechat import counters
from bot.worker.rq_worker import GridbotWorker
from storage.db import Database
from tests.support.personas import RESIDENT
from tests.support.worker import work

DOWN_REDIS = "redis://:hunter2@127.0.0.1:1/0"
DOWN_POSTGRES = "postgresql+psycopg://gridbot:hunter2@127.0.0.1:1/gridbot"
LIFT = "3号楼电梯坏了，物业一直不来修"
CUSTOM_SEND = "/cgi-bin/message/custom/send"
TOKEN = "a-scrape-token-of-some-length"


def scrape(client, **request) -> dict[tuple[str, frozenset], float]:  # type: ignore[no-untyped-def]
    """GET /metrics (which must answer 200) as {(sample name, labels): value}."""
    response = client.get("/metrics", **request)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/plain")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def value(samples: dict, metric: str, /, **labels: str) -> float:  # type: ignore[type-arg]
    return samples[(metric, frozenset(labels.items()))]


def test_the_webhook_counts_each_answer_by_outcome_with_its_latency(wechat, client, monkeypatch):
    assert "编号" in wechat.send(RESIDENT, LIFT)
    assert wechat.send(RESIDENT, "帮助")
    retried = wechat.server.text(RESIDENT, "我的诉求", create_time=wechat.now())
    assert wechat.deliver(retried) == wechat.deliver(retried)
    assert wechat.deliver(wechat.server.event(RESIDENT, "VIEW", create_time=wechat.now())) is None
    refused = client.post("/wechat?signature=forged&timestamp=1&nonce=n", data=b"<xml/>")
    monkeypatch.setattr(inbox, "dispatch", _broken)
    wechat.send(RESIDENT, "帮助")

    samples = scrape(client)
    outcomes = {o: value(samples, "gridbot_webhook_replies_total", outcome=o)
                for o in ("appeal", "reply", "duplicate", "refused", "busy", "error", "silent")}
    assert outcomes == {"appeal": 1, "reply": 2, "duplicate": 1, "refused": 1, "busy": 0, "error": 1, "silent": 1}
    assert value(samples, "gridbot_webhook_refused_total", status=str(refused.status_code)) == 1
    assert value(samples, "gridbot_webhook_seconds_count") == 7
    assert value(samples, "gridbot_webhook_seconds_bucket", le="5.0") == 7  # all within WeChat's 5 s
    assert ("gridbot_webhook_seconds_bucket", frozenset({("le", "0.05")})) in samples  # the p99 goal's bucket
    assert RESIDENT not in client.get("/metrics").get_data(as_text=True)


def test_a_count_that_cannot_be_written_never_costs_the_residents_reply(wechat, client, monkeypatch, caplog):
    # Its file gone (a web process's stop removed the directory) or the disk full: every message was filed and
    # answered HTTP 500, so WeChat retried it into the same 500 and told the resident the account was down.
    from prometheus_client import Histogram

    def unwritable(self, amount, exemplar=None):  # type: ignore[no-untyped-def]
        raise FileNotFoundError(2, "No such file or directory", "/tmp/gridbot-metrics-x/histogram_1.db")

    monkeypatch.setattr(Histogram, "observe", unwritable)
    assert "编号" in wechat.send(RESIDENT, LIFT)
    assert client.post("/wechat?signature=forged&timestamp=1&nonce=n", data=b"<xml/>").status_code == 403
    assert "webhook metrics not counted: FileNotFoundError" in caplog.text


def _broken(conversation):  # type: ignore[no-untyped-def]
    raise RuntimeError("a bug in a handler")


def test_with_no_worker_an_appeal_waiting_to_be_dispatched_shows_as_an_ever_older_backlog(wechat, client, clock):
    assert "编号" in wechat.send(RESIDENT, LIFT)  # filed; its cards wait for a worker to dispatch it
    clock.advance(minutes=10)
    assert value(scrape(client), "gridbot_outbox_oldest_due_seconds") >= 600


@pytest.mark.postgres  # the scrape's counts, on both databases
def test_sends_and_failures_counted_by_a_worker_are_seen_by_the_web_side(wechat, client, worker_runtime,
                                                                          fake_wechat):
    wechat.send(RESIDENT, LIFT)
    fake_wechat.fail(CUSTOM_SEND, 45015, times=1, delay=0)  # one member's reply window is closed
    # The worker runs in this process here, but it counts only into Redis, where the web side reads.
    work(worker_runtime)

    samples = scrape(client)
    assert value(samples, "gridbot_wechat_sends_total", kind="custom") == 1
    assert value(samples, "gridbot_wechat_send_failures_total", kind="custom", errcode="45015") == 1
    assert value(samples, "gridbot_wechat_token_fetches_total") == 1
    assert value(samples, "gridbot_wechat_quota_used", kind="custom") == 1
    assert value(samples, "gridbot_wechat_quota_used", kind="token") == 1
    assert value(samples, "gridbot_wechat_quota_limit", kind="custom") == worker_runtime.settings.custom_daily_quota
    assert value(samples, "gridbot_appeals_waiting", queue="unclaimed") == 1  # dispatched, nobody claimed yet
    assert value(samples, "gridbot_rq_jobs", queue=QUEUE_NAME, state="queued") == 0
    assert value(samples, "gridbot_wechat_channel_stopped", channel="mass") == 0
    states = {state: value(samples, "gridbot_outbox_messages", state=state)
              for state in ("pending", "queued", "sending", "failed")}
    assert states["queued"] == states["sending"] == 0 and states["pending"] >= 1  # the 网格长's digest waits
    assert value(samples, "gridbot_dependency_up", name="database") == value(
        samples, "gridbot_dependency_up", name="redis") == 1


def test_a_new_failure_reason_beyond_the_field_limit_counts_as_other(redis_client, monkeypatch):
    monkeypatch.setattr(counters, "MAX_FIELDS", 2)
    counting = counters.CallCounters(redis_client)
    counting.sent("template")
    counting.failed("template", "40003")
    counting.failed("template", "47003")  # a third field: over the limit
    counting.failed("template", "40003")  # an existing field still counts as itself

    counted = counters.read(redis_client, counters.beijing_today())
    assert counted.failed == {("template", "40003"): 2, ("template", "other"): 1}
    assert counted.sent == {"template": 1} and counted.today == {"template": 1}


def test_counts_deferred_for_a_batch_reach_redis_together_at_its_end(redis_client):
    counting = counters.CallCounters(redis_client)
    with counting.deferred():
        for _ in range(3):
            counting.sent("custom")
        counting.failed("custom", "45015")
        with counting.deferred():  # an inner block counts into the outer one
            counting.sent("template")
        assert counters.read(redis_client, counters.beijing_today()).sent == {}
    counting.sent("custom")  # after the block: at once again

    counted = counters.read(redis_client, counters.beijing_today())
    assert counted.sent == {"custom": 4, "template": 1} and counted.failed == {("custom", "45015"): 1}
    assert counted.today == {"custom": 4, "template": 1}


def test_with_redis_down_the_scrape_still_answers_and_says_so(settings, seeded):
    client = create_app(runtime=Runtime(settings.with_(redis_url=DOWN_REDIS), database=seeded)).test_client()

    samples = scrape(client)
    assert value(samples, "gridbot_dependency_up", name="redis") == 0
    assert value(samples, "gridbot_dependency_up", name="workers") == 0
    assert value(samples, "gridbot_dependency_up", name="database") == 1
    assert ("gridbot_outbox_messages", frozenset({("state", "failed")})) in samples
    assert not any(name.startswith(("gridbot_rq_", "gridbot_wechat_sends")) for name, _ in samples)


def test_with_the_database_down_the_scrape_still_answers_and_says_so(settings, redis_client):
    database = Database(DOWN_POSTGRES)
    client = create_app(runtime=Runtime(settings, database=database)).test_client()

    samples = scrape(client)
    assert value(samples, "gridbot_dependency_up", name="database") == 0
    assert value(samples, "gridbot_dependency_up", name="redis") == 1
    assert value(samples, "gridbot_rq_jobs", queue=QUEUE_NAME, state="failed") == 0
    assert not any(name.startswith(("gridbot_outbox", "gridbot_appeals")) for name, _ in samples)
    assert "hunter2" not in client.get("/metrics").get_data(as_text=True)
    database.dispose()


@pytest.fixture
def rq_worker(redis_client):  # type: ignore[no-untyped-def]
    """An RQ worker registered on the gridbot queue, as `gridbot worker` registers at start."""
    worker = GridbotWorker([Queue(QUEUE_NAME, connection=redis_client)], connection=redis_client)
    worker.register_birth()
    yield worker
    worker.register_death()


def test_healthz_all_names_the_workers_when_none_is_alive(client, redis_client):
    response = client.get("/healthz/all")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "down: workers")
    assert client.get("/healthz").get_data(as_text=True) == "ok"  # the web host itself can take traffic
    detail = client.get("/healthz/all?detail=1").json
    assert detail["dependencies"]["workers"]["reason"].startswith("no RQ worker")
    assert detail["queue"] == {"name": QUEUE_NAME, "queued": 0, "started": 0, "deferred": 0, "scheduled": 0,
                               "failed": 0}


def test_healthz_all_is_ok_with_a_live_worker_and_forgets_one_whose_heartbeat_expired(client, rq_worker,
                                                                                      redis_client):
    assert client.get("/healthz/all").get_data(as_text=True) == "ok"
    assert value(scrape(client), "gridbot_rq_workers") == 1

    redis_client.delete(rq_worker.key)  # killed without deregistering: its key expires with its last heartbeat
    assert client.get("/healthz/all").get_data(as_text=True) == "down: workers"


def test_a_process_whose_rq_loop_started_again_after_a_lost_redis_counts_as_one_worker(client, rq_worker,
                                                                                       redis_client):
    """The loop before could not sign off while Redis was gone: its name stays registered, with this process's
    host and pid, beside the name the loop started again under (worker.py)."""
    SimpleWorker([Queue(QUEUE_NAME, connection=redis_client)], connection=redis_client).register_birth()
    assert len(get_keys(Queue(QUEUE_NAME, connection=redis_client))) == 2

    assert value(scrape(client), "gridbot_rq_workers") == 1


def test_a_worker_starting_signs_off_the_workers_its_host_left_behind(client, redis_client):
    """A worker killed on this host (its pid gone), and this process's loop before (same pid, another name), are
    signed off when a worker registers; a registration of another host's is left to its heartbeat."""
    queue = Queue(QUEUE_NAME, connection=redis_client)
    ended = subprocess.Popen([sys.executable, "-c", ""])
    ended.wait()
    left = {}
    for name, host, pid in (("killed", None, ended.pid), ("loop_before", None, None), ("elsewhere", "w2", ended.pid)):
        worker = SimpleWorker([queue], connection=redis_client, name=name)
        worker.hostname = host or worker.hostname
        worker.pid = pid or worker.pid
        worker.register_birth()
        left[name] = worker.key
    starting = GridbotWorker([queue], connection=redis_client)
    starting.register_birth()

    assert get_keys(queue) == {starting.key, left["elsewhere"]}
    assert value(scrape(client), "gridbot_rq_workers") == 2
    starting.register_death()


def test_healthz_all_names_redis_and_the_workers_it_cannot_see(settings, seeded):
    client = create_app(runtime=Runtime(settings.with_(redis_url=DOWN_REDIS), database=seeded)).test_client()

    response = client.get("/healthz/all")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "down: redis, workers")
    detail = client.get("/healthz/all?detail=1").json
    assert detail["queue"] is None and "hunter2" not in str(detail)


def test_healthz_all_names_the_database(settings, redis_client, rq_worker):
    database = Database(DOWN_POSTGRES)
    client = create_app(runtime=Runtime(settings, database=database)).test_client()

    assert client.get("/healthz/all").get_data(as_text=True) == "down: database"
    database.dispose()


def test_prometheus_gets_openmetrics_when_it_asks_for_it(client):
    response = client.get("/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"})
    assert response.headers["Content-Type"].startswith("application/openmetrics-text")
    assert response.get_data(as_text=True).endswith("# EOF\n")


def test_metrics_are_refused_outside_the_allowed_networks(client):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    # nginx on this host forwarding a public request: unless it is a trusted proxy, its client is unknown
    forwarded = {"environ_base": {"REMOTE_ADDR": "127.0.0.1"}, "headers": {"X-Forwarded-For": "203.0.113.9"}}
    assert client.get("/metrics", **forwarded).status_code == 403


def test_behind_a_trusted_proxy_the_forwarded_client_is_judged(settings, seeded, redis_client):
    proxied = settings.with_(trusted_proxies=PRIVATE_NETWORKS[:1], metrics_allow=PRIVATE_NETWORKS[2:3])  # 10/8
    client = create_app(runtime=Runtime(proxied, database=seeded)).test_client()

    def through_proxy(address: str) -> int:
        return client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                          headers={"X-Forwarded-For": address}).status_code

    assert (through_proxy("10.0.0.7"), through_proxy("203.0.113.9")) == (200, 403)


def test_with_a_token_metrics_want_it_as_a_bearer_token(settings, seeded, redis_client):
    client = create_app(runtime=Runtime(settings.with_(metrics_token=TOKEN), database=seeded)).test_client()

    without = client.get("/metrics")
    assert without.status_code == 401 and without.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong-token"}).status_code == 401
    assert scrape(client, headers={"Authorization": f"Bearer {TOKEN}"})
    outside = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"},
                         environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outside.status_code == 403  # the token adds to the network rule, it does not replace it


def test_the_metrics_settings_are_read_and_checked(settings):
    from bot.settings import Settings, SettingsError

    env = {"WECHAT_TOKEN": "t", "WECHAT_APPID": "a", "GRIDBOT_SECRET_KEY": settings.secret_key,
           "GRIDBOT_METRICS_ALLOW": "192.0.2.0/24, 2001:db8::/32", "GRIDBOT_METRICS_TOKEN": TOKEN}
    read = Settings.from_env(env)
    assert [str(n) for n in read.metrics_allow] == ["192.0.2.0/24", "2001:db8::/32"]
    assert read.metrics_token == TOKEN
    assert Settings.from_env({**env, "GRIDBOT_METRICS_ALLOW": ""}).metrics_allow == PRIVATE_NETWORKS
    with pytest.raises(SettingsError) as short:
        Settings.from_env({**env, "GRIDBOT_METRICS_TOKEN": "short"})
    assert [p.variable for p in short.value.problems] == ["GRIDBOT_METRICS_TOKEN"]


def test_under_gunicorn_every_worker_process_counts_into_one_scrape(tmp_path):
    # The mechanism `gridbot serve` switches on (bot.web.server): forked workers each write their own file.
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from prometheus_client import generate_latest
        from bot.web.webhook_metrics import Outcome, WebhookMetrics, enable_multiprocess

        enable_multiprocess(Path({str(tmp_path / "metrics")!r}))
        metrics = WebhookMetrics()  # made before the fork, as the preloaded app makes it
        children = []
        for n in (1, 2):
            pid = os.fork()
            if pid == 0:
                for _ in range(n):
                    metrics.answered(Outcome.REPLY, 0.01)
                metrics.refused(403, 0.001)
                os._exit(0)
            children.append(pid)
        for pid in children:
            os.waitpid(pid, 0)
        class Everything:
            def collect(self):
                for source in metrics.sources():
                    yield from source.collect()
        print(generate_latest(Everything()).decode())
    """)
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).parents[2]).stdout
    lines = output.splitlines()
    assert 'gridbot_webhook_replies_total{outcome="reply"} 3.0' in lines
    assert 'gridbot_webhook_refused_total{status="403"} 2.0' in lines
    assert "gridbot_webhook_seconds_count 5.0" in lines


def test_serve_keeps_its_metrics_files_in_systemds_runtime_directory_not_in_tmp(settings, tmp_path):
    """systemd-tmpfiles removes files in /tmp unused for 10 days: the web unit gives /run/gridbot-web instead."""
    from bot.settings import Settings
    from bot.web.server import metrics_directory

    env = {"WECHAT_TOKEN": "t", "WECHAT_APPID": "a", "GRIDBOT_SECRET_KEY": settings.secret_key}
    given = Settings.from_env({**env, "RUNTIME_DIRECTORY": f"{tmp_path / 'run'}:{tmp_path / 'other'}"})
    (tmp_path / "run").mkdir()

    made = metrics_directory(given)

    assert made.parent == tmp_path / "run" and made.name.startswith("gridbot-metrics-") and made.is_dir()
    assert Settings.from_env(env).runtime_dir is None  # outside systemd: the system's temporary directory
