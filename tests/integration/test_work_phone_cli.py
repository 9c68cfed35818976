"""`gridbot invite --work-phone`: an operator publishes a new member's work phone when inviting them."""

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli.gridbot import main
from storage import staff
from storage.models import StaffInvite
from tests.conftest import TEST_SECRET_KEY

pytestmark = pytest.mark.postgres

SENT_CODE = re.compile(r"发送：认证 (\S{8})（")


def invite(database_url, clock, *args):
    env = {"GRIDBOT_DATABASE_URL": database_url, "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY}
    return CliRunner().invoke(main, ["invite", *args], env=env, obj=clock)


def test_the_work_phone_given_with_the_invite_is_published_once_the_code_binds(wechat, seeded, database_url, clock):
    result = invite(database_url, clock, "--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "张三",
                    "--work-phone", "0531-8765 4321")
    assert result.exit_code == 0, result.output
    assert "工作电话：0531-87654321" in result.output
    wechat.send("o_newstaff", f"认证 {SENT_CODE.search(result.output).group(1)}")
    assert "您的工作电话：0531-87654321" in wechat.send("o_newstaff", "工作电话")
    with seeded.transaction() as session:
        assert staff.staff_by_openid(session, "o_newstaff").work_phone == "0531-87654321"


def test_a_work_phone_that_is_no_number_is_refused_and_no_invite_is_made(seeded, database_url, clock):
    result = invite(database_url, clock, "--role", "网格员", "--grid", "幸福里社区·第一网格", "--work-phone", "12345")
    assert result.exit_code == 1 and "--work-phone 应为手机号（11 位）或座机 区号-号码" in result.output
    with seeded.transaction() as session:
        assert session.scalar(select(func.count()).select_from(StaffInvite)) == 0
