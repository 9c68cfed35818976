"""`gridbot db upgrade` run on two hosts at once (each host's deploy runs it): both end well, the schema once."""

import subprocess
import sys

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from storage.db import alembic_config
from tests.conftest import fresh_database

pytestmark = pytest.mark.postgres

UPGRADE = "import sys; from storage.db import upgrade; print(upgrade(sys.argv[1]))"


def test_two_upgrades_at_once_both_succeed_and_leave_the_newest_schema(database_url, tmp_path):
    if database_url.startswith("postgresql"):
        url = fresh_database(database_url, "upgrade_race")
    else:
        url = f"sqlite:///{tmp_path / 'race.db'}"
    racers = [subprocess.Popen([sys.executable, "-c", UPGRADE, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True) for _ in range(2)]
    applied = []
    for racer in racers:
        said, errors = racer.communicate(timeout=120)
        assert racer.returncode == 0, errors[-2000:]
        applied.append(said.strip())
    # The second waited for the first and found nothing to do: `gridbot db upgrade` says 数据库已是当前版本 there,
    # not that it had migrated the database (both said so, as both had found it behind before waiting).
    assert sorted(applied) == ["False", "True"]
    engine = create_engine(url)
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    assert versions == [ScriptDirectory.from_config(alembic_config(url)).get_current_head()]
