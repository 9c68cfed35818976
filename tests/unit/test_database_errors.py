"""What a database error means to the code that answers it: a lock held too long (ask to resend), a connection
the server ended (a restart, a failover: try again on a new one), or a full disk (ask to resend, tell the operator)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
from sqlalchemy.exc import DBAPIError

from storage.db import ended_by_server, is_busy, is_out_of_space


def wrapped(error: Exception) -> DBAPIError:
    """The driver's error as SQLAlchemy and storage.driver_sql raise it."""
    return DBAPIError.instance("SELECT 1", {}, error, Exception)


def sqlite_locked(tmp_path: Path) -> sqlite3.OperationalError:
    """SQLite's own "database is locked", met by a writer while another holds the write lock."""
    holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        sqlite3.connect(tmp_path / "locked.db", timeout=0, isolation_level=None).execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        return error
    finally:
        holder.execute("ROLLBACK")
    raise AssertionError("the second writer was not refused")


def test_a_server_ending_the_connection_is_told_apart_from_a_lock_and_from_other_errors(tmp_path: Path) -> None:
    ended = [psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
             psycopg.errors.CrashShutdown("terminating connection because of crash of another server process")]
    locked = [psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"),
              sqlite_locked(tmp_path)]
    assert all(ended_by_server(wrapped(error)) and not is_busy(wrapped(error)) for error in ended)
    assert all(is_busy(wrapped(error)) and not ended_by_server(wrapped(error)) for error in locked)
    assert not ended_by_server(wrapped(psycopg.errors.UniqueViolation("duplicate key")))
    assert not ended_by_server(RuntimeError("not from the database"))


def sqlite_full(tmp_path: Path) -> sqlite3.OperationalError:
    """SQLite's own "database or disk is full", met by a write past the pages the file may grow to."""
    connection = sqlite3.connect(tmp_path / "full.db", isolation_level=None)
    connection.execute("CREATE TABLE t (x BLOB)")
    connection.execute(f"PRAGMA max_page_count = {connection.execute('PRAGMA page_count').fetchone()[0]}")
    try:
        connection.execute("INSERT INTO t VALUES (zeroblob(100000))")
    except sqlite3.OperationalError as error:
        return error
    finally:
        connection.close()
    raise AssertionError("the write past the last page was not refused")


def test_a_full_disk_is_told_apart_from_a_lock_and_from_other_errors(tmp_path: Path) -> None:
    full = [psycopg.errors.DiskFull("could not extend file: No space left on device"), sqlite_full(tmp_path)]
    assert all(is_out_of_space(wrapped(error)) and not is_busy(wrapped(error)) for error in full)
    assert not is_out_of_space(wrapped(sqlite_locked(tmp_path)))
    assert not is_out_of_space(wrapped(psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")))
    assert not is_out_of_space(RuntimeError("not from the database"))
