"""A demo started in a terminal that sourced a demo's operator.env starts as it would in a fresh terminal.

The guide asks the operator to `source …/operator.env` in another terminal; started again from there, the demo read
that file's settings as hers: the Redis socket of the demo that had stopped (so it started no Redis of its own and
its worker and webhook died on a missing socket), the old fake WeChat API's address (so it started none), the old
port's public address. The settings equal to what a demo's operator.env holds are that file's, not the operator's
own: they are dropped before the demo reads its settings. GRIDBOT_DATA_DIR stays: it is how she names the demo.
"""

from __future__ import annotations

import shlex
from collections.abc import MutableMapping
from pathlib import Path

from bot.demo.claim import SQLITE_PREFIX, UNIX_PREFIX

OPERATOR_ENV_FILE = "operator.env"
DEMO_DATA_DIR = ".gridbot-demo"  # Settings.for_demo's default
KEPT = frozenset({"GRIDBOT_DATA_DIR"})


def forget_sourced(environ: MutableMapping[str, str]) -> list[str]:
    """Remove from `environ` the settings a demo's operator.env put there (the same name and value); their names."""
    written: dict[str, str] = {}
    for directory in _demo_directories(environ):
        written.update(_exports(directory / OPERATOR_ENV_FILE))
    sourced = sorted(name for name, value in written.items() if name not in KEPT and environ.get(name) == value)
    for name in sourced:
        del environ[name]
    return sourced


def _demo_directories(environ: MutableMapping[str, str]) -> list[Path]:
    """Where a demo's operator.env may be: the data directory, and that of the database or Redis socket named."""
    found = [Path(environ.get("GRIDBOT_DATA_DIR") or DEMO_DATA_DIR)]
    database_url, redis_url = environ.get("GRIDBOT_DATABASE_URL", ""), environ.get("GRIDBOT_REDIS_URL", "")
    if database_url.startswith(SQLITE_PREFIX) and database_url != SQLITE_PREFIX:
        found.append(Path(database_url.removeprefix(SQLITE_PREFIX)).parent)
    if redis_url.startswith(UNIX_PREFIX):
        found.append(Path(redis_url.removeprefix(UNIX_PREFIX)).parent)
    return found


def _exports(path: Path) -> dict[str, str]:
    """The `export NAME=value` lines of an operator.env (none if there is no such file, or it cannot be read)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    exported = {}
    for line in lines:
        name, equals, quoted = line.removeprefix("export ").partition("=")
        if line.startswith("export ") and equals:
            try:
                exported[name] = "".join(shlex.split(quoted))
            except ValueError:
                continue  # a line edited by hand beyond shell quoting: not one the demo wrote
    return exported
