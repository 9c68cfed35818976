"""What `gridbot appeals`, `gridbot outbox failed` and `gridbot report` say to the operator, in one place."""

from __future__ import annotations

import re
from datetime import date, datetime

from handlers import rate_words, resident_texts, staff_texts
from handlers.rate_words import percent  # noqa: F401 (gridbot report's summary line writes rates as the tables do)
from handlers.task_list import clock_words
from storage.appeals import LAPSED_STATUS
from storage.models import AppealStatus
from storage.outbox import OUTCOME_UNKNOWN
from storage.tickets import LOCAL_ZONE

# --- appeals list -----------------------------------------------------------------------------------------------

STATUS_NAMES = staff_texts.STATUS_NAMES  # the names staff read in the chat
# --status takes the names staff and residents read, the English ones, and a few short forms; 已撤销 is what
# residents withdrew, 自动关闭 (lapsed) what closed for the address never given (storage.appeals.shown_status).
LAPSED_WORD = "自动关闭"
LAPSED_LABEL = staff_texts.LAPSED_STATUS_NAME
STATUS_WORDS: dict[str, str] = {
    **{word: AppealStatus(status) for status, word in resident_texts.STATUS_NAMES.items()},
    **{word: AppealStatus(status) for status, word in STATUS_NAMES.items()},
    **{status.value: status for status in AppealStatus},
    "已退回": AppealStatus.RETURNED, "退回": AppealStatus.RETURNED, "挂起": AppealStatus.PAUSED,
    "待绑定": AppealStatus.AWAITING_ADDRESS, "已撤销": AppealStatus.CANCELLED, "完结": AppealStatus.CLOSED,
    LAPSED_WORD: LAPSED_STATUS, LAPSED_STATUS: LAPSED_STATUS, "已自动关闭": LAPSED_STATUS,
}
# Every status, closed ones too: what the console's 全部（含已办结） lists (a month's export for the office).
ALL_STATUS_WORDS = frozenset({"全部", "所有", "all"})
ALL_STATUS_WORD = "all"  # what --resolved-since/--resolved-until list without --status: whatever became of them since
STATUS_SEPARATORS = re.compile(r"[,，、\s]+")
BAD_STATUS = "不认识的状态“{word}”。可用：{known}（可用逗号分隔多个）"
BAD_SCOPE = "没有找到“{name}”。可能是：{candidates}"
BAD_SINCE = "{option} 的日期请写成 YYYY-MM-DD，如 2026-12-01；收到“{text}”。"
NO_SUCH_DAY = "日历上没有 {text} 这一天，请核对 {option} 的日期。"
DAYS_BACKWARDS = "--until（{last}）不能早于 --since（{first}）。"
RESOLVED_BACKWARDS = "--resolved-until（{last}）不能早于 --resolved-since（{first}）。"
NO_SCOPE = "没有找到“{name}”：请写街道、社区或网格的名称，如 幸福里社区 或 幸福里社区·第一网格。"
NO_SCOPE_OR_COMPOUND = "没有找到“{name}”：请写街道、社区、网格或小区的名称，如 幸福里社区、幸福里社区·第一网格 或 阳光花园。"
JSON_OR_CSV = "--json 和 --csv 只能选一个。"
# --counted: what a figure of the rates counted (the console's ?counted= list), by its name or its key.
COUNTED_WORDS = {**{word: key for key, word in rate_words.COUNTED_NAMES.items()},
                 **{key: key for key in rate_words.COUNTED_NAMES}}
BAD_COUNTED = "不认识 --counted “{word}”。可用：{known}（即 gridbot rates 和控制台三率上的数字）"
PERIOD_NEEDS_COUNTED = ("--from、--to 是三率的统计期，只和 --counted 一起用；按提交日期列出请用 --since 和 --until。")
COUNTED_TOO_LONG = "统计期最长 {days} 天，请缩短后再试。"
COUNTED_HEADING = ("三率计入“{name}”的诉求（统计期 {first} 至 {last}，按三率的口径，与 gridbot rates 的数字是同一批："
                   "等住址等到下一期才派给网格的算在派给网格的那一期；不论现在的状态）：")
NO_APPEALS = "没有符合条件的诉求。"
LISTED = "共 {count} 条诉求。"
DATABASE_FAILED = "读取数据库失败（{reason}），请稍后再试。"
COLUMNS = ("编号", "提交时间", "类别", "地点", "状态", "办理人", "时限", "内容")
URGENT = "【紧急】"
NO_PLACE = "（待绑定地址）"
NOBODY = "—"
SNIPPET = 30  # characters of the content in the table


