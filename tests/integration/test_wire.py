"""The WeChat wire through Flask's test client: signatures, replay window, guards, AES, every message kind."""

from __future__ import annotations

import base64
import hashlib
import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

import pytest
from sqlalchemy import func, select
from wechatpy.crypto import WeChatCrypto

from bot.web.app import create_app
from bot.web.runtime import Runtime
from bot.wechat.simulator import ACCOUNT, SignedRequest, WeChatServer, signature
from bot.wechat.wire import SILENT, Decoded, Wire
from handlers import resident_texts as texts
from handlers import staff_texts
from handlers.types import Inbound, Kind, Reply
from storage.db import Database
from storage.models import Appeal, Building, ProcessedMessage, Resident, ResidentStatus
from tests.conftest import TEST_AES_KEY, TEST_APPID, TEST_TOKEN, Clock, WeChat
from tests.support.database import resident
from tests.support.personas import BUILDING_LEAD, ZHANG
from tests.support.wire import now_of

# --- Tencent's published sample vector --------------------------------------------------------------------
# From Tencent's WXBizMsgCrypt Python sample for official accounts (Sample.py, "Author: jonyqin", Sep 2014,
# shipped with the 消息加解密 documentation; a copy is in github.com/charlesXu86/Chatbot_CN at
# Chatbot_Web/impl/weixin/Sample.py). The POST body is in compatible mode: plaintext fields plus Encrypt.
SAMPLE_TOKEN = "spamtest"
SAMPLE_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
SAMPLE_APPID = "wx2c2769f8efd9abc2"
SAMPLE_TIMESTAMP = "1409735669"
SAMPLE_NONCE = "1320562132"
SAMPLE_MSG_SIGNATURE = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
SAMPLE_ENCRYPT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9"
    "FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3y"
    "t+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v"
    "6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
)
SAMPLE_COMPATIBLE_BODY = (
    "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]>"
    "</FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]>"
    f"</Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[{SAMPLE_ENCRYPT}]]></Encrypt></xml>"
)
SAMPLE_SAFE_BODY = f"<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[{SAMPLE_ENCRYPT}]]></Encrypt></xml>"
# The sample gives only msg_signature; the URL's `signature` is sha1 of the sorted sample token, timestamp and
# nonce (the same value appears in other projects' tests of this vector, e.g. with echostr "shr5ch").
SAMPLE_SIGNATURE = "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a"
SAMPLE_PARAMS = {
    "signature": SAMPLE_SIGNATURE, "timestamp": SAMPLE_TIMESTAMP, "nonce": SAMPLE_NONCE,
    "encrypt_type": "aes", "msg_signature": SAMPLE_MSG_SIGNATURE,
}

NONCE = "271828182"
ELEVATOR = "3号楼电梯坏了，物业一直不来修"
# The tables a message could touch, each with the column that orders a snapshot of it.
TRACKED = {"processed_messages": (ProcessedMessage, "key"), "appeals": (Appeal, "id"), "residents": (Resident, "id")}


# --- helpers ------------------------------------------------------------------------------------------------


def signed(timestamp: int | str, nonce: str = NONCE, token: str = TEST_TOKEN) -> dict[str, str]:
    """Query parameters with a request signature, as WeChat sends them."""
    return {"signature": signature(token, str(timestamp), nonce), "timestamp": str(timestamp), "nonce": nonce}


def msg_signature(timestamp: int | str, nonce: str, encrypt: str, token: str = TEST_TOKEN) -> str:
    """Safe mode's message signature: sha1 of the sorted token, timestamp, nonce and ciphertext."""
    return hashlib.sha1("".join(sorted([token, str(timestamp), nonce, encrypt])).encode()).hexdigest()


def xml_of(fields: dict[str, str], root: str = "xml") -> str:
    inner = "".join(f"<{name}><![CDATA[{value}]]></{name}>" for name, value in fields.items())
    return f"<{root}>{inner}</{root}>"


def text_fields(now: int, **changes: str | None) -> dict[str, str]:
    """A valid text message from o1; a change to None drops that field."""
    fields = {"ToUserName": ACCOUNT, "FromUserName": "o1", "CreateTime": str(now), "MsgType": "text",
              "Content": ELEVATOR, "MsgId": "7000000000000000001"}
    for name, value in changes.items():
        if value is None:
            fields.pop(name)
        else:
            fields[name] = value
    return fields


def encrypted_body(now: int, plaintext: str, appid: str = TEST_APPID) -> tuple[dict[str, str], bytes]:
    """Safe-mode params and body carrying any plaintext, correctly signed."""
    envelope = ET.fromstring(WeChatCrypto(TEST_TOKEN, TEST_AES_KEY, appid).encrypt_message(plaintext, NONCE, str(now)))
    encrypt = envelope.findtext("Encrypt") or ""
    params = signed(now) | {"encrypt_type": "aes", "msg_signature": envelope.findtext("MsgSignature") or ""}
    return params, xml_of({"ToUserName": ACCOUNT, "Encrypt": encrypt}).encode()


def snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a message could touch."""
    with database.transaction() as session:
        return {
            name: [tuple(row) for row in session.execute(select(model.__table__).order_by(model.__table__.c[order]))]
            for name, (model, order) in TRACKED.items()
        }


def count(database: Database, model: type) -> int:
    with database.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def appeals_of(database: Database, openid: str) -> list[Appeal]:
    with database.transaction() as session:
        return list(session.scalars(
            select(Appeal).join(Resident, Resident.id == Appeal.resident_id).where(Resident.openid == openid)
        ))


def post(client, params: dict[str, str], body: bytes):  # type: ignore[no-untyped-def]
    return client.post("/wechat", query_string=params, data=body, content_type="text/xml")


def warnings_in(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


def reply_fields(body: str) -> dict[str, str]:
    """A plaintext passive reply, parsed by the standard library's XML parser."""
    root = ET.fromstring(body)
    assert root.tag == "xml"
    return {child.tag: child.text or "" for child in root}


