"""Everything the console says to an operator, in Chinese, in one place (the templates hold only layout)."""

from __future__ import annotations

from handlers.staff_texts import STATUS_NAMES
from storage.models import ConsoleRole

__all__ = ["STATUS_NAMES"]

SITE = "网格诉求 指挥中心"
ROLE_NAMES = {ConsoleRole.ADMIN: "管理员", ConsoleRole.STREET: "街道", ConsoleRole.COMMUNITY: "社区"}
EVERYWHERE = "全部街道"

# --- logging in and out --------------------------------------------------------------------------------------
LOGIN_TITLE = "登录"
LOGIN_USERNAME = "用户名"
LOGIN_PASSWORD = "密码"
LOGIN_SUBMIT = "登录"
# The same words for a wrong password, an unknown account and a disabled one: the page never tells them apart.
LOGIN_FAILED = "用户名或密码不正确。"
LOGIN_LOCKED = "登录失败次数过多，请 {minutes} 分钟后再试。如忘记密码，请联系管理员用 gridbot user passwd 重设。"
LOGIN_UNAVAILABLE = "登录服务暂时不可用，请稍后再试。"
LOGIN_EXPIRED = "登录已过期，请重新登录。"
LOGGED_OUT = "已退出登录。"
LOGOUT = "退出"

# --- refusals ------------------------------------------------------------------------------------------------
CSRF_TITLE = "页面已过期"
CSRF_REFUSED = "这个页面已经过期（或不是从本系统打开的），操作没有执行。请返回，刷新页面后再试。"
NOT_FOUND_TITLE = "找不到"
NOT_FOUND = "找不到这个页面，或者它不在您的管辖范围内。"
BACK_HOME = "返回首页"

# --- the home page and its queues ----------------------------------------------------------------------------
HOME_TITLE = "工作台"
SCOPE_LINE = "{role}：{scope}"
QUEUES_HEADING = "待办队列"
QUEUE_NAMES = {
    "review": "待分类",
    "unclaimed": "待接单",
    "overdue": "已超时",
    "reopened": "不满意重办",
    "focus": "聚焦办",
    "open": "全部未办结",
}
QUEUE_HINTS = {
    "review": "自动分类没有把握，等您确定类别",
    "unclaimed": "已派发，还没有人接单",
    "overdue": "超过接单或办结时限",
    "reopened": "居民评价不满意，重新办理中",
    "focus": "进行中的聚焦办事项（点开看其中的诉求）",
    "open": "范围内所有未办结的诉求",
}

# --- the list of appeals and one appeal ----------------------------------------------------------------------
APPEALS_TITLE = "诉求"
COLUMNS = ("编号", "提交时间", "类别", "地点", "状态", "承办", "内容")
NO_APPEALS = "没有符合条件的诉求。"
NEXT_PAGE = "下一页"
NO_PLACE = "（待绑定地址）"
NOBODY = "—"
URGENT = "【紧急】"
DETAIL_FIELDS = {"category": "类别", "status": "状态", "place": "地点", "assignee": "承办", "filed": "提交时间",
                 "contact": "联系方式", "content": "内容", "timeline": "办理记录", "material": "照片与位置",
                 "followers": "并入的诉求（其他居民）", "focus": "聚焦办", "others": "该居民的其他诉求"}
PHOTO = "照片{number}"
PLACE = "位置{number}（地图）"
PHOTO_STATES = {"saving": "保存中", "failed": "未能保存"}
FOCUS_STATES = {"open": "进行中", "closed": "已结束"}
CONTACT_NONE = "未留"

# --- the login record ----------------------------------------------------------------------------------------
LOGINS_TITLE = "登录记录"
LOGIN_COLUMNS = ("时间", "用户名", "地址", "结果", "原因")
LOGIN_OUTCOMES = {"success": "成功", "failure": "失败", "locked": "已锁定，未核对密码"}
LOGIN_DETAILS = {"ok": "", "unknown": "无此账号", "wrong_password": "密码错误", "disabled": "账号已停用",
                 "account": "该账号失败次数过多", "address": "该地址失败次数过多"}
NAV = {"home": "工作台", "appeals": "诉求", "logins": "登录记录"}

# --- the list's filters and its export -----------------------------------------------------------------------
FILTER_LABELS = {"status": "状态", "category": "类别", "where": "街道/社区/网格", "channel": "渠道", "from": "提交自",
                 "to": "至", "q": "内容包含", "overdue": "已超时", "unclaimed": "待接单", "paused": "已挂起"}
