"""handlers/one_reply.py and the router's last guard: WeChat shows nothing at all of a passive reply over 2048
bytes, so whatever grows is fitted, and what was not foreseen is cut rather than lost."""

import logging

from handlers import router
from handlers.one_reply import cut_to_fit, first_that_fit, within_one_reply
from handlers.types import REPLY_BYTES, Reply

STEP = "12月4日 10:00 办理进展：已联系电梯维保公司，配件还在路上，预计下周到货"


def test_a_timeline_keeps_its_latest_lines_and_counts_the_earliest_left_out():
    lines = [f"{n:02d} {STEP}" for n in range(40)]
    text = within_one_reply(lines, lambda body: "进度：\n" + body, "……（较早的 {count} 条从略）")
    assert len(text.encode()) <= REPLY_BYTES and text.endswith(lines[-1])
    left_out = int(text.split("较早的 ")[1].split(" ")[0])
    assert f"\n{lines[left_out]}" in text and lines[left_out - 1] not in text
    assert within_one_reply(lines[:3], lambda body: body, "{count}") == "\n".join(lines[:3])  # fits: untouched


def test_a_list_keeps_its_first_lines_and_counts_the_rest():
    lines = [f"{n:02d} {STEP}" for n in range(40)]
    text = first_that_fit(lines, lambda body: "列表：\n" + body, "另有 {count} 件")
    shown = text.count(STEP)
    assert len(text.encode()) <= REPLY_BYTES and text.endswith(f"另有 {40 - shown} 件") and lines[0] in text
    assert len((text + "\n" + lines[shown]).encode()) > REPLY_BYTES - len(f"另有 {40 - shown} 件".encode())


def test_a_reply_cut_keeps_whole_lines_and_a_single_huge_line_is_cut_at_a_character():
    text = cut_to_fit("\n".join([STEP] * 40), "（后面省略）")
    assert len(text.encode()) <= REPLY_BYTES and text.endswith(f"{STEP}\n（后面省略）")
    huge = cut_to_fit("电" * 1000, "（后面省略）")
    assert len(huge.encode()) <= REPLY_BYTES and huge.endswith("电\n（后面省略）")


def test_the_router_cuts_any_reply_over_the_limit_and_logs_which_handler_made_it(caplog):
    handler = router.Handler("a list nobody fitted", lambda conversation: True, lambda conversation: Reply())
    with caplog.at_level(logging.WARNING, logger="handlers.router"):
        cut = router._fitted(handler, Reply("\n".join([STEP] * 40)))
    assert len(cut.text.encode()) <= REPLY_BYTES and cut.text.endswith("后面的部分已省略）")
    assert "'a list nobody fitted'" in caplog.text and "over WeChat's 2048" in caplog.text
    short = Reply("好的")
    assert router._fitted(handler, short) is short and router._fitted(handler, Reply.silent()).text is None
