"""The processes under test (gunicorn servers, the gridbot worker, the fake WeChat API), each in its own process
group on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Collection, Iterator, Mapping

import loadgen
from fixture import ROOT, BenchEnv

from bot.web.server import KEEPALIVE_S, THREADS

HOST = "127.0.0.1"  # the bench never targets anything else
BENCH_DIR = Path(__file__).resolve().parent
STOP_GRACE_S = 10.0
_STRIPPED_PREFIXES = ("WECHAT_", "GRIDBOT_", "BENCH_")


@dataclass
class Server:
    """A running server: its gunicorn master (leader of its own process group), port and log."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    log_file: IO[bytes]

    @property
    def address(self) -> loadgen.Address:
        """Where to connect."""
        return (HOST, self.port)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_echo(env: BenchEnv, workers: int) -> Server:
    """The bare wechatpy echo app (bench/echo_app.py) under gunicorn, configured like `gridbot serve`."""
    port = free_port()
    settings = env.settings
    variables = {"BENCH_WECHAT_TOKEN": settings.wechat_token, "BENCH_WECHAT_APPID": settings.wechat_appid,
                 "PYTHONPATH": str(BENCH_DIR)}
    if settings.wechat_aes_key:
        variables["BENCH_WECHAT_AES_KEY"] = settings.wechat_aes_key
    # The options bot/web/server.py gives gunicorn (gthread workers with its threads and keep-alive, 10 s timeout,
    # preloaded app, no access log, no control socket: gunicorn 27's default path is per user, two servers would
    # fight over it), so that the two servers differ only in the app.
    command = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}", "--workers", str(workers),
               "--worker-class", "gthread", "--threads", str(THREADS), "--keep-alive", str(KEEPALIVE_S),
               "--timeout", "10", "--preload", "--no-control-socket",
               "--log-level", "warning", "echo_app:app"]
    return _spawn("echo", command, BENCH_DIR, variables, port, env.directory)


