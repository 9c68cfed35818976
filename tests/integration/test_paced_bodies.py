"""Bodies read before the app (bot/web/paced_bodies.py) against a client that sends a large one slowly: a piece
every two seconds keeps the pace, so a large body may hold its thread for minutes; only a few of them may."""

from __future__ import annotations

import socket
import threading
import time
from typing import Iterator

import pytest

from bot.web.app import create_app
from bot.web.console import texts
from bot.web.paced_bodies import LARGE_AT_ONCE, LINES_PER_MINUTE, PIECE, PIECE_DEADLINE_S
from tests.support.console import browser

LARGE = 3 * 1024 * 1024  # a ledger upload's size: read at the pace, it may take minutes


@pytest.fixture
def app(runtime):  # type: ignore[no-untyped-def]
    return create_app(runtime=runtime)


def connected_pair() -> tuple[socket.socket, socket.socket]:
    """A TCP connection on this host: the server's side and the client's."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        server, _ = listener.accept()
    return server, client


@pytest.fixture
def trickling(app) -> Iterator[list[threading.Thread]]:  # type: ignore[no-untyped-def]
    """LARGE_AT_ONCE requests announcing a large body whose client has sent one piece and is taking its time."""
    pairs = [connected_pair() for _ in range(LARGE_AT_ONCE)]
    threads = []
    for server, client in pairs:
        client.sendall(b"x" * PIECE)
        environ = {"wsgi.input": server.makefile("rb"), "gunicorn.socket": server, "CONTENT_LENGTH": str(LARGE)}
        threads.append(threading.Thread(target=browser(app).client.post, args=("/console/login",),
                                        kwargs={"environ_overrides": environ}, daemon=True))
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # each has read the first piece and waits for the next
    yield threads
    for thread in threads:
        thread.join(timeout=PIECE_DEADLINE_S * 3)
    for server, client in pairs:
        server.close()
        client.close()


def test_a_large_body_while_others_trickle_in_is_refused_unread_and_frees_its_thread_at_once(app, trickling):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    response = browser(app).client.post("/console/login", data=b"y" * (PIECE + 1),
                                        content_type="application/x-www-form-urlencoded")

    assert time.monotonic() - started < PIECE_DEADLINE_S / 2
    assert response.status_code == 503
    assert texts.BODY_BUSY in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "60"


def test_a_small_body_is_read_while_large_ones_trickle_in(app, trickling):  # type: ignore[no-untyped-def]
    person = browser(app)
    response = person.client.post("/console/login", data={"username": "nobody", "password": "x",
                                                            "csrf_token": person.token()})

    assert response.status_code == 401  # read and checked: a wrong password, not a busy server


def test_once_the_large_bodies_are_done_the_next_one_is_read(app, trickling):  # type: ignore[no-untyped-def]
    for thread in trickling:
        thread.join(timeout=PIECE_DEADLINE_S * 3)

    response = browser(app).client.post("/console/login", data=b"y" * (PIECE + 1),
                                        content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400  # read: the form has no CSRF token


def test_a_flood_of_large_bodies_refused_unread_leaves_a_bounded_number_of_log_lines(app, trickling, caplog):  # type: ignore[no-untyped-def]
    client = browser(app).client
    for _ in range(LINES_PER_MINUTE * 5):
        client.post("/console/login", data=b"y" * (PIECE + 1), content_type="application/x-www-form-urlencoded")

    lines = [r.getMessage() for r in caplog.records if "a large body refused unread" in r.getMessage()]
    assert len(lines) == LINES_PER_MINUTE


def test_a_line_break_in_the_path_cannot_forge_a_log_line(app, trickling, caplog):  # type: ignore[no-untyped-def]
    forged = "2026-11-22 10:00:00,000 INFO bot.web.console.auth: console login: 'admin' (account 1) from 1.2.3.4"
    browser(app).client.post("/x", data=b"y" * (PIECE + 1), content_type="application/x-www-form-urlencoded",
                             environ_overrides={"PATH_INFO": "/x\n" + forged})  # as gunicorn decodes /x%0a…

    [line] = [r.getMessage() for r in caplog.records if "a large body refused unread" in r.getMessage()]
    assert "\n" not in line and "\\n" in line
