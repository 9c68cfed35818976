"""Fuzzing every chat command: each verb of handlers/commands.py's table, with generated words after it, sent by
each audience through the real webhook and router. Whatever follows the verb, the sender gets a reply (a
non-empty text), nothing escapes as an error, and the database is whole afterwards: no appeal without its audit
event, no outbox row for an appeal that does not exist.
"""

from __future__ import annotations

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from handlers.commands import COMMANDS, Command, parse
from handlers.resident_texts import SYSTEM_BUSY
from storage.models import Resident
from tests.fuzz.conftest import CHAT_EXAMPLES
from tests.fuzz.invariants import half_written
from tests.fuzz.strategies import argument, ticket_like, xml_safe
from tests.support import personas
from tests.support.worker import file_and_dispatch

# Everyone the router tells apart: residents bound and not, grid staff of each role, the community's own people.
AUDIENCES = {
    "resident": personas.RESIDENT,
    "new resident": "o3",
    "other community's resident": personas.HEPING_RESIDENT,
    "grid member": personas.ZHANG,
    "grid member of another grid": personas.LIU,
    "grid leader": personas.WANG,
    "operator": personas.OPERATOR,
    "building lead": personas.BUILDING_LEAD,
    "party member": personas.PARTY_MEMBER,
    "volunteer": personas.VOLUNTEER,
}
SEPARATORS = ["", " ", "，", "：", "\u3000", "  ", "、", "\t"]


@pytest.fixture
def street(wechat, seeded, clock):  # type: ignore[no-untyped-def]
    """The test street with one of o1's appeals dispatched to 第一网格: real numbers to aim at."""
    return file_and_dispatch(wechat, seeded, clock)


def messages(command: Command, ticket: str) -> st.SearchStrategy[str]:
    """One of the command's verbs, a separator and anything after it (the real ticket sometimes)."""
    words = st.one_of(argument(), st.just(ticket), st.builds(lambda w: f"{ticket} {w}", argument()),
                      st.builds(lambda t: f"{ticket} {t}", ticket_like()))
    return st.builds(lambda verb, separator, rest, edge: f"{verb}{separator}{rest}{edge}",
                     st.sampled_from(command.verbs), st.sampled_from(SEPARATORS), words,
                     st.sampled_from(["", "。", "！", "？", " "]))


def test_every_command_with_any_words_from_anyone_gets_a_reply_and_leaves_the_database_whole(
    wechat, seeded, clock, street: str
) -> None:  # type: ignore[no-untyped-def]

    @settings(max_examples=CHAT_EXAMPLES)
    @given(who=st.sampled_from(sorted(AUDIENCES)), text=st.sampled_from(COMMANDS).flatmap(
        lambda command: messages(command, street)))
    def run(who: str, text: str) -> None:
        # 4,000 characters are far past every limit of storage/limits.py and still fit the wire's 64 KiB once
        # encrypted (the wire fuzz sends bigger bodies).
        sent = xml_safe(text)[:4000]
        parsed = parse(sent.strip())
        event(f"{who}: {parsed[0].name if parsed else 'no command (intake, dialogue)'}")
        reply = wechat.send(AUDIENCES[who], sent)

        assert isinstance(reply, str) and reply.strip(), f"{who} sent {text!r}: no reply"
        assert "Traceback" not in reply
        assert reply != SYSTEM_BUSY, f"{who} sent {text!r}: the handling failed (see the log)"
        assert not half_written(seeded)
        with seeded.transaction() as session:  # the next example starts outside any dialogue this one opened
            session.execute(update(Resident).values(dialog=None))
        clock.advance(minutes=7)

    # Every command at least once in every profile, by a different audience in turn: its number, then words over
    # any limit, or its number in full-width digits.
    people = sorted(AUDIENCES)
    for index, command in enumerate(COMMANDS):
        after = f"{street} " + "长" * 400 if index % 2 else street.translate(FULL_WIDTH_DIGITS)
        run = example(who=people[index % len(people)], text=f"{command.verbs[index % len(command.verbs)]} {after}")(run)
    # Once 500-like: leave through the calendar's last day overflowed its end (storage/duty.py); "²" passed
    # isdigit() and broke int(), twenty digits overflowed the id column (storage/typed_ids.py).
    run = example(who="grid member", text="请假 到 9999-12-31")(run)
    run = example(who="operator", text="确认报到 ²")(run)
    run = example(who="operator", text="确认报到 99999999999999999999")(run)
    run()


# Commands that open a dialogue, and who may start it: the answers that follow are read by the dialogue.
OPENERS = [("new resident", "绑定"), ("resident", "修改地址"), ("resident", "党员报到"), ("resident", "志愿者报名"),
           ("operator", "通知 幸福里社区 周六上午停水"), ("grid leader", "通知 幸福里社区/第一网格 今晚消防演练"),
           ("resident", "转人工"), ("grid member", "我的任务")]


def test_any_answers_inside_a_dialogue_get_a_reply_and_leave_the_database_whole(
    wechat, seeded, clock, street: str
) -> None:  # type: ignore[no-untyped-def]

    @settings(max_examples=CHAT_EXAMPLES // 3)
    @given(opener=st.sampled_from(OPENERS), answers=st.lists(st.one_of(argument(), st.sampled_from(
        ["1", "2", "3", "返回", "取消", "确认", "是", "否", "1号楼", "阳光花园", "幸福里社区"])), min_size=1, max_size=4))
    @example(opener=("new resident", "绑定"), answers=["𐩀"])  # isdigit() but no int(): the choice broke the handling
    @example(opener=("new resident", "绑定"), answers=["1", "99999999999999999999"])
    def run(opener: tuple[str, str], answers: list[str]) -> None:
        who, first = opener
        for text in [first, *answers]:
            sent = xml_safe(text)[:4000]
            reply = wechat.send(AUDIENCES[who], sent)
            assert isinstance(reply, str) and reply.strip(), f"{who} sent {sent!r} after {first!r}: no reply"
            assert reply != SYSTEM_BUSY, f"{who} sent {sent!r} after {first!r}: the handling failed (see the log)"
        assert not half_written(seeded)
        with seeded.transaction() as session:
            session.execute(update(Resident).values(dialog=None))
        clock.advance(minutes=7)

    run()


FULL_WIDTH_DIGITS = str.maketrans("0123456789G", "０１２３４５６７８９Ｇ")
