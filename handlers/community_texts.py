"""What the community's own people read in the chat — 楼长, 单元长, 党员中心户, 党员 and 志愿者: 代报 for a
neighbour, their help, and the refusals of staff work (and what residents and staff hear when they try theirs);
and what a resident reads on the way in: the 党员报到 / 志愿者报名 dialogue and the notice of the community's
decision (registered in staff_texts.TEMPLATES: the applicant is told as the member they become).

They are residents with a part, not grid staff: the wording never promises them grid work or other people's
appeals.
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers.privacy import mask_personal_numbers
from handlers.resident_texts import EMERGENCY_NUMBERS, Fields, who_was_told
from storage.notices import StaffEnrolmentDeclined, StaffMemberConfirmed, StaffMemberMovedHome

DAIBAO_USAGE = "代报 单元或门牌 内容"
DAIBAO_FILED = ("已为邻居（{home}）代报，编号 {ticket}，类别：{category}，已派给 {grid}。"
                "办理进展会发给您，请转告邻居；办结后请您代邻居评价。回复“查询 {ticket}”可查看进度。")
# A danger: the 楼长 may be at the neighbour's door, so who was told and how soon someone comes, not routine words.
DAIBAO_EMERGENCY_FILED = ("已为邻居（{home}）代报，登记为紧急诉求 {ticket}，同时通知了{who}，"
                          "{minutes}分钟内会有人联系您。有新情况请直接发消息告诉我们。")
# Nobody of the grid, its community or its street has bound WeChat yet: nobody was told.
DAIBAO_EMERGENCY_FILED_NOBODY = ("已为邻居（{home}）代报，登记为紧急诉求 {ticket}。这里暂时还没有工作人员在公众号上接收消息，"
                                 "请一定先打上面的电话求助，不要等我们联系。有新情况请直接发消息告诉我们。")
DAIBAO_ALREADY = ("您已为邻居（{home}）代报过“{content}”，编号 {ticket}，正在办理，这次没有重复登记。"
                  "回复“查询 {ticket}”可查看进度；邻居有新情况，请说明与之前不同的地方。")
DAIBAO_COMPLAINT_HANDLED_BY = "邻居的投诉由被投诉人的上级（{who}）处理，被投诉的工作人员看不到这条投诉。"
# Only that the neighbour wants to complain (代报 2单元 投诉网格员张伟): what happened is asked for, as of a resident.
DAIBAO_COMPLAINT_DETAILS = ("没有登记：请写明邻居要投诉谁（姓名或职务，或物业）和发生了什么事，例如：代报 {home} 投诉网格员张伟，"
                            "上门态度很差还骂人。投诉工作人员的，由其上级处理，被投诉人看不到。")
DAIBAO_UNKNOWN_HOME = ("“{typed}”不是本楼的单元，也不像门牌（需含数字，如 3-2-501）。"
                       "请按“代报 单元或门牌 内容”发送，例如：代报 {example} 楼道灯不亮。")
DAIBAO_UNITS = "本楼的单元：{units}。"
DAIBAO_OTHER_BUILDING = ("“{typed}”不在{building}，没有登记。代报只能替本楼的邻居反映问题；其他楼的问题请告诉那栋楼的楼长，"
                         "或请邻居的家人直接发给本公众号。")
TYPED_SHOWN = 20  # characters of an unknown home said back: a unit or a 门牌 is far shorter
DAIBAO_NOTHING = "请写明邻居遇到的问题，例如：代报 {example} 楼道灯不亮。"
DAIBAO_BUILDING_GONE = "您所在（或负责）的楼栋已停用，暂时不能代报，请联系社区。"
DAIBAO_TOO_LONG = "代报内容最多 {limit} 字，您发了 {length} 字，没有登记。请精简后再发。"
# Intake limits (GRIDBOT_APPEALS_PER_HOUR / _PER_DAY) count a 楼长's own appeals and those filed for neighbours.
DAIBAO_LIMIT_PER_HOUR = ("抱歉，一小时内最多提交 {limit} 条诉求（含代报），您已达到上限，这条没有登记。"
                         "请稍后再代报；紧急情况请直接致电社区居委会，危及人身安全请拨打 110、119 或 120。")
DAIBAO_LIMIT_PER_DAY = ("抱歉，24 小时内最多提交 {limit} 条诉求（含代报），您已达到上限，这条没有登记。"
                        "请明天再代报；紧急情况请直接致电社区居委会，危及人身安全请拨打 110、119 或 120。")
# How each of them is called (a StaffRole's value → the word people use).
ROLE_NAMES = {"building_lead": "楼长", "unit_lead": "单元长", "party_household": "党员中心户", "party_member": "党员",
              "volunteer": "志愿者"}
# The summary stands after a colon: several hold parentheses of their own (领单, 积分排行), which nested read badly.
COMMUNITY_ONLY = "“{verb}”：{summary}。只有{who}可以使用。您自己遇到的问题，直接发送文字描述即可。"
# After COMMUNITY_ONLY, to a resident: how to become one who may (a volunteer, or for 代报 a party member only).
JOIN_TO_USE = "想参与的话，党员可以发送“党员报到”，其他居民可以发送“志愿者报名”，社区确认后就可以使用。"
JOIN_TO_USE_PARTY = "党员可以发送“党员报到”，社区确认后就可以使用。"
JOIN_WAITING = "您的报到/报名正在等待社区确认，确认后会通知您，就可以使用了。"
# 怎么接单 from a confirmed volunteer, party member or 楼长 (nlp.chatter.Chatter.HOW_TO_CLAIM): their way to take a task.
HOW_TO_CLAIM = ("发送“可领任务”查看本社区可以领的任务和微心愿，再发送“领单 编号”领取（一件事只有一人领得到）；"
                "办好后发送“完成 编号 说明”，网格员核实后确认。")
STAFF_USE_REPORT = "“{verb}”是{who}使用的指令，工作人员不能使用；{instead}。"
# What staff say instead of the community's command they tried (a grid member's 完成 means 办结).
STAFF_INSTEAD = {
    "代报": "发现问题请发送：上报 内容",
    "完成": "办结请发送：办结 编号 说明",
    "领单": "接下任务请发送：接单 编号",
    "可领任务": "查看您的任务请发送：我的任务",
}
STAFF_INSTEAD_OTHERWISE = "回复“帮助”查看工作指令"
NOT_GRID_WORK = "{role}不承担网格员的办理工作，这个指令不能使用。{instead}"
# A grid member's verb said by one of the community's own people: what they say instead, for their own tasks.
GRID_WORK_INSTEAD = {
    "接单": "领取任务请发送：领单 编号（回复“可领任务”查看可以领的）。",
    "进展": "领的任务不用报进展：帮忙做完了请发送“完成 编号 说明”，做不了请发送“放弃 编号”；有情况请直接联系负责的网格员或社区工作人员。",
    "办结": "领的任务帮忙做完了请发送：完成 编号 说明，由负责的网格员或社区工作人员核实确认。",
    "确认完成": "您领的任务由负责的网格员或社区工作人员核实确认，确认后会通知您并记入积分。",
}
GRID_WORK_INSTEAD_OTHERWISE = "回复“帮助”查看您可以使用的指令。"
# The numbers to call lead it as they lead a resident's help: a 楼长 is often who an old neighbour in danger reaches.
HELP_HEADER = EMERGENCY_NUMBERS + "\n{role}您好！您可以使用下面的指令，也可以直接发送文字提交您自己的诉求。可用指令："
HELP_LINE = "· {usage}：{summary}"
HELP_CONTINUED = "可用指令（续，第{page}/{pages}页）："
HELP_MORE = "还有更多指令，请回复：帮助 {next}"


def role_name(role: str) -> str:
    """楼长, 党员…: how a member of the community's own people is called."""
    return ROLE_NAMES.get(role, role)


