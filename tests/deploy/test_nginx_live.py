"""The nginx site file at work, on high ports in a temp prefix, in front of a stand-in web host that echoes what
it receives: the X-Forwarded-For gridbot's source check reads, the private paths, the webhook's body limit, the
login rate limit, and an access log without openids or photo-link tokens."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
import requests

from bot.settings import Settings
from bot.wechat.sources import SourceCheck
from tests.deploy.conftest import render, require_tool
from tests.deploy.test_units_and_nginx import self_signed
from tests.support.ports import free_port_pair

# Stands in for an openid in the callback URL; not shaped like one, since the test session's own logs (urllib3's
# request lines) must hold no openid either (tests/log_scan.py).
SENDER = "SENDER-OPENID-MARKER"


class _Echo(BaseHTTPRequestHandler):
    """Answers every request with the path and the forwarding headers it arrived with."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = "|".join((self.path, self.headers.get("X-Forwarded-For", ""),
                         self.headers.get("X-Forwarded-Proto", ""))).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def proxy(tmp_path_factory) -> Iterator[tuple[str, Path]]:  # type: ignore[no-untyped-def]
    """nginx with the shipped site file (only its ports moved, 80 and 443 may be taken) in front of the echo;
    its https base URL and its access log. Requests check its certificate (REQUESTS_CA_BUNDLE)."""
    nginx = require_tool("nginx", "nginx")
    prefix = tmp_path_factory.mktemp("nginx-live")
    web_port, https_port = free_port_pair(), free_port_pair()
    web = ThreadingHTTPServer(("127.0.0.1", web_port), _Echo)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    certificate, key = self_signed(prefix)
    access_log = prefix / "gridbot-access.log"
    upstream, site = render.render_nginx(prefix, [f"127.0.0.1:{web_port}"], certificate, key, access_log)
    text = site.read_text(encoding="utf-8")
    for shipped, here in (("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
                          ("listen 80;", f"listen 127.0.0.1:{https_port + 1};")):
        assert shipped in text
        text = text.replace(shipped, here)
    site.write_text(re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", text), encoding="utf-8")
    config = prefix / "nginx.conf"
    temp = "".join(f"    {kind}_temp_path {prefix / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                           "scgi"))
    config.write_text(f"worker_processes 1;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'};\n"
                      f"events {{}}\nhttp {{\n{temp}    include {upstream};\n    include {site};\n}}\n",
                      encoding="utf-8")
    server = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log"),
                               "-g", "daemon off;"], stderr=subprocess.PIPE, text=True)
    base = f"https://127.0.0.1:{https_port}"
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate))
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                requests.get(f"{base}/n/1", timeout=2)
                break
            except requests.ConnectionError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield base, access_log
    finally:
        monkeypatch.undo()
        server.terminate()
        server.wait(timeout=10)
        web.shutdown()


def test_gridbot_sees_the_client_nginx_saw_whatever_the_client_claims(proxy):
    base, _log = proxy

    path, forwarded_for, scheme = requests.post(f"{base}/wechat?openid={SENDER}",
                                                data=b"<xml/>", headers={"X-Forwarded-For": "203.0.113.9"},
                                                timeout=5).text.split("|")

    assert (path, forwarded_for, scheme) == (f"/wechat?openid={SENDER}", "203.0.113.9, 127.0.0.1",
                                             "https")
    # As the web host's source check reads it, nginx (10.0.0.10 in production) being the trusted proxy.
    settings = Settings.from_env({"WECHAT_TOKEN": "t", "WECHAT_APPID": "wx1", "GRIDBOT_SECRET_KEY": "s" * 32,
                                  "GRIDBOT_TRUSTED_PROXIES": "10.0.0.10"})
    assert str(SourceCheck(settings, lambda: None).client_address("10.0.0.10", forwarded_for)) == "127.0.0.1"


def test_metrics_is_refused_and_healthz_only_for_this_host(proxy):
    base, _log = proxy

    assert requests.get(f"{base}/metrics", timeout=5).status_code == 403
    assert requests.get(f"{base}/healthz", timeout=5).text.startswith("/healthz|")


def test_a_webhook_body_beyond_64_kb_never_reaches_gridbot(proxy):
    base, _log = proxy

    assert requests.post(f"{base}/wechat", data=b"x" * (64 * 1024 + 1), timeout=5).status_code == 413
    assert requests.post(f"{base}/wechat", data=b"x" * (60 * 1024), timeout=5).status_code == 200


def test_console_logins_beyond_the_burst_are_refused_and_pages_are_not(proxy):
    base, _log = proxy

    statuses = [requests.post(f"{base}/console/login", data={"username": "a"}, timeout=5).status_code
                for _ in range(8)]

    assert statuses[:6] == [200] * 6 and 429 in statuses[6:]
    assert requests.get(f"{base}/console/login", timeout=5).status_code == 200


def test_the_access_log_holds_no_openid_and_no_photo_token(proxy):
    base, access_log = proxy
    requests.post(f"{base}/wechat?openid={SENDER}&signature=ab12", data=b"<xml/>",
                  timeout=5)
    requests.get(f"{base}/media/SiGnEdToKeN123", timeout=5)

    deadline = time.monotonic() + 5
    while "GET /media/-" not in access_log.read_text(encoding="utf-8") and time.monotonic() < deadline:
        time.sleep(0.05)
    logged = access_log.read_text(encoding="utf-8")

    assert '"POST /wechat"' in logged and '"GET /media/-"' in logged
    assert SENDER not in logged and "signature" not in logged and "SiGnEdToKeN" not in logged
