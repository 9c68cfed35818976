#!/usr/bin/env python3
"""gridbot's front door: sets up .venv, then runs the demo, the tests or the CLI (stdlib only)."""

import sys

# Checked before anything else so that old interpreters get a clear message.
if sys.version_info < (3, 11):
    sys.stderr.write(
        "gridbot needs Python 3.11 or newer, but run.py was started with Python %d.%d (%s).\n"
        "Run it with a newer interpreter, e.g. `python3.11 run.py ...`.\n"
        % (sys.version_info[0], sys.version_info[1], sys.executable)
    )
    sys.exit(2)

import hashlib
import importlib.util
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from types import FrameType, ModuleType
from typing import NoReturn

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".gridbot-installed"
PYPROJECT = ROOT / "pyproject.toml"
PGCLUSTER = ROOT / "tests" / "pgcluster.py"
POSTGRES_SET = Path("tests") / "postgres_tests.txt"  # the PostgreSQL pass of the whole suite (relative: pytest's cwd)
BENCH = ROOT / "bench" / "webhook_load.py"
SCREENSHOTS = "tests.browser.screenshots"  # a module: it shares the browser tests' setup
DATABASE_URL_ENV = "GRIDBOT_TEST_DATABASE_URL"

MAX_WORKERS = 4  # pytest-xdist workers: the throwaway PostgreSQL allows 100 connections, and timing tests need air
# pytest options whose value may follow as the next argument (then it is no test path)
VALUE_OPTIONS = {"-k", "-m", "-p", "-o", "-c", "-W", "--basetemp", "--rootdir", "--confcutdir", "--deselect",
                 "--ignore", "--ignore-glob", "--durations", "--maxfail", "--junitxml", "--junit-xml", "--log-level",
                 "--override-ini", "--tb"}

PYTEST_INTERRUPTED = 2
PYTEST_USAGE_ERROR = 4
PYTEST_NO_TESTS = 5

USAGE = """\
usage: python3 run.py COMMAND [ARGS...]

commands:
  demo [ARGS...]                 run the gridbot demo
  test [--sqlite-only | --postgres-all] [PYTEST_ARGS...]
                                 run the test suite on SQLite, then again on a throwaway
                                 PostgreSQL server the `postgres` tests that
                                 tests/postgres_tests.txt lists (--postgres-all: every
                                 `postgres` test; named tests: those of them marked)
  gridbot [ARGS...]              run the gridbot CLI (e.g. `gridbot simulate ...`)
  bench [ARGS...]                run bench/webhook_load.py
  screenshots [--out DIR]        save PNGs of the console's main pages (laptop and phone
                                 size) to docs/, taken in headless Chromium from the demo

The first run creates .venv next to run.py and installs gridbot into it; it is
reinstalled whenever pyproject.toml changes. Commands run from the repository root.
"""


