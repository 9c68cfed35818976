"""A throwaway PostgreSQL cluster in a temp dir, for tests (stdlib only).

``run.py test`` uses it for its PostgreSQL pass and ``tests/test_pgcluster.py``
checks that it works. The server listens on a Unix socket only (no TCP) and
runs with durability switched off, so it starts in a second or two.
"""

from __future__ import annotations

import glob
import grp
import os
import pwd
import shlex
import shutil
import socket
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

DATABASE = "gridbot_test"
SUPERUSER = "postgres"
SYSTEM_USER = "postgres"
DEBIAN_BINDIR_GLOB = "/usr/lib/postgresql/*/bin"
REQUIRED_BINARIES = ("initdb", "pg_ctl", "postgres")
MAX_TEMP_PARENT_LEN = 50  # keeps "<parent>/gridbot-pg-XXXXXXXX/.s.PGSQL.<port>" under the ~104-byte socket path limit


class ClusterError(RuntimeError):
    """The throwaway PostgreSQL cluster could not be set up or torn down."""


def _is_bindir(path: Path) -> bool:
    """Tell whether ``path`` holds a complete set of PostgreSQL server binaries."""
    return all(os.access(path / name, os.X_OK) for name in REQUIRED_BINARIES)


def _version_key(path: Path) -> tuple[int, ...]:
    """Sort key for ``/usr/lib/postgresql/<version>/bin`` (non-numeric sorts first)."""
    try:
        return tuple(int(part) for part in path.parent.name.split("."))
    except ValueError:
        return (-1,)


def find_bindir() -> Path | None:
    """Locate the PostgreSQL bin dir: PATH first, then the highest Debian version."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        # Resolve symlinks so that createdb/psql are found next to the real binaries
        # (and Debian's pg_wrapper in /usr/bin is never mistaken for a server).
        bindir = Path(os.path.realpath(pg_ctl)).parent
        if Path(os.path.realpath(initdb)).parent == bindir and _is_bindir(bindir):
            return bindir
    candidates = [Path(p) for p in glob.glob(DEBIAN_BINDIR_GLOB)]
    for bindir in sorted(candidates, key=_version_key, reverse=True):
        if _is_bindir(bindir):
            return bindir
    return None


def server_version(bindir: Path) -> str:
    """Return the server version of ``bindir``, e.g. ``15.18``."""
    out = _run([str(bindir / "postgres"), "--version"], timeout=30)
    # "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    words = out.split()
    return words[2] if len(words) > 2 else out.strip()


def _run(cmd: list[str], timeout: float, cwd: str | None = None) -> str:
    """Run ``cmd`` and return its combined output; raise ClusterError on failure."""
    # Output goes to a file, not a pipe: pg_ctl leaves a daemon behind that
    # could otherwise hold the pipe open until the timeout.
    with tempfile.TemporaryFile() as out:
        try:
            proc = subprocess.run(
                cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                timeout=timeout, cwd=cwd, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ClusterError(f"timed out after {timeout:.0f}s: {shlex.join(cmd)}") from exc
        except OSError as exc:
            raise ClusterError(f"cannot run {shlex.join(cmd)}: {exc}") from exc
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise ClusterError(f"{shlex.join(cmd)} exited with {proc.returncode}:\n{text.rstrip()}")
    return text


def ensure_system_user() -> pwd.struct_passwd:
    """Return the ``postgres`` system user, creating it first if needed (root only)."""
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        pass
    cmd = ["useradd", "--system", "--no-create-home", "--shell", "/bin/sh"]
    try:
        grp.getgrnam(SYSTEM_USER)
        cmd += ["--gid", SYSTEM_USER]  # useradd refuses to reuse an existing group implicitly
    except KeyError:
        pass
    _run([*cmd, SYSTEM_USER], timeout=60)
    return pwd.getpwnam(SYSTEM_USER)


def _as_user(user: pwd.struct_passwd | None, cmd: list[str]) -> list[str]:
    """Wrap ``cmd`` so that it runs as ``user`` (unchanged when ``user`` is None)."""
    if user is None:
        return cmd
    if shutil.which("runuser"):
        return ["runuser", "-u", user.pw_name, "--", *cmd]
    return ["su", "-s", "/bin/sh", user.pw_name, "-c", shlex.join(cmd)]


def _reachable_by_others(path: str) -> bool:
    """Tell whether every ancestor of ``path`` can be traversed by any user."""
    current = Path(path).resolve()
    for directory in [current, *current.parents]:
        if not os.stat(directory).st_mode & stat.S_IXOTH:
            return False
    return True


def _make_base_dir(owner: pwd.struct_passwd | None) -> Path:
    """Create the cluster's temp dir, short enough for a socket and usable by ``owner``."""
    parent = tempfile.gettempdir()
    too_long = len(parent) > MAX_TEMP_PARENT_LEN
    if too_long or (owner is not None and not _reachable_by_others(parent)):
        parent = "/tmp"
    base = Path(tempfile.mkdtemp(prefix="gridbot-pg-", dir=parent))
    if owner is not None:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    return base