def who(roles: tuple[str, ...]) -> str:
    """The roles a command is for, as a sentence says them: 楼长、单元长和党员."""
    names = [role_name(role) for role in roles]
    return names[0] if len(names) == 1 else "、".join(names[:-1]) + "和" + names[-1]


def filed(ticket: str, home: str, category: str, subcategory: str | None, grid: str) -> str:
    """The reply to 代报: the ticket, the home it was filed for, where it went."""
    named = f"{category}·{subcategory}" if subcategory else category
    return DAIBAO_FILED.format(ticket=ticket, home=home, category=named, grid=grid)


def filed_emergency(ticket: str, home: str, minutes: int, told: tuple[str, ...]) -> str:
    """The reply to 代报 of a danger, after the number to call and the advice (`told`: whom its card reaches, by
    role, storage.emergencies.told_roles)."""
    if not told:
        return DAIBAO_EMERGENCY_FILED_NOBODY.format(ticket=ticket, home=home)
    return DAIBAO_EMERGENCY_FILED.format(ticket=ticket, home=home, minutes=minutes, who=who_was_told(told))


def already_reported(ticket: str, home: str, content: str) -> str:
    """代报 again of an open appeal filed for the same neighbour: where it stands, its words said back short."""
    masked = mask_personal_numbers(content)  # as a resident's own repeat is said back (resident_texts)
    shown = masked if len(masked) <= TYPED_SHOWN else masked[:TYPED_SHOWN] + "…"
    return DAIBAO_ALREADY.format(home=home, content=shown, ticket=ticket)


