"""The session-wide scan for personal data in logs (tests/log_scan.py) finds what it must and only that."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bot.privacy import mask
from tests.conftest import LOG_SCANNER
from tests.log_scan import PERSONAS, LogScanner

OPENID = "oX7kQ2mP9vLw3Rt5Yb8Nc1Zd4Fg6"  # 28 characters, as WeChat's
PHONE = "13912345678"
ROOT = Path(__file__).resolve().parents[2]


def test_it_finds_phone_numbers_full_openids_and_the_long_persona_openids():
    scanner = LogScanner()

    found = scanner.scan(f"appeal from {OPENID}: 电梯坏了，电话{PHONE}; card to demo_staff_lina", "text")

    assert [finding.split(" in ")[0] for finding in found] == ["text: phone number", "text: openid",
                                                               "text: persona openid"]
    assert scanner.findings == found
    assert "demo_staff_lina" in PERSONAS and "o1" not in PERSONAS


def test_masked_values_and_other_numbers_pass():
    scanner = LogScanner()
    clean = (f"outbox 7 sent to {mask(OPENID)}; staff 138****5678; {mask('demo_staff_wangqiang')}; "
             f"message msg:2026112210000000123 at 1795312800; ticket G2611220001; o1… and o5…; "
             f"{OPENID}x is not an openid, nor is demo_staff_lina_2; "
             f"rq worker e104b18981254994b64bf2ac928f6f3c started")  # a hex id is no phone number

    assert scanner.scan(clean, "text") == []


def test_a_traceback_attached_to_a_record_is_scanned_too():
    logger = logging.getLogger("gridbot.test.log_scan")
    logger.propagate = False  # only this scanner, not the session's, sees what this test logs on purpose
    scanner = LogScanner()
    scanner.attach(logger)
    try:
        try:
            raise ValueError(f"INSERT failed with parameters ('{OPENID}', '{PHONE}')")
        except ValueError:
            logger.exception("storing failed")
    finally:
        scanner.detach(logger)
        logger.propagate = True

    assert scanner.records == 1
    assert len(scanner.findings) == 2


def test_log_files_left_under_a_directory_are_scanned():
    # Not in tmp_path: the session scans the base temp directory at its end and would find this test's secrets.
    with tempfile.TemporaryDirectory() as directory:
        found = _scan_files(Path(directory))

    assert found == (2, 1)


def _scan_files(tmp_path: Path) -> tuple[int, int]:
    (tmp_path / "server-a").mkdir()
    (tmp_path / "server-a" / "a.log").write_text(f"INFO bot.web.inbox: duplicate from {OPENID}\n")
    (tmp_path / "b.log").write_text("INFO bot.worker.jobs: outbox 1 sent to oX7k…g6\n")
    (tmp_path / "notes.txt").write_text(PHONE)  # not a log
    scanner = LogScanner()
    scanned = scanner.scan_logs_under(tmp_path)
    assert all("a.log: openid" in finding for finding in scanner.findings)
    return scanned, len(scanner.findings)


def test_the_session_scanner_receives_every_record_of_the_run_at_every_level():
    before = LOG_SCANNER.records

    logging.getLogger("gridbot.test.anything").debug("a debug line of some library")
    logging.getLogger().info("and one on the root logger")

    assert LOG_SCANNER.records == before + 2
    assert LOG_SCANNER in logging.getLogger().handlers


LEAKING_TESTS = f'''
import logging


def test_that_logs_a_phone_number():
    logging.getLogger("gridbot.test.leak").warning("call the resident back on {PHONE}")


def test_that_logs_nothing():
    pass
'''


def test_a_parallel_run_fails_when_one_of_its_workers_logged_a_phone_number(tmp_path: Path) -> None:
    # pytest-xdist's workers are sessions of their own: only the controller's exit status counts, so what a worker
    # found must reach it (tests/conftest.py, pytest_testnodedown). A run of its own, with this project's conftest.
    (tmp_path / "test_leak.py").write_text(LEAKING_TESTS)
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("PYTEST_", "GRIDBOT_"))}  # not this run's xdist worker id nor its database
    env["PYTHONPATH"] = str(ROOT)

    run = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "-p", "tests.conftest", "-p", "no:cacheprovider",
                          f"--basetemp={tmp_path / 'basetemp'}", "test_leak.py"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    assert "2 workers [2 items]" in run.stdout, run.stdout + run.stderr
    assert "2 passed" in run.stdout, run.stdout
    assert "personal data in the logs of this run (1 findings):" in run.stdout, run.stdout
    assert "log record of gridbot.test.leak: phone number" in run.stdout, run.stdout
    assert run.returncode == 1, run.stdout
