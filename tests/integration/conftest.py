"""Fixtures the integration tests share."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli.gridbot import main
from tests.conftest import TEST_SECRET_KEY


@pytest.fixture
def gridbot(seeded, database_url, clock):
    """`gridbot ARGS` on the seeded test database, at the test's clock; returns click's result."""

    def run(*args, input=None, env=None):
        environment = {"GRIDBOT_DATABASE_URL": database_url, "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY, **(env or {})}
        return CliRunner().invoke(main, list(args), env=environment, obj=clock, input=input)

    return run