def unknown_home(typed: str, units: list[str]) -> str:
    """The first words after 代报 are no unit of the building and no 门牌: the format, with the units there are.
    The words are said back cut short: a whole problem written without a space would overflow the reply's 2048
    bytes, and WeChat would show nothing at all."""
    example = units[0] if units else "501"
    shown = typed if len(typed) <= TYPED_SHOWN else typed[:TYPED_SHOWN] + "…"
    reply = DAIBAO_UNKNOWN_HOME.format(typed=shown, example=example)
    return f"{reply}\n{DAIBAO_UNITS.format(units='、'.join(units))}" if units else reply


def other_building(typed: str, building: str) -> str:
    """A 门牌 of another building: not filed at the reporter's, where nobody would find the neighbour."""
    shown = typed if len(typed) <= TYPED_SHOWN else typed[:TYPED_SHOWN] + "…"
    return DAIBAO_OTHER_BUILDING.format(typed=shown, building=building)


def daibao_complaint_details(home: str) -> str:
    """A 代报 that only says the neighbour wants to complain: who and what happened, asked for with an example."""
    return DAIBAO_COMPLAINT_DETAILS.format(home=home or "2单元")


def nothing(units: list[str]) -> str:
    """A unit or 门牌 with no problem after it."""
    return DAIBAO_NOTHING.format(example=units[0] if units else "501")


# --- 党员报到 / 志愿者报名 (handlers/enrolment.py): what the applicant reads ------------------------------------

ENROL_ROLES = {"party_member": "党员报到", "volunteer": "志愿者报名"}  # what the request is called, by role
ENROL_NO_HOME = "{what}需要先绑定您的住址（报到后登记在您居住的小区和楼栋）。请回复“绑定”完成绑定后，再发送“{what}”。"
ENROL_ALREADY_MEMBER = "您已经是本社区的{role}，无需再次{what}。回复“帮助”查看您可以使用的指令。"
ENROL_ALREADY_STAFF = "您已绑定为工作人员（{role}），无需{what}。"
ENROL_PENDING = "您的报到/报名申请已提交，正在等待社区确认，确认后会通知您，无需再次提交；填错了可以发送“撤回报名”后重新申请。"
ENROL_ASK_NAME = "欢迎{what}！请回复您的真实姓名（最多 {limit} 字）。回复“取消”可随时退出。"
ENROL_ASK_ORGANISATION = {
    "party_member": "请回复您的所在党组织或工作单位，例如：市税务局第二党支部（最多 {limit} 字）。",
    "volunteer": "请回复您所在的志愿服务队或工作单位（最多 {limit} 字）；没有请回复“无”。",
}
ENROL_BAD_NAME = "姓名不能为空，最多 {limit} 字，请重新回复您的姓名（回复“取消”退出）。"
ENROL_NOT_A_NAME = ("您正在{what}，这一步请只回复您的姓名，例如：陈明。"
                    "要反映问题，请先回复“取消”退出{what}，再发送问题。")
