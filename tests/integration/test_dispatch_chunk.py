"""A dispatch chunk looks its facts up once (storage/dispatch.py's _ChunkFacts): twenty appeals over twenty grids
cost a bounded number of statements, and their cards are the cards each gets when dispatched in a chunk of its own.

The twenty take every route dispatch knows: an emergency, a complaint about a 网格长, a department's category and a
department nobody has bound yet, a grid without staff, a sensitive category, 派单 grids (one with its members on
leave), photos and a location sent before the words (adopted) and one sent too long before (left loose), a phone
and a 门牌 masked on the card, a building without units.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.media_links import MediaLinks
from storage import appeals, complaints, contacts, dispatch, duty, media_files, residents, seeding, staff
from storage.driver_sql import DriverSQL
from storage.models import (
    Appeal,
    AppealEvent,
    Attachment,
    Base,
    DispatchMode,
    OutboxMessage,
    Staff,
    StaffRole,
)
from tests.conftest import TEST_PUBLIC_URL, TEST_SECRET_KEY

pytestmark = pytest.mark.postgres

START = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
GRIDS = 20
COMMUNITIES = ("东湖社区", "西湖社区")
SENSITIVE = ("家庭矛盾",)
DEPARTMENT, UNSTAFFED = "城管执法", "供电公司"
EMERGENCY, COMPLAINT, STAFFED_ROUTE, NO_STAFF, PRIVATE, ASSIGNED, ON_LEAVE, UNSTAFFED_ROUTE = range(8)
WITH_MATERIAL, WITH_CONTACT, LATE_PHOTO = 8, 9, 11
# Statements a chunk runs whatever its size: the pending appeals, their complaints, the loose attachments and
# their adoption, each grid's team and mode, the grids' names, buildings, units, residents and attachments, and
# which of the residents are on a team themselves (they get no card for their own appeal).
PER_CHUNK = 12
# Per appeal, what no lookup can spare: its compare-and-set UPDATE and its audit INSERT.
PER_APPEAL = 2
# The routes that ask more: the emergency's community operators (2), the complaint's handlers (3), each
# department's staff (2 x 1), the sensitive appeal's read permission (3), each 派单 choice (2 x 1), the flush of
# the department given up, the community operators standing in for the grid without staff (2).
PER_ROUTE = 2 + 3 + 2 + 3 + 2 + 1 + 2


def grid_name(number: int) -> tuple[str, str]:
    return COMMUNITIES[number % 2], f"第{number + 1}网格"


def street() -> seeding.StreetPlan:
    layout: dict[str, dict[str, tuple[str, dict[str, tuple[str, ...]]]]] = {name: {} for name in COMMUNITIES}
    people: list[seeding.StaffRow] = [(f"op{index}", f"操作员{index}", StaffRole.OPERATOR, name, None)
                                      for index, name in enumerate(COMMUNITIES)]
    homes: dict[str, seeding.Home] = {}
    for number in range(GRIDS):
        community, grid = grid_name(number)
        layout[community][grid] = (f"小区{number}", {"1号楼": ("1单元", "2单元"), "2号楼": ()})
        homes[f"r{number}"] = (community, grid, "1号楼", "1单元") if number % 2 else (community, grid, "2号楼", None)
        if number != NO_STAFF:
            people += [(f"m{number}a", f"甲{number}", StaffRole.GRID_MEMBER, community, grid),
                       (f"m{number}b", f"乙{number}", StaffRole.GRID_MEMBER, community, grid),
                       (f"l{number}", f"长{number}", StaffRole.GRID_LEADER, community, grid)]
    return seeding.StreetPlan("滨湖街道", layout, tuple(people), homes)


def intake(number: int) -> appeals.Intake:
    return appeals.Intake(
        content=f"第{number}件：楼道里的事", channel=appeals.Channel.TEXT,
        category=SENSITIVE[0] if number == PRIVATE else "物业服务", confidence=0.9, keywords=(), raw_message={},
        response_hours=2, resolve_hours=72,
        department={STAFFED_ROUTE: DEPARTMENT, UNSTAFFED_ROUTE: UNSTAFFED}.get(number),
        emergency="火情" if number == EMERGENCY else None, response_minutes=5 if number == EMERGENCY else None)


def file_the_twenty(session: Any, now: datetime) -> None:
    """The street, then one appeal from each grid's resident, oldest first (material sent before some)."""
    seeding.seed_street(session, street(), now)
    session.add(Staff(openid="dept", name="执法队员", role=StaffRole.DEPARTMENT, department=DEPARTMENT, active=True,
                      created_at=now))
    for number in (ASSIGNED, ON_LEAVE):
        dispatch.set_mode(session, staff.find_grid(session, "/".join(grid_name(number))), DispatchMode.ASSIGN)
    for member in session.scalars(select(Staff).where(Staff.openid.in_((f"m{ON_LEAVE}a", f"m{ON_LEAVE}b")))):
        duty.set_duty(member, False, None, now)
    contacts.set_phone(residents.get_or_create(session, f"r{WITH_CONTACT}", now), "13812345678")
    contacts.set_door(residents.get_or_create(session, f"r{WITH_CONTACT}", now), "1单元302")
    session.flush()
    sent_before = now - timedelta(minutes=5)
    for kind, fields in (("image", {"media_id": "media-8", "public_id": "photo-8"}),
                         ("location", {"latitude": 30.5, "longitude": 114.3, "label": "小区8东门", "public_id": "place-8"})):
        appeals.attach(session, residents.view(session, f"r{WITH_MATERIAL}", sent_before),
                       Attachment(kind=kind, **fields), sent_before)
    too_early = now - appeals.LOOSE_ATTACHMENT_WINDOW - timedelta(minutes=1)
    appeals.attach(session, residents.view(session, f"r{LATE_PHOTO}", too_early),
                   Attachment(kind="image", media_id="media-11", public_id="photo-11"), too_early)
    for number in range(GRIDS):
        filed = appeals.file_appeal(session, residents.view(session, f"r{number}", now), intake(number), now)
        if number == COMPLAINT:
            leader = session.scalars(select(Staff).where(Staff.openid == f"l{number}")).one()
            complaints.mark(session, filed.id, [leader], now)


