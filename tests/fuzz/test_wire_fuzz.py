"""Fuzzing the webhook: whatever arrives at /wechat, no 500, no traceback, nothing stored when refused, and a
genuine message still answered.

Bodies are random bytes, broken and hostile XML (entity expansion, external entities: defusedxml refuses them
before anything expands), wrong encodings and huge fields, both as the outer body and as the plaintext inside a
correctly signed and encrypted envelope (the test account's token and AES key); query strings are random.
"""

from __future__ import annotations

import base64
import itertools
import string

import pytest
from hypothesis import currently_in_test_context, event, example, given
from hypothesis import strategies as st
from wechatpy.crypto import PrpCrypto

from bot.wechat.simulator import ACCOUNT, SignedRequest, signature
from handlers.resident_texts import SYSTEM_BUSY
from tests.conftest import TEST_AES_KEY, TEST_APPID, TEST_TOKEN, WeChat
from tests.fuzz.invariants import changed, half_written, row_counts
from tests.fuzz.strategies import characters, free_text, long_text

REFUSALS = (400, 403, 408, 413)
TRACES = ("Traceback", 'File "', "Error:", "Exception")
# The tables a refused request could touch at most: none. A served one may claim its message key, open the
# reply window, meet a new resident, file an appeal with its event and tell the grid.
SERVED = ("processed_messages", "reply_windows", "residents", "appeals", "appeal_events", "outbox",
          "ticket_counters", "access_counters", "attachments", "faq_answers", "focus_cases", "focus_case_appeals",
          "appeal_followers")
FIELDS = ("ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Event", "EventKey",
          "Recognition", "MediaId", "PicUrl", "Location_X", "Location_Y", "Label", "MsgID", "Encrypt", "Scale")
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
    + ']><xml><ToUserName>&lol9;</ToUserName></xml>'
)
EXTERNAL_ENTITY = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
                   "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>"
                   "<MsgType>text</MsgType><Content>&secret;</Content><MsgId>1</MsgId></xml>")
PARAMETER_ENTITY = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd">'
                    "%remote;]><xml/>")
HOSTILE = [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY, '<!DOCTYPE xml><xml><MsgType>text</MsgType></xml>',
           '<?xml version="1.0" encoding="gbk"?><xml><Content>电梯</Content></xml>']


def _xml_text(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@st.composite
def messages(draw: st.DrawFn, now: int) -> str:
    """A message's XML with every field possibly wrong: missing, misnamed, absurd, huge."""
    fields = {"ToUserName": ACCOUNT, "FromUserName": "o1", "CreateTime": str(now), "MsgType": "text",
              "Content": "我的诉求", "MsgId": str(7 * 10**18 + draw(st.integers(0, 10**17)))}
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        fields[name] = draw(st.one_of(
            st.text(characters(), max_size=30),
            st.sampled_from(["text", "voice", "image", "location", "event", "subscribe", "SCAN", "CLICK", "qrscene_1",
                             "²", "1e309", "nan", "-91", "99999999999999999999", "", " ", "o1", "TEXT"]),
            st.integers(-2**70, 2**70).map(str),
            long_text(),
        ))
    for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=2, unique=True)):
        del fields[name]
    inner = "".join(f"<{name}>{_xml_text(value)}</{name}>" for name, value in fields.items())
    extra = draw(st.sampled_from(["", "<Nested><a>1</a></Nested>", "<Content>twice</Content>", "<!-- c -->"]))
    return f"<xml>{inner}{extra}</xml>"


def encrypted(plaintext: bytes, timestamp: str, nonce: str) -> tuple[dict[str, str], bytes]:
    """Safe-mode params and body carrying any bytes as the decrypted message, correctly signed."""
    encrypt = PrpCrypto(base64.b64decode(TEST_AES_KEY + "=")).encrypt(plaintext, TEST_APPID).decode()
    return envelope(encrypt, timestamp, nonce)