def say(message: str) -> None:
    """Print a status line and flush it so it interleaves correctly with child output."""
    print(message, flush=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error to stderr and exit with ``code``."""
    sys.stdout.flush()
    print(f"run.py: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def venv_bin(name: str) -> Path:
    """Return the path of an executable inside .venv."""
    if os.name == "nt":
        return VENV / "Scripts" / (name + ".exe")
    return VENV / "bin" / name


def pyproject_digest() -> str:
    """Return the sha256 of pyproject.toml, which decides when to reinstall."""
    return hashlib.sha256(PYPROJECT.read_bytes()).hexdigest()


def create_venv() -> None:
    """Create .venv with the running interpreter; remove it again if that fails."""
    existed = VENV.exists()
    say(f"creating {VENV.name} with Python {sys.version.split()[0]} ...")
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "venv", str(VENV)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0 or not venv_bin("python").exists():
        if not existed:
            shutil.rmtree(VENV, ignore_errors=True)
        hint = ""
        if "ensurepip" in proc.stdout + proc.stderr:
            hint = "\nOn Debian/Ubuntu, install the venv module first: apt install python3-venv"
        fail(f"could not create {VENV}:\n{proc.stdout}{proc.stderr}{hint}")
    say(f"created {VENV.name} in {time.monotonic() - started:.1f}s")


def install_project() -> None:
    """Run ``pip install -e '.[test]'`` in .venv, then compile the installed modules; print pip's output and exit
    if it fails.

    pip compiles what it installs one module at a time, 30 of the 75 seconds of a fresh install (scipy's and
    scikit-learn's thousands of modules); compileall spreads the same work over every core. Compiled ahead, so
    that no process of the demo or the tests compiles at start (nor at each start, where the environment sets
    PYTHONDONTWRITEBYTECODE). As with pip's own step, a module that does not compile (a package's deliberately
    broken test file) is left to the interpreter: it stops nothing."""
    say("installing gridbot and its dependencies into .venv (pip install -e '.[test]') ...")
    started = time.monotonic()
    python = str(venv_bin("python"))
    proc = subprocess.run(
        [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-compile", "-e", ".[test]"],
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, check=False,
    )
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout)
        fail(f"pip install -e '.[test]' failed with exit code {proc.returncode}")
    subprocess.run([python, "-m", "compileall", "-q", "-j", "0", *site_packages(python)], cwd=ROOT,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    say(f"installed in {time.monotonic() - started:.1f}s")


def site_packages(python: str) -> list[str]:
    """The site-packages directories of ``python`` (the venv's)."""
    proc = subprocess.run([python, "-c", "import site; print('\\n'.join(site.getsitepackages()))"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, check=True)
    return proc.stdout.split()


def ensure_venv() -> None:
    """Make sure .venv exists and matches the current pyproject.toml."""
    is_new = not venv_bin("python").exists()
    if is_new:
        create_venv()
    digest = pyproject_digest()
    installed = STAMP.read_text(encoding="utf-8").strip() if STAMP.exists() else ""
    if is_new or installed != digest:
        install_project()
        STAMP.write_text(digest + "\n", encoding="utf-8")


def exec_venv(program: str, args: list[str]) -> NoReturn:
    """Replace this process with ``program`` from .venv, run from the repository root."""
    path = venv_bin(program)
    if not path.exists():
        fail(f"{path} is missing; delete {STAMP} and run again to reinstall")
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(ROOT)
    os.execv(path, [str(path), *args])


def run_child(cmd: list[str], env: dict[str, str]) -> int:
    """Run ``cmd`` from the repository root; on Ctrl-C or SIGTERM stop it before re-raising."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        return proc.wait()
    except BaseException as exc:
        # Ctrl-C already reached the child through the terminal; give it time to finish.
        if not isinstance(exc, KeyboardInterrupt):
            proc.terminate()
        try:
            proc.wait(timeout=15)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        raise


def run_pytest(args: list[str], env: dict[str, str]) -> int:
    """Run pytest in .venv and return its exit code, with "no tests collected" as a failure."""
    code = run_child([str(venv_bin("python")), "-m", "pytest", *parallel_args(args), *args], env)
    if code == PYTEST_NO_TESTS:
        say("run.py: pytest collected no tests (exit code 5), which counts as a failure")
    return code


def names_tests(args: list[str]) -> bool:
    """Tell whether ``args`` name test files, directories or test ids (``tests/unit``, ``path::test``)."""
    after_option = False
    for arg in args:
        if after_option:
            after_option = False
        elif arg in VALUE_OPTIONS:
            after_option = True
        elif not arg.startswith("-") and (ROOT / arg.split("::")[0]).exists():
            return True
    return False


def parallel_args(args: list[str]) -> list[str]:
    """``-n N --dist loadgroup`` (pytest-xdist, one worker per core) for a whole run; nothing when ``args`` choose
    the workers themselves (``-n 0`` is the plain serial run), name tests, or the machine has one core."""
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    chosen = any(arg in {"-n", "--numprocesses", "no:xdist", "-pno:xdist"}
                 or arg.startswith(("-n=", "--numprocesses=", "--dist")) or (arg.startswith("-n") and arg[2:].isdigit())
                 for arg in args)
    if workers < 2 or chosen or names_tests(args):
        return []
    # loadgroup: tests marked @pytest.mark.xdist_group(name) share a worker (timing tests, module-wide servers)
    return ["-n", str(workers), "--dist", "loadgroup"]


def load_pgcluster() -> ModuleType:
    """Import tests/pgcluster.py by path (without importing the tests package)."""
    spec = importlib.util.spec_from_file_location("gridbot_pgcluster", PGCLUSTER)
    if spec is None or spec.loader is None:
        fail(f"cannot load {PGCLUSTER}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """Turn SIGTERM into SystemExit so that the PostgreSQL cluster is still cleaned up."""
    raise SystemExit(128 + signum)


def postgres_pass(pg: ModuleType, bindir: Path, args: list[str], every_test: bool) -> int:
    """Run the tests marked ``postgres`` against a throwaway cluster; return pytest's code.

    For the whole suite, only those tests/postgres_tests.txt lists (chosen by tests/choose_postgres.py), unless
    ``every_test``; tests named on the command line run whenever they are marked."""
    try:
        version = pg.server_version(bindir)
    except pg.ClusterError as exc:
        fail(f"cannot run {bindir / 'postgres'}: {exc}")
    say(f"== tests on PostgreSQL {version} ==")
    try:
        with pg.throwaway_cluster() as url:
            env = {**os.environ, DATABASE_URL_ENV: url}
            chosen = [] if every_test or names_tests(args) else [f"--postgres-set={POSTGRES_SET}"]
            return run_pytest(["-m", "postgres", *chosen, *args], env)
    except pg.ClusterError as exc:
        print(f"run.py: the throwaway PostgreSQL cluster failed: {exc}", file=sys.stderr, flush=True)
        return 1


def cmd_test(args: list[str]) -> int:
    """Run pytest on SQLite, then the ``postgres`` tests on a throwaway PostgreSQL cluster."""
    sqlite_only = bool(args) and args[0] == "--sqlite-only"
    postgres_all = bool(args) and args[0] == "--postgres-all"
    if sqlite_only or postgres_all:
        args = args[1:]
    pg = None if sqlite_only else load_pgcluster()
    bindir = None if pg is None else pg.find_bindir()
    if pg is not None and bindir is None and os.environ.get("CI") == "true":
        fail(
            "PostgreSQL binaries (initdb, pg_ctl, postgres) were not found on PATH or in "
            "/usr/lib/postgresql/*/bin; CI must run the PostgreSQL pass"
        )
    signal.signal(signal.SIGTERM, raise_on_sigterm)

    say("== tests on SQLite ==")
    sqlite_env = {k: v for k, v in os.environ.items() if k != DATABASE_URL_ENV}
    first = run_pytest(args, sqlite_env)
    if pg is None:
        return first
    if bindir is None:
        say("PostgreSQL not found: skipped the PostgreSQL pass")
        return first
    if first in (PYTEST_INTERRUPTED, PYTEST_USAGE_ERROR):
        return first
    second = postgres_pass(pg, bindir, args, postgres_all)
    return first or second


def main(argv: list[str]) -> int:
    """Dispatch ``python3 run.py COMMAND ...``."""
    if not argv or argv[0] not in {"demo", "test", "gridbot", "bench", "screenshots", "help", "-h", "--help"}:
        sys.stderr.write(USAGE)
        return 2
    command, args = argv[0], argv[1:]
    if command in {"help", "-h", "--help"}:
        sys.stdout.write(USAGE)
        return 0
    ensure_venv()
    if command == "demo":
        exec_venv("gridbot", ["demo", *args])
    if command == "gridbot":
        exec_venv("gridbot", args)
    if command == "bench":
        if not BENCH.exists():
            fail(f"{BENCH} does not exist")
        exec_venv("python", [str(BENCH), *args])
    if command == "screenshots":
        exec_venv("python", ["-m", SCREENSHOTS, *args])
    return cmd_test(args)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print("\nrun.py: interrupted", file=sys.stderr)
        sys.exit(130)
