"""The throwaway PostgreSQL cluster behind ``run.py test`` starts, serves and cleans up."""

from __future__ import annotations

import os

import pytest
import sqlalchemy
from sqlalchemy.engine import make_url

from tests.pgcluster import DATABASE, find_bindir, server_version, throwaway_cluster

BINDIR = find_bindir()


@pytest.mark.skipif(BINDIR is None, reason="PostgreSQL binaries not found")
def test_throwaway_cluster_serves_queries_and_cleans_up() -> None:
    """A real server answers ``select 1`` and its version matches the binaries found."""
    assert BINDIR is not None
    expected_major = server_version(BINDIR).split(".")[0]
    with throwaway_cluster() as url:
        socket_dir = make_url(url).query["host"]
        assert isinstance(socket_dir, str) and os.path.isdir(socket_dir)
        engine = sqlalchemy.create_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.execute(sqlalchemy.text("select 1")).scalar_one() == 1
                version = conn.execute(sqlalchemy.text("show server_version")).scalar_one()
                database = conn.execute(sqlalchemy.text("select current_database()")).scalar_one()
        finally:
            engine.dispose()
    assert version.split(".")[0] == expected_major
    assert database == DATABASE
    assert not os.path.exists(socket_dir), "the cluster directory must be removed on exit"
