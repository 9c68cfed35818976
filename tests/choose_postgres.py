"""Choose the tests that CI runs a second time on PostgreSQL: write tests/postgres_tests.txt.

    .venv/bin/python tests/choose_postgres.py [--workers N]

Every test marked `postgres` can run on PostgreSQL, and `python3 run.py test --postgres-all` runs them all there
(3,400, some nine minutes on two cores). The whole suite's PostgreSQL pass runs a chosen quarter of them, to keep
CI within fifteen minutes. The choice is made by coverage, not by hand. First, every test that races two
transactions (threads, a second process, tests/support/races.py), since SQLite and PostgreSQL lock differently.
Then, cheapest first, tests until every line of SQL-bearing code that the full pass reaches is reached again:
storage/, and the modules of bot/ that import SQLAlchemy.

This script runs the full PostgreSQL pass once, with coverage (`coverage`, `pytest-cov`), on a throwaway cluster
(about sixteen minutes), and writes the list. Run it after adding tests of storage's behaviour, or when
`run.py test --postgres-all` finds what the chosen pass missed.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

from coverage import CoverageData

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import pgcluster  # noqa: E402

LIST = ROOT / "tests" / "postgres_tests.txt"
HEADER = """\
# The tests that `python3 run.py test` runs on PostgreSQL (the whole suite runs on SQLite). Written by
# tests/choose_postgres.py: every racing test marked `postgres`, then tests until the SQL-bearing lines that the
# full PostgreSQL pass reaches are all reached. `python3 run.py test --postgres-all` runs every `postgres` test.
"""
# A test body naming one of these races transactions or processes: it is always chosen.
RACING = re.compile(r"second_while_first_open|dispatch_while_disabling|\bThread\b|ThreadPoolExecutor|Popen|"
                    r"multiprocessing|\braces\.")

Line = tuple[str, int]


def full_pass(workdir: Path, workers: int) -> tuple[Path, Path]:
    """Run every `postgres` test on a throwaway cluster with coverage per test; the coverage and JUnit files."""
    coverage_file, junit = workdir / "coverage", workdir / "times.xml"
    with pgcluster.throwaway_cluster() as url:
        env = {**os.environ, "GRIDBOT_TEST_DATABASE_URL": url, "COVERAGE_FILE": str(coverage_file)}
        code = subprocess.call(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={workdir / 'tmp'}",
             "-n", str(workers), "--dist", "loadgroup", "-m", "postgres", "--cov=storage", "--cov=bot",
             "--cov-context=test", "--cov-report=", f"--junitxml={junit}", "tests"], cwd=ROOT, env=env)
    if code != 0:
        sys.exit(f"choose_postgres: the PostgreSQL pass failed (exit code {code}); nothing written")
    return coverage_file, junit


def test_of(nodeid: str) -> str:
    """`tests/x.py::test_name` for a node id or coverage context: its parameters, the xdist group that
    tests/conftest.py appends (`@demo`) and the phase (`|run`) dropped, as tests/conftest.py's listed_name does."""
    return nodeid.split("|", 1)[0].split("[", 1)[0].split("@", 1)[0]


def seconds_per_test(junit: Path) -> dict[str, float]:
    """Each test's seconds (all its parameters together), from pytest's JUnit report."""
    seconds: dict[str, float] = defaultdict(float)
    for case in ElementTree.parse(junit).iter("testcase"):
        parts = case.attrib["classname"].split(".")
        for cut in range(len(parts), 0, -1):  # the longest prefix that is a file: the rest is a class
            path = "/".join(parts[:cut]) + ".py"
            if (ROOT / path).is_file():
                name = "::".join([*parts[cut:], case.attrib["name"]])
                seconds[test_of(f"{path}::{name}")] += float(case.attrib.get("time", 0))
                break
    return seconds


def bears_sql(path: str) -> bool:
    return path.startswith("storage/") or (path.startswith("bot/") and "sqlalchemy" in (ROOT / path).read_text())


def lines_per_test(coverage_file: Path) -> dict[str, set[Line]]:
    """The SQL-bearing lines each test reached."""
    data = CoverageData(basename=str(coverage_file))
    data.read()
    reached: dict[str, set[Line]] = defaultdict(set)
    for measured in data.measured_files():
        path = Path(measured).resolve().relative_to(ROOT).as_posix()
        if not bears_sql(path):
            continue
        for line, contexts in (data.contexts_by_lineno(measured) or {}).items():
            for context in contexts:
                if context:
                    reached[test_of(context)].add((path, line))
    return reached


def racing_tests(candidates: set[str]) -> set[str]:
    """The tests whose bodies race transactions or processes, but for those marked `quiet`: they measure time
    (slow clients trickling bodies from threads), and under xdist each holds the other workers up."""
    chosen = set()
    for path in {test.split("::", 1)[0] for test in candidates}:
        source = (ROOT / path).read_text()
        tree = ast.parse(source)
        quiet_module = any(isinstance(node, ast.Assign) and "pytestmark" in ast.unparse(node.targets[0])
                           and "quiet" in ast.unparse(node.value) for node in tree.body)
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or not RACING.search(ast.get_source_segment(source, node) or ""):
                continue
            if not quiet_module and not any("quiet" in ast.unparse(mark) for mark in node.decorator_list):
                chosen.add(f"{path}::{node.name}")
    return chosen & candidates


def choose(reached: dict[str, set[Line]], seconds: dict[str, float]) -> set[str]:
    """The racing tests, then greedily the test that reaches most new lines per second, until all are reached."""
    chosen = racing_tests(set(seconds))
    everything = set().union(*reached.values())
    covered = set().union(*(reached.get(test, set()) for test in chosen))
    while covered != everything:
        best = max((test for test in reached if test not in chosen),
                   key=lambda test: (len(reached[test] - covered) / (seconds.get(test, 0) + 0.05), test))
        chosen.add(best)
        covered |= reached[best]
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 4))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="choose-postgres-") as workdir:
        coverage_file, junit = full_pass(Path(workdir), args.workers)
        seconds = seconds_per_test(junit)
        chosen = choose(lines_per_test(coverage_file), seconds)
    LIST.write_text(HEADER + "".join(f"{test}\n" for test in sorted(chosen)), encoding="utf-8")
    total, kept = sum(seconds.values()), sum(seconds.get(test, 0) for test in chosen)
    print(f"choose_postgres: {len(chosen)} of {len(seconds)} tests, {kept:.0f} of {total:.0f} s, written to "
          f"{LIST.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