# A name holding a problem's words (王路灯, nlp.names): said back before the next question.
ENROL_NAME_NOTED = "已记下您的姓名：{name}（不对请回复“取消”重新开始）。\n{ask}"
ENROL_BAD_ORGANISATION = "最多 {limit} 字，请精简后重新回复（回复“取消”退出）。"
ENROL_SENT = ("已收到您的{what}：{name}，{organisation}，住址 {home}（编号 {number}）。"
              "社区工作人员核实后会确认，确认后会通知您；填错了可以发送“撤回报名”后重新申请。")
ENROL_WITHDRAWN = "已撤回您的{what}（编号 {number}），社区不会再处理这条申请。需要时可以重新发送“党员报到”或“志愿者报名”。"
ENROL_NOTHING_TO_WITHDRAW = "您没有等待社区确认的报到或报名，无需撤回。"
ENROL_NO_ORGANISATION = "未填写单位"
CONFIRMED = "{name}您好，社区已确认您的{what}，您现在是{role}了，感谢您参与社区治理！您可以："
CONFIRMED_CAN = {
    "party_member": ("· 可领任务：看看身边需要帮忙的事，“领单 编号”接下",
                     "· 代报 单元或门牌 内容：替不用微信的邻居反映问题（红色代办）",
                     "· 我的积分：查看积分"),
    "volunteer": ("· 可领任务：看看身边需要帮忙的事，“领单 编号”接下", "· 我的积分：查看积分"),
}
CONFIRMED_END = "回复“帮助”查看全部指令。"
DECLINED = ("{name}您好，您的{what}社区暂未确认。如有疑问，请联系社区居委会。感谢您热心参与社区事务！")


def enrol_word(role: str) -> str:
    """党员报到 or 志愿者报名: what a request of `role` is called."""
    return ENROL_ROLES.get(role, "报名")


def confirmed(n: StaffMemberConfirmed) -> str:
    """The new member's notice: confirmed, and what they may do now."""
    lines = CONFIRMED_CAN.get(n.role, CONFIRMED_CAN["volunteer"])
    head = CONFIRMED.format(name=n.who, what=enrol_word(n.role), role=role_name(n.role))
    return "\n".join([head, *lines, CONFIRMED_END])


def confirmed_fields(n: StaffMemberConfirmed) -> Fields:
    return (n.who, f"{enrol_word(n.role)}已确认", "可领任务、我的积分"), CONFIRMED_END


MOVED_HOME = "【住址已更新】{who}您好！社区已把您登记的{role}住址改为 {home}，“可领任务”和“积分排行”按新住址，已有的积分不变。"
MOVED_HOME_RELEASED = "您在原来社区领了、还没报完成的任务已交还，重新开放给其他志愿者：{tasks}。"


def moved_home(n: StaffMemberMovedHome) -> str:
    """The member's notice: registered at their new home, and the tasks given back."""
    head = MOVED_HOME.format(who=n.who, role=role_name(n.role), home=n.home)
    return "\n".join([head, MOVED_HOME_RELEASED.format(tasks="、".join(n.released))] if n.released else [head])


def moved_home_fields(n: StaffMemberMovedHome) -> Fields:
    return (n.who, f"登记住址改为 {n.home}", "交还的任务：" + ("、".join(n.released) or "无")), "已有的积分不变。"