FILTER_ANY = "不限"
FILTER_ALL_STATUSES = "全部（含已办结）"
FILTER_OPEN_STATUSES = "未办结"
FILTER_WHERE_HINT = "如 幸福里社区 或 幸福里社区·第一网格"
FILTER_SUBMIT = "筛选"
FILTER_RESET = "清除筛选"
EXPORT_CSV = "导出 CSV"
EXPORT_FILENAME = "appeals-{day}.csv"
CHANNEL_NAMES = {"text": "文字", "voice": "语音", "grid_report": "网格员上报", "building_lead": "楼长代报"}
FILTER_TOO_LONG = "筛选条件太长（每项最多 {limit} 个字），请缩短后再试。"
FILTER_BAD_STATUS = "不认识这个状态，请从列表中选择。"
FILTER_BAD_CHANNEL = "不认识这个渠道，请从列表中选择。"
FILTER_BAD_DATE = "日期“{value}”看不懂，请写成 2026-03-01 这样。"
FILTER_UNCLEAR_PLACE = "“{name}”不止一处，请写完整，如：{candidates}"
FILTER_NO_PLACE = "没有找到“{name}”：请写街道、社区或网格的名称，如 幸福里社区 或 幸福里社区·第一网格。"

# --- what an operator does to one appeal (actions.py) --------------------------------------------------------
ACTIONS_HEADING = "处置"
SUGGESTION = "系统建议类别：{category}"
SUGGESTION_COLUMN = "系统建议"
SUGGESTION_APPLY = "按建议改为“{category}”"
ACTION_LABELS = {
    "reclassify": "改分类", "reassign": "改派（网格或网格员姓名）", "reject": "不受理（不属于本系统受理范围）",
    "merge": "合并（重复诉求，并入编号）", "split": "拆分（不再并入其他诉求，重新派发）",
    "transfer": "转办（交给部门或物业）", "withdraw": "居民要求撤销（来电、来访）", "pause": "挂起（办结时限暂停，原因告知居民）", "resume": "恢复办理（时限顺延挂起的时间）",
    "note": "内部备注（居民看不到）", "message": "给居民留言（作为办理进展发送）",
}
ACTION_BUTTONS = {"reclassify": "改分类", "reassign": "改派", "reject": "不受理", "merge": "合并", "split": "拆分",
                  "transfer": "转办", "withdraw": "撤销", "pause": "挂起", "resume": "恢复", "note": "保存备注", "message": "发送"}
ACTION_PLACEHOLDERS = {"withdraw": "如 居民来电要求撤销，已自行解决", "reassign": "如 幸福里社区·第一网格 或 张伟", "reject": "告知居民的原因",
                       "merge": "如 A20260301-0001"}
ACTION_DONE = {"reclassify": "已改分类，并记为纠正样本。", "reassign": "已改派，新的承办人已收到任务。",
               "reject": "已作不受理处理，原因已告知居民。", "merge": "已合并，居民将随目标诉求收到进展。",
               "split": "已拆分，诉求已重新派发。", "transfer": "已转办，该部门的工作人员已收到任务。",
               "withdraw": "已按居民要求撤销。", "pause": "已挂起，原因已告知居民。", "resume": "已恢复办理。",
               "note": "备注已保存。", "message": "留言已发送给居民。"}
ACTION_REFUSED = "操作没有执行，请刷新页面后再试。"
ACTION_WRONG_STATE = "诉求当前状态为“{status}”，不能这样处理。"
ACTION_NOT_ALLOWED = {
    "not_reviewer": "这条诉求不在您管辖的网格内，不能改分类。",
    "not_reassigner": "这条诉求不能由您改派（不在您的管辖范围，或投诉涉及的人员不能处理）。",
    "target_out_of_scope": "改派的目标不在您的管辖范围内。",
    "complained_about": "这条诉求是对该工作人员的投诉，不能派给他本人。",
    "not_rejecter": "这条诉求不在您管辖的网格内，不能作不受理处理。",
    "emergency": "紧急诉求需要单独处理，不能合并。",
    "not_your_task": "这条诉求不在您管辖的网格内。",
}
ACTION_UNKNOWN_CATEGORY = "没有“{name}”这个类别，请从列表中选择。"
ACTION_TARGET_MISSING = "请写明改派给哪个网格或哪位网格员。"
ACTION_REASON_MISSING = "请写明不受理的原因（会告知居民）。"
ACTION_REASON_MISSING_PAUSE = "请写明挂起的原因（会告知居民）。"
ACTION_DEPARTMENT_MISSING = "请选择转办给哪个部门。"
ACTION_UNKNOWN_DEPARTMENT = "这个部门还没有可以接单的工作人员，请选择其他部门。"
ACTION_WITHDRAW_NOTE_MISSING = "请写明居民是怎样要求撤销的（如 来电、来访）。"
ACTION_TEXT_MISSING = "请先写好内容再提交。"
ACTION_INTO_MISSING = "请写明并入哪条诉求的编号。"
ACTION_UNKNOWN_TARGET = "没有找到网格或网格员“{name}”。可选网格：{grids}"
ACTION_AMBIGUOUS_TARGET = "“{name}”不止一个，请写完整：{candidates}"
ACTION_TARGET_NOT_FOUND = "没有找到这条诉求，请核对编号。"

