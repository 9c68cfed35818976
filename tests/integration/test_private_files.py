"""gridbot's files are readable by the user it runs as, and nobody else: 0700 directories, 0600 files.

Each test runs under the usual umask 022, with which every file would be world-readable unless gridbot sees to it.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
import redis as redis_lib
from sqlalchemy import text

from bot.redisconn import ensure_embedded_redis, stop_embedded_redis
from storage.db import Database
from tests.conftest import TEST_APPID, TEST_SECRET_KEY, TEST_TOKEN

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def readable_by_others(directory: Path) -> dict[str, str]:
    """Everything at or below `directory` that group or others may use, with its mode."""
    found = {}
    for path in [directory, *directory.rglob("*")]:
        if not path.is_symlink() and mode(path) & 0o077:
            found[str(path.relative_to(directory.parent))] = oct(mode(path))
    return found


def test_a_new_sqlite_database_its_wal_and_shm_files_and_their_directory_are_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "gridbot.db"
    database = Database(f"sqlite:///{path}")
    try:
        with database.transaction() as session:
            session.execute(text("CREATE TABLE appeals_like (content TEXT)"))
            session.execute(text("INSERT INTO appeals_like VALUES ('3号楼电梯坏了')"))
        # The connection is still open: the write-ahead log and the shared-memory index are there.
        assert {p.name for p in path.parent.iterdir()} == {"gridbot.db", "gridbot.db-wal", "gridbot.db-shm"}
        assert readable_by_others(path.parent) == {}
    finally:
        database.dispose()
    assert mode(path.parent) == 0o700 and mode(path) == 0o600


def test_the_embedded_redis_server_keeps_its_socket_dump_log_pid_and_lock_files_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    url = ensure_embedded_redis(data_dir)
    try:
        client = redis_lib.Redis.from_url(url)
        client.set("gridbot:test", "queued job")
        client.save()  # the dump file, next to the append-only files
        client.close()
        names = {p.name for p in data_dir.iterdir()}
        assert {"redis.sock", "redis.rdb", "redis.log", "redis.pid", "redis.conf", "redis.lock"} <= names, names
        assert readable_by_others(data_dir) == {}
    finally:
        stop_embedded_redis(data_dir)


def test_a_data_directory_and_database_an_older_version_left_readable_are_tightened_at_start(
    tmp_path: Path, redis_url: str, redis_client: redis_lib.Redis
) -> None:
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    database = data_dir / "gridbot.db"
    sqlite3.connect(database).close()
    database.chmod(0o644)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "GRIDBOT_"))}
    env.update(WECHAT_TOKEN=TEST_TOKEN, WECHAT_APPID=TEST_APPID, WECHAT_SECRET="test-secret",
               GRIDBOT_SECRET_KEY=TEST_SECRET_KEY, GRIDBOT_DATA_DIR=str(data_dir),
               GRIDBOT_REDIS_URL=redis_url, GRIDBOT_DATABASE_URL=f"sqlite:///{database}")
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    data_dir.chmod(0o755)
    database.chmod(0o644)

    worker = subprocess.run([sys.executable, "-m", "bot", "worker", "--burst"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)

    assert worker.returncode == 0, worker.stderr
    assert readable_by_others(data_dir) == {}
    assert f"{data_dir} was readable by other users (mode 755): now 700" in worker.stderr
    assert f"{database} was readable by other users (mode 644): now 600" in worker.stderr
