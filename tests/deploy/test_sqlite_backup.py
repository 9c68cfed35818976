"""The SQLite backup line of docs/deploy.md, run as written while gridbot's engine holds the database open: the copy
has an appeal whose commit is still only in the -wal file, which a plain copy of gridbot.db lacks."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from storage import seeding
from storage.db import Database, upgrade
from storage.models import Grid
from tests.deploy.conftest import ROOT, require_tool
from tests.support.console import OTHER_STREET, new_appeal

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
TICKET = "G-BACKUP-1"
DOCUMENTED_DB = "/var/lib/gridbot/gridbot.db"


def documented_backup_line() -> str:
    """The guide's `sqlite3 … .backup` command, without its `sudo -u gridbot`."""
    guide = (ROOT / "docs" / "deploy.md").read_text()
    found = re.search(r"^sudo -u gridbot (sqlite3 \S+ \"\.backup '[^']+'\")$", guide, re.MULTILINE)
    assert found, "docs/deploy.md has no SQLite backup line"
    return found.group(1)


def tickets(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT ticket FROM appeals")]
    finally:
        connection.close()


def test_the_guides_sqlite_backup_holds_an_appeal_still_in_the_wal(tmp_path: Path) -> None:
    require_tool("sqlite3", "sqlite3")
    live = tmp_path / "gridbot.db"
    upgrade(f"sqlite:///{live}")
    database = Database(f"sqlite:///{live}")
    try:
        with database.transaction() as session:
            seeding.seed_street(session, OTHER_STREET, NOW)
        with database.transaction() as session:
            session.add(new_appeal(TICKET, session.scalars(select(Grid.id)).first(), NOW))
        # The engine still holds a connection: the last commit is in gridbot.db-wal, not yet in gridbot.db.
        plain = tmp_path / "plain-copy.db"
        shutil.copyfile(live, plain)
        backups = tmp_path / "backups"
        backups.mkdir()
        line = documented_backup_line().replace(DOCUMENTED_DB, str(live)).replace("/var/backups/gridbot", str(backups))
        subprocess.run(["bash", "-c", line], check=True, timeout=30)
    finally:
        database.dispose()
    [backup] = backups.iterdir()
    assert TICKET in tickets(backup)
    assert TICKET not in tickets(plain)


def documented_prune_line() -> str:
    """The guide's `find … -delete` that keeps 14 days of SQLite backups, without its `sudo -u gridbot`."""
    guide = (ROOT / "docs" / "deploy.md").read_text()
    found = re.search(r"^sudo -u gridbot (find /var/backups/gridbot .*-delete)$", guide, re.MULTILINE)
    assert found, "docs/deploy.md keeps SQLite backups forever: no line deletes the old ones"
    return found.group(1)


def test_the_guides_sqlite_backups_are_kept_fourteen_days(tmp_path: Path) -> None:
    now = time.time()
    ages = {"gridbot-20261122-0230.db": 15, "gridbot-20261123-0230.db": 14, "gridbot-20261124-0230.db": 13,
            "gridbot-20261206-0230.db": 0, "keep-me.txt": 30}
    for name, days in ages.items():
        path = tmp_path / name
        path.write_text("backup")
        os.utime(path, (now - days * 86400 - 60, now - days * 86400 - 60))
    subprocess.run(["bash", "-c", documented_prune_line().replace("/var/backups/gridbot", str(tmp_path))],
                   check=True, timeout=30)
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "gridbot-20261124-0230.db", "gridbot-20261206-0230.db", "keep-me.txt"]
