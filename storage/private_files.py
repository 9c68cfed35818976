"""gridbot's files hold residents' appeals and addresses: only the user gridbot runs as may read them.

Directories gridbot creates are 0700 and files 0600, by explicit modes for what it creates itself and by the
umask of the processes it starts (servers, workers, the embedded redis-server). A directory or database left
readable by others (by an older version) is tightened at start, with a log line saying so.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600
UMASK = 0o077  # what gridbot's processes and their children create is their owner's alone


def private_umask() -> None:
    """From now on, what this process (and every child it starts) creates is readable by its owner only."""
    os.umask(UMASK)


def private_directory(path: Path) -> Path:
    """`path` as a directory only its owner can enter, created if missing (parents too) or tightened."""
    path = Path(path)
    path.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    tighten(path)
    return path


def private_file(path: Path) -> Path:
    """`path` as a file only its owner can read and write, created empty if missing or tightened."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        # Never opened here: closing any descriptor of a file drops every POSIX lock this process holds on it,
        # SQLite's among them, and another connection of this process may be in the middle of a transaction.
        pass
    tighten(path)
    return path


def tighten(path: Path) -> None:
    """Take away every permission of group and others from an existing file or directory, saying so."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if not mode & UMASK:
        return
    try:
        path.chmod(mode & ~UMASK)
    except PermissionError:
        log.warning("%s is readable by other users (mode %03o) and belongs to another user: not changed", path, mode)
        return
    log.warning("%s was readable by other users (mode %03o): now %03o", path, mode, mode & ~UMASK)
