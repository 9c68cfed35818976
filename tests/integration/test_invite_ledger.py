"""`gridbot invite --from 台账 --out 文件`: a street's staff ledger invites everyone on it in one command, each code
once and only in the operator's file, nobody twice, and nobody of another street."""

import csv
import stat

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli.gridbot import main
from storage.models import StaffInvite
from tests.conftest import TEST_SECRET_KEY
from tests.support.street import add_second_street

pytestmark = pytest.mark.postgres

LEDGER = ("姓名,手机号,角色,社区,网格\n"
          "钱一,13900000001,网格员,幸福里社区,第一网格\n"
          "孙二,,网格长,和平社区,第二网格\n"
          "李三,0531-87654321,操作员,和平社区,\n"
          "张伟,,网格员,幸福里社区,第一网格\n")  # bound already (the seeded 张伟)


@pytest.fixture
def invite(seeded, database_url, clock):
    def run(*args):
        env = {"GRIDBOT_DATABASE_URL": database_url, "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY,
               "GRIDBOT_ACCOUNT_NAME": "幸福街道"}
        return CliRunner().invoke(main, ["invite", *args], env=env, obj=clock)

    return run


def invites(database):
    with database.transaction() as session:
        return session.scalar(select(func.count()).select_from(StaffInvite))


def test_a_ledger_invites_each_person_once_with_the_codes_only_in_the_operators_file(invite, seeded, wechat,
                                                                                     tmp_path):
    ledger, out = tmp_path / "台账.csv", tmp_path / "邀请码.csv"
    ledger.write_text(LEDGER, encoding="utf-8")

    result = invite("--from", str(ledger), "--out", str(out))

    assert result.exit_code == 0, result.output
    assert f"已为 3 人生成邀请，验证码写在 {out}" in result.output
    assert "已认证、在职的 1 人跳过：张伟（第 5 行）" in result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [(row["行号"], row["姓名"], row["角色"], row["工作地点"], row["手机号"]) for row in rows] == [
        ("2", "钱一", "网格员", "幸福里社区·第一网格", "139****0001"), ("3", "孙二", "网格长", "和平社区·第二网格", ""),
        ("4", "李三", "操作员", "和平社区", "053****4321")]
    assert all(row["验证码"] not in result.output for row in rows)
    assert f"请关注微信公众号“幸福街道”，在对话框中发送：认证 {rows[1]['验证码']}" in rows[1]["转发给本人的话"]
    assert wechat.send("o_sun", f"认证 {rows[1]['验证码']}") == \
        "认证成功！您已绑定为 和平社区·第二网格 的网格长。回复“帮助”查看工作指令。"

    again = invite("--from", str(ledger), "--out", str(tmp_path / "again.csv"))

    assert again.exit_code == 0, again.output
    assert "没有需要新邀请的人员，没有写文件。" in again.output
    assert "已认证、在职的 2 人跳过：孙二（第 3 行）、张伟（第 5 行）" in again.output
    assert "已有邀请待使用的 2 人跳过" in again.output and "钱一（第 2 行）、李三（第 4 行）" in again.output
    assert invites(seeded) == 3 and not (tmp_path / "again.csv").exists()
    assert "已经存在" in invite("--from", str(ledger), "--out", str(out)).output  # last run's codes are kept


def test_a_row_of_another_street_or_a_wrong_row_invites_nobody(invite, seeded, clock, tmp_path):
    with seeded.transaction() as session:
        add_second_street(session, clock())
    ledger, out = tmp_path / "台账.csv", tmp_path / "邀请码.csv"
    ledger.write_text(LEDGER + "马六,,网格员,安宁社区,第一网格\n周七,,楼长,幸福里社区,第一网格\n吴八,,网格员,,\n",
                      encoding="utf-8")

    assert "请用 --street 写明您的街道" in invite("--from", str(ledger), "--out", str(out)).output
    refused = invite("--from", str(ledger), "--out", str(out), "--street", "幸福街道")

    assert refused.exit_code == 1
    assert "台账有 3 处错误，没有生成任何邀请：" in refused.output
    assert "第 6 行：“安宁社区·第一网格”不在幸福街道，不能邀请" in refused.output
    assert "第 7 行：角色应为 网格员、网格长 或 操作员" in refused.output
    assert "第 8 行：网格员、网格长要写网格（网格列）" in refused.output
    assert invites(seeded) == 0 and not out.exists()


