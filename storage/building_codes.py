"""Each building's binding code: the scene key a resident's scan brings (handlers/events.py binds them in one
step) and the permanent QR code WeChat made for it, kept so a re-run never makes another (100,000 per account)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Building, Community, Grid
from storage.org_ledger import building_label
from storage.queries import Scope

SUBSCRIBE_PREFIX = "qrscene_"  # WeChat puts it before the scene key in the subscribe event of a new follower


@dataclass(frozen=True)
class BuildingCode:
    building_id: int
    community: str
    grid: str
    compound: str
    building: str
    scene_key: str
    qr_ticket: str | None
    qr_url: str | None

    @property
    def label(self) -> str:
        """幸福里社区 阳光花园·3号楼: what a poster and the list call the building."""
        return f"{self.community} {building_label(self.compound, self.building)}"


def codes(session: Session, scope: Scope) -> list[BuildingCode]:
    """Every active building within `scope` with its scene key and the QR code made for it, if any."""
    query = (select(Building, Grid.name, Community.name)
             .join(Grid, Grid.id == Building.grid_id).join(Community, Community.id == Grid.community_id)
             .where(Building.active.is_(True), Grid.active.is_(True)))
    query = query.where(scope.grid_condition())
    return [BuildingCode(building.id, community, grid, building.compound, building.name, building.scene_key,
                         building.qr_ticket, building.qr_url)
            for building, grid, community in session.execute(query.order_by(Community.id, Grid.id, Building.id))]


def remember(session: Session, building_id: int, ticket: str, url: str) -> None:
    """Keep the permanent QR code WeChat made for the building."""
    building = session.get_one(Building, building_id)
    building.qr_ticket, building.qr_url = ticket, url
