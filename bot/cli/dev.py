"""Developer commands: `gridbot fake-wechat`, `gridbot simulate`, `gridbot demo`."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import click
import requests

from bot.cli import dev_texts as texts
from bot.cli import preflight
from bot.cli.support import PORT, configured, fail, read_settings
from bot.demo import DEFAULT_PORT, DEFAULT_WEBHOOK
from bot.ports import bind_error
from bot.settings import Settings
from handlers.os_reasons import os_reason

log = logging.getLogger(__name__)
SIMULATE_TIMEOUT_S = 10  # twice WeChat's wait: a webhook slower than that is stuck, not slow


@click.command("fake-wechat")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=PORT)
@click.option("--callback-ip", "callback_ips", multiple=True, metavar="IP|CIDR")
@click.option("--events-to", metavar="URL")
def fake_wechat(host: str, port: int, callback_ips: tuple[str, ...], events_to: str | None) -> None:
    """A local fake of WeChat's HTTP API that records every call (open / in a browser)."""
    taken = bind_error(host, port)
    if taken is not None:  # gunicorn alone retried for five seconds, in English
        fail(texts.PORT_UNUSABLE.format(host=host, port=port, reason=os_reason(taken)))
    account: dict[str, str | None] = {}
    if events_to:
        settings = read_settings()
        account = {"token": settings.wechat_token, "appid": settings.wechat_appid,
                   "aes_key": settings.wechat_aes_key}
    serve_fake(host, port, callback_ips=callback_ips, events_to=events_to, **account)


def serve_fake(host: str, port: int, **options: Any) -> None:
    """Run the fake on host:port until interrupted; options go to create_fake_app (expires_in, appid, secret,
    callback_ips, events_to, token, aes_key)."""
    from bot.web.server import run_fake_api
    from bot.wechat.fake import create_fake_app

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    app = create_fake_app(**options)
    log.info("fake WeChat API on http://%s:%d (set WECHAT_API_BASE_URL to it; recorded calls at /)", host, port)
    run_fake_api(app, host, port)


@click.command()
@click.option("--openid", required=True)
@click.option("--safe", is_flag=True)
@click.option("--plain", is_flag=True)
@click.option("--url", default=DEFAULT_WEBHOOK, show_default=True)
@click.option("--voice", is_flag=True)
@click.option("--image", is_flag=True)
@click.option("--location", metavar="LAT,LON")
@click.option("--event")
@click.option("--key")
@click.argument("text", required=False, default="")
def simulate(openid: str, safe: bool, plain: bool, url: str, voice: bool, image: bool, location: str | None,
             event: str | None, key: str | None, text: str) -> None:
    """Send one message to the webhook exactly as WeChat's server would, and print the reply.

    Encrypted unless the account is in plain mode (GRIDBOT_WECHAT_MODE, or no WECHAT_AES_KEY) or --plain.
    """
    from bot.settings import PLAIN
    from bot.wechat.simulator import WeChatServer

    settings = configured(Settings.for_simulation)
    if safe and plain:
        raise click.UsageError(texts.SAFE_AND_PLAIN)
    if safe and not settings.wechat_aes_key:
        raise click.UsageError(texts.SAFE_NEEDS_KEY)
    server = WeChatServer.for_settings(settings)
    xml = _simulated_message(server, openid, text, voice, image, location, event, key)
    signed = server.sign(xml, encrypted=safe or (not plain and settings.mode != PLAIN))
    try:
        response = requests.post(url, params=signed.params, data=signed.body, timeout=SIMULATE_TIMEOUT_S,
                                 headers={"Content-Type": "text/xml"})
    except requests.Timeout:  # before ConnectionError: a connect timeout is both
        raise click.ClickException(texts.TIMED_OUT.format(url=url, seconds=SIMULATE_TIMEOUT_S)) from None
    except requests.ConnectionError:
        raise click.ClickException(texts.UNREACHABLE.format(url=url)) from None
    except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema):
        raise click.ClickException(texts.BAD_URL.format(url=url)) from None
    if response.status_code != 200:
        raise click.ClickException(texts.HTTP_ERROR.format(status=response.status_code, body=response.text[:200]))
    reply = server.open_reply(response.text, signed)
    click.echo(reply if reply is not None else texts.NO_REPLY)


def _simulated_message(server, openid, text, voice, image, location, event, key) -> str:  # type: ignore[no-untyped-def]
    if event:
        return server.event(openid, event, key)
    if image:
        return server.image(openid)
    if location:
        try:
            latitude, longitude = (float(part) for part in location.split(","))
        except ValueError:
            raise click.UsageError(texts.LOCATION_FORMAT) from None
        return server.location(openid, latitude, longitude, text or "")
    if voice:
        return server.voice(openid, text or None)
    if not text:
        raise click.UsageError(texts.NOTHING_TO_SEND)
    return server.text(openid, text)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=PORT)
@click.option("--api-port", type=PORT, default=None)
def demo(host: str, port: int, api_port: int | None) -> None:
    """Everything on one machine: SQLite, embedded Redis, webhook, worker, fake WeChat API, demo data."""
    from bot.demo.run import DemoError, run_demo
    from bot.demo.sourced import forget_sourced

    if api_port is not None and api_port == port:  # refused before anything starts, as a bad option (exit 2)
        raise click.BadParameter(texts.API_PORT_IS_PORT.format(port=port), param_hint="'--api-port'")
    forget_sourced(os.environ)  # a terminal that sourced a demo's operator.env starts as a fresh one would
    settings = read_settings(demo=True)
    preflight.require(settings, preflight.classifier)
    try:
        sys.exit(run_demo(settings, host, port, api_port))
    except DemoError as error:
        fail(f"gridbot demo: {error}")
