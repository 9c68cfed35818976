"""The scope-based reads and checks the console's 党建与志愿 page stands on (storage/enrolments.py, wishes.py): a
community's scope holds its own enrolments and wishes only, a street's all of its communities', everywhere all;
an id or a number outside the scope is None (as absent as a missing one); a wish's place outside it is refused."""

import pytest
from sqlalchemy import select

from storage import enrolments, wishes
from storage.models import Community, Grid, Resident, StaffRole, Street
from storage.queries import Scope
from storage.staff import UnclearPlace
from tests.support.personas import HEPING_RESIDENT, RESIDENT
from tests.support.street import FIRST, HEPING, XINGFULI

pytestmark = pytest.mark.postgres


def ids(session):
    community = {name: session.scalars(select(Community.id).where(Community.name == name)).one()
                 for name in (XINGFULI, HEPING)}
    street = session.scalars(select(Street.id).where(Street.name == "幸福街道")).one()
    return community, street


@pytest.fixture
def made(seeded, clock):
    """An enrolment and a wish in each of 幸福里社区 and 和平社区: (enrolment ids, wish codes) by community."""
    with seeded.transaction() as session:
        community, _ = ids(session)
        enrolled, posted = {}, {}
        for openid, name in ((RESIDENT, XINGFULI), (HEPING_RESIDENT, HEPING)):
            resident = session.scalars(select(Resident).where(Resident.openid == openid)).one()
            enrolled[name] = enrolments.request(session, resident, StaffRole.VOLUNTEER, "申请人", None, clock()).id
            posted[name] = wishes.post(session, wishes.Place(community[name]), "读报", clock()).code
    return enrolled, posted


def test_a_community_scope_holds_its_own_only_and_a_street_all_of_its_communities(seeded, made):
    enrolled, posted = made
    with seeded.transaction() as session:
        community, street = ids(session)
        for scope, holds in ((Scope(community_id=community[XINGFULI]), {XINGFULI}),
                             (Scope(street_id=street), {XINGFULI, HEPING}), (Scope(), {XINGFULI, HEPING})):
            assert {row.id for row in enrolments.pending_within(session, scope)} == {enrolled[name] for name in holds}
            assert {row.code for row in wishes.open_within(session, scope)} == {posted[name] for name in holds}
            for name in (XINGFULI, HEPING):
                assert (enrolments.enrolment_within(session, scope, enrolled[name]) is not None) == (name in holds)
                assert (wishes.wish_within(session, scope, posted[name].lower()) is not None) == (name in holds)
        assert enrolments.enrolment_within(session, Scope(), 999999) is None
        assert wishes.wish_within(session, Scope(), "不是编号") is None


def test_a_decided_enrolment_leaves_the_waiting_list_but_is_still_found(seeded, made, clock):
    enrolled, _ = made
    with seeded.transaction() as session:
        scope = Scope(community_id=ids(session)[0][XINGFULI])
        enrolments.decline(session, enrolments.enrolment_within(session, scope, enrolled[XINGFULI]), clock())
        assert enrolments.pending_within(session, scope) == []
        assert enrolments.enrolment_within(session, scope, enrolled[XINGFULI]) is not None


def test_a_wish_is_placed_within_the_scope_or_refused(seeded):
    with seeded.transaction() as session:
        community, street = ids(session)
        own = Scope(community_id=community[XINGFULI])
        heping_grid = session.scalars(select(Grid.id).where(Grid.community_id == community[HEPING],
                                                            Grid.name == FIRST)).one()
        assert wishes.place_within(session, own, community_id=community[XINGFULI]) == wishes.Place(
            community[XINGFULI])
        assert wishes.place_within(session, Scope(street_id=street), grid_id=heping_grid) == wishes.Place(
            community[HEPING], heping_grid)
        typed = wishes.place_within(session, own, path="幸福里社区/第一网格/阳光花园/3号楼")
        assert typed.community_id == community[XINGFULI] and typed.building_id is not None
        for wanted in ({"community_id": community[HEPING]}, {"grid_id": heping_grid}, {"grid_id": 999999},
                       {"community_id": 999999}, {"path": "和平社区"}, {}):
            with pytest.raises(wishes.WishRefused) as refused:
                wishes.place_within(session, own, **wanted)
            assert refused.value.reason == "outside", wanted
        with pytest.raises(wishes.WishRefused) as refused:
            wishes.place_within(session, own, path="幸福街道")
        assert refused.value.reason == "scope"
        with pytest.raises(UnclearPlace):
            wishes.place_within(session, own, path="幸福里社区/第九网格")
