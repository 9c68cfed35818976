"""queries.Scope.of_path: what an operator types after --scope."""

import pytest

from storage.queries import Scope
from storage.staff import AmbiguousPlace, UnknownPlace


def ids(seeded, path):
    with seeded.transaction() as session:
        return Scope.of_path(session, path)


def test_nothing_is_everywhere(seeded):
    assert ids(seeded, None) == Scope() == ids(seeded, "  ")


def test_a_street_a_community_and_a_grid_in_any_of_their_spellings(seeded):
    from sqlalchemy import select

    from storage.models import Community, Grid, Street
    with seeded.transaction() as session:
        street = session.scalars(select(Street)).first()
        community = session.scalars(select(Community).where(Community.name == "幸福里社区")).one()
        grid = session.scalars(select(Grid).where(Grid.community_id == community.id, Grid.name == "第一网格")).one()
        expected = (street.name, street.id, community.id, grid.id)
    name, street_id, community_id, grid_id = expected
    assert ids(seeded, name) == Scope(street_id=street_id)
    assert ids(seeded, "幸福里社区") == Scope(community_id=community_id)
    for spelling in ("幸福里社区·第一网格", "幸福里社区/第一网格", "幸福里社区 / 第一网格"):
        assert ids(seeded, spelling) == Scope(grid_id=grid_id)


def test_an_unknown_or_ambiguous_place_names_the_candidates(seeded):
    with pytest.raises(UnknownPlace) as unknown:
        ids(seeded, "幸福里社区·第九网格")
    assert "幸福里社区·第一网格" in unknown.value.candidates
    with pytest.raises(AmbiguousPlace):
        ids(seeded, "第一网格")  # the test street has a 第一网格 in two communities


def test_part_of_a_name_is_answered_with_the_places_that_hold_it(seeded):
    with pytest.raises(UnknownPlace) as part:
        ids(seeded, "和平")
    assert part.value.candidates == ["和平社区"]
    with pytest.raises(UnknownPlace) as street_part:
        ids(seeded, "幸福")  # the street and a community both hold it
    assert street_part.value.candidates == ["幸福街道", "幸福里社区"]
    with pytest.raises(UnknownPlace) as nothing:
        ids(seeded, "%")  # a wildcard is only a character
    assert nothing.value.candidates == []


def test_an_operator_is_offered_only_the_places_within_their_scope(seeded):
    from sqlalchemy import select

    from storage.models import Community
    with seeded.transaction() as session:
        own = Scope(community_id=session.scalars(select(Community.id).where(Community.name == "幸福里社区")).one())
        with pytest.raises(UnknownPlace) as other:
            Scope.of_path(session, "和平", within=own)
        with pytest.raises(UnknownPlace) as street:
            Scope.of_path(session, "幸福", within=own)
    assert other.value.candidates == [] and street.value.candidates == ["幸福里社区"]


def test_a_community_two_streets_share_is_named_with_its_street(seeded, clock):
    from sqlalchemy import select

    from storage import seeding
    from storage.models import Community, Grid, Street
    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan("平安街道", {"幸福里社区": {"第一网格": ("平安小区", {
            "1号楼": ("1单元",)})}}), clock())
        other = session.execute(select(Community.id, Grid.id).join(Street, Street.id == Community.street_id)
                                .join(Grid, Grid.community_id == Community.id)
                                .where(Street.name == "平安街道")).one()
    with pytest.raises(AmbiguousPlace) as several:
        ids(seeded, "幸福里社区")
    assert several.value.candidates == ["幸福街道·幸福里社区", "平安街道·幸福里社区"]
    assert ids(seeded, "平安街道·幸福里社区") == Scope(community_id=other[0])
    assert ids(seeded, "平安街道 幸福里社区") == Scope(community_id=other[0])
    assert ids(seeded, "平安街道·幸福里社区·第一网格") == Scope(grid_id=other[1])
