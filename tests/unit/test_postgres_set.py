"""`--postgres-set FILE` (tests/conftest.py): the whole suite's PostgreSQL pass runs the tests its file lists."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

MARKED_TESTS = '''
import pytest

pytestmark = pytest.mark.postgres


def test_listed():
    pass


@pytest.mark.parametrize("number", [1, 2])
def test_listed_with_parameters(number):
    pass


def test_not_listed():
    pass
'''


def run_marked(tmp_path: Path, listing: str, *options: str) -> subprocess.CompletedProcess[str]:
    """pytest on MARKED_TESTS with -m postgres and --postgres-set, in a run of its own with this conftest."""
    (tmp_path / "test_marked.py").write_text(MARKED_TESTS)
    (tmp_path / "chosen.txt").write_text(listing)
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PYTEST_", "GRIDBOT_"))}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider", "-n", "0",
                           f"--basetemp={tmp_path / 'basetemp'}", "-m", "postgres", "--postgres-set=chosen.txt",
                           *options, "test_marked.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_only_the_listed_tests_run_each_with_all_its_parameters(tmp_path: Path) -> None:
    run = run_marked(tmp_path, "# a comment\ntest_marked.py::test_listed\n\ntest_marked.py::test_listed_with_parameters\n")

    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed, 1 deselected" in run.stdout, run.stdout


def test_a_listed_test_that_was_renamed_or_whose_file_is_gone_stops_the_run(tmp_path: Path) -> None:
    run = run_marked(tmp_path, "test_marked.py::test_listed\ntest_marked.py::test_renamed\ngone.py::test_x\n")

    assert run.returncode == 4, run.stdout + run.stderr  # pytest's usage error: nothing ran
    assert "chosen.txt lists tests that do not exist (run tests/choose_postgres.py): gone.py::test_x, " \
           "test_marked.py::test_renamed" in run.stderr, run.stderr
    assert "passed" not in run.stdout


def test_a_listed_test_that_k_leaves_out_is_not_taken_for_missing(tmp_path: Path) -> None:
    run = run_marked(tmp_path, "test_marked.py::test_listed\ntest_marked.py::test_listed_with_parameters\n",
                     "-k", "parameters")

    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed, 2 deselected" in run.stdout, run.stdout
