"""/healthz: 200 "ok" while the webhook can answer, 503 naming the dependency that is down, and per-dependency
detail for operators, never with a secret."""

from __future__ import annotations

import shutil

from bot.web import health
from bot.web.app import create_app
from bot.web.runtime import Runtime
from storage.db import Database

DOWN_POSTGRES = "postgresql+psycopg://gridbot:hunter2@127.0.0.1:1/gridbot"


def test_with_everything_up_healthz_says_ok_and_details_each_dependency(settings, seeded, redis_client):
    client = create_app(runtime=Runtime(settings, database=seeded)).test_client()

    assert client.get("/healthz").get_data(as_text=True) == "ok"
    detail = client.get("/healthz?detail=1")
    assert detail.status_code == 200
    assert detail.json["dependencies"] == {"database": {"status": "ok"}, "redis": {"status": "ok"},
                                           "disk": {"status": "ok"}}


def test_with_the_disk_nearly_full_healthz_answers_503_naming_the_disk(settings, seeded, redis_client, monkeypatch):
    client = create_app(runtime=Runtime(settings, database=seeded)).test_client()
    usage = shutil.disk_usage(settings.data_dir)
    monkeypatch.setattr(health.shutil, "disk_usage", lambda place: usage._replace(free=50 * 2**20))

    response = client.get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "down: disk")
    reason = client.get("/healthz/all?detail=1").json["dependencies"]["disk"]["reason"]
    assert reason.startswith("50 MiB free where ") and reason.endswith("(below 200 MiB)")


def test_with_redis_down_healthz_answers_503_naming_redis(settings, seeded):
    down = settings.with_(redis_url="redis://:hunter2@127.0.0.1:1/0")
    client = create_app(runtime=Runtime(down, database=seeded)).test_client()

    response = client.get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "down: redis")
    detail = client.get("/healthz?detail=1")
    assert detail.status_code == 503 and detail.json["status"] == "down"
    assert detail.json["dependencies"]["redis"]["status"] == "down"
    assert "Connection refused" in detail.json["dependencies"]["redis"]["reason"]
    assert detail.json["dependencies"]["database"] == {"status": "ok"}
    assert "hunter2" not in detail.get_data(as_text=True)


def test_from_outside_the_metrics_networks_the_detail_names_no_host_but_keeps_the_status(settings, seeded):
    down = settings.with_(redis_url="redis://127.0.0.1:1/0")  # the reason names the host and port behind gridbot
    client = create_app(runtime=Runtime(down, database=seeded)).test_client()

    public = [client.get(path, environ_base={"REMOTE_ADDR": "203.0.113.7"})
              for path in ("/healthz?detail=1", "/healthz/all?detail=1")]
    forwarded = client.get("/healthz?detail=1", headers={"X-Forwarded-For": "203.0.113.7"})  # no trusted proxy
    inside = client.get("/healthz?detail=1", environ_base={"REMOTE_ADDR": "10.0.0.5"})

    assert [(r.status_code, r.get_data(as_text=True)) for r in public] == [(503, "down: redis"),
                                                                          (503, "down: redis, workers")]
    assert forwarded.get_data(as_text=True) == "down: redis"
    assert inside.status_code == 503 and "127.0.0.1:1" in inside.json["dependencies"]["redis"]["reason"]


def test_with_the_database_down_healthz_answers_503_naming_the_database_without_its_password(settings, redis_client):
    database = Database(DOWN_POSTGRES)
    client = create_app(runtime=Runtime(settings, database=database)).test_client()

    response = client.get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "down: database")
    detail = client.get("/healthz?detail=1")
    assert detail.json["dependencies"]["database"]["status"] == "down"
    assert detail.json["dependencies"]["redis"] == {"status": "ok"}
    assert "hunter2" not in detail.get_data(as_text=True) and settings.secret_key not in detail.get_data(as_text=True)
    database.dispose()
