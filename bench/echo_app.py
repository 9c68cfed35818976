"""The baseline: a bare wechatpy echo handler on Flask, the least any WeChat webhook in Python does.

Served by gunicorn exactly like the real app (`echo_app:app`); configured through the environment:
BENCH_WECHAT_TOKEN, BENCH_WECHAT_APPID and, for safe mode, BENCH_WECHAT_AES_KEY.
"""

from __future__ import annotations

import os

from flask import Flask, Response, request
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.replies import create_reply
from wechatpy.utils import check_signature

TEXT_XML = "application/xml; charset=utf-8"


def create_echo_app(token: str, appid: str, aes_key: str | None) -> Flask:
    """A Flask app answering every text message with its own content."""
    crypto = WeChatCrypto(token, aes_key, appid) if aes_key else None
    app = Flask(__name__)

    @app.route("/wechat", methods=["GET", "POST"])
    def wechat() -> Response:
        """Check the signature; echo echostr on GET, the message's content on POST."""
        args = request.args
        timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
        try:
            check_signature(token, args.get("signature", ""), timestamp, nonce)
        except InvalidSignatureException:
            return Response("forbidden", status=403)
        if request.method == "GET":
            return Response(args.get("echostr", ""), mimetype="text/plain")
        if crypto is not None and args.get("encrypt_type") == "aes":
            plaintext = crypto.decrypt_message(request.data, args.get("msg_signature", ""), timestamp, nonce)
            return Response(crypto.encrypt_message(echo(plaintext), nonce, timestamp), mimetype=TEXT_XML)
        return Response(echo(request.data), mimetype=TEXT_XML)

    return app


def echo(xml: str | bytes) -> str:
    """wechatpy's parse and render: a text reply carrying the message's own content."""
    message = parse_message(xml)
    return create_reply(getattr(message, "content", ""), message, render=True)


def _from_env() -> Flask:
    """The app gunicorn serves, configured from BENCH_WECHAT_* variables."""
    return create_echo_app(
        os.environ["BENCH_WECHAT_TOKEN"],
        os.environ["BENCH_WECHAT_APPID"],
        os.environ.get("BENCH_WECHAT_AES_KEY") or None,
    )


app = _from_env() if "BENCH_WECHAT_TOKEN" in os.environ else None