def declined(n: StaffEnrolmentDeclined) -> str:
    """The applicant's notice: not confirmed, politely."""
    return DECLINED.format(name=n.who, what=enrol_word(n.role))


def declined_fields(n: StaffEnrolmentDeclined) -> Fields:
    return (n.who, f"{enrol_word(n.role)}未确认"), "如有疑问，请联系社区居委会。"


# A member who moved house (我搬家了): their registration followed within the community, or stayed (a post such as
# 单元长, or a home in another community). A 楼长's building is the one they look after: not told.
MEMBER_HOME_FOLLOWED = "您登记的{role}住址也已改为 {home}，“可领任务”和“积分排行”按新住址。"
MEMBER_HOME_STAYS = "您登记的{role}住址仍是 {home}，“可领任务”和“积分排行”仍按那里。如要改到新住址，请联系社区工作人员。"


# --- 积分: 我的积分 and 积分排行 (handlers/points.py) ---------------------------------------------------------

MY_POINTS = "{role}{name}您好！您的积分：{balance} 分，本月获得 {month} 分。"
MY_POINTS_RECENT = "最近的积分记录："
MY_POINTS_LINE = "· {line}"
MY_POINTS_RULES = "{street}的积分规则：{terms}。"  # the street's own where it set some, else the district's
MY_POINTS_RULES_NO_STREET = "积分规则：{terms}。"
MY_POINTS_NONE = ("还没有积分记录。领单完成任务、转达通知、替邻居代报问题都会记积分，"
                  "积分可以按社区的规定兑换。")
# 积分兑换 in the chat: the community records it (gridbot points redeem); "请再具体描述一下您遇到的问题" before.
REDEEM_HOW = ("积分兑换由社区工作人员登记：请联系社区居委会，说明想兑换什么；登记后“我的积分”里会有一条兑换记录。"
              "您现在有 {balance} 分。")
MY_POINTS_MORE = "回复“积分排行”查看本小区本月的排行（“积分排行 社区”：全社区）。"
RANKING_WORDS = ("社区", "全社区", "本社区")  # 积分排行 社区: the whole community instead of the sender's 小区
RANKING_COMPOUND_WORDS = ("小区", "本小区")  # 积分排行 小区: the sender's 小区, as 积分排行 alone
COMPOUND_WORD = "小区"
PLACE_WORDS_ENDINGS = ("社区", COMPOUND_WORD)  # 积分排行 和平社区: a place named, ours or another's
RANKING_OWN_PLACES_ONLY = "积分排行只能看您所在的小区和社区：发“积分排行”看{compound}的，发“积分排行 社区”看{community}的。"
RANKING_HEADER = "{where} {month}积分排行（前 {top} 名）："
RANKING_LINE = "{place}. {name}（{role}）{points} 分"
RANKING_EMPTY = "{where} {month}还没有人获得积分。领单完成任务、转达通知都会记积分。"
RANKING_OWN = "您排第 {place} 名，本月 {points} 分。"
RANKING_OWN_NONE = "您本月还没有积分。"


def month_words(month: str) -> str:
    """2026-12 → 2026年12月."""
    year, number = month.split("-")
    return f"{year}年{int(number)}月"
# --- 领单: 可领任务, 领单, 完成, 放弃 (handlers/volunteering.py) ---------------------------------------------------

TASKS_USAGE = "可领任务"
CLAIM_USAGE = "领单 编号"
DONE_USAGE = "完成 编号 说明"
RELEASE_USAGE = "放弃 编号"
# 完成 W2612020001 with nothing after it: the words the one responsible checks the task by, with an example.
DONE_NEEDS_WORDS = "请在编号后面写一句做了什么，方便负责的人核实，例如：{verb} {code} 已经帮忙做好了"
NEEDS_TASK_NUMBER = "请在“{verb}”后面加上任务编号（“可领任务”每行开头的 G… 或 W…），例如：{verb} W2612020001"
WISH_WHAT = "微心愿"
# A 微心愿's number in other words than a command's (领 W…, W… 完成了): what to send, not an appeal filed.
TASK_IN_WORDS = ("您说的是微心愿 {code} 吧？领取请回复“领单 {code}”；做完了请回复“完成 {code}”再加一句做了什么；"
                 "做不了请回复“放弃 {code}”。")
