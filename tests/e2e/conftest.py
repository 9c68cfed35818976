"""One `gridbot demo` shared by the e2e tests that can live with each other's traces in it."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.e2e.test_cli import GUIDE_END, START_TIMEOUT_S, Demo, launch_demo, stop_demo


@pytest.fixture(scope="package")
def shared_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A demo started once for the package, its guide printed. A test using it checks only what it did itself
    (its own notice, wish or message, found by number or text) and puts back what it changed (a member's duty)."""
    root = tmp_path_factory.mktemp("shared_demo")
    demo = launch_demo(root / "demo", root / "run")
    try:
        demo.wait_for(GUIDE_END, START_TIMEOUT_S)
        yield demo
    finally:
        stop_demo(demo)
