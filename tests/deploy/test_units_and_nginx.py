"""The systemd units and the nginx configuration in deploy/ pass their own tools' checks (`systemd-analyze
verify`, `nginx -t`) as rendered for this machine, and a broken copy of each fails the same check."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

import pytest

from tests.deploy.conftest import render, require_tool

WEB_HOSTS = ["127.0.0.1:18001", "127.0.0.1:18002"]


def verify(unit: Path) -> str:
    """What `systemd-analyze verify` says about the unit ("" when nothing): it exits 0 on unknown keys and bad
    values, so anything it prints counts. A template is checked as one of its instances."""
    systemd_analyze = require_tool("systemd-analyze", "systemd")
    target = f"{unit}:{unit.name.replace('@.', '@1.')}" if "@." in unit.name else str(unit)
    done = subprocess.run([systemd_analyze, "verify", "--man=no", target], capture_output=True, text=True,
                          timeout=60, cwd=unit.parent)
    said = (done.stdout + done.stderr).strip()
    return said or ("" if done.returncode == 0 else f"exit status {done.returncode}")


@pytest.fixture(scope="module")
def rendered_units(tmp_path_factory, venv) -> list[Path]:
    return render.render_units(tmp_path_factory.mktemp("units"), venv)


def test_every_unit_passes_systemd_analyze_verify(rendered_units, venv):
    assert {unit.name for unit in rendered_units} >= {"gridbot-web.service", "gridbot-worker@.service",
                                                      "gridbot-backup.service", "gridbot-backup.timer"}
    assert {unit.name: verify(unit) for unit in rendered_units} == {unit.name: "" for unit in rendered_units}
    web = (rendered_units[0].parent / "gridbot-web.service").read_text(encoding="utf-8")
    assert f"ExecStart={venv}/bin/gridbot serve " in web
    # The workers' metrics files live in /run/gridbot-web, which systemd-tmpfiles' clean-up of /tmp does not reach.
    assert "\nRuntimeDirectory=gridbot-web\n" in web


@pytest.mark.parametrize("change, said", [
    (("KillMode=mixed", "KillMode=mixd"), "kill mode"),
    (("Restart=on-failure", "Restart=on-failure\nRestartt=always"), "Unknown key"),
    (("/bin/gridbot worker", "/bin/gridbot-missing worker"), "not executable"),
])
def test_a_broken_unit_fails_the_same_check(rendered_units, tmp_path, change, said):
    worker = next(unit for unit in rendered_units if unit.name == "gridbot-worker@.service")
    broken = tmp_path / worker.name
    text = worker.read_text(encoding="utf-8")
    assert change[0] in text
    broken.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")

    assert said in verify(broken)


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A throwaway certificate and key for localhost and 127.0.0.1."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([
                       x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def nginx_test(prefix: Path, upstream: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on a main configuration of this prefix (pid, logs and temp files in it) including both files,
    as /etc/nginx/nginx.conf includes conf.d/."""
    nginx = require_tool("nginx", "nginx")
    config = prefix / "nginx.conf"
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                             "uwsgi", "scgi"))
    config.write_text(f"""worker_processes 1;
pid {prefix / 'nginx.pid'};
error_log {prefix / 'error.log'};
events {{}}
http {{
    access_log {prefix / 'access.log'};
{temp}
    include {upstream};
    include {site};
}}
""", encoding="utf-8")
    return subprocess.run([nginx, "-t", "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log")],
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def rendered_nginx(tmp_path_factory) -> tuple[Path, Path, Path]:
    prefix = tmp_path_factory.mktemp("nginx")
    certificate, key = self_signed(prefix)
    upstream, site = render.render_nginx(prefix, WEB_HOSTS, certificate, key, prefix / "gridbot-access.log")
    return prefix, upstream, site


def test_the_nginx_configuration_passes_nginx_t(rendered_nginx):
    prefix, upstream, site = rendered_nginx

    done = nginx_test(prefix, upstream, site)

    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr and "[warn]" not in done.stderr
    assert [line.split()[1] for line in upstream.read_text().splitlines() if line.strip().startswith("server ")] \
        == WEB_HOSTS
    assert str(prefix / "fullchain.pem") in site.read_text() and render.CERTIFICATE not in site.read_text()
    assert render.ACCESS_LOG not in site.read_text() and (prefix / "gridbot-access.log").exists()


@pytest.mark.parametrize("change, said", [
    (("proxy_read_timeout 4s;", "proxy_read_timeout 4s"), 'invalid number of arguments in "proxy_read_timeout"'),
    (("client_max_body_size 64k;", "client_max_body_sise 64k;"), 'unknown directive "client_max_body_sise"'),
    (("limit_req zone=gridbot_login ", "limit_req zone=gridbot_logins "), 'zone "gridbot_logins"'),
])
def test_a_broken_site_fails_nginx_t(rendered_nginx, tmp_path, change, said):
    prefix, upstream, site = rendered_nginx
    text = site.read_text(encoding="utf-8")
    assert change[0] in text
    broken = tmp_path / "broken-site.conf"
    broken.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")

    done = nginx_test(tmp_path, upstream, broken)

    assert done.returncode != 0 and said in done.stderr, done.stderr


def test_a_missing_certificate_fails_nginx_t(rendered_nginx, tmp_path):
    _prefix, upstream, _site = rendered_nginx
    _upstream, site = render.render_nginx(tmp_path / "conf", WEB_HOSTS, tmp_path / "none.pem", tmp_path / "none.key",
                                          tmp_path / "access.log")

    done = nginx_test(tmp_path, upstream, site)

    assert done.returncode != 0 and "none.pem" in done.stderr


def test_the_renderer_refuses_a_file_without_its_placeholder(monkeypatch, tmp_path):
    monkeypatch.setattr(render, "CERTIFICATE", "/etc/ssl/elsewhere.pem")

    with pytest.raises(render.RenderError, match="no longer holds /etc/ssl/elsewhere.pem"):
        render.render_nginx(tmp_path, WEB_HOSTS, tmp_path / "c.pem", tmp_path / "k.pem")