@dataclass(frozen=True)
class Outcome:
    cards: list[tuple[Any, ...]]  # every outbox row, in the order written
    appeals: list[tuple[Any, ...]]
    attachments: list[tuple[Any, ...]]
    statements: list[str]  # what the dispatch transactions ran (SQLite's BEGIN left out)


def dispatched(database: Any, clock: Any, chunk: int) -> Outcome:
    """File the twenty on an empty database, then dispatch them `chunk` at a time, a transaction per chunk."""
    with database.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
    clock.current = START
    database.session_info[media_files.LINKS_KEY] = MediaLinks(TEST_SECRET_KEY, TEST_PUBLIC_URL, clock=clock)
    with database.transaction() as session:
        file_the_twenty(session, clock())
    clock.advance(minutes=1)
    statements: list[str] = []

    def count(connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    def counted(run: Any) -> Any:
        def counting(self: DriverSQL, session: Any, params: Any) -> Any:
            statements.append(self._by_dialect["postgresql"])
            return run(self, session, params)
        return counting

    event.listen(database.engine, "before_cursor_execute", count)
    # The audit INSERT (storage.appeals.record) runs on the driver's own cursor, out of SQLAlchemy's sight.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DriverSQL, "run", counted(DriverSQL.run))
        patch.setattr(DriverSQL, "all", counted(DriverSQL.all))
        patch.setattr(DriverSQL, "run_many", counted(DriverSQL.run_many))  # one call to the driver, however many rows
        try:
            while True:
                with database.transaction() as session:
                    if not dispatch.dispatch_pending(session, clock(), SENSITIVE, chunk):
                        break
        finally:
            event.remove(database.engine, "before_cursor_execute", count)
    with database.transaction() as session:
        openid = dict(session.execute(select(Staff.id, Staff.openid)).all())
        tickets = dict(session.execute(select(Appeal.id, Appeal.ticket)).all())
        return Outcome(
            cards=[(row.recipient_openid, row.template, json.loads(row.params), row.status, row.idempotency_key
                    .replace(f"appeal:{row.appeal_id}:", f"{tickets.get(row.appeal_id)}:").split(":new:")[0])
                   # The digests after the cards, by key: a chunk makes its digests after all its cards, in key
                   # order (storage.outbox.add_all), so one by one they come between the appeals' cards.
                   for row in sorted(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)),
                                     key=lambda row: (row.template == "staff_digest", row.template == "staff_digest"
                                                      and row.idempotency_key))],
            appeals=[(appeal.ticket, appeal.status, openid.get(appeal.assignee_staff_id), appeal.department,
                      [(e.action, by_openid(e, openid)) for e in session.scalars(
                          select(AppealEvent).where(AppealEvent.appeal_id == appeal.id).order_by(AppealEvent.id))])
                     for appeal in session.scalars(select(Appeal).order_by(Appeal.id))],
            attachments=[(row.public_id, tickets.get(row.appeal_id))
                         for row in session.scalars(select(Attachment).order_by(Attachment.id))],
            statements=[sql for sql in statements if not sql.startswith("BEGIN")])