# --- the dashboard and the rates (dashboard.py, rates_page.py) ----------------------------------------------------
NAV_DASHBOARD = "数据看板"
DASHBOARD_TITLE = "数据看板"
DASHBOARD_HINT = "查看诉求量、积压、超时、网格员工作量和三率"
PERIOD_LABELS = {"from": "自", "to": "至"}
PERIOD_SUBMIT = "查看"
PERIOD_LINE = "{first} 至 {last}（北京时间）提交的诉求；积压、超时和聚焦办为当前情况。"
PERIOD_BAD_DATE = "日期“{value}”看不懂，请写成 2026-03-01 这样。"
PERIOD_BOTH = "开始和结束日期要一起给出（都不给就用默认时间段）。"
PERIOD_BACKWARDS = "结束日期（{last}）不能早于开始日期（{first}）。"
PERIOD_TOO_LONG = "时间段最长 {days} 天，请缩短后再试。"
NONE = "—"
DASH_HEADINGS = {
    "per_day": "每日诉求量（按类别）", "backlog": "未办结积压（按已等待时间）", "overdue": "已超时",
    "workload": "网格员工作量", "focus": "聚焦办（进行中）", "channels": "渠道构成", "times": "接单和办结用时",
    "rates": "三率",
}
RECEIVED_LINE = "共 {count} 件"
DAY_COLUMNS = ("日期", "类别", "件数")
AGE_NAMES = ("<1 天", "1–3 天", "3–7 天", ">7 天")
BACKLOG_COLUMNS = ("已等待", "件数")
BACKLOG_TOTAL = "合计"
OVERDUE_COLUMNS = ("编号", "类别", "超时环节", "时限", "已超时")
OVERDUE_CLOCKS = {"response": "接单", "resolve": "办结"}
OVERDUE_MORE = "共 {count} 件已超时，这里列出最早的 {shown} 件。查看全部"
OVERDUE_NONE = "没有超时的诉求。"
HOURS = "{hours:.1f} 小时"
DAYS_HOURS = "{days} 天 {hours} 小时"
WORKLOAD_COLUMNS = ("网格员", "网格", "在办", "期间接单", "期间办结")
WORKLOAD_NOTE = "按在办件数排序，最多列 {top} 人。"
FOCUS_COLUMNS = ("编号", "地点", "事项", "开始", "负责人", "诉求")
FOCUS_OWNER_NONE = "社区工作人员"
FOCUS_NONE = "没有进行中的聚焦办。"
CHANNEL_COLUMNS = ("渠道", "件数")
TIMES_COLUMNS = ("", "件数", "中位数", "90% 在此之内")
TIMES_ROWS = {"accept": "提交到接单", "resolve": "提交到办结（不含挂起时间）"}
TIMES_NOTE = "接单：已派发且已接单的诉求；办结：按解决率口径已办结的诉求。"
RATES_SUMMARY = ("响应率", "解决率", "满意率", "评价率", "综合成绩")
RATES_MORE = "查看三率排名（可按街道、社区、网格、网格员、类别）"
EMPTY_PERIOD = "这段时间在范围内没有诉求。"
CHART_LOADING = "图表加载中…（表格见下方）"
PER_DAY_TABLE = "每日件数（表格）"

RATES_TITLE = "三率排名"
RATES_UNIT_LABEL = "按"
UNIT_NAMES = {"street": "街道", "community": "社区", "grid": "网格", "member": "网格员", "category": "类别"}
RATES_COLUMNS = ("排名", "{unit}", "派发", "响应率", "解决率", "满意率", "评价率", "综合成绩", "按期办结率", "重办率",
                 "回退率", "较上期")
RATES_LINE = ("{first} 至 {last}（北京时间）提交的诉求，办结和评价截至 {as_of}；较上期：与 {before_first} 至 "
              "{before_last} 相比综合成绩的变化。")
RATES_FOOTNOTE = ("满意率 =（满意 + {credit} × 基本满意）÷ 已评价；综合成绩 = 100 ×（{response} × 响应率 + {resolve} × "
                  "解决率 + {satisfaction} × 满意率）。“—”：分母为 0，不参与排名。")
RATES_TOTAL = "合计"
RATES_NOBODY = "（无人接单）"
RATES_EMPTY = "这段时间在范围内没有单位可列。"
RATES_BAD_UNIT = "不能按“{unit}”排名：请从列表中选择。"
RATES_FILENAME = "rates-{unit}-{first}-{last}.csv"
