"""The test run's own check that logs never hold a phone number or a full openid.

`tests/conftest.py` attaches a `LogScanner` to the root logger for the whole session, scans the servers' log
files the tests leave in their temporary directories, and fails the run when anything was found: every test,
not only those that look at logs, shows that what gridbot logs is masked.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Iterable

from tests.support import street

# A mainland mobile number: 11 digits starting 13-19, not part of a longer number.
# Not inside a longer run of letters and digits: a hex id such as an RQ worker's (…b18981254994b…) is no phone.
PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
# WeChat's openids are 28 characters: "o" and 27 of [A-Za-z0-9_-].
OPENID = re.compile(r"(?<![A-Za-z0-9_-])o[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])")
# The test personas' openids that cannot be mistaken for anything else (o1…o7 are too short to tell).
MIN_PERSONA_LENGTH = 12
PERSONAS = tuple(sorted(openid for openid in ({row[0] for row in street.STAFF} | set(street.RESIDENTS))
                        if len(openid) >= MIN_PERSONA_LENGTH))
FORMAT = "%(levelname)s %(name)s: %(message)s"  # a formatter also appends the traceback of log.exception
EXCERPT = 60


class LogScanner(logging.Handler):
    """Formats every record it is handed and remembers those that hold personal data."""

    def __init__(self, personas: Iterable[str] = PERSONAS) -> None:
        super().__init__(level=logging.NOTSET)
        self.setFormatter(logging.Formatter(FORMAT))
        alternatives = (rf"(?<![A-Za-z0-9_-]){re.escape(openid)}(?![A-Za-z0-9_-])" for openid in personas)
        self._persona = re.compile("|".join(alternatives) or "(?!)")
        self._previous_level = logging.NOTSET
        self.records = 0
        self.findings: list[str] = []

    def attach(self, logger: logging.Logger) -> None:
        """Receive every record of `logger` and the loggers below it, at every level, from now on."""
        self._previous_level = logger.level
        logger.addHandler(self)
        logger.setLevel(logging.DEBUG)

    def detach(self, logger: logging.Logger) -> None:
        """Stop receiving records; the logger's level is what it was."""
        logger.removeHandler(self)
        logger.setLevel(self._previous_level)

    def emit(self, record: logging.LogRecord) -> None:
        self.records += 1
        try:
            text = self.format(record)
        except Exception:  # noqa: BLE001 - a record that cannot be formatted is logging's own error, not ours
            return
        self.scan(text, f"log record of {record.name}")

    def scan(self, text: str, source: str) -> list[str]:
        """Note (and return) what in `text` is a phone number, a full openid or a persona's openid."""
        found = []
        for pattern, what in ((PHONE, "phone number"), (OPENID, "openid"), (self._persona, "persona openid")):
            for match in pattern.finditer(text):
                start = max(0, match.start() - EXCERPT)
                excerpt = text[start:match.end() + EXCERPT].replace("\n", " ")
                found.append(f"{source}: {what} in …{excerpt}…")
        self.findings.extend(found)
        return found

    def scan_logs_under(self, directory: Path) -> int:
        """Scan every *.log file below `directory` (servers the tests started write there); how many."""
        paths = sorted(directory.rglob("*.log"))
        for path in paths:
            try:
                text = path.read_text(errors="replace")
            except OSError:
                continue
            self.scan(text, str(path))
        return len(paths)