# --- Tencent's sample vector ----------------------------------------------------------------------------------


def test_the_sample_request_signature_is_sha1_of_the_sorted_token_timestamp_and_nonce() -> None:
    assert signature(SAMPLE_TOKEN, SAMPLE_TIMESTAMP, SAMPLE_NONCE) == SAMPLE_SIGNATURE
    assert msg_signature(SAMPLE_TIMESTAMP, SAMPLE_NONCE, SAMPLE_ENCRYPT, SAMPLE_TOKEN) == SAMPLE_MSG_SIGNATURE


def test_the_settings_fixture_uses_tencents_sample_credentials(settings) -> None:  # type: ignore[no-untyped-def]
    assert (settings.wechat_token, settings.wechat_aes_key, settings.wechat_appid) == (
        SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_APPID)


@pytest.mark.parametrize("body", [SAMPLE_COMPATIBLE_BODY, SAMPLE_SAFE_BODY], ids=["compatible", "safe"])
def test_tencents_sample_request_decrypts_through_our_wire_to_its_known_plaintext(settings, body: str) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(datetime.fromtimestamp(int(SAMPLE_TIMESTAMP), timezone.utc))

    decoded = Wire(settings, clock).decode(SAMPLE_PARAMS, body.encode())

    inbound = decoded.inbound
    assert decoded.encrypted is True
    assert decoded.account == "gh_10f6c3c3ac5a"
    assert decoded.nonce == SAMPLE_NONCE
    assert inbound.kind is Kind.TEXT
    assert inbound.openid == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    assert inbound.text == "abcdteT"
    assert inbound.key == "msg:6054768590064713728"
    assert inbound.created_at == datetime(2014, 9, 3, 9, 14, 28, tzinfo=timezone.utc)  # CreateTime 1409735668
    assert inbound.raw["MsgId"] == "6054768590064713728"
    assert "Encrypt" not in inbound.raw  # the fields come from the decrypted message, not the envelope


@pytest.mark.postgres
def test_tencents_sample_request_posted_to_the_webhook_gets_an_encrypted_reply_that_opens(
    client, clock: Clock, seeded: Database
) -> None:  # type: ignore[no-untyped-def]
    clock.current = datetime.fromtimestamp(int(SAMPLE_TIMESTAMP), timezone.utc)

    response = post(client, SAMPLE_PARAMS, SAMPLE_COMPATIBLE_BODY.encode())

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "abcdteT" not in body and "<Encrypt>" in body
    server = WeChatServer(SAMPLE_TOKEN, SAMPLE_APPID, SAMPLE_AES_KEY)
    reply = server.open_reply(body, SignedRequest(SAMPLE_PARAMS, SAMPLE_COMPATIBLE_BODY.encode(), True))
    assert reply is not None and "已收到您的诉求" in reply  # an unbound resident: held, and binding starts
    assert [a.content for a in appeals_of(seeded, "oyORnuP8q7ou2gfYjqLzSIWZf0rs")] == ["abcdteT"]


# --- GET: the URL check ---------------------------------------------------------------------------------------


