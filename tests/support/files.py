"""Files a test writes for an import to read."""

from __future__ import annotations

from pathlib import Path


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    """Write `lines` as a spreadsheet program saves a CSV file (CRLF line ends) in `encoding`; returns the path."""
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path
