"""The restore procedure of docs/deploy.md, on the PostgreSQL pass: a pg_dump of a live database restored into a
fresh one holds the appeals, and `gridbot db upgrade` afterwards finds nothing to do."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, make_url, select, text

from bot.cli.gridbot import main
from storage import seeding
from storage.db import Database
from storage.models import Appeal, Community, Grid
from tests.conftest import fresh_database
from tests.pgcluster import find_bindir
from tests.support.console import OTHER_STREET, new_appeal

pytestmark = pytest.mark.postgres
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
TICKET = "G-RESTORE-1"


def tool(name: str) -> str:
    """pg_dump or pg_restore of the test server's own version."""
    bindir = find_bindir()
    assert bindir is not None and (bindir / name).is_file(), f"{name} not found beside the PostgreSQL server"
    return str(bindir / name)


def libpq(url: str) -> str:
    """The URL as PostgreSQL's own tools take it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def upgrade(url: str) -> str:
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"GRIDBOT_DATABASE_URL": url,
                                                             "GRIDBOT_DATABASE_URL_FILE": None})
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def schema_version(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one())
    finally:
        engine.dispose()


def drop(url: str) -> None:
    given = make_url(url)
    server = create_engine(given.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{given.database}" WITH (FORCE)'))
    finally:
        server.dispose()


@pytest.fixture
def databases(database_url: str):  # type: ignore[no-untyped-def]
    """A live database (migrated by `gridbot db upgrade`, one appeal filed) and an empty one to restore into."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the restore runs on the PostgreSQL pass")
    live, fresh = fresh_database(database_url, "live"), fresh_database(database_url, "restored")
    yield live, fresh
    drop(live)
    drop(fresh)


def test_a_nightly_dump_restores_into_a_fresh_database(databases, tmp_path: Path):
    live, fresh = databases
    upgrade(live)
    database = Database(live)
    with database.transaction() as session:
        seeding.seed_street(session, OTHER_STREET, NOW)
        grid_id = session.scalars(select(Grid.id).join(Community, Community.id == Grid.community_id)).first()
        session.add(new_appeal(TICKET, grid_id, NOW))
    database.dispose()
    dump = tmp_path / "gridbot.dump"

    # What gridbot-backup.service runs, then the restore of docs/deploy.md.
    subprocess.run([tool("pg_dump"), "--format=custom", f"--file={dump}", libpq(live)], check=True, timeout=120)
    subprocess.run([tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={libpq(fresh)}", str(dump)],
                   check=True, timeout=120)
    version = schema_version(fresh)

    assert upgrade(fresh) == "数据库已是当前版本。" and schema_version(fresh) == version == schema_version(live)
    restored = Database(fresh)
    try:
        with restored.transaction() as session:
            appeal = session.scalars(select(Appeal).where(Appeal.ticket == TICKET)).one()
            assert (appeal.grid_id, appeal.content) == (grid_id, f"{TICKET}：楼下垃圾没人清，电话 13812345678")
    finally:
        restored.dispose()


def test_the_nightly_backup_keeps_fourteen_dumps_as_the_guide_says(tmp_path: Path):
    """The unit's own clean-up line, run on a folder holding a dump made each night for three weeks, right after
    tonight's: fourteen dumps stay (tonight's and the thirteen before), as docs/deploy.md promises."""
    import os
    import shlex
    import time

    unit = Path(__file__).parents[2] / "deploy" / "systemd" / "gridbot-backup.service"
    (line,) = [row for row in unit.read_text(encoding="utf-8").splitlines() if row.startswith("ExecStartPost=")]
    command = shlex.split(line.removeprefix("ExecStartPost=").replace("/var/backups/gridbot", str(tmp_path)))
    now = time.time()
    for nights_ago in range(21):
        dump = tmp_path / f"gridbot-night-{nights_ago:02d}.dump"
        dump.write_bytes(b"")
        made = now - nights_ago * 86_400 - 60  # each a minute older than a whole number of nights
        os.utime(dump, (made, made))
    subprocess.run(command, check=True, timeout=30)
    kept = sorted(path.name for path in tmp_path.iterdir())
    assert kept == [f"gridbot-night-{nights_ago:02d}.dump" for nights_ago in range(14)]


def run_unit_line(prefix: str, folder: Path, path: str) -> subprocess.CompletedProcess[bytes]:
    """One Exec line of gridbot-backup.service as systemd runs it ($$ and %% unescaped), aimed at `folder`."""
    import shlex

    unit = Path(__file__).parents[2] / "deploy" / "systemd" / "gridbot-backup.service"
    (line,) = [row for row in unit.read_text(encoding="utf-8").splitlines() if row.startswith(prefix)]
    unescaped = line.removeprefix(prefix).replace("$$", "$").replace("%%", "%")
    command = shlex.split(unescaped.replace("/var/backups/gridbot", str(folder)))
    return subprocess.run(command, timeout=30, env={"PATH": path}, capture_output=True)


def fake_pg_dump(bin_dir: Path, exit_status: int) -> str:
    """A pg_dump that writes some bytes to its --file, then exits with `exit_status` (1: the server went away)."""
    import os

    bin_dir.mkdir()
    script = bin_dir / "pg_dump"
    script.write_text('#!/bin/sh\nfor a; do case "$a" in --file=*) printf PGDMP > "${a#--file=}";; esac; done\n'
                      f"exit {exit_status}\n")
    script.chmod(0o755)
    return f"{bin_dir}{os.pathsep}{os.environ['PATH']}"


@pytest.mark.parametrize(("exit_status", "dumps"), [(0, 1), (1, 0)])
def test_a_failed_nightly_dump_leaves_no_half_written_dump_among_the_backups(tmp_path: Path, exit_status, dumps):
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "gridbot-20261201-0230.dump.part").write_bytes(b"PGDMP")  # a run killed half way, a night before
    path = fake_pg_dump(tmp_path / "bin", exit_status)

    assert run_unit_line("ExecStartPre=", backups, path).returncode == 0
    assert run_unit_line("ExecStart=", backups, path).returncode == exit_status

    assert sorted(p.suffix for p in backups.iterdir()) == [".dump"] * dumps