def envelope(encrypt: str, timestamp: str, nonce: str) -> tuple[dict[str, str], bytes]:
    """An envelope around any Encrypt text, with the msg_signature that covers it."""
    params = {"signature": signature(TEST_TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
              "encrypt_type": "aes", "msg_signature": _msg_signature(timestamp, nonce, encrypt)}
    return params, f"<xml><ToUserName>{ACCOUNT}</ToUserName><Encrypt>{_xml_text(encrypt)}</Encrypt></xml>".encode()


def _msg_signature(timestamp: str, nonce: str, encrypt: str) -> str:
    import hashlib

    return hashlib.sha1("".join(sorted([TEST_TOKEN, timestamp, nonce, encrypt])).encode()).hexdigest()


_NONCES = itertools.count(10**9)


def _nonce() -> str:
    """A nonce of its own for every request (hypothesis seeds `random`: its draws repeat across examples)."""
    return str(next(_NONCES))


def assert_clean(response) -> str:  # type: ignore[no-untyped-def]
    """Not a server error, and nothing of Python's inside; the body as text."""
    if currently_in_test_context():
        event(f"status {response.status_code}")
    body = response.get_data(as_text=True)
    assert response.status_code != 500, body
    assert not any(trace in body for trace in TRACES), body
    return body


def assert_still_answers(wechat: WeChat) -> None:
    """A genuine message after the fuzzed one gets its reply."""
    reply = wechat.send("o1", "帮助")
    assert reply, "no reply to 帮助 after a fuzzed request"


@pytest.fixture
def tables(seeded):  # type: ignore[no-untyped-def]
    return seeded


def assert_refused_storing_nothing(wechat, tables, params: dict[str, str],  # type: ignore[no-untyped-def]
                                   body: bytes) -> None:
    """The POST is refused cleanly (no 500, no traceback) and no row of any table changed."""
    before = row_counts(tables)
    response = wechat.client.post("/wechat", query_string=params, data=body)
    assert_clean(response)
    assert response.status_code in REFUSALS
    assert row_counts(tables) == before


@given(body=st.one_of(st.binary(max_size=2048), st.text(characters(), max_size=500).map(str.encode),
                      st.sampled_from(HOSTILE).map(str.encode)))
@example(body=BILLION_LAUGHS.encode())
@example(body=b"<xml><ToUserName>gh</ToUserName><Encrypt>")
@example(body="<xml><Encrypt>电梯</Encrypt></xml>".encode("utf-16"))
def test_any_body_in_a_signed_safe_mode_request_is_refused_and_stores_nothing(wechat, tables, body: bytes) -> None:
    timestamp, nonce = str(wechat.now()), _nonce()
    params = {"signature": signature(TEST_TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
              "encrypt_type": "aes", "msg_signature": "0" * 40}
    assert_refused_storing_nothing(wechat, tables, params, body)


@given(inner=st.one_of(st.binary(max_size=600), st.sampled_from(HOSTILE).map(str.encode),
                       st.text(characters(), max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
                       st.sampled_from(["utf-16", "gbk", "latin-1", "utf-32"]).map(
                           lambda codec: "<xml><Content>电梯坏了</Content></xml>".encode(codec, "replace"))))
@example(inner=BILLION_LAUGHS.encode())
@example(inner=EXTERNAL_ENTITY.encode())
def test_garbage_inside_a_valid_envelope_is_refused_and_stores_nothing(wechat, tables, inner: bytes) -> None:
    params, body = encrypted(inner, str(wechat.now()), _nonce())
    assert_refused_storing_nothing(wechat, tables, params, body)
    assert_still_answers(wechat)


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY])
def test_entity_declarations_are_refused_by_defusedxml_before_anything_expands(
    wechat, wechat_plain, tables, caplog: pytest.LogCaptureFixture, hostile: str
) -> None:  # type: ignore[no-untyped-def]
    params, body = encrypted(hostile.encode(), str(wechat.now()), _nonce())
    plain = {"signature": signature(TEST_TOKEN, str(wechat.now()), "42"), "timestamp": str(wechat.now()),
             "nonce": "42"}
    inside = wechat.client.post("/wechat", query_string=params, data=body)
    outside = wechat_plain.client.post("/wechat", query_string=plain, data=hostile.encode())

    for response in (inside, outside):
        assert response.status_code == 400
        assert "root:" not in assert_clean(response)  # /etc/passwd never read into anything
    assert caplog.text.count("XML with a DTD or entity declaration") == 2


@given(encrypt=st.one_of(st.text(characters(), max_size=400), st.binary(max_size=300).map(
    lambda raw: base64.b64encode(raw).decode()), st.text(st.sampled_from(string.ascii_letters + "+/="), max_size=400)))
@example(encrypt="")
@example(encrypt="AAAA")
@example(encrypt=base64.b64encode(b"\x00" * 32).decode())
def test_a_correctly_signed_envelope_of_garbage_is_refused_and_stores_nothing(wechat, tables, encrypt: str) -> None:
    params, body = envelope(encrypt, str(wechat.now()), _nonce())
    assert_refused_storing_nothing(wechat, tables, params, body)


QUERY_KEYS = ("signature", "timestamp", "nonce", "msg_signature", "echostr", "encrypt_type", "openid")


@st.composite
def queries(draw: st.DrawFn, now: int) -> dict[str, str]:
    """Query strings with any of WeChat's parameters, any values; sometimes a signature that matches them."""
    params = {key: draw(st.text(characters(), max_size=40)) for key in draw(
        st.lists(st.sampled_from(QUERY_KEYS), max_size=len(QUERY_KEYS), unique=True))}
    if draw(st.booleans()):
        params["timestamp"] = draw(st.one_of(st.integers(now - 600, now + 600).map(str),
                                             st.text(characters(), max_size=14), st.just("²" * 3),
                                             st.integers(0, 10**30).map(str)))
        params.setdefault("nonce", draw(st.text(characters(), min_size=1, max_size=12)))
        params["signature"] = signature(TEST_TOKEN, params["timestamp"], params["nonce"])
    return params


@given(data=st.data())
def test_any_query_string_on_get_and_post_gets_no_server_error_and_stores_nothing(wechat, tables, data) -> None:  # type: ignore[no-untyped-def]
    params = data.draw(queries(wechat.now()))
    body = data.draw(st.sampled_from([b"", b"<xml/>", b"<xml><Encrypt>AAAA</Encrypt></xml>"]))
    before = row_counts(tables)

    verified = wechat.client.get("/wechat", query_string=params)
    posted = wechat.client.post("/wechat", query_string=params, data=body)

    assert_clean(verified)
    assert_clean(posted)
    assert verified.status_code in (200, *REFUSALS)
    assert posted.status_code in REFUSALS
    assert row_counts(tables) == before


@given(data=st.data())
def test_a_signed_and_encrypted_message_of_any_fields_is_answered_or_refused_whole(wechat, tables, data) -> None:  # type: ignore[no-untyped-def]
    xml = data.draw(messages(wechat.now()))
    params, body = encrypted(xml.encode("utf-8", "surrogatepass"), str(wechat.now()), _nonce())
    before = row_counts(tables)

    response = wechat.client.post("/wechat", query_string=params, data=body)

    assert_clean(response)
    after = row_counts(tables)
    if response.status_code != 200:
        assert response.status_code in REFUSALS
        assert after == before
    else:
        reply = wechat.server.open_reply(response.get_data(as_text=True), SignedRequest(params, body, True))
        assert reply != SYSTEM_BUSY, f"the handling of {xml!r} failed (see the log)"
        assert not changed(before, after, ignore=SERVED)
        assert not half_written(tables)
    assert_still_answers(wechat)


@given(content=st.one_of(free_text(200), long_text()))
def test_a_plain_mode_message_of_any_text_is_answered_or_refused_whole(wechat_plain, tables, content: str) -> None:
    now, nonce = str(wechat_plain.now()), _nonce()
    xml = (f"<xml><ToUserName>{ACCOUNT}</ToUserName><FromUserName>o1</FromUserName><CreateTime>{now}</CreateTime>"
           f"<MsgType>text</MsgType><Content>{_xml_text(content)}</Content><MsgId>{nonce}</MsgId></xml>")
    params = {"signature": signature(TEST_TOKEN, now, nonce), "timestamp": now, "nonce": nonce}
    before = row_counts(tables)

    response = wechat_plain.client.post("/wechat", query_string=params, data=xml.encode("utf-8", "surrogatepass"))

    assert_clean(response)
    if response.status_code != 200:
        assert response.status_code in REFUSALS
        assert row_counts(tables) == before
    else:
        assert SYSTEM_BUSY not in assert_clean(response), f"the handling of {content[:200]!r} failed (see the log)"
    assert not half_written(tables)
