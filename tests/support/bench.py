"""The bench/ scripts as modules, for the unit tests of their arithmetic (bench/ is not a package)."""

from __future__ import annotations

import importlib
import sys
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Iterator

BENCH = Path(__file__).resolve().parents[2] / "bench"


@contextmanager
def bench_modules(*names: str) -> Iterator[tuple[ModuleType, ...]]:
    """Import bench/<name>.py for each name (bench/ on sys.path only meanwhile: its modules import each other)."""
    sys.path.insert(0, str(BENCH))
    try:
        yield tuple(importlib.import_module(name) for name in names)
    finally:
        sys.path.remove(str(BENCH))