TASKS_HEADER = "附近可以领取的任务（本小区的在前）："
TASK_LINE = "{n}. {code}｜{what}｜{place}\n　{text}"
TASKS_HINT = "回复“领单 编号”领取，如：领单 W2612020001；诉求仍由网格员、微心愿由发布人负责，您帮忙完成后回复“完成 编号”再加一句做了什么。"
# 可领任务 longer than one reply: fewer open tasks, the volunteer's own always shown.
TASKS_MORE = "另有 {n} 条可领的任务一条消息放不下，没有列出；上面的被领走后，再发“可领任务”就会列出它们。"
TASKS_NONE = "附近暂时没有可以领取的任务，感谢您的热心！过些时候再发“可领任务”看看。"
MINE_HEADER = "您正在做的任务："
MINE_LINE = "· {code}｜{what}｜{place}（{status}）"
MINE_STATUS = {"claimed": "进行中", "done": "已报完成，等待确认",
               "resolved": "网格员已办结：帮过忙请回复 完成 编号 说明，没有请回复 放弃 编号"}
CLAIMED = ("领单成功：{code}（{what}，{place}）。\n内容：{text}\n负责的{responsible}已收到通知。"
           "完成后回复“完成 {code}”再加一句做了什么，如：完成 {code} 已帮忙做好，可随后发一张现场照片；"
           "做不了请回复“放弃 {code}”。")
PHONE_FOR_TASKS = "\n您领单时，负责那件任务的网格员或社区工作人员也会看到这个号码，方便联系您。"
CLAIMED_NO_PHONE = "\n负责的{responsible}还没有您的电话：回复“我的电话 号码”留下，以后领单时会一并告诉负责的人，方便联系。"
ALREADY_YOURS = "{code} 已经由您领取了。完成后回复“完成 {code}”再加一句做了什么，如：完成 {code} 已帮忙做好；做不了请回复“放弃 {code}”。"
TAKEN = "{code} 已被其他志愿者领取（{role}{name}），感谢您的热心！回复“可领任务”看看其他任务。"
TAKEN_DONE = "{code} 已由{role}{name}帮忙完成了，感谢您的热心！回复“可领任务”看看其他任务。"  # reported done, or confirmed
NO_SUCH_TASK = "没有找到您可以领取的任务 {code}。回复“可领任务”查看本社区可以领取的任务。"
NOT_VOLUNTEER_WORK = "{code} 不是志愿者可以领取的任务，由网格员办理。回复“可领任务”查看可以领取的任务。"
EMERGENCY_TASK = "{code} 是紧急情况，由网格员和专业救援人员处理，志愿者不能领单。如您在现场，请注意安全，必要时拨打 110、119 或 120。"
CLOSED_TASK = "{code} 已经办完、已被取消或暂时不能领取。回复“可领任务”查看其他任务。"
TOO_MANY_IN_PROGRESS = "您手上已有 {limit} 个任务在进行中，请先完成（完成 编号 说明）或放弃（放弃 编号）一个，再领新的。"
TOO_MANY_TODAY = "您今天已领单 {limit} 次，请明天再领。感谢您的热心！"
DONE = "已记录 {code} 完成，已请负责的{responsible}核实确认，确认后会通知您并记入积分。有现场照片请在 {minutes} 分钟内直接发送。"
NOT_YOUR_CLAIM = "您没有正在进行的任务 {code}。回复“可领任务”查看您领取的任务。"
# 领单, 完成 or 放弃 again on a task the member reported done (完成).
NONE_IN_PROGRESS = "您手上没有正在做的任务。回复“可领任务”查看可以领取的任务；做完一件任务后请回复“完成 编号 说明”。"
WHICH_IN_PROGRESS = "您手上有 {count} 个任务在做：{codes}。请写明是哪一件，例如：完成 {first} 已帮忙做好"
SEVERAL_ENDING = "您手上有 {count} 个任务的编号以 {digits} 结尾：{tickets}。请发完整编号，例如：{verb} {first}"
NONE_ENDING = "您手上没有编号以 {digits} 结尾的任务。回复“可领任务”查看您正在做的任务和它们的完整编号。"
REPORTED_WAITING = "{code} 您已报完成，正在等待负责的{responsible}核实确认，无需再发；确认后会通知您并记入积分。"
REPORTED_CONFIRMED = "{code} 您已完成，也已确认，积分已记入。感谢您！回复“可领任务”看看其他任务。"
RELEASED = "已放弃 {code}，任务已重新开放给其他志愿者。感谢您！"
# 我不做了, 做不了了, 放弃 without a number (handlers/volunteering.quitting): nothing is given back until they confirm.
GIVE_BACK_ONE = ("您要放弃正在做的任务 {code}（{what}，{place}）吗？确认请回复“放弃 {code}”，任务会重新开放给其他志愿者；"
                 "还要继续做就不用回复。")