def gridbot_variables(env: BenchEnv, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The WECHAT_* / GRIDBOT_* variables `python -m bot …` reads for the bench environment, plus `extra`."""
    settings = env.settings
    variables = {"WECHAT_TOKEN": settings.wechat_token, "WECHAT_APPID": settings.wechat_appid,
                 "WECHAT_SECRET": settings.wechat_secret, "GRIDBOT_SECRET_KEY": settings.secret_key or "",
                 "GRIDBOT_DATABASE_URL": settings.database_url,
                 "GRIDBOT_DATA_DIR": str(settings.data_dir), "GRIDBOT_LOG_LEVEL": "WARNING",
                 "PYTHONPATH": str(ROOT),
                 # A bench runs at any hour: residents' news held for the morning would read as not delivered.
                 "GRIDBOT_QUIET_HOURS": "off"}
    if settings.wechat_aes_key:
        variables["WECHAT_AES_KEY"] = settings.wechat_aes_key
    variables.update(extra or {})
    return variables


def start_full(env: BenchEnv, workers: int, extra: Mapping[str, str] | None = None) -> Server:
    """The real webhook through the project's own entry point, `python -m bot serve` (`extra`: more variables)."""
    port = free_port()
    command = [sys.executable, "-m", "bot", "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    return _spawn("full", command, ROOT, gridbot_variables(env, extra), port, env.directory)


def start_worker(env: BenchEnv, extra: Mapping[str, str] | None = None, name: str = "worker") -> Server:
    """One `python -m bot worker` (outbox relay thread + RQ SimpleWorker); it listens on no port (port 0)."""
    command = [sys.executable, "-m", "bot", "worker"]
    return _spawn(name, command, ROOT, gridbot_variables(env, extra), 0, env.directory)


def start_fake_wechat(env: BenchEnv) -> Server:
    """The fake WeChat API, `python -m bot fake-wechat`, ready when GET /_fake/stats answers."""
    port = free_port()
    command = [sys.executable, "-m", "bot", "fake-wechat", "--host", HOST, "--port", str(port)]
    return _spawn("fake-wechat", command, ROOT, {"PYTHONPATH": str(ROOT)}, port, env.directory)


def wait_ready(server: Server, probe: bytes, timeout: float = 60.0) -> None:
    """Block until `probe` gets HTTP 200; raise with the server's log if it dies or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the {server.name} server exited with {server.process.returncode}:\n{log_tail(server)}")
        try:
            if loadgen.request_once(probe, server.address, timeout=2.0).status == 200:
                return
        except (OSError, TimeoutError, loadgen.HttpError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the {server.name} server was not ready after {timeout:.0f} s:\n{log_tail(server)}")


def stop(server: Server) -> None:
    """SIGTERM the server's process group, SIGKILL whatever is left after a grace period, and reap it."""
    process = server.process
    try:
        if process.returncode is None:
            _signal_group(process.pid, signal.SIGTERM)
            if not _exited(process.pid, STOP_GRACE_S):
                print(f"bench: the {server.name} server ignored SIGTERM, killing it", file=sys.stderr)
            # The unreaped master keeps the group id ours, so stray workers can be killed safely.
            _signal_group(process.pid, signal.SIGKILL)
            process.wait()
    finally:
        server.log_file.close()


def group_cpu_seconds(server: Server) -> tuple[float, float] | None:
    """User and system CPU seconds of every live process in the server's group (Linux /proc; None elsewhere)."""
    if not Path("/proc").is_dir():
        return None
    user = system = 0.0
    for pid in group_pids(server):
        used = pid_cpu_seconds(pid)
        if used is not None:  # gone between the two reads
            user, system = user + used[0], system + used[1]
    return user, system


def group_pids(server: Server) -> list[int]:
    """The live processes of the server's group (a gunicorn master and its workers), by pid."""
    return sorted(pid for pid, fields in _process_stats() if int(fields[2]) == server.process.pid)


def _process_stats() -> Iterator[tuple[int, list[str]]]:
    """Every live process's pid and the fields of /proc/PID/stat after its command name (state, ppid, pgrp, …)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            yield int(entry.name), stat[stat.rindex(")") + 2:].split()


def named_pids(command_name: str) -> list[int]:
    """Processes whose command name (/proc/PID/comm) is `command_name` (e.g. the PostgreSQL server's)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == command_name:
                found.append(int(entry.name))
        except OSError:
            continue
    return sorted(found)


@dataclass(frozen=True)
class Memory:
    """One process's memory, KiB: resident now, its peak, and its proportional share (shared pages divided
    among the processes mapping them: forked gunicorn workers share the preloaded app)."""

    rss: int
    peak: int
    pss: int


def memory_of(pid: int) -> Memory | None:
    """The process's memory from /proc (None if it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None

    def kib(text: str, field: str) -> int:
        line = next((line for line in text.splitlines() if line.startswith(field + ":")), f"{field}: 0 kB")
        return int(line.split()[1])

    return Memory(kib(status, "VmRSS"), kib(status, "VmHWM"), kib(rollup, "Pss"))


def pid_cpu_seconds(pid: int) -> tuple[float, float] | None:
    """User and system CPU seconds of one process (a daemon outside our groups, e.g. redis-server); None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields, ticks = stat[stat.rindex(")") + 2:].split(), os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / ticks, int(fields[12]) / ticks


def cpu_of_trees(roots: Collection[int]) -> dict[int, float]:
    """User + system CPU seconds of each root process and its descendants, counting the time of children they
    reaped (one /proc scan). Descendants, not a session: PostgreSQL's backends leave the postmaster's session
    (setsid), and one that exited is counted in the postmaster's reaped time."""
    ticks, parent, used = os.sysconf("SC_CLK_TCK"), {}, {}
    for pid, fields in _process_stats():
        parent[pid] = int(fields[1])
        used[pid] = sum(int(value) for value in fields[11:15]) / ticks
    wanted, found = set(roots), dict.fromkeys(roots, 0.0)
    for pid, seconds in used.items():
        ancestor = pid
        while ancestor not in wanted and ancestor > 1:
            ancestor = parent.get(ancestor, 0)
        if ancestor in wanted:
            found[ancestor] += seconds
    return found


def thread_cpu_seconds(pid: int) -> dict[int, float]:
    """User + system CPU seconds of each live thread of a process, by thread id (Linux /proc; empty elsewhere)."""
    ticks, found = os.sysconf("SC_CLK_TCK"), {}
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return {}
    for task in tasks:
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        found[int(task.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return found


def machine_cpu_seconds() -> tuple[float, float] | None:
    """Busy and stolen CPU seconds of the whole machine so far, all CPUs together (Linux /proc/stat; else None)."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    ticks = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / ticks, steal / ticks


class CpuMeter:
    """CPU seconds (user + system) used between `start()` and `stop()`: by each process group in `processes`, by
    extra pids (daemons such as redis-server), by this process, by the rest of the machine, and stolen by the host;
    also by the threads of one process (`threads_of`): its main thread, and all the others together."""

    def __init__(self, processes: list[Server], pids: dict[str, int], threads_of: int) -> None:
        """Measure these processes, pids and threads."""
        self._processes, self._pids, self._threads_of = processes, pids, threads_of
        self._before: tuple[dict[str, float], dict[int, float], float, tuple[float, float] | None] | None = None

    def start(self) -> None:
        """Take the starting readings."""
        self._before = self._read()

    def stop(self) -> tuple[dict[str, float], dict[str, float]]:
        """CPU seconds by name since start(), and of the measured process's main thread and other threads."""
        assert self._before is not None
        before, threads_before, own_before, machine_before = self._before
        after, threads, own, machine = self._read()
        used = {name: round(after[name] - before[name], 3) for name in before if name in after}
        used["bench itself"] = round(own - own_before, 3)
        if machine_before and machine:  # what else ran meanwhile (other tests, a shared host)
            used["other processes"] = round(machine[0] - machine_before[0] - sum(used.values()), 3)
            used["stolen by the host"] = round(machine[1] - machine_before[1], 3)
        delta = {tid: value - threads_before.get(tid, 0.0) for tid, value in threads.items()}
        main = delta.pop(self._threads_of, 0.0)
        return used, {"main": round(main, 3), "others": round(sum(delta.values()), 3)}

    def _read(self) -> tuple[dict[str, float], dict[int, float], float, tuple[float, float] | None]:
        found = {process.name: group_cpu_seconds(process) for process in self._processes}
        found |= {name: pid_cpu_seconds(pid) for name, pid in self._pids.items()}
        return ({name: sum(value) for name, value in found.items() if value is not None},
                thread_cpu_seconds(self._threads_of), time.process_time(), machine_cpu_seconds())


def log_tail(server: Server, lines: int = 30) -> str:
    """The last lines the server wrote to its log."""
    if not server.log_file.closed:
        server.log_file.flush()
    return file_tail(server.log_path, lines)


def file_tail(path: Path, lines: int = 30) -> str:
    """The last lines of a log file, for an error message."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def _spawn(name: str, command: list[str], cwd: Path, variables: dict[str, str], port: int,
           log_dir: Path) -> Server:
    """Start `command` in a new session (its own process group), output to a log in `log_dir`."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(_STRIPPED_PREFIXES)}
    environment.update(variables, PYTHONUNBUFFERED="1")
    log_path = log_dir / f"{name}.log"
    log_file = open(log_path, "wb")  # noqa: SIM115 - closed by stop()
    try:
        process = subprocess.Popen(command, cwd=cwd, env=environment, stdin=subprocess.DEVNULL, stdout=log_file,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    except BaseException:
        log_file.close()
        raise
    return Server(name, process, port, log_path, log_file)


def _signal_group(pgid: int, signum: int) -> None:
    """Signal every process of a group that may already be gone."""
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def _exited(pid: int, timeout: float) -> bool:
    """Wait for the child to exit without reaping it (its pid stays reserved); False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
            return True
        time.sleep(0.02)
    return False
