"""org over time: grids, buildings and units can be deactivated (import --prune); a building keeps its permanent
QR code; names differing only in full-width characters or spaces are made one

Before this revision `３号楼` and `3号楼` imported as two buildings, both offered to residents. Names are now
normalised (NFKC, runs of spaces made one, no space next to a Chinese character) on import; this revision
normalises the stored names the same way. Where two buildings (or two units of a building) become the same
name, one keeps it (the one already spelled that way, else the older) and the other is deactivated, never
deleted: its appeals keep pointing at it; its residents and units go to the one that stays.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

import re
import unicodedata
from typing import Callable

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_SPACES = re.compile(r" {2,}")
_SPACE_BESIDE_WIDE = re.compile(r" (?=[^\x00-\x7f])|(?<=[^\x00-\x7f]) ")


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch: SQLite would copy and drop `grids` and `buildings`, which rows of other
    # tables refer to, and a database with data refuses that drop while foreign keys are enforced.
    for table in ("grids", "buildings", "units"):
        op.add_column(table, sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column("buildings", sa.Column("qr_ticket", sa.String(length=160), nullable=True))
    op.add_column("buildings", sa.Column("qr_url", sa.String(length=255), nullable=True))
    connection = op.get_bind()
    for table, parent in (("streets", None), ("communities", "street_id"), ("grids", "community_id")):
        _rename_where_free(connection, table, (parent,) if parent else ())
    _merge_buildings(connection)
    _merge_units(connection)


def downgrade() -> None:
    with op.batch_alter_table("buildings", schema=None) as batch_op:
        batch_op.drop_column("qr_url")
        batch_op.drop_column("qr_ticket")
    for table in ("units", "buildings", "grids"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("active")


def _normalised(name: str) -> str:
    # A copy of storage.org.normalised_name as of this revision: migrations never import code that may change.
    return _SPACE_BESIDE_WIDE.sub("", _SPACES.sub(" ", unicodedata.normalize("NFKC", name).strip()))


def _rename_where_free(connection: sa.Connection, table: str, parents: tuple[str, ...]) -> None:
    """Streets, communities, grids: normalised where that name is free in the parent (else left as they are)."""
    columns = ", ".join(("id", "name", *parents))
    rows = connection.execute(sa.text(f"SELECT {columns} FROM {table} ORDER BY id")).all()
    taken = {(*row[2:], row.name) for row in rows}
    for row in rows:
        wanted = _normalised(row.name)
        if wanted != row.name and (*row[2:], wanted) not in taken:
            taken.add((*row[2:], wanted))
            connection.execute(sa.text(f"UPDATE {table} SET name = :name WHERE id = :id"),
                               {"name": wanted, "id": row.id})


def _merge_buildings(connection: sa.Connection) -> None:
    rows = connection.execute(sa.text("SELECT id, grid_id, compound, name FROM buildings ORDER BY id")).all()
    groups: dict[tuple[int, str, str], list[sa.Row]] = {}
    for row in rows:
        groups.setdefault((row.grid_id, _normalised(row.compound), _normalised(row.name)), []).append(row)
    for (_grid, compound, name), same in groups.items():
        survivor = _survivor(same, lambda row: (row.compound, row.name) == (compound, name))
        for row in same:
            if row.id != survivor.id:
                _fold_building(connection, row.id, survivor.id)
        connection.execute(sa.text("UPDATE buildings SET compound = :compound, name = :name WHERE id = :id"),
                           {"compound": compound, "name": name, "id": survivor.id})


def _fold_building(connection: sa.Connection, duplicate: int, survivor: int) -> None:
    """Deactivate `duplicate`; its residents and units go to `survivor` (a unit it has already: its residents)."""
    connection.execute(sa.text("UPDATE buildings SET active = :no WHERE id = :id"), {"no": False, "id": duplicate})
    for column in ("building_id", "verified_building_id"):
        connection.execute(sa.text(f"UPDATE residents SET {column} = :to WHERE {column} = :id"),
                           {"to": survivor, "id": duplicate})
    there = dict(connection.execute(sa.text("SELECT name, id FROM units WHERE building_id = :id"),
                                    {"id": survivor}).all())
    for unit in connection.execute(sa.text("SELECT id, name FROM units WHERE building_id = :id"),
                                   {"id": duplicate}).all():
        if unit.name in there:
            _fold_unit(connection, unit.id, there[unit.name])
        else:
            connection.execute(sa.text("UPDATE units SET building_id = :to WHERE id = :id"),
                               {"to": survivor, "id": unit.id})


def _merge_units(connection: sa.Connection) -> None:
    rows = connection.execute(sa.text("SELECT id, building_id, name FROM units WHERE active = :yes ORDER BY id"),
                              {"yes": True}).all()
    groups: dict[tuple[int, str], list[sa.Row]] = {}
    for row in rows:
        groups.setdefault((row.building_id, _normalised(row.name)), []).append(row)
    for (_building, name), same in groups.items():
        survivor = _survivor(same, lambda row: row.name == name)
        for row in same:
            if row.id != survivor.id:
                _fold_unit(connection, row.id, survivor.id)
        connection.execute(sa.text("UPDATE units SET name = :name WHERE id = :id"), {"name": name, "id": survivor.id})


def _fold_unit(connection: sa.Connection, duplicate: int, survivor: int) -> None:
    connection.execute(sa.text("UPDATE units SET active = :no WHERE id = :id"), {"no": False, "id": duplicate})
    connection.execute(sa.text("UPDATE residents SET unit_id = :to WHERE unit_id = :id"),
                       {"to": survivor, "id": duplicate})


def _survivor(same: list[sa.Row], spelled_right: Callable[[sa.Row], bool]) -> sa.Row:
    """The row already spelled the normalised way (renaming it collides with nothing), else the oldest."""
    return next((row for row in same if spelled_right(row)), same[0])
