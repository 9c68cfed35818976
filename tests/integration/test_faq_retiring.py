"""A running webhook stops answering an entry the moment an operator disables it or a pruning import drops it."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli.gridbot import main
from handlers.faq_cache import REFRESH_INTERVAL
from storage.models import Appeal, FaqAnswer, FaqEntry
from tests.support.files import write

pytestmark = pytest.mark.postgres

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "faq-sample.csv"
MEAL_QUESTION = "请问养老助餐卡在哪里办？"
MEAL_ANSWER = "60周岁以上"  # the start of the sample's 养老助餐卡怎么办 answer
FILED = "已受理您的诉求"


def gridbot(database_url: str, clock, *arguments: str):
    result = CliRunner().invoke(main, list(arguments), obj=clock, env={"GRIDBOT_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    return result


def entry_id(database, question: str) -> int:
    with database.transaction() as session:
        return session.scalars(select(FaqEntry.id).where(FaqEntry.question == question)).one()


def test_a_disabled_entry_is_not_answered_even_before_the_cache_refreshes(wechat, seeded, database_url, clock):
    assert wechat.send("o1", MEAL_QUESTION).startswith(MEAL_ANSWER)  # the webhook's index now holds it
    meal_card = entry_id(seeded, "养老助餐卡怎么办")

    gridbot(database_url, clock, "faq", "disable", str(meal_card))
    reply = wechat.send("o1", MEAL_QUESTION)

    assert FILED in reply and MEAL_ANSWER not in reply
    with seeded.transaction() as session:
        assert [appeal.content for appeal in session.scalars(select(Appeal))] == [MEAL_QUESTION]
        assert len(session.scalars(select(FaqAnswer)).all()) == 1  # the first answer keeps its history
    assert wechat.send("o1", "高龄补贴怎么申请？").endswith("没解决请回复 转人工")  # the others still answer


def test_an_enabled_entry_is_answered_again_after_the_refresh_interval(wechat, seeded, database_url, clock):
    meal_card = entry_id(seeded, "养老助餐卡怎么办")
    gridbot(database_url, clock, "faq", "disable", str(meal_card))
    assert FILED in wechat.send("o1", MEAL_QUESTION)

    gridbot(database_url, clock, "faq", "enable", str(meal_card))
    clock.advance(seconds=REFRESH_INTERVAL.total_seconds())

    assert wechat.send("o2", MEAL_QUESTION).startswith(MEAL_ANSWER)


def test_an_entry_a_pruning_import_leaves_out_stops_being_answered(wechat, seeded, database_url, clock, tmp_path):
    assert wechat.send("o1", MEAL_QUESTION).startswith(MEAL_ANSWER)
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    without_meal_card = write(tmp_path / "faq.csv", [line for line in lines if not line.startswith("养老助餐卡怎么办,")])

    result = gridbot(database_url, clock, "faq", "import", str(without_meal_card), "--prune")

    assert "停用了文件里没有的 1 条" in result.stdout
    assert FILED in wechat.send("o1", MEAL_QUESTION)
