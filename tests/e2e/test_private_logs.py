"""Logs never hold personal data: no phone number, no full openid, on the happy path and on the error paths.

The session-wide scan (tests/log_scan.py, attached in tests/conftest.py) checks every record of the run; these
tests make sure the run has something real to catch: realistic 28-character openids and phone numbers pushed
through the whole path (webhook → worker → delivery, failures included), and a database statement error whose
bound parameters hold a phone number.
"""

from __future__ import annotations

import logging

import pytest
from gunicorn.config import Config
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.privacy import LOG_FORMAT, PrivateFormatter, mask, redact
from bot.web.server import PrivateGunicornLogger
from storage.models import Building, Grid, Staff, StaffRole
from tests.e2e.test_appeal_lifecycle import CUSTOM_SEND, TICKET, told, work
from tests.log_scan import OPENID, PHONE

pytestmark = pytest.mark.postgres

# WeChat-format openids (28 characters) and mainland mobile numbers, as the attacker's logs would have shown.
RESIDENT = "oX7kQ2mP9vLw3Rt5Yb8Nc1Zd4Fg6"
STAFF = "oH2jK5nM8qSv1Wx4Ya7Bd0Ce3Gf9"
RESIDENT_PHONE = "13912345678"
STAFF_PHONE = "13812345678"
APPEAL = f"3号楼电梯坏了，老人下不了楼，请尽快联系我 {RESIDENT_PHONE}"


def assert_private(text: str) -> None:
    for secret in (RESIDENT, STAFF, RESIDENT_PHONE, STAFF_PHONE):
        assert secret not in text
    assert not PHONE.search(text) and not OPENID.search(text), text


def test_a_statement_error_shows_neither_the_phone_nor_the_openid_among_its_parameters(seeded, clock) -> None:
    # A duplicate openid makes the INSERT fail; its parameters are the openid and the phone number.
    with seeded.transaction() as session:
        grid_id = session.scalars(select(Grid.id)).first()
    with pytest.raises(IntegrityError) as raised:
        for _ in range(2):
            with seeded.transaction() as session:
                session.add(Staff(openid=STAFF, name="周敏", phone=STAFF_PHONE, role=StaffRole.GRID_MEMBER,
                                  grid_id=grid_id, active=True, created_at=clock()))

    assert "[SQL parameters hidden due to hide_parameters=True]" in str(raised.value)
    assert STAFF_PHONE not in str(raised.value)
    # PostgreSQL's own message names the duplicate key's value ("Key (openid)=(…) already exists"): the log line
    # gridbot writes of it, traceback and all, is redacted. (Formatted here, not logged: the session's scan
    # would rightly flag the unredacted record on PostgreSQL.)
    record = logging.LogRecord("bot.web.runtime", logging.ERROR, __file__, 0, "failed to handle message from %s",
                               (mask(STAFF),), (IntegrityError, raised.value, raised.tb))
    logged = PrivateFormatter(LOG_FORMAT).format(record)
    assert "IntegrityError" in logged and mask(STAFF) in logged
    assert_private(logged)


def test_a_whole_appeal_with_real_openids_and_phone_numbers_leaves_only_masked_traces_in_the_logs(
    wechat_safe, worker_runtime, fake_wechat, seeded, clock, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    with seeded.transaction() as session:
        building = session.scalars(select(Building).where(Building.name == "3号楼")).one()
        grid = session.get(Grid, building.grid_id)
        session.add(Staff(openid=STAFF, name="周敏", phone=STAFF_PHONE, role=StaffRole.GRID_MEMBER, grid_id=grid.id,
                          community_id=grid.community_id, active=True, created_at=clock()))
        scene = building.scene_key
    server = wechat_safe.server

    # A newcomer scans the building's QR code, writes in with their phone number; WeChat retries the message.
    wechat_safe.deliver(server.event(RESIDENT, "subscribe", key=f"qrscene_{scene}", create_time=wechat_safe.now()))
    appeal = server.text(RESIDENT, APPEAL, create_time=wechat_safe.now())
    reply = wechat_safe.deliver(appeal)
    assert reply is not None and "已受理您的诉求" in reply, reply
    assert wechat_safe.deliver(appeal) == reply
    ticket = TICKET.search(reply).group(0)  # type: ignore[union-attr]

    # The task cards go out; the first send finds the window closed (no template configured: failed), the
    # next a transient error (retried later). One send lane: the failures meet the cards in their order, and 周敏's
    # (the last) goes out and is logged.
    worker_runtime.settings = worker_runtime.settings.with_(send_lanes=1)
    fake_wechat.fail(CUSTOM_SEND, 45015, times=1, delay=0)
    work(worker_runtime)
    fake_wechat.fail(CUSTOM_SEND, -1, times=1, delay=0)
    wechat_safe.dialog(STAFF, [(f"接单 {ticket}", f"接单成功：{ticket}"),
                               (f"办结 {ticket} 已修好，维保电话 {STAFF_PHONE}", f"诉求 {ticket} 已办结")])
    work(worker_runtime)
    clock.advance(minutes=30)
    work(worker_runtime, rounds=2)

    assert any(ticket in text for text in told(fake_wechat, RESIDENT))  # the whole path ran
    assert mask(RESIDENT) in caplog.text and mask(STAFF) in caplog.text  # the logs did speak of both
    assert "reply window closed" in caplog.text and "transient error" in caplog.text
    assert_private(caplog.text)


def test_what_gridbot_logs_through_its_formatter_has_phone_numbers_and_openids_masked() -> None:
    text = f"Key (openid)=({RESIDENT}) already exists; 电话 {STAFF_PHONE}; ticket G2611220001, msg:20261122100000123"

    assert redact(text) == (f"Key (openid)=({mask(RESIDENT)}) already exists; 电话 138****5678; "
                            "ticket G2611220001, msg:20261122100000123")


def test_a_photo_links_token_is_cut_from_a_logged_path_and_other_media_paths_are_left_alone() -> None:
    token = "Ii1VeTZpeTlwdGlJd0Utdnc5LUZrMFEi.axU_JQ.Xw1beiChLiCXno8-UgHgSdb2Tng"

    assert redact(f"Exception on /media/{token} [GET]") == "Exception on /media/… [GET]"
    assert redact("GET /cgi-bin/media/get -> ok; missing from /var/lib/gridbot/media/40") == \
        "GET /cgi-bin/media/get -> ok; missing from /var/lib/gridbot/media/40"


def test_gunicorns_own_lines_are_redacted_like_gridbots(capsys: pytest.CaptureFixture[str]) -> None:
    config = Config()
    config.set("loglevel", "debug")
    logger = PrivateGunicornLogger(config)  # its handler writes to the stderr capsys holds

    logger.debug("%s %s", "GET", "/media/Ii1VeTZp.axU_JQ.Xw1beiCh")
    logger.error("Error handling request %s %s", "POST", f"/wechat?signature=ab&openid={RESIDENT}")
    logger.warning(f"Invalid request from ip=127.0.0.1: Invalid HTTP request line: 'GET /{STAFF_PHONE} x'")

    written = capsys.readouterr().err
    assert "GET /media/…" in written and f"openid={mask(RESIDENT)}" in written and "/138****5678" in written
    assert_private(written)
