"""The guide's 节假日 steps, as an office follows them when the State Council publishes the next year's holidays:
a copy of the shipped calendar outside the venv (an upgrade installs a new venv and would drop an edit there), the
new year appended, GRIDBOT_HOLIDAYS pointing at it."""

from __future__ import annotations

import re
import shlex
from datetime import date
from pathlib import Path

from bot.settings import Settings
from handlers import summary_texts
from storage import workdays
from tests.deploy.conftest import ROOT

SRC = "/opt/gridbot/src/"  # where the guide installs the source (its section 2)


def holiday_block() -> str:
    guide = (ROOT / "docs" / "deploy.md").read_text()
    found = re.search(r"^### 节假日.*?```bash\n(.*?)```", guide, re.MULTILINE | re.DOTALL)
    assert found, "docs/deploy.md does not say how to add a year's holidays to a deployed gridbot"
    return found.group(1)


def test_the_guides_holiday_steps_give_the_services_a_calendar_with_the_new_year(tmp_path: Path) -> None:
    calendar, env_file = tmp_path / "holidays.txt", tmp_path / "gridbot.env"
    for line in holiday_block().splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["install"]:
            assert words[-2].startswith(SRC) and words[-1] == "/etc/gridbot/holidays.txt"
            shipped = ROOT / words[-2].removeprefix(SRC)
            assert shipped == workdays.SHIPPED
            calendar.write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
        elif words[:1] == ["printf"] and words[-1] == "/etc/gridbot/holidays.txt":
            with calendar.open("a", encoding="utf-8") as file:
                file.write(words[2] + "\n")
        elif words[:1] == ["echo"] and words[-1] == "/etc/gridbot/gridbot.env":
            env_file.write_text(words[1].replace("/etc/gridbot/holidays.txt", str(calendar)) + "\n")
    name, _, value = env_file.read_text().strip().partition("=")

    loaded = workdays.load(Settings.holidays_from_env({name: value}))

    assert loaded.covers(2027) and not loaded.is_workday(date(2027, 1, 1))
    assert loaded.covers(2026)  # the shipped years stay


def test_the_operators_reminder_points_at_the_guide_not_at_the_venvs_file() -> None:
    assert "storage/data" not in summary_texts.HOLIDAYS_MISSING and "docs/deploy.md" in summary_texts.HOLIDAYS_MISSING