GIVE_BACK_WHICH = "您手上有 {count} 个任务在做：{codes}。要放弃哪一件？请回复“放弃 编号”，例如：放弃 {first}"
NONE_TO_GIVE_BACK = "您手上没有正在做的任务，不用放弃。回复“可领任务”查看可以领取的任务。"
MATERIAL_KEPT = "{kind}已保存到任务 {code}，并已发给负责的{responsible}。"
MATERIAL_NAMES = {"image": "照片", "location": "位置"}
# Who the volunteer's task is with (storage.volunteer_claims.responsible): one by role and name, several by role.
RESPONSIBLE_ROLES = {"grid_member": "网格员", "grid_leader": "网格长", "operator": "社区工作人员"}
RESPONSIBLE_GRID_TEAM = "网格员"
MATERIAL_LIMIT_WINDOWS = {"hour": "一小时", "day": "24 小时"}


def material_limit(kind: str, window: str, limit: int) -> str:
    """A photo past the volunteer's hour's or day's share (storage.volunteer_claims.PhotoNotKept): not kept."""
    return (f"抱歉，{MATERIAL_LIMIT_WINDOWS[window]}内最多保存 {limit} 张照片或位置，您已达到上限，"
            f"这次的{MATERIAL_NAMES.get(kind, '材料')}没有保存。请稍后再发；做了什么可以写在“完成”的说明里。")


def responsible(people: Sequence[tuple[str, str]]) -> str:
    """Who checks the volunteer's task, as its replies name them: 网格员张伟, 社区工作人员孙丽 (the operator who
    posted the 微心愿); several (a grid's team, a community's operators) by their role alone."""
    roles = {RESPONSIBLE_ROLES.get(role, RESPONSIBLE_GRID_TEAM) for role, _name in people}
    if len(people) == 1:
        (role, name), = people
        return f"{RESPONSIBLE_ROLES.get(role, RESPONSIBLE_GRID_TEAM)}{name}"
    return roles.pop() if len(roles) == 1 else RESPONSIBLE_GRID_TEAM


def task_line(n: int, code: str, what: str | None, place: str, text: str) -> str:
    """One line of 可领任务: number, what (微心愿 or category·subcategory), where, the start of the words."""
    return TASK_LINE.format(n=n, code=code, what=what or WISH_WHAT, place=place, text=text)


def mine_line(code: str, what: str | None, place: str, status: str | None) -> str:
    """One of the volunteer's own tasks in progress."""
    return MINE_LINE.format(code=code, what=what or WISH_WHAT, place=place, status=MINE_STATUS.get(status or "", ""))
