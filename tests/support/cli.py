"""What an operator's command printed, checked the same way by every CLI test."""

from __future__ import annotations

from click.testing import Result


def ok(result: Result) -> str:
    """The output of a command that succeeded."""
    assert result.exit_code == 0, result.output
    return result.output


def refused(result: Result) -> str:
    """The one line of a command refused politely: exit status 1, no traceback."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output.strip()
