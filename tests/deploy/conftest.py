"""The deployment files of deploy/, rendered into a temp dir (deploy/render.py) for their own tools to check.

Without nginx or systemd-analyze the tests are skipped, saying what to install; under CI (CI=true) that is a
failure: .ci/run installs nginx, and systemd-analyze comes with Debian's systemd."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_render() -> ModuleType:
    """deploy/render.py, a standalone script (deploy/ is no package: it is what an IT department copies)."""
    spec = importlib.util.spec_from_file_location("deploy_render", ROOT / "deploy" / "render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


render = load_render()


def require_tool(name: str, package: str) -> str:
    """The tool's path; else a skip naming the Debian package, or under CI a failure."""
    found = shutil.which(name) or next((str(Path(d) / name) for d in ("/usr/sbin", "/sbin")
                                        if os.access(Path(d) / name, os.X_OK)), None)
    if found:
        return found
    missing = f"{name} is not installed (Debian package {package})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"the deployment files must be checked in CI, but {missing}", pytrace=False)
    pytest.skip(f"deployment check skipped: {missing}")


@pytest.fixture(scope="session")
def venv() -> Path:
    """The virtualenv running the tests, which holds bin/gridbot (the units' ExecStart)."""
    prefix = Path(sys.prefix)
    assert (prefix / "bin" / "gridbot").is_file(), f"{prefix}/bin/gridbot is missing: install the project"
    return prefix
