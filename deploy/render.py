"""The files of deploy/ as a test or a bench installs them: the same text, with only the install prefix, the web
hosts' addresses, the certificate paths and (for a run without root) the access log replaced (standard library
only).

    python3 deploy/render.py units OUT --venv /path/to/venv
    python3 deploy/render.py nginx OUT --certificate CERT --key KEY --upstream 10.1.0.2:8000 --upstream ... \
        [--access-log PATH]

Each placeholder must be found where it is expected: a unit or nginx file edited so that one is gone fails here,
rather than leaving the shipped value in a rendered copy.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SYSTEMD = HERE / "systemd"
NGINX = HERE / "nginx"
UPSTREAM_FILE = "gridbot-upstream.conf"
SITE_FILE = "gridbot-site.conf"
# What the shipped files say, and a test or bench replaces.
VENV = "/opt/gridbot/venv"
CERTIFICATE = "/etc/ssl/gridbot/fullchain.pem"
KEY = "/etc/ssl/gridbot/privkey.pem"
# nginx -t opens the log files: a test writes its own.
ACCESS_LOG = "/var/log/nginx/gridbot-access.log"
# One `server` line of the upstream block: its address, and the options every web host shares.
_SERVER = re.compile(r"^(?P<indent>[ \t]+)server (?P<address>\S+)(?P<options>[^;\n]*);\n", re.MULTILINE)


class RenderError(ValueError):
    """A shipped file no longer holds the placeholder the renderer replaces."""


def units() -> list[Path]:
    """Every systemd unit shipped (services, templates, timers)."""
    return sorted(path for path in SYSTEMD.iterdir() if path.suffix in (".service", ".timer"))


def render_units(out: Path, venv: Path) -> list[Path]:
    """Copy every unit to `out`, the gridbot executable taken from `venv`; returns the copies."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for unit in units():
        # The backup units run PostgreSQL's tools, not gridbot: they keep their paths.
        text = unit.read_text(encoding="utf-8").replace(f"{VENV}/bin/gridbot", f"{venv}/bin/gridbot")
        written.append(_write(out / unit.name, text))
    return written


def render_nginx(out: Path, upstreams: list[str], certificate: Path, key: Path,
                 access_log: Path | None = None) -> tuple[Path, Path]:
    """Copy the upstream and site files to `out` with these web hosts and this certificate (and access log, if
    given); returns both."""
    if not upstreams:
        raise RenderError("at least one upstream address is needed")
    out.mkdir(parents=True, exist_ok=True)
    upstream = (NGINX / UPSTREAM_FILE).read_text(encoding="utf-8")
    shipped = list(_SERVER.finditer(upstream))
    if not shipped:
        raise RenderError(f"{UPSTREAM_FILE} has no server line")
    first, last = shipped[0], shipped[-1]
    lines = "".join(f"{first['indent']}server {address}{first['options']};\n" for address in upstreams)
    upstream = upstream[:first.start()] + lines + upstream[last.end():]
    site = (NGINX / SITE_FILE).read_text(encoding="utf-8")
    site = _replace(SITE_FILE, site, CERTIFICATE, str(certificate))
    site = _replace(SITE_FILE, site, KEY, str(key))
    if access_log is not None:
        site = _replace(SITE_FILE, site, ACCESS_LOG, str(access_log))
    return _write(out / UPSTREAM_FILE, upstream), _write(out / SITE_FILE, site)


def _replace(name: str, text: str, placeholder: str, value: str) -> str:
    if placeholder not in text:
        raise RenderError(f"{name} no longer holds {placeholder}")
    return text.replace(placeholder, value)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    unit_command = commands.add_parser("units", help="the systemd units")
    unit_command.add_argument("out", type=Path)
    unit_command.add_argument("--venv", type=Path, required=True, help="the virtualenv holding bin/gridbot")
    nginx_command = commands.add_parser("nginx", help="the nginx upstream and site files")
    nginx_command.add_argument("out", type=Path)
    nginx_command.add_argument("--upstream", action="append", required=True, help="host:port of a web host")
    nginx_command.add_argument("--certificate", type=Path, required=True)
    nginx_command.add_argument("--key", type=Path, required=True)
    nginx_command.add_argument("--access-log", type=Path, help=f"instead of {ACCESS_LOG}")
    args = parser.parse_args(argv)
    if args.command == "units":
        paths = render_units(args.out, args.venv.resolve())
    else:
        paths = list(render_nginx(args.out, args.upstream, args.certificate.resolve(), args.key.resolve(),
                                  args.access_log and args.access_log.resolve()))
    for path in paths:
        print(path)


if __name__ == "__main__":
    main()