def test_a_person_the_ledger_lists_twice_is_invited_once_and_told_apart_from_earlier_invites(invite, seeded,
                                                                                            tmp_path):
    ledger, out = tmp_path / "台账.csv", tmp_path / "邀请码.csv"
    ledger.write_text(LEDGER + "钱一,139 0000 0001,网格长,幸福里社区,第一网格\n", encoding="utf-8")

    result = invite("--from", str(ledger), "--out", str(out))

    assert result.exit_code == 0, result.output
    assert "台账里重复列出的 1 行跳过（同一个人只邀请一次，按他第一次出现的那一行）：钱一（第 6 行）" in result.output
    assert "已有邀请待使用" not in result.output and invites(seeded) == 3


def test_a_city_ledgers_rows_of_another_street_are_refused_even_where_its_community_names_ours(invite, seeded,
                                                                                              tmp_path):
    ledger, out = tmp_path / "全市台账.csv", tmp_path / "邀请码.csv"
    ledger.write_text("街道,社区,网格,姓名,手机号,角色\n幸福街道,和平社区,第一网格,钱一,,网格员\n"
                      "平安街道,和平社区,第一网格,孙二,,网格员\n", encoding="utf-8")

    refused = invite("--from", str(ledger), "--out", str(out))

    assert "第 3 行：“平安街道·和平社区·第一网格”不在幸福街道，不能邀请" in refused.output
    assert refused.exit_code == 1 and invites(seeded) == 0


def test_an_output_file_that_cannot_be_written_invites_nobody_and_says_why_in_chinese(invite, seeded, tmp_path):
    ledger = tmp_path / "台账.csv"
    ledger.write_text(LEDGER, encoding="utf-8")

    refused = invite("--from", str(ledger), "--out", str(tmp_path / "没有的目录" / "邀请码.csv"))

    assert refused.exit_code == 1 and "没有生成邀请" in refused.output
    assert "No such file" not in refused.output and invites(seeded) == 0


def test_a_staff_ledger_writing_第1网格_for_第一网格_invites_to_that_grid(invite, seeded, tmp_path):
    ledger, out = tmp_path / "台账.csv", tmp_path / "邀请码.csv"
    ledger.write_text("姓名,手机号,角色,社区,网格\n钱一,13900000001,网格员,幸福里社区,第1网格\n"
                      "孙二,,网格员,和平社区,第２网格\n", encoding="utf-8")

    result = invite("--from", str(ledger), "--out", str(out))

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [row["工作地点"] for row in rows] == ["幸福里社区·第一网格", "和平社区·第二网格"]


def test_a_staff_ledger_from_before_a_grid_was_renamed_invites_to_the_renamed_grid(invite, seeded, database_url,
                                                                                     tmp_path):
    renamed = CliRunner().invoke(main, ["org", "rename", "网格", "和平社区·第二网格", "东方网格"],
                                 env={"GRIDBOT_DATABASE_URL": database_url})
    assert renamed.exit_code == 0, renamed.output
    ledger, out = tmp_path / "台账.csv", tmp_path / "邀请码.csv"
    ledger.write_text("姓名,手机号,角色,社区,网格\n孙二,,网格长,和平社区,第二网格\n", encoding="utf-8")

    result = invite("--from", str(ledger), "--out", str(out))

    assert result.exit_code == 0, result.output
    assert [row["工作地点"] for row in csv.DictReader(out.open(encoding="utf-8-sig"))] == ["和平社区·东方网格"]