SHORT = "%m-%d %H:%M"
WITH_YEAR = "%Y-%m-%d %H:%M"


def local(at: datetime | None, form: str = SHORT, now: datetime | None = None) -> str:
    """A stored time as the street office reads it: Beijing time; in the short form, a moment of another year than
    `now`'s says its year (2025-12-05 14:30), as the chat says 2025年12月5日: a year-old appeal is not this year's."""
    if at is None:
        return ""
    shown = at.astimezone(LOCAL_ZONE)
    if form == SHORT and now is not None and now.astimezone(LOCAL_ZONE).year != shown.year:
        form = WITH_YEAR
    return shown.strftime(form)


def clock(status: str, due: datetime | None, now: datetime) -> str:
    """接单剩3小时20分钟 / 办结已超时2天, as 我的任务 says it (handlers.task_list); "" when no clock runs."""
    return "" if due is None else clock_words(status, due, now)


def bad_status(word: str) -> str:
    """The refusal of an unknown --status word, naming the ones staff use."""
    return BAD_STATUS.format(word=word, known="、".join([*STATUS_NAMES.values(), LAPSED_KNOWN, ALL_KNOWN]))


LAPSED_KNOWN = f"{LAPSED_WORD}（{LAPSED_LABEL}）"
ALL_KNOWN = "全部（含已办结、已撤销）"


# --- appeals show ----------------------------------------------------------------------------------------------

BAD_TICKET = staff_texts.REASSIGN_BAD_TICKET
NOT_FOUND = "没有找到编号为 {ticket} 的诉求。"
SHOW_HEAD = "诉求 {ticket}{urgent}\n类别：{category}\n状态：{status}\n提交：{filed}（{source}）\n地址：{place}"
SOURCE_RESIDENT = "居民反映"
SOURCE_REPORT = "网格员上报：{name}"
SOURCE_NEIGHBOUR_REPORT = "代报：{name}"  # a 楼长 or party member filing for a neighbour
SHOW_CONTACT = "联系方式（已遮挡）：{contact}"
SHOW_HANDLER = "办理：{who}"
SHOW_CLOCK = "时限：{clock}（截止 {due}）"
SHOW_RESOLUTION = "办结说明：{text}"
SHOW_RATING = "评价：{rating}（{at}）"
SHOW_EARLIER_RESOLUTION = "上次办结说明（居民不满意，已重新办理）：{text}"
SHOW_EARLIER_RATING = "上次评价：{rating}（{at}）"
SHOW_CONTENT = "内容：{content}"
SHOW_MATERIAL = "材料："
MATERIAL_LINE = "  {at} {kind}{label}"
SHOW_FOLLOWERS = "跟进的居民：{count} 位（并入的诉求 {tickets}）"
SHOW_TIMELINE = "记录（含内部备注）："


# --- outbox failed ---------------------------------------------------------------------------------------------

NO_FAILED = "没有发送失败的通知（诉求的通知和提醒；广播通知各自的发送结果请看 gridbot notice status 编号）。"
FAILED_HEADER = "发送失败的通知共 {count} 条："
FAILED_LINE = ("#{id} {at} 发给 {recipient}｜通知 {template}｜诉求 {ticket}｜已尝试 {attempts} 次\n"
               "   原因：{reason}\n   处理：{advice}")
RETRY_HINT = ("重新发送某一条：gridbot outbox failed --retry 序号（如 --retry {id}）；某天起的全部："
              "gridbot outbox failed --retry-all --since {day}")
RETRIED = "#{id} 已重新排队，worker 将按同一条记录发送（不会重复发送）。"
RETRY_ALL_USAGE = ("--retry-all 要和 --since 日期 一起用（重发这一天起所有发送失败的通知），"
                   "不能同时用 --retry 或 --json。例：gridbot outbox failed --retry-all --since 2026-12-06")


def retried_all(since: date, requeued: int, left: int) -> str:
    """`outbox failed --retry-all`: how many were queued again, and those cut off mid-send that were not."""
    day = f"{since.month}月{since.day}日"
    if requeued == 0 and left == 0:
        return f"{day}以来没有发送失败的通知。"
    line = f"{day}以来发送失败的通知已重新排队 {requeued} 条，worker 将按原记录发送（不会重复发送）。"
    if left:
        line += f"\n另有 {left} 条发送时中断，对方可能已经收到，没有重新排队：请看列表，直接联系对方确认。"
    return line


