"""The `gridbot` command: serve, worker, db upgrade, fake-wechat, simulate, demo."""

from __future__ import annotations

import sys

import click
import requests

from bot.settings import Settings, SettingsError


def _settings(demo: bool = False) -> Settings:
    try:
        return Settings.for_demo() if demo else Settings.from_env()
    except SettingsError as error:
        raise click.UsageError(f"configuration: {error}") from None


@click.group()
def main() -> None:
    """网格诉求助手 gridbot: a WeChat official-account assistant for community grid governance."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="web server processes")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the WeChat webhook (GET/POST /wechat) with gunicorn."""
    from bot.server import run_gunicorn

    run_gunicorn(_settings(), host, port, workers)


@main.command()
@click.option("--burst", is_flag=True, help="stop when the queue is empty")
def worker(burst: bool) -> None:
    """Run the outbox relay and an RQ worker (deliveries to WeChat)."""
    import worker as worker_module

    worker_module.main(_settings(), burst=burst)


@main.group()
def db() -> None:
    """Database schema."""


@db.command()
def upgrade() -> None:
    """Apply every pending migration (GRIDBOT_DATABASE_URL, SQLite by default)."""
    from storage.db import upgrade as run_upgrade

    run_upgrade(Settings.database_url_from_env())
    click.echo("database is up to date")


@main.command("fake-wechat")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
def fake_wechat(host: str, port: int) -> None:
    """A local fake of WeChat's HTTP API that records every call (open / in a browser)."""
    from bot.fake_wechat import serve as serve_fake

    serve_fake(host, port)


@main.command()
@click.option("--openid", required=True, help="the resident (or staff) openid to send as")
@click.option("--safe", is_flag=True, help="safe mode: AES-encrypt the message like WeChat does")
@click.option("--url", default="http://127.0.0.1:8000/wechat", show_default=True, help="the webhook")
@click.option("--voice", is_flag=True, help="send TEXT as a voice message's recognition")
@click.option("--image", is_flag=True, help="send an image")
@click.option("--location", metavar="LAT,LON", help="send a location (TEXT is its label)")
@click.option("--event", help="send an event instead: subscribe, unsubscribe, SCAN, CLICK")
@click.option("--key", help="the event's EventKey (QR scene or menu key)")
@click.argument("text", required=False, default="")
def simulate(openid: str, safe: bool, url: str, voice: bool, image: bool, location: str | None,
             event: str | None, key: str | None, text: str) -> None:
    """Send one message to the webhook exactly as WeChat's server would, and print the reply."""
    from bot.simulator import WeChatServer

    settings = _settings(demo=True)
    if safe and not settings.wechat_aes_key:
        raise click.UsageError("--safe needs WECHAT_AES_KEY")
    server = WeChatServer.for_settings(settings)
    xml = _simulated_message(server, openid, text, voice, image, location, event, key)
    signed = server.sign(xml, encrypted=safe)
    try:
        response = requests.post(url, params=signed.params, data=signed.body, timeout=10,
                                 headers={"Content-Type": "text/xml"})
    except requests.ConnectionError:
        raise click.ClickException(f"cannot reach {url}: is `gridbot demo` (or serve) running?") from None
    if response.status_code != 200:
        raise click.ClickException(f"the webhook answered HTTP {response.status_code}: {response.text[:200]}")
    reply = server.open_reply(response.text, signed)
    click.echo(reply if reply is not None else "（无回复：已静默确认）")


def _simulated_message(server, openid, text, voice, image, location, event, key) -> str:  # type: ignore[no-untyped-def]
    if event:
        return server.event(openid, event, key)
    if image:
        return server.image(openid)
    if location:
        try:
            latitude, longitude = (float(part) for part in location.split(","))
        except ValueError:
            raise click.UsageError("--location takes LAT,LON, e.g. 39.9,116.4") from None
        return server.location(openid, latitude, longitude, text or "")
    if voice:
        return server.voice(openid, text or None)
    if not text:
        raise click.UsageError("give the TEXT to send (or --event/--image/--location)")
    return server.text(openid, text)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="0.0.0.0 to let another machine reach it")
@click.option("--port", default=8000, show_default=True, type=int)
def demo(host: str, port: int) -> None:
    """Everything on one machine: SQLite, embedded Redis, webhook, worker, fake WeChat API, demo data."""
    from bot.demo import run_demo

    sys.exit(run_demo(_settings(demo=True), host, port))
