"""PostgreSQL advisory locks held to the end of the transaction, named by strings.

They lock what has no row yet (a digest row about to be made, the first report of a fire): the second transaction
wanting the same name waits until the first commits, then reads what it wrote. SQLite needs none: its transactions
begin by taking its one write lock (storage.db, BEGIN IMMEDIATE), so they never overlap.
"""

from __future__ import annotations

import hashlib
from typing import Iterable

from sqlalchemy.orm import Session

from storage.driver_sql import DriverSQL

_LOCK = DriverSQL("SELECT count(pg_advisory_xact_lock(k)) FROM unnest(CAST(%(keys)s AS bigint[])) AS k")


def lock(session: Session, names: Iterable[str]) -> None:
    """Take the locks named `names` for the rest of the transaction, all in one round trip and in one order for
    every process (sorted ids), so that two transactions wanting overlapping sets cannot deadlock. PostgreSQL only."""
    if session.get_bind().dialect.name != "postgresql":
        return
    ids = sorted({lock_id(name) for name in names})
    if ids:
        _LOCK.run(session, {"keys": ids})  # unnest keeps the array's order: the locks are taken sorted


def lock_id(name: str) -> int:
    """A name as a signed 64-bit advisory lock id, the same in every process."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