def by_openid(trail_event: AppealEvent, openid: dict[int, str]) -> str | None:
    """The event's note with staff named by openid: PostgreSQL's ids differ from one filing of the twenty to the
    next (its sequences are not reset with the rows)."""
    if trail_event.action == "complaint":
        return ",".join(openid[int(part)] for part in (trail_event.note or "").split(",") if part)
    return re.sub(r"staff (\d+)", lambda found: f"staff {openid[int(found.group(1))]}", trail_event.note or "")


def test_a_chunk_of_twenty_appeals_over_twenty_grids_runs_a_bounded_number_of_statements(database, clock):
    outcome = dispatched(database, clock, chunk=20)
    telling = [sql for sql in outcome.statements if re.search(r"\boutbox\b", sql)]
    others = [sql for sql in outcome.statements if sql not in telling]
    # The last round finds nothing: its one statement is the pending appeals' SELECT.
    # PostgreSQL also locks the chunk's recipients' digests, in one statement (storage.outbox.lock_digests).
    digest_locks = database.engine.dialect.name == "postgresql"
    assert len(others) <= PER_CHUNK + digest_locks + PER_APPEAL * GRIDS + PER_ROUTE + 1, "\n\n".join(others)
    # All the chunk's outbox rows at once (storage.outbox.add_all): its recipients' counts of the minute, their
    # digests read, those made, those counted into, and the rows.
    assert len(telling) <= 5, "\n\n".join(telling)


def test_a_chunks_cards_are_the_cards_of_its_appeals_dispatched_one_by_one(database, clock):
    together, one_by_one = dispatched(database, clock, chunk=20), dispatched(database, clock, chunk=1)
    assert together.cards == one_by_one.cards
    assert together.appeals == one_by_one.appeals
    assert together.attachments == one_by_one.attachments


def test_the_twenty_take_every_route(database, clock):
    outcome = dispatched(database, clock, chunk=20)
    cards = {(recipient, params.get("ticket")): params for recipient, template, params, _, _ in outcome.cards
             if template == "staff_new_appeal"}
    ticket = {number: outcome.appeals[number][0] for number in range(GRIDS)}
    receivers = {number: sorted(recipient for recipient, of in cards if of == ticket[number]) for number in ticket}
    assert receivers[EMERGENCY] == ["l0", "m0a", "m0b", "op0"]
    assert cards["m0a", ticket[EMERGENCY]]["urgent"]
    assert receivers[COMPLAINT] == ["op1"]  # about the 网格长: the operators alone
    assert receivers[STAFFED_ROUTE] == ["dept"]
    assert receivers[NO_STAFF] == ["op1"]  # its community's operator stands in, to 改派 it
    assert cards["op1", ticket[NO_STAFF]]["receiver"] == "operator"
    assert cards[f"m{PRIVATE}a", ticket[PRIVATE]]["withheld"] and not cards[f"l{PRIVATE}", ticket[PRIVATE]].get(
        "withheld")
    assert receivers[ASSIGNED] == [f"m{ASSIGNED}a"] and outcome.appeals[ASSIGNED][2] == f"m{ASSIGNED}a"
    assert receivers[ON_LEAVE] == [f"l{ON_LEAVE}"] and outcome.appeals[ON_LEAVE][2] is None
    assert receivers[UNSTAFFED_ROUTE] == [f"l{UNSTAFFED_ROUTE}", f"m{UNSTAFFED_ROUTE}a", f"m{UNSTAFFED_ROUTE}b"]
    material = cards[f"m{WITH_MATERIAL}a", ticket[WITH_MATERIAL]]
    assert len(material["photos"]) == 1 and material["places"][0].startswith("https://uri.amap.com/marker")
    assert ("photo-8", ticket[WITH_MATERIAL]) in outcome.attachments
    assert ("photo-11", None) in outcome.attachments
    contact = cards[f"m{WITH_CONTACT}a", ticket[WITH_CONTACT]]
    assert contact["phone"] not in (None, "13812345678") and contact["door"] not in (None, "1单元302")
    assert cards[f"m{WITH_CONTACT}a", ticket[WITH_CONTACT]]["grid"] == "西湖社区·第10网格"
