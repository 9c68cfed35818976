"""One demo per data directory: a running demo holds a lock in its data directory, and a second demo that would use
it — the same directory, or a database or an embedded Redis in it, as a terminal that sourced the first demo's
operator.env passes on — stops before it starts anything, saying which demo holds it and how to run a second one.

Two demos on one data directory shared its SQLite database and its Redis: the second reset the console password the
first had printed, rewrote the first's operator.env with its own ports, and on Ctrl-C shut down the Redis the first
was using. The lock is flock(2): it is the open file's, so it ends with the process however it ends (no stale lock
after a crash or kill -9), and the file keeps the holder's port for the message.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import TextIO

from bot.settings import Settings
from storage import private_files

LOCK_FILE = "demo.lock"
SQLITE_PREFIX = "sqlite:///"
UNIX_PREFIX = "unix://"
IN_USE = ("{what} {path} 正被另一个演示使用（它的网页回调在端口 {port}）：两个演示不能共用一个数据目录——后启动的会改掉"
          "先启动的控制台密码，停下时还会关掉它的 Redis。只要一个演示：先在原来的终端按 Ctrl-C 停下它。要同时运行第二个，"
          "给它另一个数据目录和端口，如 "
          "GRIDBOT_DATA_DIR=.gridbot-demo-{other} python3 run.py demo --port {other}")
WHAT = {"data": "数据目录", "database": "数据库所在的目录", "redis": "Redis 所在的目录"}


class DataDirInUse(Exception):
    """Another running demo holds a directory this one would use; the message says which and what to do."""


def claim(settings: Settings, port: int) -> TextIO:
    """Hold the demo's data directory for as long as the returned file stays open (the demo's lifetime); refuse
    (DataDirInUse) when another running demo holds it, or the directory of the database or Redis it is set to use."""
    data_dir = Path(settings.data_dir).resolve()
    for what, directory in _used_directories(settings):
        if directory != data_dir:
            _refuse_if_held(what, directory, port)
    lock = private_files.private_file(data_dir / LOCK_FILE).open("r+", encoding="utf-8")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = lock.read().strip()
        lock.close()
        raise DataDirInUse(_in_use("data", data_dir, holder, port)) from None
    lock.truncate(0)
    lock.write(f"{port}\n")
    lock.flush()
    return lock


def _used_directories(settings: Settings) -> list[tuple[str, Path]]:
    """The directories of an SQLite database file and of an embedded Redis's socket the demo is set to use."""
    found = []
    if settings.database_url.startswith(SQLITE_PREFIX) and settings.database_url != SQLITE_PREFIX:
        found.append(("database", Path(settings.database_url.removeprefix(SQLITE_PREFIX)).resolve().parent))
    if settings.redis_url and settings.redis_url.startswith(UNIX_PREFIX):
        found.append(("redis", Path(settings.redis_url.removeprefix(UNIX_PREFIX)).resolve().parent))
    return found


def _refuse_if_held(what: str, directory: Path, port: int) -> None:
    try:
        lock = (directory / LOCK_FILE).open(encoding="utf-8")
    except OSError:
        return  # no demo ever ran there, or not one we may look into: nothing of a running demo's to clash with
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataDirInUse(_in_use(what, directory, lock.read().strip(), port)) from None


def _in_use(what: str, path: Path, holder: str, wanted: int) -> str:
    """The refusal, with the command of a second demo on the port asked for (or, that being the first's, two up:
    the first's fake WeChat API has the one between)."""
    held = int(holder) if holder.isdigit() else None
    other = wanted if wanted != held else min(wanted + 2, 65535)
    return IN_USE.format(what=WHAT[what], path=path, port=holder or "未知", other=other)
