"""待分类 and 分类: what the classifier was unsure of waits for a person; each correction is learned from."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

import nlp
from bot.cli.gridbot import main
from handlers import notifications, staff_texts
from storage import review
from storage.models import Appeal, AppealStatus, LabelledExample, OutboxMessage, Staff, StaffRole
from tests.support.corpus import small_shipped_corpus
from tests.support.database import appeal
from tests.support.personas import OPERATOR, WANG, ZHANG
from tests.support.street import add_contractors
from tests.support.worker import dispatch_filed

pytestmark = pytest.mark.postgres

UNSURE = "有个事情想反映一下"


def file(wechat, text: str, openid: str = "o1") -> str:
    return re.search(r"G\d{10}", wechat.send(openid, text)).group(0)


def test_an_unsure_appeal_waits_and_the_operator_corrects_it(wechat, seeded):
    assert review.UNCLASSIFIED == nlp.UNCLASSIFIED  # storage keeps its own copy of the name
    ticket = file(wechat, UNSURE)
    before = appeal(seeded, ticket)
    assert before.category == "待分类"
    listing = wechat.send(OPERATOR, "待分类")
    assert ticket in listing and "建议：" in listing and "分类 编号 类别" in listing
    assert "已改为“邻里纠纷”" in wechat.send(OPERATOR, f"分类 {ticket} 邻里纠纷")
    after = appeal(seeded, ticket)
    assert after.category == "邻里纠纷" and (after.response_hours, after.resolve_hours) == (4, 168)
    assert after.resolve_due_at - before.resolve_due_at == timedelta(hours=168 - before.resolve_hours)
    assert ticket not in wechat.send(OPERATOR, "待分类")
    assert "改分类" in wechat.send(WANG, f"查询 {ticket}") and "待分类 → 邻里纠纷" in wechat.send(WANG, f"查询 {ticket}")
    with seeded.transaction() as session:
        (example,) = session.scalars(select(LabelledExample)).all()
        assert (example.text, example.label, example.previous_label) == (UNSURE, "邻里纠纷", "待分类")


# Eleven messages no category fits, from two residents (each may file ten an hour).
OUT_OF_SCOPE = ["公司拖欠我三个月工资一直不发", "银行信用卡年费乱扣了好几百", "网购的衣服商家不给退款", "驾校报名费交了两年还不安排考试",
                "培训机构跑路了学费退不回来", "开发商逾期交房一年多了", "买的手机质量问题厂家不给换", "保险公司拒绝理赔",
                "健身房倒闭了会员卡钱退不了", "信用卡被盗刷了银行不管", UNSURE]


def test_a_queue_longer_than_one_reply_says_more_are_waiting(wechat, seeded, clock):
    tickets = []
    for number, text in enumerate(OUT_OF_SCOPE):
        clock.advance(minutes=4)  # apart: words of no category minutes after one's appeal go on with it
        tickets.append(file(wechat, text, "o1" if number % 2 else "o5"))
    assert all(appeal(seeded, ticket).category == "待分类" for ticket in tickets)
    listing = wechat.send(OPERATOR, "待分类")
    assert all(ticket in listing for ticket in tickets[:10]) and tickets[10] not in listing
    assert "还有较晚提交的待分类诉求没有列出" in listing
    wechat.send(OPERATOR, f"分类 {tickets[0]} 政策咨询")
    listing = wechat.send(OPERATOR, "待分类")
    assert tickets[10] in listing and "没有列出" not in listing


def test_an_appeal_waiting_since_last_year_is_listed_with_its_year(wechat, seeded, clock, database_url, monkeypatch):
    ticket = file(wechat, UNSURE)  # 11月22日
    clock.advance(days=60)  # still waiting in January: not a 11月22日 still to come

    assert f"{ticket} 2026年11月22日 10:00｜" in wechat.send(OPERATOR, "待分类")
    monkeypatch.setenv("GRIDBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("GRIDBOT_NLP_MODEL", "none")
    reviewed = CliRunner().invoke(main, ["nlp", "review"], obj=clock)
    assert f"{ticket}  2026年11月22日" in reviewed.output, reviewed.output


def test_nlp_review_says_how_sure_the_machine_was_as_a_percentage_and_where_to_correct(wechat, seeded, clock,
                                                                                      database_url, monkeypatch):
    """An operator read 建议：政策咨询（0.20） and did not know what 0.20 was, nor where to put the category right."""
    ticket = file(wechat, UNSURE)
    monkeypatch.setenv("GRIDBOT_DATABASE_URL", database_url)
    reviewed = CliRunner().invoke(main, ["nlp", "review"], obj=clock).output
    line = next(line for line in reviewed.splitlines() if line.startswith(ticket))
    assert re.search(r"建议：\S+（把握 \d{1,3}%）", line), line
    assert "控制台“待分类”里一键采用建议" in reviewed and "分类 编号 类别" in reviewed


def test_a_correction_in_traditional_characters_names_the_category(wechat, seeded):
    ticket = file(wechat, UNSURE)
    assert "已改为“政策咨询”" in wechat.send(OPERATOR, f"分類 {ticket} 政策諮詢")
    assert appeal(seeded, ticket).category == "政策咨询"


def test_a_second_correction_replaces_the_first_example(wechat, seeded):
    ticket = file(wechat, UNSURE)
    wechat.send(WANG, f"分类 {ticket} 邻里纠纷")
    assert "已改为“小区治理”" in wechat.send(WANG, f"分类 {ticket} 小区治理")
    with seeded.transaction() as session:
        assert [(e.label, e.previous_label) for e in session.scalars(select(LabelledExample))] == [
            ("小区治理", "待分类")]


def test_who_may_correct_and_what(wechat, seeded):
    ticket = file(wechat, UNSURE)
    assert wechat.send(ZHANG, f"分类 {ticket} 邻里纠纷").endswith("类别不对的，请告诉网格长或社区工作人员改正，任务照常办理。")
    assert "只有社区操作员和本网格网格长" in wechat.send(ZHANG, "待分类")
    assert "没有“吵架”这个类别" in wechat.send(OPERATOR, f"分类 {ticket} 吵架")
    assert "没有找到编号为 G2611229999" in wechat.send(OPERATOR, "分类 G2611229999 邻里纠纷")
    assert "工作人员" in wechat.send("o2", f"分类 {ticket} 邻里纠纷")  # a resident: not theirs
    other_grid = file(wechat, UNSURE, openid="o2")
    # Another community's appeal: told like a ticket that does not exist (no oracle for guessed tickets).
    assert f"没有找到编号为 {other_grid}" in wechat.send(WANG, f"分类 {other_grid} 邻里纠纷")
    assert appeal(seeded, ticket).category == "待分类"
    assert "已撤销" in wechat.send("o1", f"撤销 {ticket}")
    assert "不能改分类" in wechat.send(OPERATOR, f"分类 {ticket} 邻里纠纷")


def test_a_street_operator_corrects_what_their_待分类_lists_in_any_community(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="street_zhou", name="周主任", role=StaffRole.OPERATOR, community_id=None,
                          active=True, created_at=clock()))
    ticket = file(wechat, UNSURE, openid="o2")  # 和平社区
    assert ticket in wechat.send("street_zhou", "待分类")
    # Not 只有社区操作员和本网格网格长可以…: the list they were just shown invites the correction.
    assert "已改为“邻里纠纷”" in wechat.send("street_zhou", f"分类 {ticket} 邻里纠纷")
    assert appeal(seeded, ticket).category == "邻里纠纷"


def test_a_department_category_says_how_to_transfer(wechat, seeded, clock):
    with seeded.transaction() as session:
        add_contractors(session, clock())  # 周队长 of 综合执法中队
    ticket = file(wechat, UNSURE)
    reply = wechat.send(OPERATOR, f"分类 {ticket} 综合执法")
    assert "由综合执法中队办理" in reply and f"转办 {ticket} 综合执法中队" in reply


def test_a_department_category_with_nobody_of_the_department_bound_says_the_grid_keeps_it(wechat, seeded):
    ticket = file(wechat, UNSURE)
    reply = wechat.send(OPERATOR, f"分类 {ticket} 综合执法")
    assert "由综合执法中队办理" in reply and "转办" not in reply and "仍由网格办理" in reply


def test_history_holds_corrections_and_appeals_resolved_under_their_category(wechat, seeded, clock):
    corrected = file(wechat, UNSURE)
    wechat.send(OPERATOR, f"分类 {corrected} 邻里纠纷")
    done = file(wechat, "3号楼电梯坏了，物业一直不来修")
    open_one = file(wechat, "楼道里堆满了纸箱子，走都走不过去")
    done_id = appeal(seeded, done).id
    with seeded.transaction() as session:
        session.get_one(Appeal, done_id).status = AppealStatus.RESOLVED
    with seeded.transaction() as session:
        history = review.labelled_history(session)
    assert (UNSURE, "邻里纠纷") in history and ("3号楼电梯坏了，物业一直不来修", "物业服务") in history
    assert all(text != "楼道里堆满了纸箱子，走都走不过去" for text, _ in history), open_one


def test_what_is_learned_from_holds_no_phone_or_id_number_whole(wechat, seeded, tmp_path, monkeypatch, database_url):
    """A model keeps every word it learned in features.txt: a resident's number must not become one."""
    ticket = file(wechat, "有个事情想反映一下，电话13912345678，身份证110101199003071234")
    wechat.send(OPERATOR, f"分类 {ticket} 邻里纠纷")
    with seeded.transaction() as session:
        learned = review.labelled_history(session) + [(text, label) for text, label, _ in review.corrections(session)]
    assert ("有个事情想反映一下，电话139****5678，身份证110101********1234", "邻里纠纷") in learned
    monkeypatch.setenv("GRIDBOT_DATABASE_URL", database_url)
    small_shipped_corpus(monkeypatch)
    result = CliRunner().invoke(main, ["nlp", "train", "--from-db", "--model", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    features = (tmp_path / "m" / "features.txt").read_text(encoding="utf-8")
    assert "13912345678" not in features and "110101199003071234" not in features


def test_train_from_db_and_keyword_suggestions(wechat, seeded, tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("GRIDBOT_DATABASE_URL", database_url)
    _, corpus_test = small_shipped_corpus(monkeypatch)
    for text in ("孔雀鱼池塘发臭了没人管", "小区池塘水发绿发臭", "池塘里漂着死鱼"):
        ticket = file(wechat, text)
        wechat.send(OPERATOR, f"分类 {ticket} 市政设施")
    ticket = file(wechat, "电梯里的按钮面板掉下来了")  # not 被困: an emergency is filed as 紧急
    wechat.send(OPERATOR, f"分类 {ticket} 物业服务")
    runner = CliRunner()
    result = runner.invoke(main, ["nlp", "train", "--from-db", "--model", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert "个类别" in result.output and f"附带测试集 {len(corpus_test)} 条" in result.output  # the corrections join it
    result = runner.invoke(main, ["nlp", "suggest"])
    assert result.exit_code == 0, result.output
    assert "市政设施：“池塘” 出现在 3 条纠正里" in result.output
    result = runner.invoke(main, ["nlp", "review"])
    assert result.exit_code == 0 and "没有待分类的诉求" in result.output


def test_the_subcategory_is_recorded_shown_on_the_card_and_follows_a_correction(wechat, seeded, clock):
    reply = wechat.send("o1", "3号楼电梯坏了，物业一直不来修")
    assert "类别：物业服务·电梯" in reply
    ticket = re.search(r"G\d{10}", reply).group(0)
    assert appeal(seeded, ticket).subcategory == "电梯"
    dispatch_filed(seeded, clock)
    with seeded.transaction() as session:
        card = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "staff_new_appeal")).first()
        assert "类别：物业服务·电梯" in notifications.render(card.template, json.loads(card.params))
    wechat.send(OPERATOR, f"分类 {ticket} 安全隐患")
    assert appeal(seeded, ticket).subcategory is None  # 安全隐患 has no subcategory these words name
    assert "类别：安全隐患" in wechat.send(WANG, f"查询 {ticket}")


def test_nlp_review_and_classify_guess_with_the_model_the_bot_uses(wechat, seeded, tmp_path, monkeypatch,
                                                                     database_url):
    """An office that retrained its model (GRIDBOT_NLP_MODEL) reviews 待分类 with the guesses the bot would make."""
    ticket = file(wechat, "公交车到站不停车，有个事情想反映一下")
    assert appeal(seeded, ticket).category == nlp.UNCLASSIFIED
    monkeypatch.setenv("GRIDBOT_DATABASE_URL", database_url)
    runner = CliRunner()
    hotline = Path(__file__).parent.parent / "data" / "hotline_small.jsonl"  # 12345-style labels: 交通出行, 教育…
    trained = runner.invoke(main, ["nlp", "train", "--data", str(hotline), "--model", str(tmp_path / "m")])
    assert trained.exit_code == 0, trained.output
    monkeypatch.setenv("GRIDBOT_NLP_MODEL", str(tmp_path / "m"))
    reviewed = runner.invoke(main, ["nlp", "review"])
    assert reviewed.exit_code == 0 and f"{ticket}" in reviewed.output and "建议：交通出行" in reviewed.output, \
        reviewed.output
    classified = runner.invoke(main, ["nlp", "classify", "公交车到站不停车"])
    assert classified.exit_code == 0 and "类别：交通出行" in classified.output, classified.output
    monkeypatch.setenv("GRIDBOT_NLP_MODEL", "none")  # the keyword rules alone
    reviewed = runner.invoke(main, ["nlp", "review"])
    assert reviewed.exit_code == 0 and f"{ticket}" in reviewed.output and "交通出行" not in reviewed.output, \
        reviewed.output
    classified = runner.invoke(main, ["nlp", "classify", "公交车到站不停车"])
    assert classified.exit_code == 1 and "GRIDBOT_NLP_MODEL=none" in classified.output, classified.output


def _told(seeded, kind: str) -> dict[str, str]:
    """Who was told a notice of that kind, and its words."""
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == kind)
                               .order_by(OutboxMessage.id)).all()
        return {row.recipient_openid: notifications.render(row.template, json.loads(row.params)) for row in rows}


def test_the_grid_team_holding_the_card_hears_the_new_category_and_its_deadlines(wechat, seeded, clock):
    ticket = file(wechat, UNSURE)
    dispatch_filed(seeded, clock)
    wechat.send(OPERATOR, f"分类 {ticket} 安全隐患")  # 1 hour to respond, 24 to resolve: the card said 3 days
    told = _told(seeded, "staff_recategorised")
    assert {ZHANG, "demo_staff_lina"} <= set(told) and OPERATOR not in told
    due = appeal(seeded, ticket).resolve_due_at
    assert told[ZHANG].startswith(f"【改分类】{ticket} 已由孙丽改为“安全隐患”，办理时限按新类别计算：接单时限 ")
    assert staff_texts.due_clock(due) in told[ZHANG] and f"回复“接单 {ticket}”" in told[ZHANG]


def test_the_member_who_claimed_it_alone_hears_the_new_deadline_from_the_grid_leader(wechat, seeded, clock):
    ticket = file(wechat, UNSURE)
    dispatch_filed(seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(WANG, f"分类 {ticket} 安全隐患")
    told = _told(seeded, "staff_recategorised")
    assert set(told) == {ZHANG}
    assert "接单时限" not in told[ZHANG] and f"办好后回复“办结 {ticket} 说明”" in told[ZHANG]


def test_the_resident_told_待分类_hears_the_confirmed_category_and_its_time_limits(wechat, seeded):
    ticket = file(wechat, UNSURE)
    wechat.send(OPERATOR, f"分类 {ticket} 安全隐患")
    assert _told(seeded, "resident_recategorised") == {
        "o1": f"您的诉求 {ticket} 类别已确认为“安全隐患”，办理时限按新类别计算。\n时限：1小时内响应，1天内办结\n"
              f"回复“查询 {ticket}”可查看办理进度。"}
    wechat.send(OPERATOR, f"分类 {ticket} 邻里纠纷")
    assert "类别已改为“邻里纠纷”" in _told(seeded, "resident_recategorised")["o1"]
    assert "时限：4小时内响应，7天内办结" in _told(seeded, "resident_recategorised")["o1"]


def test_a_correction_taken_back_puts_the_appeal_in_待分类_again_and_is_not_learnt(wechat, seeded):
    ticket = file(wechat, UNSURE)
    before = appeal(seeded, ticket)
    wechat.send(WANG, f"分类 {ticket} 安全隐患")
    assert wechat.send(WANG, f"分类 {ticket} 待分类") == (
        f"诉求 {ticket} 已放回待分类，办理时限恢复为默认时限，之前对它的改正不再用于训练。确定类别后请回复：分类 {ticket} 类别")
    after = appeal(seeded, ticket)
    assert after.category == "待分类" and after.resolve_due_at == before.resolve_due_at
    assert ticket in wechat.send(OPERATOR, "待分类")
    with seeded.transaction() as session:
        assert session.scalars(select(LabelledExample)).all() == []
    assert "已改为“小区治理”" in wechat.send(OPERATOR, f"分类 {ticket} 小区治理")
    with seeded.transaction() as session:
        (example,) = session.scalars(select(LabelledExample)).all()
        assert (example.label, example.previous_label) == ("小区治理", "待分类")


def test_a_resolved_appeal_of_the_wrong_category_is_corrected_for_the_record_and_learnt_so(wechat, seeded, clock):
    ticket = file(wechat, "3号楼电梯坏了，物业一直不来修")
    dispatch_filed(seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(ZHANG, f"办结 {ticket} 已修好")
    before = appeal(seeded, ticket)
    assert before.status == AppealStatus.RESOLVED
    reply = wechat.send(OPERATOR, f"分类 {ticket} 安全隐患")
    assert reply == (f"诉求 {ticket} 已办结，类别已改为“安全隐患”：只更正记录，办理时限不变，也不再通知办理人和居民。"
                     "这条纠正会用于改进自动分类。")
    after = appeal(seeded, ticket)
    assert after.category == "安全隐患" and after.resolve_due_at == before.resolve_due_at
    assert (after.response_hours, after.resolve_hours) == (before.response_hours, before.resolve_hours)
    assert _told(seeded, "staff_recategorised") == {} and _told(seeded, "resident_recategorised") == {}
    with seeded.transaction() as session:
        history = review.labelled_history(session)
    assert ("3号楼电梯坏了，物业一直不来修", "安全隐患") in history
    assert ("3号楼电梯坏了，物业一直不来修", "物业服务") not in history
    assert "不能改分类" in wechat.send(OPERATOR, f"分类 {ticket} 待分类")


def test_a_correction_undone_to_the_classifiers_category_is_no_correction(wechat, seeded, tmp_path, monkeypatch,
                                                                          database_url):
    ticket = file(wechat, "3号楼电梯坏了，物业一直不来修")
    wechat.send(OPERATOR, f"分类 {ticket} 安全隐患")
    assert "已改为“物业服务”" in wechat.send(WANG, f"分类 {ticket} 物业服务")
    with seeded.transaction() as session:
        assert session.scalars(select(LabelledExample)).all() == []
    monkeypatch.setenv("GRIDBOT_DATABASE_URL", database_url)
    assert "数据库里有 0 条分类纠正" in CliRunner().invoke(main, ["nlp", "suggest"]).output


def test_a_returned_appeal_corrected_tells_no_operator_to_resolve_it(wechat, seeded, clock):
    with seeded.transaction() as session:  # a second operator of 孙丽's community, whom the 退回 reaches too
        community = session.scalars(select(Staff.community_id).where(Staff.openid == OPERATOR)).one()
        session.add(Staff(openid="op_zhou", name="周敏", role=StaffRole.OPERATOR, community_id=community, active=True,
                          created_at=clock()))
    ticket = file(wechat, UNSURE)
    dispatch_filed(seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert "退回" in wechat.send(ZHANG, f"退回 {ticket} 不是本网格的事")
    assert appeal(seeded, ticket).status == AppealStatus.RETURNED
    wechat.send(OPERATOR, f"分类 {ticket} 安全隐患")
    assert _told(seeded, "staff_recategorised") == {}


def test_two_reviewers_correcting_at_once_the_second_hears_whose_correction_theirs_replaced(wechat, seeded, clock):
    ticket = file(wechat, UNSURE)
    assert "注意" not in wechat.send(OPERATOR, f"分类 {ticket} 邻里纠纷")
    clock.advance(minutes=2)
    reply = wechat.send(WANG, f"分类 {ticket} 小区治理")
    assert reply.endswith("\n注意：孙丽在11月22日 10:00刚把它改为“邻里纠纷”，现在按您改的“小区治理”办理；"
                          "如有分歧请与孙丽商量后再改。")
    clock.advance(minutes=20)
    assert "注意" not in wechat.send(OPERATOR, f"分类 {ticket} 安全隐患")  # after a while: a decision, not a race


def test_a_category_named_by_a_part_of_its_name_alone_is_taken(wechat, seeded):
    ticket = file(wechat, UNSURE)
    assert "已改为“物业服务”" in wechat.send(OPERATOR, f"分类 {ticket} 物业")
    assert "已改为“噪音扰民”" in wechat.send(OPERATOR, f"分类 {ticket} 噪音")
    assert "没有“服务”这个类别。可用类别：物业服务、" in wechat.send(OPERATOR, f"分类 {ticket} 服务")  # 物业服务, 养老服务
    assert appeal(seeded, ticket).category == "噪音扰民"


@pytest.mark.parametrize(("arguments", "option"), [(["review", "--limit", "0"], "--limit"),
                                                   (["review", "--limit", "-5"], "--limit"),
                                                   (["suggest", "--min-count", "0"], "--min-count")])
def test_nlp_review_and_suggest_refuse_a_count_below_one(wechat, seeded, database_url, monkeypatch, arguments, option):
    file(wechat, UNSURE)  # one waits: --limit 0 said 没有待分类的诉求, and -5 listed all (PostgreSQL: an error)
    monkeypatch.setenv("GRIDBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("GRIDBOT_NLP_MODEL", "none")
    result = CliRunner().invoke(main, ["nlp", *arguments])
    assert result.exit_code == 2, result.output
    assert option in result.output and "1" in result.output and "没有待分类的诉求" not in result.output


def test_a_category_copied_with_its_subcategory_from_a_card_is_taken(wechat, seeded):
    ticket = file(wechat, "3号楼电梯坏了，物业一直不来修")
    wechat.send(OPERATOR, f"分类 {ticket} 安全隐患")
    assert "已改为“物业服务”" in wechat.send(OPERATOR, f"分类 {ticket} 物业服务·电梯")
    assert (appeal(seeded, ticket).category, appeal(seeded, ticket).subcategory) == ("物业服务", "电梯")


def test_a_morning_of_corrections_reaches_each_grid_member_as_a_digest_beyond_the_first_few(wechat, seeded, clock):
    tickets = []
    for number, text in enumerate(OUT_OF_SCOPE[:8]):
        clock.advance(minutes=4)
        tickets.append(file(wechat, text, "o1" if number % 2 else "o5"))
    dispatch_filed(seeded, clock)
    clock.advance(minutes=30)  # the cards' minute is long gone: only the corrections share this one
    for ticket in tickets:
        wechat.send(OPERATOR, f"分类 {ticket} 政策咨询")
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_openid == ZHANG,
                                                           OutboxMessage.template.in_(("staff_recategorised",
                                                                                       "staff_digest")))).all()
        one_by_one = [row for row in rows if row.template == "staff_recategorised" and row.status != "digested"]
        (digest,) = [row for row in rows if row.template == "staff_digest" and "recategorised" in row.params]
        assert len(one_by_one) == 5
        assert "改分类3条" in notifications.render(digest.template, json.loads(digest.params))


def test_the_grid_team_hears_a_correction_taken_back_as_waiting_for_its_category(wechat, seeded, clock):
    ticket = file(wechat, UNSURE)
    dispatch_filed(seeded, clock)
    wechat.send(OPERATOR, f"分类 {ticket} 安全隐患")
    wechat.send(OPERATOR, f"分类 {ticket} 待分类")
    told = staff_texts.due_clock(appeal(seeded, ticket).resolve_due_at)
    assert _told(seeded, "staff_recategorised")[ZHANG].startswith(
        f"【改分类】{ticket} 已由孙丽放回待分类，等待确认类别，办理时限恢复为默认时限：接单时限 ")
    assert told in _told(seeded, "staff_recategorised")[ZHANG]
