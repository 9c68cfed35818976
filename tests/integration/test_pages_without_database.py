"""What people see when a page meets a database it cannot use (down, restarting), and an operator when the console
meets a fault of its own: a page in Chinese that says what to do, never a traceback or the server's English error
page; the log has the cause."""

import logging
import sqlite3

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.web.app import create_app
from bot.web.console import pages, texts
from handlers import notice_texts, staff_texts
from tests.support.console import PASSWORD, browser, cast, logged_in

pytestmark = pytest.mark.postgres


@pytest.fixture
def app(runtime, clock):
    cast(runtime.database, clock())
    return create_app(runtime=runtime)


def database_down(runtime, monkeypatch, error=None):
    """Every transaction or read from now on meets a database that refuses connections (or raises `error`)."""
    def refused(*_args, **_kwargs):
        raise error or OperationalError("SELECT 1", {}, sqlite3.OperationalError("unable to open database file"))
    monkeypatch.setattr(runtime.database, "_checkout", refused)
    monkeypatch.setattr(runtime.database.engine, "connect", refused)


def shows_no_internals(body):
    return not any(word in body for word in ("Traceback", "OperationalError", "Internal Server Error", "SELECT"))


def warned_with(caplog, cause):
    return any(cause in record.getMessage() for record in caplog.records if record.levelno == logging.WARNING)


@pytest.mark.parametrize("path", ["/console/", "/console/appeals", "/console/appeals/G-XFL", "/console/logins"])
def test_a_page_while_the_database_is_down_says_so_in_chinese_and_reloads_itself(app, runtime, monkeypatch, caplog,
                                                                                  path):
    person = logged_in(app, "admin")
    database_down(runtime, monkeypatch)
    response = person.get(path)
    body = response.get_data(as_text=True)
    assert response.status_code == 503 and texts.DATABASE_UNAVAILABLE in body and shows_no_internals(body)
    assert response.headers["Retry-After"] == "5" and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Refresh"] == "5"
    assert warned_with(caplog, "unable to open database file")


def test_a_page_while_every_pooled_connection_is_busy_says_so_too(app, runtime, monkeypatch, caplog):
    person = logged_in(app, "admin")
    database_down(runtime, monkeypatch, PoolTimeout("QueuePool limit of size 5 overflow 25 reached"))
    response = person.get("/console/appeals")
    body = response.get_data(as_text=True)
    assert response.status_code == 503 and texts.DATABASE_UNAVAILABLE in body and shows_no_internals(body)
    assert warned_with(caplog, "QueuePool limit")


def test_an_action_while_the_database_is_down_says_it_may_not_have_been_done(app, runtime, monkeypatch, caplog):
    person = logged_in(app, "admin")
    token = person.token("/console/appeals/G-XFL")
    database_down(runtime, monkeypatch)
    response = person.client.post("/console/appeals/G-XFL/note", data={"csrf_token": token, "note": "已电话联系"})
    body = response.get_data(as_text=True)
    assert response.status_code == 503 and texts.DATABASE_UNAVAILABLE_ACTION in body and shows_no_internals(body)
    assert "Refresh" not in response.headers  # the operator looks first whether it was done
    assert warned_with(caplog, "unable to open database file")


def test_logging_in_while_the_database_is_down_says_the_login_is_unavailable(app, runtime, monkeypatch, caplog):
    person = browser(app, "10.0.0.2")
    token = person.token()
    database_down(runtime, monkeypatch)
    response = person.client.post("/console/login", data={"username": "admin", "password": PASSWORD,
                                                          "csrf_token": token})
    body = response.get_data(as_text=True)
    assert response.status_code == 503 and texts.LOGIN_UNAVAILABLE in body and shows_no_internals(body)
    assert "Refresh" not in response.headers
    assert warned_with(caplog, "unable to open database file")


def test_a_fault_of_the_consoles_own_is_a_chinese_page_and_a_logged_traceback(app, monkeypatch, caplog):
    person = logged_in(app, "admin")

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug in the page")
    monkeypatch.setattr(pages.console_users, "logins", broken)
    response = person.get("/console/logins")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and texts.INTERNAL_ERROR in body
    assert shows_no_internals(body) and "a bug in the page" not in body
    assert any(record.exc_info and "a bug in the page" in str(record.exc_info[1]) for record in caplog.records)


def test_a_notice_page_while_the_database_is_down_reloads_itself(client, runtime, monkeypatch, caplog):
    database_down(runtime, monkeypatch)
    response = client.get("/n/1")
    assert response.status_code == 503 and response.get_data(as_text=True) == notice_texts.PAGE_UNAVAILABLE
    assert response.headers["Retry-After"] == "5" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Refresh"] == "5"
    assert warned_with(caplog, "unable to open database file")


def test_a_photo_link_while_the_database_is_down_reloads_itself(client, runtime, settings, clock, monkeypatch,
                                                                 caplog):
    database_down(runtime, monkeypatch)
    response = client.get("/media/" + settings.media_links(clock).token("a-photo"))
    body = response.get_data(as_text=True)
    assert response.status_code == 503 and staff_texts.MEDIA_UNAVAILABLE in body and shows_no_internals(body)
    assert response.headers["Retry-After"] == "5" and response.headers["Cache-Control"] == "private"
    assert response.headers["Refresh"] == "5"
    assert warned_with(caplog, "unable to open database file")
