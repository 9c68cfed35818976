"""聚焦办 over a chunk of appeals from many grids: a fixed handful of statements, and the cases and links that
checking one grid at a time makes."""

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from bot.worker import schedule
from storage import appeals, dispatch, focus, queries, seeding
from storage.models import Appeal, OutboxMessage, Resident, StaffRole
from storage.notices import StaffFocusOpened

pytestmark = pytest.mark.postgres

SENSITIVE = schedule.hotspot_rules()[0]
COMMUNITY = "远景社区"
GRIDS = 12
# What each grid's 1号楼 has before the chunk (appeals filed and checked), and what the chunk brings it. Three
# appeals of one building make a hot spot (focus.HotspotRules).
LINKS, COMPLETES, OPENS, BELOW = "an open case takes it", "the third appeal", "three at once", "one appeal"
PLAN = {LINKS: (3, 1), COMPLETES: (2, 1), OPENS: (0, 3), BELOW: (0, 1)}
KINDS = (LINKS, COMPLETES, OPENS, BELOW)


def grid_name(number: int) -> str:
    return f"第{number + 1}网格"


def resident(number: int, seat: int) -> str:
    return f"o_far_{number:02d}_{seat}"


def far_street(grids: int) -> seeding.StreetPlan:
    """远景社区: `grids` grids of one compound each, a 网格员 and a 网格长 in each, an operator, and four bound
    residents in each grid's 1号楼."""
    layout = {COMMUNITY: {grid_name(n): (f"小区{n + 1}", {"1号楼": ("1单元",), "2号楼": ("1单元",)})
                          for n in range(grids)}}
    staff = [("o_far_operator", "孙丽", StaffRole.OPERATOR, COMMUNITY, None)]
    for n in range(grids):
        staff += [(f"o_far_member_{n:02d}", f"网格员{n + 1}", StaffRole.GRID_MEMBER, COMMUNITY, grid_name(n)),
                  (f"o_far_leader_{n:02d}", f"网格长{n + 1}", StaffRole.GRID_LEADER, COMMUNITY, grid_name(n))]
    homes = {resident(n, seat): (COMMUNITY, grid_name(n), "1号楼", "1单元") for n in range(grids) for seat in range(4)}
    return seeding.StreetPlan("远景街道", layout, tuple(staff), homes)


def file(seeded, clock, openid):
    """One appeal about the lift, filed by a bound resident as the webhook would; returns its ticket."""
    intake = appeals.Intake(content="电梯坏了", channel=appeals.Channel.TEXT, category="物业服务", confidence=0.9,
                            keywords=("电梯",), raw_message={}, response_hours=2, resolve_hours=72)
    with seeded.transaction() as session:
        sender = session.scalars(select(Resident).where(Resident.openid == openid)).one()
        return appeals.file_appeal(session, sender, intake, clock()).ticket


def dispatched(seeded, clock):
    with seeded.transaction() as session:
        return dispatch.dispatch_pending(session, clock(), SENSITIVE)


@contextmanager
def statements(database) -> Iterator[list[str]]:
    """The SQL statements SQLAlchemy sends while the block runs."""
    sent: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def street_of(seeded, clock, grids, kinds):
    """The far street with each grid's appeals before the chunk filed and checked; the tickets of each grid
    (those before the chunk, then the chunk's) and the chunk's appeal ids by grid."""
    with seeded.transaction() as session:
        seeding.seed_street(session, far_street(grids), clock())
    before = {n: [file(seeded, clock, resident(n, seat)) for seat in range(PLAN[kinds[n]][0])] for n in range(grids)}
    with seeded.transaction() as session:
        focus.check(session, dispatch.dispatch_pending(session, clock(), SENSITIVE), clock(), SENSITIVE)
    tickets = {n: before[n] + [file(seeded, clock, resident(n, len(before[n]) + seat))
                               for seat in range(PLAN[kinds[n]][1])] for n in range(grids)}
    ids = dispatched(seeded, clock)
    with seeded.transaction() as session:
        by_ticket = {ticket: appeal_id for ticket, appeal_id in
                     session.execute(select(Appeal.ticket, Appeal.id).where(Appeal.id.in_(ids)))}
    chunk = {n: [by_ticket[ticket] for ticket in tickets[n] if ticket in by_ticket] for n in range(grids)}
    return tickets, chunk


def cases(seeded):
    """(code, place, key, status, tickets) of every case, oldest first."""
    with seeded.transaction() as session:
        return [(s.case.code, s.case.scope_label, s.case.key, s.case.status, s.tickets)
                for s in queries.focus_cases(session, include_closed=True)]


def alerts(seeded):
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == StaffFocusOpened.name)
                               .order_by(OutboxMessage.id)).all()
        return [(row.recipient_openid, json.loads(row.params)["code"]) for row in rows]


@pytest.mark.parametrize("at_once", [True, False], ids=["the chunk at once", "grid by grid"])
def test_a_chunk_over_many_grids_opens_and_links_what_checking_grid_by_grid_does(seeded, clock, at_once):
    kinds = [KINDS[n % len(KINDS)] for n in range(GRIDS)]
    tickets, chunk = street_of(seeded, clock, GRIDS, kinds)
    with seeded.transaction() as session:
        if at_once:
            opened = focus.check(session, [i for n in range(GRIDS) for i in chunk[n]], clock(), SENSITIVE)
        else:  # the order the chunk's grids come in: that of their first appeal
            opened = [case for n in range(GRIDS) for case in focus.check(session, chunk[n], clock(), SENSITIVE)]
        opened_codes = [case.code for case in opened]
    earlier = [n for n in range(GRIDS) if kinds[n] == LINKS]  # their cases opened before the chunk
    now_opened = [n for n in range(GRIDS) if kinds[n] in (COMPLETES, OPENS)]
    code = {n: f"J261122{number:04d}" for number, n in enumerate(earlier + now_opened, start=1)}
    assert opened_codes == [code[n] for n in now_opened]
    assert cases(seeded) == [
        (code[n], f"{COMMUNITY}·{grid_name(n)} 小区{n + 1}1号楼", "物业服务", "open", tuple(tickets[n]))
        for n in earlier + now_opened
    ]
    assert alerts(seeded)[2 * len(earlier):] == [
        (openid, code[n]) for n in now_opened for openid in (f"o_far_leader_{n:02d}", "o_far_operator")
    ]


@pytest.mark.parametrize("grids", [2, GRIDS])
def test_a_chunk_costs_six_statements_whatever_the_number_of_its_grids(seeded, clock, grids):
    kinds = [LINKS if n % 2 == 0 else BELOW for n in range(grids)]
    tickets, chunk = street_of(seeded, clock, grids, kinds)
    ids = [i for n in range(grids) for i in chunk[n]]
    with seeded.transaction() as session, statements(seeded) as sent:
        assert focus.check(session, ids, clock(), SENSITIVE) == []
    # The fresh appeals, their grids' open cases, the links already there, the new links, the window of the
    # grids with appeals left unlinked and its links. The audit event of each link goes to the driver directly
    # (storage/driver_sql.py): one per appeal linked, whatever the number of grids.
    assert len(sent) == 6, sent
    linked = [n for n in range(grids) if kinds[n] == LINKS]
    assert [tickets_ for *_, tickets_ in cases(seeded)] == [tuple(tickets[n]) for n in linked]