def test_the_url_check_echoes_echostr_when_the_signature_is_right(client, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/wechat", query_string=signed(now_of(clock)) | {"echostr": "7428197310593418"})

    assert response.status_code == 200
    assert response.get_data(as_text=True) == "7428197310593418"


@pytest.mark.parametrize("echostr", ["<script>alert(1)</script>", "您的账号异常，请拨打4001234567", "", "7" * 129])
def test_a_signed_url_check_with_an_echostr_that_is_not_a_plain_token_is_refused_and_echoes_nothing(
    client, clock: Clock, echostr: str
) -> None:  # type: ignore[no-untyped-def]
    # A URL check's signature covers no echostr: one replayed from a log could make this site serve any text.
    response = client.get("/wechat", query_string=signed(now_of(clock)) | {"echostr": echostr})

    assert response.status_code == 400
    assert response.get_data(as_text=True) == "bad request"


def test_the_url_checks_answer_is_never_sniffed_as_a_page(client, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/wechat", query_string=signed(now_of(clock)) | {"echostr": "shr5ch"})

    assert (response.status_code, response.get_data(as_text=True)) == (200, "shr5ch")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_url_check_with_a_wrong_signature_gets_403_and_echoes_nothing(
    client, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    params = signed(now_of(clock), token="not-our-token") | {"echostr": "7428197310593418"}

    response = client.get("/wechat", query_string=params)

    assert response.status_code == 403
    assert "7428197310593418" not in response.get_data(as_text=True)
    [warning] = warnings_in(caplog)
    assert "bad signature" in warning.getMessage()


# --- POST: plaintext, safe and compatible mode -------------------------------------------------------------------


@pytest.mark.postgres
def test_a_plaintext_message_gets_a_plaintext_reply_addressed_back_to_the_resident(
    wechat_plain, clock: Clock, seeded: Database
) -> None:  # type: ignore[no-untyped-def]
    response, _request = wechat_plain.post(wechat_plain.server.text("o1", ELEVATOR))

    assert response.status_code == 200
    assert response.content_type.startswith("application/xml")
    fields = reply_fields(response.get_data(as_text=True))
    assert fields["ToUserName"] == "o1"
    assert fields["FromUserName"] == ACCOUNT
    assert fields["MsgType"] == "text"
    assert fields["CreateTime"] == str(now_of(clock))
    assert "编号：G" in fields["Content"] and "物业服务" in fields["Content"]
    assert len(appeals_of(seeded, "o1")) == 1


@pytest.mark.postgres
def test_a_safe_mode_message_is_decrypted_and_its_reply_encrypted(wechat_safe, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    response, request = wechat_safe.post(wechat_safe.server.text("o1", ELEVATOR))

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    envelope = reply_fields(body)
    assert set(envelope) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    assert envelope["Nonce"] == request.params["nonce"]
    assert "编号" not in body
    reply = wechat_safe.server.open_reply(body, request)
    assert reply is not None and "编号：G" in reply and "幸福里社区·第一网格" in reply
    [appeal] = appeals_of(seeded, "o1")
    assert appeal.content == ELEVATOR


@pytest.mark.postgres
def test_a_compatible_mode_message_is_read_from_its_ciphertext_and_answered_encrypted(
    client, clock: Clock, seeded: Database
) -> None:  # type: ignore[no-untyped-def]
    server = WeChatServer(TEST_TOKEN, TEST_APPID, TEST_AES_KEY)
    genuine = server.text("o1", ELEVATOR, msg_id=7000000000000000042, create_time=now_of(clock))
    request = server.sign(genuine, encrypted=True, timestamp=now_of(clock))
    encrypt = ET.fromstring(request.body).findtext("Encrypt") or ""
    # Compatible mode: the plaintext fields travel next to Encrypt; they are not authenticated, so a tampered
    # plaintext must lose against the ciphertext.
    tampered = text_fields(now_of(clock), Content="楼下有人乱停车", MsgId="7000000000000000042")
    body = xml_of(tampered | {"Encrypt": encrypt}).encode()

    response = post(client, request.params, body)

    assert response.status_code == 200
    text = response.get_data(as_text=True)
    root = ET.fromstring(text)
    assert root.findtext("Encrypt") and root.findtext("MsgSignature")
    expected = msg_signature(root.findtext("TimeStamp") or "", root.findtext("Nonce") or "", root.findtext("Encrypt") or "")
    assert root.findtext("MsgSignature") == expected
    reply = server.open_reply(text, SignedRequest(request.params, body, True))
    assert reply is not None and "编号：G" in reply and "物业服务" in reply
    assert [a.content for a in appeals_of(seeded, "o1")] == [ELEVATOR]


@pytest.mark.postgres
def test_an_encrypted_reply_does_not_open_with_a_wrong_msg_signature(wechat_safe) -> None:  # type: ignore[no-untyped-def]
    from wechatpy.exceptions import InvalidSignatureException

    response, request = wechat_safe.post(wechat_safe.server.text("o1", ELEVATOR))
    root = ET.fromstring(response.get_data(as_text=True))
    crypto = WeChatCrypto(TEST_TOKEN, TEST_AES_KEY, TEST_APPID)

    with pytest.raises(InvalidSignatureException):
        crypto.decrypt_message({"Encrypt": root.findtext("Encrypt")}, "0" * 40, root.findtext("TimeStamp"),
                               root.findtext("Nonce"))


NEW_AES_KEY = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"  # 43 characters, as the backend generates them


@pytest.mark.postgres
def test_while_the_encodingaeskey_changes_messages_under_either_key_are_answered_under_their_own(
    runtime: Runtime, seeded: Database
) -> None:
    """WeChat's FAQ: keep the current and the previous EncodingAESKey, try the previous when the current fails,
    and seal the reply with whichever opened the message. So the key changes with no message refused."""
    rotating = Runtime(runtime.settings.with_(wechat_aes_key=NEW_AES_KEY, wechat_aes_key_previous=TEST_AES_KEY),
                       clock=runtime.clock, database=runtime.database)
    client = create_app(runtime=rotating).test_client()
    before, after = WeChat(client, runtime.clock, encrypted=True), WeChat(client, runtime.clock, encrypted=True)
    after.server = WeChatServer(TEST_TOKEN, TEST_APPID, NEW_AES_KEY)
    assert "编号：G" in (before.send("o1", ELEVATOR) or "")  # WeChat still on the old key: opened and sealed with it
    assert "编号：G" in (after.send("o2", "1栋门口路灯坏了，晚上很黑") or "")  # switched: the new one
    stranger = WeChat(client, runtime.clock, encrypted=True)
    stranger.server = WeChatServer(TEST_TOKEN, TEST_APPID, "A" * 43)
    response, _ = stranger.post(stranger.server.text("o3", ELEVATOR))
    assert response.status_code == 400  # neither key: refused as before
    alone = create_app(runtime=Runtime(runtime.settings.with_(wechat_aes_key=NEW_AES_KEY), clock=runtime.clock,
                                       database=runtime.database)).test_client()
    old = WeChat(alone, runtime.clock, encrypted=True)
    response, _ = old.post(old.server.text("o1", "楼道灯坏了"))
    assert response.status_code == 400  # without the previous key, a message under it cannot be read


@pytest.mark.parametrize("age", [-299, 299, -300, 300])
@pytest.mark.postgres
def test_a_timestamp_up_to_300_seconds_off_is_accepted(wechat, clock: Clock, age: int) -> None:  # type: ignore[no-untyped-def]
    xml = wechat.server.text("o1", ELEVATOR, create_time=now_of(clock))
    request = wechat.server.sign(xml, encrypted=True, timestamp=now_of(clock) - age)

    response = post(wechat.client, request.params, request.body)

    assert response.status_code == 200
    assert "编号：G" in (wechat.server.open_reply(response.get_data(as_text=True), request) or "")


@pytest.mark.postgres
def test_a_body_of_exactly_64_kib_is_accepted(wechat_plain, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    xml = wechat_plain.server.text("o1", ELEVATOR, create_time=now_of(clock)).encode()
    body = xml + b"\n" * (64 * 1024 - len(xml))
    assert len(body) == 64 * 1024

    response = post(wechat_plain.client, signed(now_of(clock)), body)

    assert response.status_code == 200


# --- every bad input: its status, nothing stored, one warning naming the problem ----------------------------------

STATUS_TEXT = {400: "bad request", 403: "forbidden", 413: "payload too large"}


@dataclass(frozen=True)
class Bad:
    status: int
    reason: str  # what the single warning must say
    build: Callable[[int], tuple[dict[str, str], bytes]]  # now -> (query parameters, body)


def _plain(now: int, **changes: str | None) -> tuple[dict[str, str], bytes]:
    return signed(now), xml_of(text_fields(now, **changes)).encode()


def _location(now: int, latitude: str, longitude: str, **changes: str | None) -> tuple[dict[str, str], bytes]:
    return _plain(now, MsgType="location", Content=None, Location_X=latitude, Location_Y=longitude,
                  **({"Label": "阳光花园3号楼"} | changes))


def _with_params(now: int, **changes: str | None) -> tuple[dict[str, str], bytes]:
    params, body = _plain(now)
    for name, value in changes.items():
        if value is None:
            params.pop(name)
        else:
            params[name] = value
    return params, body


def _raw(body: str) -> Callable[[int], tuple[dict[str, str], bytes]]:
    return lambda now: (signed(now), body.replace("NOW", str(now)).encode())


_MESSAGE = "<ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>NOW</CreateTime>" \
           "<MsgType>text</MsgType><MsgId>7000000000000000001</MsgId>"
_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    f"<xml>{_MESSAGE}<Content>&lol3;</Content></xml>"
)


def _safe_garbage(now: int) -> tuple[dict[str, str], bytes]:
    garbage = base64.b64encode(b"this is not AES-CBC ciphertext!").decode()  # 31 bytes: not whole blocks
    params = signed(now) | {"encrypt_type": "aes", "msg_signature": msg_signature(now, NONCE, garbage)}
    return params, xml_of({"ToUserName": ACCOUNT, "Encrypt": garbage}).encode()


def _safe_not_base64(now: int) -> tuple[dict[str, str], bytes]:
    garbage = "%%%not-base64%%%"
    params = signed(now) | {"encrypt_type": "aes", "msg_signature": msg_signature(now, NONCE, garbage)}
    return params, xml_of({"ToUserName": ACCOUNT, "Encrypt": garbage}).encode()


def _safe_bad_msg_signature(now: int) -> tuple[dict[str, str], bytes]:
    params, body = encrypted_body(now, xml_of(text_fields(now)))
    return params | {"msg_signature": msg_signature(now, NONCE, "some other ciphertext")}, body


def _safe_without_encrypt(now: int) -> tuple[dict[str, str], bytes]:
    params, body = _plain(now)
    return params | {"encrypt_type": "aes", "msg_signature": msg_signature(now, NONCE, "")}, body


BAD_INPUTS: dict[str, Bad] = {
    "bad signature": Bad(403, "bad signature", lambda now: (signed(now, token="not-our-token"), _plain(now)[1])),
    "signature of another nonce": Bad(403, "bad signature", lambda now: _with_params(now, nonce="314159265")),
    "signature of another timestamp": Bad(403, "bad signature", lambda now: _with_params(now, timestamp=str(now - 1))),
    "no signature": Bad(403, "missing signature parameters", lambda now: _with_params(now, signature=None)),
    "no timestamp": Bad(403, "missing signature parameters", lambda now: _with_params(now, timestamp=None)),
    "no nonce": Bad(403, "missing signature parameters", lambda now: _with_params(now, nonce=None)),
    "no query at all": Bad(403, "missing signature parameters", lambda now: ({}, _plain(now)[1])),
    "timestamp 301 s old": Bad(403, "timestamp 301 s behind this host's clock, outside the 300s window: a replay, "
                                    "or this host's clock is off (check NTP)",
                               lambda now: (signed(now - 301), _plain(now)[1])),
    "timestamp 301 s ahead": Bad(403, "timestamp 301 s ahead of this host's clock",
                                 lambda now: (signed(now + 301), _plain(now)[1])),
    "timestamp not a number": Bad(403, "timestamp is not a number", lambda now: (signed("soon"), _plain(now)[1])),
    "timestamp ² (a digit to str.isdigit)": Bad(403, "timestamp is not a number", lambda now: (
        signed("²"), _plain(now)[1])),
    "timestamp of 13 digits": Bad(403, "timestamp is not a number", lambda now: (
        signed("1" + "0" * 12), _plain(now)[1])),
    "bad msg_signature": Bad(403, "bad msg_signature", _safe_bad_msg_signature),
    "encrypted for another appid": Bad(
        403, "another appid", lambda now: encrypted_body(now, xml_of(text_fields(now)), appid="wx0000000000000000")),
    "body over 64 KiB": Bad(
        413, "body over 65536 bytes", lambda now: (signed(now), _plain(now)[1] + b" " * (64 * 1024))),
    "malformed XML": Bad(400, "malformed XML", _raw(f"<xml>{_MESSAGE}<Content>电梯坏了</Content>")),
    "empty body": Bad(400, "malformed XML", _raw("")),
    "not XML": Bad(400, "malformed XML", _raw('{"MsgType": "text"}')),
    "DTD": Bad(400, "DTD", _raw(f"<!DOCTYPE xml><xml>{_MESSAGE}<Content>电梯坏了</Content></xml>")),
    "internal entity (billion laughs)": Bad(400, "DTD", _raw(_LAUGHS)),
    "external entity": Bad(400, "DTD", _raw(
        f'<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml>{_MESSAGE}<Content>&xxe;</Content></xml>')),
    "DTD inside the ciphertext": Bad(400, "DTD", lambda now: encrypted_body(
        now, f'<!DOCTYPE xml [<!ENTITY a "b">]><xml>{_MESSAGE.replace("NOW", str(now))}<Content>&a;</Content></xml>')),
    "root element not <xml>": Bad(400, "unexpected XML root <message>", lambda now: (
        signed(now), xml_of(text_fields(now), root="message").encode())),
    "no ToUserName": Bad(400, "message without ToUserName", lambda now: _plain(now, ToUserName=None)),
    "no FromUserName": Bad(400, "message without FromUserName", lambda now: _plain(now, FromUserName=None)),
    "no MsgType": Bad(400, "message without MsgType", lambda now: _plain(now, MsgType=None)),
    "no CreateTime": Bad(400, "message without CreateTime", lambda now: _plain(now, CreateTime=None)),
    "empty FromUserName": Bad(400, "message without FromUserName", lambda now: _plain(now, FromUserName="")),
    "no MsgId": Bad(400, "message without MsgId", lambda now: _plain(now, MsgId=None)),
    "no Content": Bad(400, "text message without Content", lambda now: _plain(now, Content=None)),
    "CreateTime not a number": Bad(400, "CreateTime must be a Unix time", lambda now: _plain(now, CreateTime="yesterday")),
    "CreateTime 10**20": Bad(400, "CreateTime must be a Unix time", lambda now: _plain(
        now, CreateTime="100000000000000000000")),
    "CreateTime ²": Bad(400, "CreateTime must be a Unix time", lambda now: _plain(now, CreateTime="²")),
    "CreateTime past year 9999": Bad(400, "CreateTime must be a Unix time", lambda now: _plain(
        now, CreateTime="253402300800")),
    "location not numbers": Bad(400, "Location_X must be a number between -90 and 90", lambda now: _plain(
        now, MsgType="location", Content=None, Location_X="north", Location_Y="116.4", Label="x")),
    "location NaN": Bad(400, "Location_X must be a number between -90 and 90", lambda now: _location(now, "NaN", "116.4")),
    "location infinite": Bad(400, "Location_Y must be a number between -180 and 180", lambda now: _location(
        now, "39.9", "-inf")),
    "latitude over 90": Bad(400, "Location_X must be a number between -90 and 90", lambda now: _location(
        now, "90.5", "116.4")),
    "longitude over 180": Bad(400, "Location_Y must be a number between -180 and 180", lambda now: _location(
        now, "39.9", "180.01")),
    "10,000-character openid": Bad(400, "FromUserName must be 1-64 characters", lambda now: _plain(
        now, FromUserName="o" * 10_000)),
    "openid with a space": Bad(400, "FromUserName must be 1-64 characters", lambda now: _plain(
        now, FromUserName="o1 o2")),
    "65-character ToUserName": Bad(400, "ToUserName must be 1-64 characters", lambda now: _plain(
        now, ToUserName="g" * 65)),
    "10,000-digit MsgId": Bad(400, "MsgId must be 1-20 ASCII digits", lambda now: _plain(now, MsgId="7" * 10_000)),
    "MsgId of 2**63": Bad(400, "MsgId must be 1-20 ASCII digits", lambda now: _plain(now, MsgId=str(2**63))),
    "MsgId with a fullwidth digit": Bad(400, "MsgId must be 1-20 ASCII digits", lambda now: _plain(now, MsgId="７")),
    "text over 22,000 characters": Bad(400, "Content must be at most 22000 characters", lambda now: _plain(
        now, Content="a" * 22_001)),
    "voice recognition over 22,000 characters": Bad(400, "Recognition must be at most 22000", lambda now: _plain(
        now, MsgType="voice", Content=None, MediaId="m1", Recognition="a" * 22_001)),
    "MediaId of 10,000 characters": Bad(400, "MediaId must be at most 256", lambda now: _plain(
        now, MsgType="image", Content=None, MediaId="m" * 10_000, PicUrl="http://mmbiz.qpic.cn/x.jpg")),
    "PicUrl not a URL": Bad(400, "PicUrl must be an http(s) URL", lambda now: _plain(
        now, MsgType="image", Content=None, MediaId="m1", PicUrl="javascript:alert(1)")),
    "EventKey of 10,000 characters": Bad(400, "EventKey must be at most 1024", lambda now: _plain(
        now, MsgType="event", Content=None, MsgId=None, Event="CLICK", EventKey="k" * 10_000)),
    "Label of 10,000 characters": Bad(400, "Label must be at most 512", lambda now: _location(
        now, "39.9", "116.4", Label="楼" * 10_000)),
    "an unknown field of 10,000 characters": Bad(400, "Extra must be at most 8000", lambda now: _plain(
        now, Extra="x" * 10_000)),
    "encrypt_type=aes without Encrypt": Bad(400, "without an Encrypt element", _safe_without_encrypt),
    "Encrypt not whole AES blocks": Bad(400, "cannot decrypt", _safe_garbage),
    "Encrypt not base64": Bad(400, "cannot decrypt", _safe_not_base64),
}


@pytest.mark.parametrize("case", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
@pytest.mark.postgres
def test_a_bad_request_gets_its_status_leaves_no_trace_and_logs_one_warning_saying_why(
    client, plain_client, clock: Clock, seeded: Database, caplog: pytest.LogCaptureFixture, case: Bad
) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(seeded)
    params, body = case.build(now_of(clock))
    caplog.set_level(logging.INFO)

    # Plaintext requests go to a plain-mode webhook (safe mode refuses them before anything else).
    response = post(client if "encrypt_type" in params else plain_client, params, body)

    assert response.status_code == case.status
    text = response.get_data(as_text=True)
    assert text == STATUS_TEXT[case.status]
    assert "Traceback" not in text
    assert snapshot(seeded) == before
    assert before["processed_messages"] == [] and before["appeals"] == []
    warnings = warnings_in(caplog)
    assert len(warnings) == 1, [w.getMessage() for w in warnings]
    assert f"refused {case.status}" in warnings[0].getMessage()
    assert case.reason in warnings[0].getMessage()
    assert warnings[0].exc_info is None


# --- `]]>` in echoed user text ---------------------------------------------------------------------------------------

TRICKY = "电梯坏了]]><Content>假的</Content>]]]]>&amp;<![CDATA[x"


@pytest.mark.parametrize("mode", ["plaintext", "safe"])
@pytest.mark.postgres
def test_user_text_with_a_cdata_terminator_is_echoed_back_exactly(
    request: pytest.FixtureRequest, seeded: Database, mode: str
) -> None:
    # 查询 <编号> echoes the appeal's content: a real path from the resident's text into the passive reply.
    wechat = request.getfixturevalue("wechat_plain" if mode == "plaintext" else "wechat_safe")
    wechat.send("o1", TRICKY)
    [appeal] = appeals_of(seeded, "o1")
    assert appeal.content == TRICKY

    response, signed_request = wechat.post(wechat.server.text("o1", f"查询 {appeal.ticket}"))

    body = response.get_data(as_text=True)
    if mode == "plaintext":
        fields = reply_fields(body)  # the standard library parser: one <Content>, no injected element
        assert set(fields) == {"ToUserName", "FromUserName", "CreateTime", "MsgType", "Content"}
        content = fields["Content"]
    else:
        content = wechat.server.open_reply(body, signed_request) or ""
    assert f"内容：{TRICKY}\n" in content


@pytest.mark.parametrize("text", ["]]>", "a]]>b]]>c", "]]]]>", "]]]>>", "<![CDATA[ ]]> ]]", "&lt;]]&gt;"])
def test_wire_render_keeps_any_text_intact_inside_cdata(settings, clock: Clock, text: str) -> None:  # type: ignore[no-untyped-def]
    wire = Wire(settings, clock)
    inbound = Inbound(key="msg:1", openid="o1", kind=Kind.TEXT, created_at=clock())
    decoded = Decoded(inbound=inbound, account=ACCOUNT, encrypted=False, nonce=NONCE)

    rendered = wire.render(Reply(f"回复：{text}"), decoded)

    assert reply_fields(rendered)["Content"] == f"回复：{text}"


def test_a_silent_reply_renders_as_success(settings, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    inbound = Inbound(key="msg:1", openid="o1", kind=Kind.TEXT, created_at=clock())
    decoded = Decoded(inbound=inbound, account=ACCOUNT, encrypted=True, nonce=NONCE)
    wire = Wire(settings, clock)

    assert wire.render(Reply.silent(), decoded) == SILENT
    assert wire.seal(SILENT, decoded) == SILENT  # never encrypted: WeChat expects the bare word


# --- voice, media and the kinds we decline ----------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_voice_message_with_recognition_becomes_a_voice_appeal(wechat, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    reply = wechat.deliver(wechat.server.voice("o1", "楼道灯坏了好几天了，晚上看不见路"))

    assert reply is not None and "已受理您的诉求" in reply
    [appeal] = appeals_of(seeded, "o1")
    assert appeal.channel == "voice"
    assert appeal.content == "楼道灯坏了好几天了，晚上看不见路"


@pytest.mark.parametrize("recognition", [None, ""], ids=["no Recognition", "empty Recognition"])
@pytest.mark.postgres
def test_a_voice_message_without_recognition_asks_for_text_and_files_nothing(
    wechat, seeded: Database, recognition: str | None
) -> None:  # type: ignore[no-untyped-def]
    reply = wechat.deliver(wechat.server.voice("o1", recognition))

    assert reply == texts.VOICE_UNCLEAR
    assert count(seeded, Appeal) == 0


@pytest.mark.postgres
def test_an_image_without_an_open_appeal_asks_what_it_is_about_and_files_nothing(
    wechat, seeded: Database
) -> None:  # type: ignore[no-untyped-def]
    assert wechat.deliver(wechat.server.image("o1")) == texts.attachment_waiting("image")
    assert count(seeded, Appeal) == 0


@pytest.mark.postgres
def test_an_image_and_a_location_are_added_to_the_open_appeal(wechat, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    wechat.send("o1", ELEVATOR)
    [appeal] = appeals_of(seeded, "o1")

    image_reply = wechat.deliver(wechat.server.image("o1"))
    location_reply = wechat.deliver(wechat.server.location("o1", 39.915, 116.404, "阳光花园3号楼"))

    assert image_reply == texts.attachment_added("image", appeal.ticket)
    assert location_reply == texts.attachment_added("location", appeal.ticket)
    assert count(seeded, Appeal) == 1


@pytest.mark.parametrize("kind, fields", [
    ("video", {"MediaId": "media-video-1", "ThumbMediaId": "thumb-1"}),
    ("shortvideo", {"MediaId": "media-video-2", "ThumbMediaId": "thumb-2"}),
    ("link", {"Title": "小区公告", "Description": "停水通知", "Url": "https://example.com/notice"}),
    # A sticker of one's own or a forwarded chat record: WeChat sends this placeholder as the text.
    ("text", {"Content": "【收到不支持的消息类型，暂无法显示】"}),
])
@pytest.mark.postgres
def test_unsupported_kinds_get_a_polite_answer_and_file_nothing(
    wechat, clock: Clock, seeded: Database, kind: str, fields: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    xml = xml_of({"ToUserName": ACCOUNT, "FromUserName": "o1", "CreateTime": str(now_of(clock)), "MsgType": kind}
                 | fields | {"MsgId": "7000000000000000077"})

    assert wechat.deliver(xml) == texts.UNSUPPORTED
    assert count(seeded, Appeal) == 0


@pytest.mark.postgres
def test_staff_sending_a_video_is_not_told_to_describe_an_appeal(wechat, clock: Clock, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    xml = xml_of({"ToUserName": ACCOUNT, "FromUserName": ZHANG, "CreateTime": str(now_of(clock)), "MsgType": "video",
                  "MediaId": "media-video-3", "ThumbMediaId": "thumb-3", "MsgId": "7000000000000000078"})

    reply = wechat.deliver(xml)

    assert reply == staff_texts.UNSUPPORTED and "诉求" not in reply


# --- events -----------------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_subscribing_gets_the_welcome_and_the_hint_to_bind(wechat, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    reply = wechat.deliver(wechat.server.event("o_new_1", "subscribe"))

    assert reply == texts.WELCOME + "\n" + texts.BIND_FIRST_HINT
    newcomer = resident(seeded, "o_new_1")
    assert newcomer is not None and newcomer.status == ResidentStatus.ACTIVE and newcomer.grid_id is None


@pytest.mark.postgres
def test_a_grid_member_following_again_is_not_asked_to_bind_an_address(wechat, clock: Clock, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    wechat.deliver(wechat.server.event(ZHANG, "unsubscribe", create_time=now_of(clock)))
    clock.advance(seconds=5)

    reply = wechat.deliver(wechat.server.event(ZHANG, "subscribe", create_time=now_of(clock)))

    assert reply == staff_texts.subscribed_again("张伟", "grid_member")
    assert "绑定" not in reply and "网格员（张伟）" in reply


@pytest.mark.postgres
def test_a_building_lead_following_again_gets_the_residents_welcome(wechat, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    reply = wechat.deliver(wechat.server.event(BUILDING_LEAD, "subscribe"))

    assert reply is not None and reply.startswith(texts.WELCOME)


def test_a_bound_resident_following_again_is_told_the_address_on_record(wechat, clock: Clock, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    wechat.post(wechat.server.event("o1", "unsubscribe", create_time=now_of(clock)))
    clock.advance(days=90)  # events are keyed by FromUserName + CreateTime: months later is a new event
    reply = wechat.deliver(wechat.server.event("o1", "subscribe", create_time=now_of(clock)))

    assert reply is not None and reply.startswith(texts.WELCOME)
    assert "您绑定的住址：幸福里社区·第一网格 阳光花园3号楼1单元。如果已经搬家，请回复“我搬家了”" in reply


@pytest.mark.postgres
def test_an_unbound_resident_following_again_is_told_of_the_appeal_waiting_for_the_address(wechat, clock: Clock, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    wechat.send("o_new_5", ELEVATOR)
    [held] = appeals_of(seeded, "o_new_5")
    wechat.post(wechat.server.event("o_new_5", "unsubscribe", create_time=now_of(clock)))
    clock.advance(days=30)
    reply = wechat.deliver(wechat.server.event("o_new_5", "subscribe", create_time=now_of(clock)))

    assert reply == texts.WELCOME + "\n" + texts.HELD_ON_RETURN.format(tickets=held.ticket)
    assert "第一次使用" not in reply


def _building(database: Database, name: str) -> Building:
    with database.transaction() as session:
        return session.scalars(select(Building).where(Building.name == name).order_by(Building.id)).first()  # type: ignore[return-value]


@pytest.mark.postgres
def test_subscribing_through_a_building_qr_code_binds_in_one_step(wechat, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    building = _building(seeded, "3号楼")

    reply = wechat.deliver(wechat.server.event("o_new_2", "subscribe", key=f"qrscene_{building.scene_key}"))

    assert reply is not None and reply.startswith(texts.WELCOME)
    assert "已为您绑定：幸福里社区·第一网格 阳光花园3号楼" in reply
    bound = resident(seeded, "o_new_2")
    assert bound is not None and bound.building_id == building.id and bound.grid_id == building.grid_id


@pytest.mark.postgres
def test_scanning_a_building_qr_code_as_a_follower_binds_in_one_step(wechat, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    building = _building(seeded, "1栋")

    reply = wechat.deliver(wechat.server.event("o_new_3", "SCAN", key=building.scene_key))

    assert reply is not None and "已为您绑定：和平社区·第一网格 和平小区1栋" in reply
    bound = resident(seeded, "o_new_3")
    assert bound is not None and bound.building_id == building.id


@pytest.mark.postgres
def test_scanning_ones_own_building_code_keeps_the_unit_chosen(wechat, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    before = resident(seeded, "o1")  # bound to 阳光花园3号楼1单元
    assert before is not None and before.unit_id is not None
    building = _building(seeded, "3号楼")

    reply = wechat.deliver(wechat.server.event("o1", "SCAN", key=building.scene_key))

    assert reply is not None and reply.startswith("已为您绑定：幸福里社区·第一网格 阳光花园3号楼1单元")
    assert "精确到单元" not in reply
    after = resident(seeded, "o1")
    assert after is not None and after.building_id == building.id and after.unit_id == before.unit_id


@pytest.mark.postgres
def test_scanning_another_buildings_code_binds_to_that_building(wechat, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    building = _building(seeded, "1栋")

    reply = wechat.deliver(wechat.server.event("o1", "SCAN", key=building.scene_key))

    assert reply is not None and ("已将您的住址由 幸福里社区·第一网格 阳光花园3号楼1单元 改为：和平社区·第一网格 和平小区1栋\n"
                                  "如果您并不住在这栋楼，或需要精确到单元") in reply  # the old address is said to be gone
    moved = resident(seeded, "o1")
    assert moved is not None and moved.building_id == building.id and moved.unit_id is None


@pytest.mark.postgres
def test_scanning_an_unknown_code_asks_to_bind_by_hand(wechat, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    assert wechat.deliver(wechat.server.event("o_new_4", "SCAN", key="no-such-scene")) == texts.BIND_SCENE_UNKNOWN
    stranger = resident(seeded, "o_new_4")
    assert stranger is None or stranger.building_id is None


@pytest.mark.parametrize("mode", ["plaintext", "safe"])
@pytest.mark.postgres
def test_unsubscribing_is_acknowledged_silently_and_keeps_the_appeals(
    request: pytest.FixtureRequest, seeded: Database, mode: str
) -> None:
    wechat = request.getfixturevalue("wechat_plain" if mode == "plaintext" else "wechat_safe")
    wechat.send("o1", ELEVATOR)

    response, _signed = wechat.post(wechat.server.event("o1", "unsubscribe"))

    assert response.status_code == 200
    assert response.get_data(as_text=True) == "success"
    gone = resident(seeded, "o1")
    assert gone is not None and gone.status == ResidentStatus.INACTIVE and gone.unsubscribed_at is not None
    assert [a.content for a in appeals_of(seeded, "o1")] == [ELEVATOR]


@pytest.mark.postgres
def test_the_my_appeals_menu_click_lists_the_residents_appeals(wechat, clock: Clock, seeded: Database) -> None:  # type: ignore[no-untyped-def]
    click = wechat.server.event("o1", "CLICK", key="我的诉求", create_time=now_of(clock))
    assert wechat.deliver(click) == texts.NO_APPEALS
    wechat.send("o1", ELEVATOR)
    [appeal] = appeals_of(seeded, "o1")
    clock.advance(seconds=5)  # events are keyed by FromUserName + CreateTime: a later click is a new event

    reply = wechat.deliver(wechat.server.event("o1", "CLICK", key="我的诉求", create_time=now_of(clock)))

    assert reply is not None and reply.startswith("您最近的诉求：") and appeal.ticket in reply


@pytest.mark.postgres
def test_a_menu_click_whose_key_is_no_command_gets_a_hint_not_silence(
    wechat, clock: Clock, seeded: Database, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.WARNING, logger="handlers.events"):
        reply = wechat.deliver(wechat.server.event("o1", "CLICK", key="V1001_MY_APPEALS", create_time=now_of(clock)))

    assert reply == texts.MENU_KEY_UNKNOWN
    assert "V1001_MY_APPEALS" in caplog.text
    assert count(seeded, Appeal) == 0


@pytest.mark.postgres
def test_two_menu_clicks_in_one_second_are_each_answered_and_not_taken_for_a_retry(
    wechat, clock: Clock, seeded: Database
) -> None:  # type: ignore[no-untyped-def]
    # Events are keyed by FromUserName + CreateTime (WeChat's rule for a retry): 帮助 then 我的诉求 tapped within one
    # second shared a key, and the second got 帮助's stored reply. A retry repeats the event and its key too.
    at = now_of(clock)
    first = wechat.deliver(wechat.server.event("o1", "CLICK", key="帮助", create_time=at))
    second = wechat.deliver(wechat.server.event("o1", "CLICK", key="我的诉求", create_time=at))

    assert second == texts.NO_APPEALS and first != second
    assert wechat.deliver(wechat.server.event("o1", "CLICK", key="我的诉求", create_time=at)) == second
    assert count(seeded, ProcessedMessage) == 2


@pytest.mark.postgres
def test_an_event_repeated_with_the_same_create_time_is_answered_once_with_the_same_reply(
    wechat, clock: Clock, seeded: Database
) -> None:  # type: ignore[no-untyped-def]
    building = _building(seeded, "5号楼")
    xml = wechat.server.event("o_new_5", "subscribe", key=f"qrscene_{building.scene_key}", create_time=now_of(clock))

    replies = [wechat.deliver(xml) for _ in range(3)]

    assert replies[0] is not None and "已为您绑定" in replies[0]
    assert replies == [replies[0]] * 3
    assert count(seeded, ProcessedMessage) == 1