RETRY_REFUSED = {
    "missing": "没有序号为 {id} 的通知。",
    "not_failed": "#{id} 不是发送失败的通知（当前状态：{status}），无需重发。",
    "unknown": "#{id} 发送时中断，对方可能已经收到，不能自动重发；请直接联系对方确认。",
}
# An outbox row's status as RETRY_REFUSED names it (models.OutboxStatus).
OUTBOX_STATUS_NAMES = {"pending": "待发送", "queued": "排队中", "sending": "发送中", "sent": "已发送",
                       "failed": "发送失败", "digested": "已并入任务汇总"}
# What went wrong, from the errcode WeChat answered (bot/wechat/api.py writes "errcode N" into the row's error).
ERRCODE_REASONS: dict[int, tuple[str, str]] = {
    45015: ("回复时间超过限制：对方 48 小时内没有给公众号发过消息，客服消息发不出",
            "配置模板消息（GRIDBOT_TEMPLATE_IDS / GRIDBOT_RESIDENT_TEMPLATE_ID），或请对方给公众号发一条消息后重发"),
    45047: ("客服消息条数已用完：对方上次发消息后 48 小时内最多收 5 条",
            "配置模板消息，或请对方给公众号发一条消息后重发"),
    43004: ("对方未关注公众号（或已取消关注）", "请对方关注公众号后重发"),
    40003: ("openid 无效：不是本公众号的用户", "核对此人是否用本公众号绑定；工作人员可重新认证"),
    43101: ("对方拒收这类模板消息", "请对方在公众号的消息设置里允许接收后重发"),
    40037: ("模板 ID 无效", "核对 GRIDBOT_TEMPLATE_IDS 中的模板 ID 后重发"),
    45009: ("接口调用次数已达今日上限", "明天再重发"),
    -1: ("微信系统繁忙", "稍后重发"),
    # a token fetch refused: every notice fails the same way until the configuration is fixed
    40125: ("AppSecret 不对：WECHAT_SECRET 不是公众号后台现在的 AppSecret（刚重置过？）",
            "把新的 AppSecret 写进 WECHAT_SECRET，重启 worker 后重发"),
    40013: ("AppID 不对：WECHAT_APPID 不是这个公众号的", "核对 WECHAT_APPID，重启 worker 后重发"),
    40164: ("本机的 IP 不在公众号的 IP 白名单里", "在公众号后台“基本配置 → IP白名单”加上 worker 主机的出口 IP 后重发"),
}
NO_TEMPLATE_REASON = ("对方的 48 小时回复窗口已关闭，且这类通知没有配置模板消息",
                      "配置模板消息（GRIDBOT_TEMPLATE_IDS / GRIDBOT_RESIDENT_TEMPLATE_ID）后重发")
OUTCOME_UNKNOWN_REASON = ("发送过程中 worker 中断，不确定对方是否收到", "不会自动重发；请直接联系对方确认")
OTHER_REASON = ("未能识别的错误：{error}", "查看 worker 日志；确认问题解决后可重发")
ERRCODE = re.compile(r"errcode (-?\d+)")


def failure(error: str | None) -> tuple[str, str]:
    """Why a notice was not delivered and what to do, from the error recorded on its outbox row."""
    text = error or ""
    if text == OUTCOME_UNKNOWN:
        return OUTCOME_UNKNOWN_REASON
    found = ERRCODE.search(text)
    if found and int(found.group(1)) in ERRCODE_REASONS:
        return ERRCODE_REASONS[int(found.group(1))]
    if text.startswith("no template id for"):  # bot/worker/delivery.py NO_TEMPLATE
        return NO_TEMPLATE_REASON
    return OTHER_REASON[0].format(error=text or "无记录"), OTHER_REASON[1]


# --- report ----------------------------------------------------------------------------------------------------

BAD_MONTH = "月份请写成 YYYY-MM，如 2026-11；收到“{month}”。"
MONTH_NOT_YET = "{month} 还没到（今天是 {today}），这个月还没有诉求可报。"
BAD_XLSX = "报表文件名请以 .xlsx 结尾；收到“{file}”。"
CANNOT_WRITE = "无法写入 {file}：{reason}"
REPORT_DONE = ("已生成 {file}：{where} {year}年{month}月，{grids} 个网格、{members} 名工作人员；收到 {received} 件，"
               "响应率 {response}，解决率 {resolve}，满意率 {satisfaction}。")
# After REPORT_DONE for a month still running: the workbook's sheets look like a whole month's, and go to the district.
REPORT_RUNNING = "这个月还没过完，数字截至 {as_of}（北京时间）；报给区里的全月月报请在下月 1 日以后再生成。"


def report_running(as_of: datetime) -> str:
    """The line saying a month's report is of the month so far."""
    return REPORT_RUNNING.format(as_of=f"{as_of.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}")