def _free_port() -> int:
    """Return a TCP port that is currently free (it only names the Unix socket here)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _log_tail(log: Path, lines: int = 30) -> str:
    """Return the last ``lines`` lines of the server log, or a note if it is missing."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no server log was written)"
    return "\n".join(text.splitlines()[-lines:])


def _initdb(bindir: Path, base: Path, owner: pwd.struct_passwd | None) -> Path:
    """Initialise a trust-auth cluster in ``base/data`` and return that path."""
    data = base / "data"
    cmd = [
        str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", SUPERUSER,
        "--no-sync", "-E", "UTF8", "--locale=C",
    ]
    _run(_as_user(owner, cmd), timeout=180, cwd=str(base))
    return data


def _start(bindir: Path, base: Path, data: Path, port: int, owner: pwd.struct_passwd | None) -> None:
    """Start the server on a Unix socket in ``base``; raise with the log tail on failure."""
    log = base / "server.log"
    options = (
        f"-F -k {shlex.quote(str(base))} -p {port} -c listen_addresses='' "
        "-c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=100"
    )
    cmd = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options, "start"]
    try:
        _run(_as_user(owner, cmd), timeout=90, cwd=str(base))
    except ClusterError as exc:
        raise ClusterError(f"{exc}\n--- tail of {log} ---\n{_log_tail(log)}") from exc


def _createdb(bindir: Path, base: Path, port: int) -> None:
    """Create the test database with ``createdb`` (or ``psql`` if that is missing)."""
    conn = ["-h", str(base), "-p", str(port), "-U", SUPERUSER]
    if os.access(bindir / "createdb", os.X_OK):
        cmd = [str(bindir / "createdb"), *conn, DATABASE]
    elif os.access(bindir / "psql", os.X_OK):
        cmd = [str(bindir / "psql"), *conn, "-d", "postgres", "-X", "-v", "ON_ERROR_STOP=1",
               "-c", f'CREATE DATABASE "{DATABASE}"']
    else:
        raise ClusterError(f"neither createdb nor psql found in {bindir}")
    _run(cmd, timeout=60, cwd=str(base))


def _stop(bindir: Path, data: Path, base: Path, owner: pwd.struct_passwd | None) -> None:
    """Stop the server immediately; a server that is already gone is fine."""
    if not (data / "postmaster.pid").exists():
        return
    cmd = [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "-t", "60", "stop"]
    try:
        _run(_as_user(owner, cmd), timeout=90, cwd=str(base))
    except ClusterError:
        if (data / "postmaster.pid").exists():
            raise


def database_url(socket_dir: Path, port: int) -> str:
    """Build the SQLAlchemy/psycopg URL for the test database behind ``socket_dir``."""
    host = quote(str(socket_dir), safe="/")
    return f"postgresql+psycopg://{SUPERUSER}@/{DATABASE}?host={host}&port={port}"


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Run a temporary PostgreSQL server and yield the SQLAlchemy URL of ``gridbot_test``."""
    bindir = find_bindir()
    if bindir is None:
        raise ClusterError(
            f"PostgreSQL binaries ({', '.join(REQUIRED_BINARIES)}) not found on PATH "
            f"or in {DEBIAN_BINDIR_GLOB}"
        )
    # initdb refuses to run as root, so root hands the cluster to the postgres user.
    owner = ensure_system_user() if os.geteuid() == 0 else None
    base = _make_base_dir(owner)
    data = base / "data"
    try:
        _initdb(bindir, base, owner)
        port = _free_port()
        _start(bindir, base, data, port, owner)
        _createdb(bindir, base, port)
        yield database_url(base, port)
    finally:
        try:
            _stop(bindir, data, base, owner)
        finally:
            shutil.rmtree(base, ignore_errors=True)
