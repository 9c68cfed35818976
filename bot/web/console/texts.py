"""Everything the console says to an operator, in Chinese, in one place (the templates hold only layout)."""

from __future__ import annotations

import re

from handlers import rate_words
from handlers.staff_texts import STATUS_NAMES, status_name
from storage.console_users import DISPLAY_NAME_MAX, PASSWORD_MAX, PASSWORD_MIN
from storage.models import ConsoleRole
from storage.tasks import PROGRESS_PER_HOUR, STATUS_TOLD_PER_HOUR

__all__ = ["STATUS_NAMES", "status_name"]

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
TOO_FAST_TITLE = "操作太频繁"
TOO_FAST = "这个账号一分钟内的操作已超过 {limit} 次，这次没有执行。请等一分钟再试；如果不是您本人在操作，请立即修改密码。"
CSRF_TITLE = "页面已过期"
CSRF_REFUSED = "这个页面已经过期（或不是从本系统打开的），操作没有执行。请返回，刷新页面后再试。"
BODY_LATE_TITLE = "网络太慢"
BODY_LATE = "提交的内容没有及时传完（网络太慢或中断了），操作没有执行。请检查网络后返回，再提交一次。"
NUL_TITLE = "无法处理"
NUL_REFUSED = "提交的地址或内容里有无法处理的字符（空字符，键盘打不出来），操作没有执行。请返回，刷新页面后重新填写。"
FORM_TOO_BIG_TITLE = "提交的内容太多"
FORM_TOO_BIG = "这次提交的内容太多（超出了任何页面表单的大小），操作没有执行。请返回，刷新页面后重新填写。"
BODY_BUSY_TITLE = "服务器正忙"
BODY_BUSY = "服务器正在同时接收其他较大的提交，这次提交没有接收，操作没有执行。请过一两分钟再提交一次。"
NOT_FOUND_TITLE = "找不到"
NOT_FOUND = "找不到这个页面，或者它不在您的管辖范围内。"
BACK_HOME = "返回首页"
UNAVAILABLE_TITLE = "暂时无法使用"
DATABASE_UNAVAILABLE = ("数据库暂时用不了（可能正在重启、维护，或者太忙），页面没能打开。几秒后页面会自动"
                        "刷新；一直打不开，请联系系统管理员。")
DATABASE_UNAVAILABLE_ACTION = ("数据库暂时用不了（可能正在重启、维护，或者太忙），这次操作可能没有完成。请等几秒后刷新页面，"
                               "先看它是否已经生效，再决定是否重做。")
INTERNAL_ERROR_TITLE = "系统出错"
INTERNAL_ERROR = "系统出错了，这次没能完成。错误已记录，请稍后再试；如果一直出现，请联系系统管理员。"

# --- the home page and its queues ----------------------------------------------------------------------------
HOME_TITLE = "工作台"
SCOPE_LINE = "{role}：{scope}"
QUEUES_HEADING = "待办队列"
QUEUE_NAMES = {
    "review": "待分类",
    "returned": "已退回",
    "unclaimed": "待接单",
    "overdue": "已超时",
    "reopened": "不满意重办",
    "focus": "聚焦办",
    "open": "全部未办结",
}
QUEUE_HINTS = {
    "review": "自动分类没有把握，等您确定类别",
    "returned": "网格或部门退回，等您改派",
    "unclaimed": "已派发，还没有人接单",
    "overdue": "超过接单、办结或退回后重新派发的时限",
    "reopened": "居民评价不满意，重新办理中",
    "focus": "进行中的聚焦办事项（点开看其中的诉求）",
    "open": "范围内所有未办结的诉求",
}

# --- the list of appeals and one appeal ----------------------------------------------------------------------
APPEALS_TITLE = "诉求"
COLUMNS = ("编号", "提交时间", "类别", "地点", "状态", "承办", "时限", "内容")
NO_APPEALS = "没有符合条件的诉求。"
NEXT_PAGE = "下一页"
PREVIOUS_PAGE = "上一页"
NO_PLACE = "（待绑定地址）"
NOBODY = "—"
URGENT = "【紧急】"
DETAIL_FIELDS = {"category": "类别", "status": "状态", "place": "地点", "assignee": "承办", "filed": "提交时间",
                 "clock": "时限", "contact": "联系方式", "content": "内容", "timeline": "办理记录", "material": "照片与位置",
                 "followers": "并入的诉求（其他居民）", "focus": "聚焦办", "others": "该居民的其他诉求"}
# A 代报's resident is the 楼长 (or 党员…) who filed it for a neighbour: their other appeals are not the neighbour's.
OTHERS_OF_REPORTER = "代报人 {name} 提交和代报的其他诉求"
PHOTO = "照片{number}"
PLACE = "位置{number}（地图）"
PHOTO_STATES = {"saving": "保存中", "failed": "未能保存"}
FOCUS_STATES = {"open": "进行中", "closed": "已结束"}
CONTACT_NONE = "未留"
CLOCK_DUE = "{clock}（截止 {due}）"  # as the chat's cards say it: 接单已超时4天（截止 12月2日 24:00）

# --- the login record ----------------------------------------------------------------------------------------
LOGINS_TITLE = "登录记录"
LOGIN_COLUMNS = ("时间", "用户名", "地址", "结果", "原因")
LOGIN_OUTCOMES = {"success": "成功", "failure": "失败", "locked": "已锁定，未核对密码"}
LOGIN_DETAILS = {"ok": "", "unknown": "无此账号", "wrong_password": "密码错误", "disabled": "账号已停用",
                 "account": "该账号失败次数过多", "address": "该地址失败次数过多"}
NAV = {"home": "工作台", "appeals": "诉求", "logins": "登录记录"}

# --- the list's filters and its export -----------------------------------------------------------------------
FILTER_LABELS = {"status": "状态", "category": "类别", "where": "街道/社区/网格/小区", "channel": "渠道", "from": "提交自",
                 "to": "至", "resolved_from": "办结自", "resolved_to": "至", "q": "内容包含", "overdue": "已超时",
                 "unclaimed": "待接单", "paused": "已挂起"}
RESOLVED_LIST = "期间办结的"  # the list's name when only days of 办结 narrow it: not 全部未办结
FILTER_ANY = "不限"
FILTER_ALL_STATUSES = "全部（含已办结）"
FILTER_OPEN_STATUSES = "未办结"
FILTER_WHERE_HINT = "如 幸福里社区 或 幸福里社区·第一网格"
FILTER_APPEAL_WHERE_HINT = "如 幸福里社区、幸福里社区·第一网格 或 阳光花园（小区）"
FILTER_SUBMIT = "筛选"
FILTER_RESET = "清除筛选"
EXPORT_CSV = "导出 CSV"
# The export is named after what it holds: the place (the account's, or the one filtered), the list (its queue, or
# the status chosen), the category and the days filtered, then the day it was exported.
EXPORT_FILENAME = "诉求-{place}-{parts}-{day}.csv"
EXPORT_ASCII_FILENAME = "appeals-{parts}-{day}.csv"  # for a browser that cannot read the name above
EXPORT_SINCE = "{first}起"
EXPORT_UNTIL = "至{last}"
EXPORT_BETWEEN = "{first}至{last}"
EXPORT_RESOLVED = "办结{days}"  # the days of 办结 filtered, after those of filing
CHANNEL_NAMES = {"text": "文字", "voice": "语音", "grid_report": "网格员上报", "building_lead": "代报（楼长、党员等）"}
FILTER_TOO_LONG = "筛选条件太长（每项最多 {limit} 个字），请缩短后再试。"
FILTER_BAD_STATUS = "不认识这个状态，请从列表中选择。"
FILTER_BAD_CHANNEL = "不认识这个渠道，请从列表中选择。"
FILTER_BAD_DATE = "日期“{value}”看不懂，请写成 2026-03-01 这样。"
FILTER_BAD_COUNTED = "不认识要列出的三率数字，请从数据看板或三率排名上的链接进入。"
# A figure of the rates listed (?counted=): what it counted, by the rates' period rule rather than filing day.
COUNTED_NAMES = rate_words.COUNTED_NAMES
COUNTED_HEADING = "三率计入“{name}”的诉求"
COUNTED_NOTE = ("按三率的口径列出，与数据看板、三率排名的数字是同一批诉求：统计期内提交并派发的，"
                "等住址等到下一期才派给网格的算在派给网格的那一期；不论现在的状态。")
COUNTED_FROM = "统计期自"
COUNTED_BY_FILING = "改为按提交日期列出"
FILTER_BACKWARDS = "结束日期（{last}）早于开始日期（{first}），请对调后再试。"
NO_SUCH_DAY = "日历上没有 {value} 这一天，请核对日期。"
FILTER_UNCLEAR_PLACE = "“{name}”不止一处，请写完整，如：{candidates}"
FILTER_NO_PLACE = "没有找到“{name}”：请写街道、社区或网格的名称，如 幸福里社区 或 幸福里社区·第一网格。"
FILTER_NO_APPEAL_PLACE = "没有找到“{name}”：请写街道、社区、网格或小区的名称，如 幸福里社区、幸福里社区·第一网格 或 阳光花园。"

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
    "supervise": "督办（发给承办人；无人接单时发给可以接单的人；已退回的发给社区操作员）",
}
ACTION_BUTTONS = {"reclassify": "改分类", "reassign": "改派", "reject": "不受理", "merge": "合并", "split": "拆分",
                  "transfer": "转办", "withdraw": "撤销", "pause": "挂起", "resume": "恢复", "note": "保存备注", "message": "发送",
                  "supervise": "督办"}
ACTION_PLACEHOLDERS = {"supervise": "如 居民反映多次，今天务必上门", "withdraw": "如 居民来电要求撤销，已自行解决", "reassign": "如 幸福里社区·第一网格 或 张伟", "reject": "告知居民的原因",
                       "merge": "如 G2612030004"}
ACTION_DONE = {"reclassify": "已改分类，并记为纠正样本。", "reassign": "已改派，新的承办人已收到任务。",
               "reject": "已作不受理处理，原因已告知居民。", "merge": "已合并，居民将随目标诉求收到进展。",
               "split": "已拆分，诉求已重新派发。", "transfer": "已转办，该部门的工作人员已收到任务。",
               "withdraw": "已按居民要求撤销。", "pause": "已挂起，原因已告知居民。", "resume": "已恢复办理。",
               "note": "备注已保存。", "message": "留言已发送给居民。", "supervise": "已督办，承办人已收到。"}
# A 挂起 or 恢复 past storage.tasks.STATUS_TOLD_PER_HOUR in an hour: made, but the resident was not messaged again.
ACTION_STATUS_UNTOLD = {"pause": "已挂起。", "resume": "已恢复办理。"}
ACTION_STATUS_UNTOLD_NOTE = (f"这件诉求一小时内已挂起或恢复 {STATUS_TOLD_PER_HOUR} 次，这次没有再通知居民和接单人"
                             "（查询时看到的是当前状态）。")
ACTION_SUPERVISED_RETURNED = "已督办：诉求已退回社区、等待重新派发，督办已发给社区操作员（{names}），请他们尽快改派或转办。"
ACTION_SUPERVISED_UNCLAIMED = "已督办：还没有人接单，督办已发给可以接单的人（网格员，或转给的部门、物业），请他们尽快接单。"
# A 改派 or 转办 past storage.tasks.STATUS_TOLD_PER_HOUR of them in an hour: made, but the resident was not messaged.
ACTION_MOVE_UNTOLD_NOTE = (f"这件诉求一小时内已改派或转办 {STATUS_TOLD_PER_HOUR} 次，这次没有再通知居民"
                           "（居民查询时看到的是当前状态）。")
ACTION_DONE_TO_NOBODY_UNTOLD = "已改派。注意：这个网格现在没有在岗的网格员，没有人收到任务卡；请改派给有人的网格或网格员。"
ACTION_DONE_TO_NOBODY = ("已改派，居民已收到通知。注意：这个网格现在没有在岗的网格员，没有人收到任务卡；"
                        "请改派给有人的网格或网格员。")
ACTION_REFUSED = "操作没有执行，请刷新页面后再试。"
ACTION_WRONG_STATE = "诉求当前状态为“{status}”，不能这样处理。"
ACTION_REPEATED = "同样的留言 {at} 已发给居民，这次没有重复发送。"
ACTION_NOTED_ALREADY = "同样的备注 {at} 已保存，这次没有重复保存。"
ACTION_SUPERVISED_ALREADY = "这条诉求 {at} 已督办过，一小时内不再重复督办。"
ACTION_NOT_ALLOWED = {
    "not_reviewer": "这条诉求不在您管辖的网格内，不能改分类。",
    "not_reassigner": "这条诉求不能由您改派（不在您的管辖范围，或投诉涉及的人员不能处理）。",
    "target_out_of_scope": "改派的目标不在您的管辖范围内。",
    "complained_about": "这条诉求是对该工作人员的投诉，不能派给他本人。",
    "complaint": "这条诉求是对工作人员的投诉，不能改类别（改了之后被投诉人的同事也能看到）。",
    "complaint_to_member": "这条诉求是对工作人员的投诉，由网格长和社区操作员处理，不能派给网格员；请改派给网格长或网格。",
    "filed_by_target": "这条诉求是该工作人员本人以居民身份提交的，不能派给他本人办理。",
    "target_disabled": "这位工作人员已停用（离职），请改派给在岗的网格员或网格。",
    "target_not_grid_team": "这位工作人员不是网格员或网格长，改派只能交给网格员或网格；交给物业或部门请用“转办”。",
    "complaint_not_transferable": "这条诉求是对工作人员的投诉，只由网格长和社区、街道操作员办理，不能转办。",
    "emergency_not_pausable": "这是紧急诉求，不能挂起，请督促处置；需要其他单位处置的请转办。",
    "already_with_department": "这条诉求已经转给这个部门，正等对方接单，不用再转办（对方已收到任务卡）；要催促请用“督办”。",
    "not_rejecter": "这条诉求不在您管辖的网格内，不能作不受理处理。",
    "emergency": "紧急诉求需要单独处理，不能合并。",
    "not_your_task": "这条诉求不在您管辖的网格内。",
    "nobody_holds": "这条诉求现在没有可以督办的人（网格里没有在岗的网格员）：请改派给有人的网格或网格员。",
    "nobody_routes": "这条诉求已退回社区，社区没有在岗的操作员可以督办：请直接改派或转办。",
    "progress_too_often": f"这条诉求一小时内已给居民发了 {PROGRESS_PER_HOUR} 条进展或留言，这条没有发送。请稍后再发，或写内部备注。",
}
ACTION_UNKNOWN_CATEGORY = "没有“{name}”这个类别，请从列表中选择。"
ACTION_ALREADY_THERE = {False: "这条诉求已经在{to}，不用改派。", True: "这条诉求已经由{to}负责，不用改派。"}
ACTION_TARGET_MISSING = "请写明改派给哪个网格或哪位网格员。"
ACTION_REASON_MISSING = "请写明不受理的原因（会告知居民）。"
ACTION_REASON_MISSING_PAUSE = "请写明挂起的原因（会告知居民）。"
ACTION_DEPARTMENT_MISSING = "请选择转办给哪个部门。"
ACTION_UNKNOWN_DEPARTMENT = "这个部门还没有可以接单的工作人员，请选择其他部门。"
ACTION_WITHDRAW_NOTE_MISSING = "请写明居民是怎样要求撤销的（如 来电、来访）。"
ACTION_TEXT_MISSING = "请先写好内容再提交。"
ACTION_TEXT_TOO_LONG = "最多 {limit} 字，您写了 {count} 字，没有保存。请精简后再提交。"
ACTION_INTO_MISSING = "请写明并入哪条诉求的编号。"
ACTION_UNKNOWN_TARGET = "没有找到网格或网格员“{name}”。可选网格：{grids}"
ACTION_AMBIGUOUS_TARGET = "“{name}”不止一个，请写完整：{candidates}"
ACTION_TARGET_NOT_FOUND = "没有找到诉求 {target}，请核对编号。"

# --- management: the organisation, its posters, staff and invite codes (manage_org.py, manage_staff.py) ------
NAV_MANAGE = "组织与人员"
MANAGE_TABS = {"org": "组织架构", "staff": "人员与邀请码"}
ORG_TITLE = "组织架构"
ORG_EMPTY = "您的管辖范围内还没有网格。"
ORG_MEMBERS = "网格员 {n} 人"
ORG_BUILDINGS = "{n} 栋"
ORG_BUILDING = "{units} 个单元，{residents} 位居民已绑定"
ORG_GRID_TITLE = "{community}·{grid} 的楼栋"
ORG_GRID_EMPTY = "这个网格还没有楼栋。"
ORG_NO_COMPOUND = "不属于任何小区的楼栋"
ORG_BACK = "← 返回组织架构"
ORG_ALL_STREETS = "← 全部街道"
ORG_STREETS_HINT = "点街道名查看它的社区和网格，点网格名查看它的楼栋。"
ORG_STREET_COUNTS = "{communities} 个社区 · {grids} 个网格 · {buildings} 栋"
ORG_MODES = {"grab": "抢单", "assign": "派单"}
ORG_POSTERS = "下载二维码海报"
ORG_EXPORT = "导出台账（.xlsx）"
ORG_EXPORT_HINT = "导出的列与导入相同：在 Excel 里改好，再从下面导入。"
ORG_EXPORT_NAME = "组织架构台账.xlsx"
ORG_POSTER = "海报"
ORG_IMPORT_HEADING = "导入组织架构"
ORG_RENAME_HEADING = "改名"
ORG_RENAME_HINT = ("台账里写错了名字，或者正式改了名：居民不用重新绑定，诉求、人员、二维码和通知的范围都跟着新名字。"
                   "现在的名字照上面的写法写全，如 幸福里社区·第一网格、幸福里社区·阳光花园、阳光花园·3号楼、阳光花园·3号楼·2单元。")
ORG_RENAME_KIND = "改哪一级"
ORG_RENAME_PLACE = "现在的名字"
ORG_RENAME_NAME = "新名字（只写这一级的名字）"
ORG_RENAME_SUBMIT = "改名"
ORG_RENAME_BAD_KIND = "请选择要改名的是哪一级。"
ORG_IMPORT_HINT = ("上传与 gridbot import org 相同的表格（.xlsx 或 CSV，UTF-8 或 GBK），表头：街道,社区,网格,小区,楼栋,单元。"
                   "先预览，确认后才写入；文件有任何错误时不导入任何数据。")
ORG_IMPORT_STREET_HINT = "您只能导入“{street}”的组织架构。"
ORG_IMPORT_FILE = "选择文件（最大 {megabytes} MB、{rows:,} 行）"
ORG_IMPORT_PREVIEW = "预览"
ORG_IMPORT_SPLIT = ("请按社区拆成几个文件（每个不超过 {megabytes} MB、{rows:,} 行数据），分别上传预览、导入；"
                    "或请系统管理员在服务器上用命令行导入整份文件：gridbot import org 文件名")
ORG_IMPORT_TOO_BIG = "文件太大（最多 {megabytes} MB、{rows:,} 行数据），没有导入。" + ORG_IMPORT_SPLIT
# A body within the file's bound refused all the same: more parts than any form has, or a file sent as a plain field.
ORG_IMPORT_TOO_MANY_PARTS = ("这次上传的不是一个表格文件，没有导入：文件本身不大，但这一页一次只收一个文件，"
                             "整个表单最多 {parts:,} 个部分，这次超过了。请在“导入组织架构”里只选择一个 .xlsx 或 CSV 文件，"
                             "再点“预览”。台账太长时，" + ORG_IMPORT_SPLIT)
ORG_IMPORT_NO_FILE = "请先选择要上传的文件。"
ORG_IMPORT_EMPTY = "文件“{name}”只有表头，没有数据行，没有导入任何数据。"
ORG_IMPORT_TOO_MANY_ROWS = ("文件“{name}”超过 {limit:,} 行数据，控制台一次最多预览和导入 {limit:,} 行，没有导入任何数据。"
                            "请按社区拆成几个文件分别上传，或请系统管理员在服务器上用命令行导入整份文件："
                            "gridbot import org 文件名")
ORG_IMPORT_EXPIRED = "预览已过期（或已经导入过），没有导入任何数据。请重新上传文件。"
ORG_PREVIEW_TITLE = "导入预览"
ORG_PREVIEW_FILE = "文件“{name}”，共 {rows} 行数据。以下为预览，数据库尚未改动。"
ORG_PREVIEW_ERRORS = "文件有 {n} 处错误，不会导入任何数据。请修改以下各行后重新上传："
ORG_PREVIEW_CREATED = "将新建：{counts}"
ORG_PREVIEW_NOTHING_NEW = "没有需要新建的，全部已存在。"
ORG_PREVIEW_PRESENT = "已存在：{counts}"
ORG_PREVIEW_NEW_GRIDS = "新网格"
ORG_PREVIEW_NEW_BUILDINGS = "新楼栋"
ORG_PREVIEW_MORE = "（只列出前 {n} 个）"
ORG_PREVIEW_MISSING = ("文件涉及的社区中，以下仍在使用、但文件里没有列出（导入不会停用它们；需要停用请用 "
                       "gridbot import org --prune）：")
ORG_PREVIEW_MISSING_UNITS = "另有 {n} 个单元文件里没有列出。"
ORG_PREVIEW_MOVED = "楼栋换网格不能通过导入完成：请在命令行用 gridbot org move-building。"
ORG_APPLY = "确认导入"
ORG_APPLY_CANCEL = "取消"
ORG_IMPORTED = "导入完成（{rows} 行）：{created}。"
ORG_IMPORTED_CREATED = "新建{counts}"
ORG_IMPORTED_NOTHING = "没有需要新建的"
ORG_COUNTED = {"street": "街道 {n} 个", "community": "社区 {n} 个", "grid": "网格 {n} 个", "building": "楼栋 {n} 个",
               "unit": "单元 {n} 个"}
ORG_POSTERS_FAILED = "向微信申请二维码失败（{reason}），已生成的二维码都已保存。请稍后再试。"
ORG_POSTERS_NONE = "这里没有在用的楼栋，没有海报可下载。"
ORG_POSTER_ZIP = "posters-{name}.zip"

STAFF_TITLE = "人员与邀请码"
STAFF_HEADING = "在职人员"
STAFF_COLUMNS = ("编号", "姓名", "角色", "工作范围", "微信", "状态", "未办结", "电话", "")
STAFF_NONE = "您的管辖范围内没有在职的工作人员。"
STAFF_FILTERED_NONE = "没有符合筛选条件的在职人员。"
STAFF_FILTER_ROLE = "角色"
STAFF_FILTER_WHERE = "社区/网格"
STAFF_FILTER_COUNT = "共 {n} 人"
STAFF_FILTER_BAD_ROLE = "不认识这个角色，请从列表中选择。"
STAFF_BOUND = {True: "已绑定", False: "未绑定"}
STAFF_ON_DUTY = "在岗"
STAFF_OFF_DUTY = "休假"
STAFF_OFF_DUTY_UNTIL = "休假至 {day}"
STAFF_LEAVE_TO_COME = "在岗（{first} 起休假）"  # leave arranged for a later day (请假 明天)
STAFF_DISABLE = "停用"
STAFF_DISABLE_CONFIRM = "停用后此人不再收到任务，未办结的诉求退回各自网格。"
STAFF_DISABLE_SURE = "确认停用 {name}"
STAFF_DISABLED = "已停用 {name}：{tasks}"
STAFF_DISABLED_TASKS = "{n} 件未办结的诉求已交回各自的网格等待重新接单，网格的工作人员和居民已收到通知"
STAFF_DISABLED_NO_TASKS = "没有未办结的诉求"
STAFF_DISABLED_TASKS_UNIT = "{n} 件未办结的诉求已交回{unit}的其他人员等待接单，他们和居民已收到通知"
# Nobody else of the unit serves where they worked (storage.unit_reach): another street's 中队 of that name may.
# A department's officer given another place (storage.unit_reach), as `gridbot staff move --street` does.
STAFF_PLACE = "改负责的地方"
STAFF_PLACE_CHOOSE = "选择负责的地方"  # a clerk of one grid: nothing chosen at first, a tap alone changes nothing
STAFF_PLACE_NOW = "现在负责：{place}"  # as gridbot staff list names it; that place is chosen in the list at first
STAFF_PLACED = "已改为 {name}（{unit}）负责 {place}：只接收、查看这里转给本单位的诉求，已接单的任务仍由 TA 办理{waiting}。"
STAFF_PLACE_REFUSED = {"same_place": "TA 已经负责这个地方了。", "none": "请先选择负责的地方。",
                       "place_department_only": "物业人员只能改为负责一个社区的各个小区；换到另一个网格请用 gridbot staff move --grid。"}
STAFF_DISABLED_UNIT_WAITING = "；TA 原来负责的地方{unit}再没有别的在岗人员，等该单位接单的 {n} 件诉求已交回各自的网格"
STAFF_DISABLED_CLAIMS = "；领取的志愿任务 {n} 件已重新开放给其他志愿者"
STAFF_DISABLED_INVITES = "；TA 未使用的邀请 {n} 个已撤销"
STAFF_DISABLED_PHONE = "。TA 的个人手机号已删除，办理记录里仍写着 TA 的姓名"
INVITES_HEADING = "待使用的邀请码"
INVITES_COLUMNS = ("编号", "角色", "工作范围", "姓名", "手机", "有效期至", "")
INVITES_NONE = "没有待使用的邀请码。"
INVITE_REVOKE = "撤销"
# The second tap (a <details> opens it): a mis-tap on a phone's list must not void a code someone is about to use.
INVITE_REVOKE_CONFIRM = "确定撤销邀请 [{id}]（验证码随即作废）"
INVITE_REVOKED = "已撤销邀请 [{id}]：这个验证码不能再用于认证。"
INVITE_NOT_REVOCABLE = {"used": "邀请 [{id}] 已经使用过，不能撤销；如需停用此人，请在人员列表中停用。",
                        "expired": "邀请 [{id}] 已过期，无需撤销。", "revoked": "邀请 [{id}] 已经撤销过了。",
                        "dead": "邀请 [{id}] 在服务器密钥更换前生成，已经失效，无需撤销。"}
INVITE_HEADING = "生成邀请码"
INVITE_FIELDS = {"role": "角色", "grid": "网格（网格员、网格长、物业）", "community": "社区（操作员；管着社区几个小区的物业）",
                 "department": "部门或物业公司名称（部门必填）", "building": "楼栋（楼长，如 阳光花园·3号楼）",
                 "name": "姓名", "phone": "手机号（可不填；填写后认证时核对后四位）", "work_phone": "工作电话（可不填，接单时告知居民）",
                 "ttl_hours": "有效小时数"}
INVITE_CHOOSE = "请选择"
INVITE_SUBMIT = "生成邀请码"
INVITE_ROLES = ("网格员", "网格长", "物业", "部门", "操作员", "楼长")
INVITE_CREATED_TITLE = "邀请码已生成"
INVITE_CREATED = "已生成{role}邀请 [{id}]：{place}{person}"
INVITE_EARLIER_WAITING = ("注意：{name} 已有待使用的邀请 {ids}，用其中任何一个验证码都能认证为这个身份；"
                          "不再需要的请在“人员与邀请码”的待使用邀请里撤销。")
INVITE_CODE = "验证码：{code}（{expires} 前有效，只能使用一次）。验证码只显示这一次，请现在转发。"
INVITE_FORWARD = "请把下面这段话原样转发给{name}："
INVITE_UNNAMED = "对方"
INVITE_GREETING = "{name}您好！"
INVITE_PERSON = "，{name}"
INVITE_PHONE = "（手机 {phone}）"
INVITE_MESSAGE = ("{greeting}邀请您作为 {place} 的{role}，在微信公众号里接收和办理居民诉求。请{follow}，在对话框中发送："
                  "认证 {code}（{expires} 前有效，只能使用一次）。{check}")
INVITE_FOLLOW_NAMED = "关注微信公众号“{account}”"
INVITE_FOLLOW_UNNAMED = "关注本社区的微信公众号"
INVITE_CHECK_PHONE = "发送后，请按提示回复您手机号的后四位，核对无误即完成绑定。"
INVITE_CHECK_NONE = "发送后即完成绑定。"
INVITE_BACK = "返回人员与邀请码"
INVITE_REFUSED = {
    "role": "请选择角色。",
    "ttl": "有效小时数须在 1 到 {max_hours} 之间。",
    "grid": "邀请网格员、网格长或物业人员请选择网格（物业人员也可以只选社区：负责这个社区的各个小区）。",
    "department": "邀请部门人员请写明部门名称（最多 64 个字）。",
    "community": "邀请操作员请选择社区（或选择网格，取网格所在的社区）。",
    "building": "邀请楼长请写明楼栋，如 阳光花园·3号楼 或 幸福里社区/第一网格/阳光花园/3号楼。",
    "building_only_lead": "楼栋只用于邀请楼长；邀请楼长时不要再选网格、社区或部门。",
    "unit": "单元长、党员中心户的邀请要指定单元，请用命令行 gridbot invite --role 单元长 --building 楼栋 --unit 单元。",
    "name": "姓名最多 32 个字。",
    "phone": "请填写 11 位手机号或带区号的座机号（如 13812345678、0531-87654321）。",
    "phone_bound": "需要核对手机号时请填写对方的手机号。",
    "street": "街道操作员的邀请请用命令行 gridbot invite --role 操作员 --street。",
    "work_phone": "工作电话应为手机号（11 位）或座机 区号-号码，例如 0531-87654321。",
    "outside": "这个工作范围不在您的管辖范围内，没有生成邀请。",
    "unknown_department": "没有“{name}”这个部门。可选：{known}",
}


# --- broadcast notices (notices.py, notice_compose.py) -------------------------------------------------------
NOTICES_TITLE = "通知"
NAV_NOTICES = "通知"
NOTICE_NEW_TITLE = "发通知"
NOTICE_PREVIEW_TITLE = "通知预览（还没有发送）"
NOTICE_TITLE = "通知 {number}"
NOTICE_NEW = "发新通知"
NO_NOTICES = "您的范围内还没有通知。"
OLDER_NOTICES = "更早的通知"
NOTICE_COLUMNS = ("编号", "范围", "对象", "内容", "发送时间", "状态", "进度")
NOTICE_FIELDS = {"scope": "范围", "audience": "发给", "text": "通知内容", "urgent": "紧急通知（故障、灾害）",
                 "kind": "紧急类别", "at": "定时发送（北京时间，不填则立即发送）", "author": "发布人"}
NOTICE_FROM_CLI = "服务器命令行"
NOTICE_FROM_CLI_LOGIN = "服务器命令行（{login}）"  # the server login that ran gridbot notice send
NOTICE_SCOPE_HINT = "如 幸福里社区/第一网格 或 幸福里社区/第一网格/阳光花园/3号楼"
NOTICE_SCOPE_HELP = ("范围从街道或社区往下用 / 连起来：街道、社区、社区/网格、社区/网格/小区/楼栋（网格只有一个小区时可不写小区）；也可以只写小区（阳光花园：这个小区各楼栋的居民，跨两个网格的也都发；两个社区都有这个小区时写 社区/小区）。"
                     "居民：已绑定住址、仍关注公众号的居民和这些楼的楼长；工作人员：网格员、网格长、物业、楼长，街道和社区范围还有部门人员。")
NOTICE_URGENT_HELP = "紧急通知用模板消息发送，不占居民每月 4 条群发，已退订通知的居民也会收到；只用于停水、停电、停气、防汛等。"
NOTICE_PREVIEW_BUTTON = "预览"
NOTICE_SEND_BUTTON = "确认发送"
NOTICE_SCHEDULE_BUTTON = "确认定时发送"
NOTICE_EDIT_BUTTON = "返回修改"
NOTICE_READS_HEADING = "收到的人看到的内容"
NOTICE_READS_RESIDENT = "居民（群发或客服消息）"
NOTICE_READS_STAFF = "工作人员"
NOTICE_READS_TEMPLATE = "模板消息（每行最多显示 20 字，点开是全文）"
NOTICE_READS_TEMPLATE_UNLINKED = "模板消息（每行最多显示 20 字；只发工作人员的通知没有全文页面，回复通知编号可看全文）"
# The notice template's lines by what gridbot puts in them (README: GRIDBOT_NOTICE_TEMPLATE_ID), not WeChat's keys
NOTICE_TEMPLATE_LINES = {"keyword1": "类别", "keyword2": "内容", "keyword3": "时间", "remark": "备注"}
NOTICE_NUMBER_LATER = "N{day}××××"
NOTICE_NUMBER_NOTE = "通知编号在确认发送时生成。"
NOTICE_REACH_HEADING = "发送对象"
NOTICE_REACH_TOTAL = "共发给 {count} 人"
NOTICE_REACH_CHANNEL = "{channel}：{count} 人"
NOTICE_REACH_BATCHES = "（{count} 批）"
NOTICE_REACH_SKIPPED = "不发送：{count} 人，{reason}"
NOTICE_REACH_LATER = "超出当日配额，{day} 发出：{what}"
NOTICE_REACH_CALLS = "{channel} {count} 次"
NOTICE_SEND_AT = "发送时间：{at}"
NOTICE_SEND_NOW = "确认后立即发送。"
NOTICE_STORED = {"sent": "通知已保存，正在按计划发送。", "again": "这条通知已经发送过了，没有重复发送。",
                 "cancelled": "通知已撤销：{count} 人不会再收到。",
                 "cancelled_before": "这条通知已于 {at} 撤销过{by}，这次没有改动。"}
# WeChat keeps what it was handed: a text mass send or a template message cannot be called back from the phones.
NOTICE_CANCELLED_SENT = ("已经发出的 {sent} 人已收到，微信上的消息无法收回；内容有误请另发一条更正通知"
                         "（同样的范围，内容以“更正：”开头写明正确的内容）。")
NOTICE_CANCELLED_FACT = "撤销"
NOTICE_DRIFTED = "发送对象和预览时相比变化较大（预览时 {before} 人，现在 {after} 人），通知没有发送。请核对下面的新预览后再确认。"
NOTICE_IN_PROGRESS = "这条通知正在保存，请不要重复提交。稍后在通知列表里查看。"
NOTICE_ONCE_MISSING = "这个发送表单不完整，通知没有发送。请重新预览后再确认。"
NOTICE_UNAVAILABLE = "发送服务暂时不可用，通知没有发送。请稍后再试。"
NOTICE_OUT_OF_SCOPE = "这个范围超出了您的管辖范围，只能给本{where}内的人发通知。"
NOTICE_SCOPE_WORDS = {"community": "社区", "street": "街道"}
NOTICE_BAD_AT = "发送时间“{value}”看不懂，请写成 2026-12-05 09:00 这样（北京时间）。"
NOTICE_BAD_AUDIENCE = "请选择发给居民、工作人员还是全部。"
NOTICE_BAD_KIND = "请从列表中选择紧急通知的类别。"
NOTICE_KIND_NONE = "（紧急通知才需要选）"
NOTICE_TOO_LONG = "内容太长了：范围最多 {limit} 个字。"
NOTICE_NOT_CANCELLABLE = "这条通知的状态是“{state}”，没有待发的部分，不能撤销。"
NOTICE_SENT_NOT_CANCELLABLE = ("这条通知的状态是“{state}”：已全部交给微信，发出的消息无法收回，不能撤销。内容有误请另发一条更正通知"
                               "（同样的范围，内容以“更正：”开头写明正确的内容）。")
NOTICE_PROGRESS_HEADING = "发送进度"
NOTICE_COUNTS = {"recipients": "共", "sent": "已发", "filtered": "被微信过滤", "failed": "失败", "skipped": "未发送",
                 "pending": "待发"}
NOTICE_CONFIRMED = "楼长已转达：{count}"
NOTICE_WAITING_QUOTA = "微信当日接口配额已用完，剩余部分明天继续发送（一般通知早上 8 点起，紧急通知 0 点起）。"
NOTICE_CANCEL_LABEL = "撤销：还没交给微信的部分不再发送（已交给微信的无法收回）"
NOTICE_CANCEL_BUTTON = "撤销通知"
# The second tap: a notice stopped by a mis-tap on a phone cannot be started again, only sent anew.
NOTICE_CANCEL_CONFIRM = "确认撤销通知 {number}：还没发出的 {pending} 人不再收到"
NOTICE_RECIPIENTS_HEADING = "收件人"
NOTICE_RECIPIENT_COLUMNS = ("收件人", "OpenID", "渠道", "状态", "原因")
NOTICE_RECIPIENT_FILTER = "只看"
NOTICE_RECIPIENT_ALL = "全部"
NOTICE_REFRESH = "发送已有结果：刷新页面，看每位收件人的状态"
NOTICE_RECIPIENT_STATES = {"pending": "待发", "sending": "发送中", "sent": "已发", "filtered": "被微信过滤",
                           "failed": "失败", "skipped": "未发送"}
NO_RECIPIENTS = "没有符合条件的收件人。"
NOTICE_RECIPIENTS_FORGOTTEN = "这条通知结束已超过保留期限，每位收件人的明细已删除；上面的统计数字保留。"
NOTICE_FIXED_REASONS = {"outcome unknown: worker stopped during the send": "发送中断，无法确认是否送达",
                        "reply window closed and no notice template configured":
                            "对方 48 小时内没有给公众号发过消息，又没有配置通知的模板消息"}
# A recipient's failure as the worker recorded it (WeChat's "errcode N (errmsg)", a template's job status), in words.
NOTICE_ERRCODE_REASONS = {
    45015: "对方 48 小时内没有给公众号发过消息（或已取消关注），客服消息发不出",
    45047: "客服消息条数已用完：对方上次发消息后 48 小时内最多收 5 条",
    43004: "对方未关注公众号（或已取消关注）",
    40003: "不是本公众号的用户",
    43101: "对方拒收这类模板消息",
    40037: "模板 ID 无效",
    45002: "内容超过微信的长度上限",
    45009: "微信接口调用次数已达今日上限",
    40130: "群发名单少于两人",
    -1: "微信系统繁忙",
}
NOTICE_BLOCKED = "对方拒收这类模板消息"
NOTICE_OTHER_ERRCODE = "发送失败（微信错误码 {errcode}）"
NOTICE_OTHER_FAILURE = "发送失败（原因见 worker 日志）"
NOTICE_ERRCODE = re.compile(r"errcode (-?\d+)")


def notice_reason(reason: str) -> str:
    """Why a recipient got nothing, in Chinese (the stored reason is the worker's English)."""
    if reason in NOTICE_FIXED_REASONS:
        return NOTICE_FIXED_REASONS[reason]
    if reason.startswith("failed"):  # TEMPLATESENDJOBFINISH: failed:user block, failed: system failed
        return NOTICE_BLOCKED if "block" in reason else NOTICE_ERRCODE_REASONS[-1]
    found = NOTICE_ERRCODE.search(reason)
    if found is None:
        return NOTICE_OTHER_FAILURE
    errcode = int(found.group(1))
    return NOTICE_ERRCODE_REASONS.get(errcode) or NOTICE_OTHER_ERRCODE.format(errcode=errcode)


# --- 系统设置: operator accounts, taxonomy, FAQ, template ids (manage_admin.py, manage_taxonomy.py, manage_faq.py) -
ADMIN_NAV = "系统设置"
ADMIN_TABS = {"users": "操作员账号", "taxonomy": "分类与时限", "faq": "政策问答", "templates": "模板消息"}
FORM_SUBMIT = "保存"

USERS_TITLE = "操作员账号"
USER_COLUMNS = ("用户名", "显示名", "角色", "管辖范围", "状态", "最近登录", "操作")
USER_STATES = {True: "启用", False: "已停用"}
USER_NEVER = "从未登录"
USER_ADD_HEADING = "新增账号"
USER_FIELDS = {"username": "用户名", "role": "角色", "scope": "管辖的街道或社区", "name": "显示名（办理记录里显示）",
               "password": "密码", "again": "再输入一次密码"}
USER_HINTS = {"username": "3–32 个字符：小写字母、数字和 . _ -", "scope": "街道、社区账号必填，如 幸福里社区（重名时写 街道·社区）",
              "password": "至少 10 个字符，字母、数字、符号中至少两类，不能包含用户名"}
USER_ADD = "创建账号"
USER_DISABLE = "停用"
USER_DISABLE_CONFIRM = "确认停用"
USER_ENABLE = "重新启用"
USER_PASSWORD = "重设密码"
USER_PASSWORD_NEW = "新密码"
USER_DONE = {"added": "已创建账号 {username}。", "disabled": "已停用账号 {username}：已登录的页面在下一次操作时退出。",
             "already": "账号 {username} 早已停用。",
             "enabled": "已重新启用账号 {username}：可以用原来的密码登录；如果担心密码已泄露，请为它重设密码。",
             "enabled_already": "账号 {username} 本来就是启用的。", "password": "已为 {username} 设置新密码；用旧密码登录的页面在下一次操作时退出。"}
USER_PASSWORDS_DIFFER = "两次输入的密码不一样，请重新输入。"
USER_REFUSED = {"self": "不能停用自己正在使用的账号。", "last_admin": "这是最后一个启用的管理员账号，停用后就没有人能管理控制台了。"}
USER_NOT_FOUND = "没有用户名为“{name}”的账号。"
USER_CLI_HINT = "服务器上也可以用命令管理账号：gridbot user add / list / disable / enable / passwd。"

TAXONOMY_TITLE = "分类与时限"
TAXONOMY_SOURCE_FILE = "当前使用的是配置文件 {path}（还没有在控制台保存过）。"
TAXONOMY_SOURCE_VERSION = "当前使用的是第 {number} 版（{at}，{who} 保存）。"
TAXONOMY_HOW = ("保存前按启动时的同样规则检查，有错不保存。保存后，网页和后台任务在 {seconds} 秒内改用新版本，不用重启；"
                "配置文件不会被改动，控制台保存的版本优先于文件。")
TAXONOMY_MODEL_NOTE = ("自动分类模型只认识训练时的类别：新增的类别先靠关键词规则识别，"
                       "要让模型也学会，请积累样本后运行 gridbot nlp train 重新训练。模型认识的类别不能删除。")
TAXONOMY_STREET_NOTE = "街道账号可以查看，修改请联系管理员。"
TAXONOMY_COLUMNS = ("类别", "接单时限", "办结时限", "派发", "按工作日", "私密", "模型认识", "细分")
TAXONOMY_GRID = "网格"
TAXONOMY_DEPARTMENT = "转办：{name}"
TAXONOMY_HOURS = "{hours} 小时"
TAXONOMY_YES = "是"
TAXONOMY_NO = "否"
TAXONOMY_EDIT_HEADING = "编辑（TOML 格式，字段说明见文件开头的注释）"
TAXONOMY_SAVE = "检查并保存"
TAXONOMY_CONFIRM = "确认新增部门：{name}"
TAXONOMY_HISTORY = "保存记录"
TAXONOMY_HISTORY_COLUMNS = ("版本", "保存时间", "保存人", "说明", "")
TAXONOMY_RESTORED_FROM = "恢复自第 {number} 版"
TAXONOMY_VIEW = "查看"
TAXONOMY_RESTORE = "恢复为这一版"
TAXONOMY_VERSION_TITLE = "分类第 {number} 版"
TAXONOMY_NO_HISTORY = "还没有在控制台保存过。"
TAXONOMY_SAVED = "已保存为第 {number} 版，{seconds} 秒内所有进程改用新版本。"
TAXONOMY_REFUSED = {
    "empty": "内容是空的，没有保存。",
    "too_long": "内容太长（{detail} 个字符），没有保存。",
    "invalid": "没有保存：{detail}",
    "model_category": "没有保存：自动分类模型认识类别“{names}”，不能删除或改名（先重新训练模型）。",
    "new_department": ("没有保存：要转办到新的部门“{names}”。这些部门还没有工作人员，转办过去的诉求要等 "
                       "gridbot staff add --department 登记了人员才有人接单。确认新增请勾选下面的确认框后再保存。"),
    "unchanged": "和当前使用的第 {detail} 版完全一样，没有保存。",
}
# The loader's reasons (nlp/taxonomy.py, English for the log) in the operator's words: each pattern is matched
# against the message without its leading file name; a message no pattern knows is shown as it is.
TAXONOMY_PLACES = (
    (r'category #(\d+)', r"第 \1 个类别"),
    (r'category "([^"]*)"', r"类别“\1”"),
    (r'subcategory #(\d+)', r"第 \1 个细分"),
    (r'subcategory "([^"]*)"', r"细分“\1”"),
    (r'emergency #(\d+)', r"第 \1 个紧急情况"),
    (r'emergency "([^"]*)"', r"紧急情况“\1”"),
    (r'\[hotspots\]', "聚焦办设置 [hotspots]"),
)
TAXONOMY_PROBLEMS = (
    (r'not valid UTF-8 TOML: (.*)', r"TOML 格式错误（\1）"),
    (r'missing field "([^"]+)"', r"缺少字段 \1"),
    (r'unknown (?:top-level key|field) \'([^\']+)\'', r"不认识的字段 \1"),
    (r'duplicate category "([^"]+)"', r"类别“\1”重复"),
    (r'duplicate (\w+)', "名称重复"),
    (r'field "route" must be "grid" or "department:<name>", got (.*)',
     r'派发路线 route 只能是 "grid" 或 "department:部门名"，现在是 \1'),
    (r'field "([^"]+)" must be a positive whole number of hours, got (.*)', r"字段 \1 必须是正整数（小时），现在是 \2"),
    (r'field "([^"]+)" must be a positive whole number, got (.*)', r"字段 \1 必须是正整数，现在是 \2"),
    (r'field "response_hours" \((\d+)\) exceeds "resolve_hours" \((\d+)\)', r"接单时限（\1 小时）超过了办结时限（\2 小时）"),
    (r'its response hours \((\d+)\) exceed its resolve hours \((\d+)\)', r"接单时限（\1 小时）超过了办结时限（\2 小时）"),
    (r'default_response_hours must not exceed default_resolve_hours', "default_response_hours 不能超过 default_resolve_hours"),
    (r'field "threshold" must be a number between 0 and 1, got (.*)', r"threshold 必须是 0 到 1 之间的数，现在是 \1"),
    (r'no categories: .*', "一个类别也没有：至少要有一个 [[category]]"),
    (r'field "name" is reserved for unclassified appeals', "“待分类”是保留名称，不能作类别名"),
    (r'field "name" is reserved for complaints about staff', "“投诉工作人员”是保留名称，不能作类别名"),
    (r'field "name" .*', "名称必须是非空的文字，前后不能有空格"),
    (r'a sensitive category cannot be given to volunteers .*', "敏感类别（sensitive = true）不能交给志愿者领单（volunteers）"),
    (r'field "([^"]+)" must be true or false, got (.*)', r"字段 \1 只能是 true 或 false，现在是 \2"),
    (r'keyword "([^"]+)" is in both "keywords" and "negative"', r"关键词“\1”同时出现在 keywords 和 negative 里"),
    (r'field "([^"]+)" is empty', r"字段 \1 是空的"),
    (r'field "([^"]+)" has an empty (?:word|phrase).*', r"字段 \1 里有空的词"),
    (r'field "([^"]+)": weight of "([^"]+)" must be a positive number, got (.*)', r"字段 \1 里“\2”的权重必须是正数，现在是 \3"),
    (r'field "([^"]+)": "([^"]+)" repeats another word once normalised', r"字段 \1 里“\2”和另一个词重复（全角半角、大小写视为相同）"),
    (r'field "([^"]+)" must be a table of word = weight', r"字段 \1 要写成 词 = 权重 的表"),
    (r'field "category" must name a \[\[category\]\], got (.*)', r"category 必须是上面某个 [[category]] 的名称，现在是 \1"),
    (r'thresholds must grow with the place: .*', "阈值要满足 building ≤ compound ≤ grid"),
    (r'must be a table', "必须是一个表"),
    (r'(\w+) are written as .*', "要写成 [[...]] 表的列表"),
)
TAXONOMY_UNKNOWN_PROBLEM = "{message}"

FAQ_TITLE = "政策问答"
FAQ_COLUMNS = ("编号", "问题", "其他问法", "类别", "状态", "操作", "适用范围")
FAQ_DISTRICT_WIDE = "全区通用"
FAQ_STREET_FIELD = "适用范围（街道的问答只答复该街道的居民，同一问题以街道的为准）"
FAQ_READ_ONLY = "这是全区通用的问答，街道账号只能查看。要让本街道的居民得到不同的答复，请新增一条同样问题的本街道问答。"
FAQ_VIEW = "查看"
FAQ_OVERRIDDEN = "本街道以自己的为准"  # a district-wide entry a street's own entry of the same question replaces
FAQ_STATES = {True: "回答中", False: "已停用"}
FAQ_NONE = "还没有问答。可以在这里新增，或用 gridbot faq import 从表格导入。"
FAQ_ADD = "新增问答"
FAQ_EDIT_TITLE = "修改问答 {id}"
FAQ_VIEW_TITLE = "查看问答 {id}"
FAQ_NEW_TITLE = "新增问答"
FAQ_FIELDS = {"question": "问题", "answer": "答案", "alternates": "其他问法（用 、或 ；分隔）", "category": "类别（可不填）"}
FAQ_EDIT = "修改"
FAQ_DELETE = "删除"
FAQ_DONE = {"added": "已新增问答。", "edited": "已保存修改。", "deleted": "已删除。",
            "disabled": "这条问答回答过居民，为保留记录已停用（不再回答），没有删除。"}
FAQ_PROBLEMS = {
    "missing": "请填写“{column}”。",
    "too_long": "“{column}”太长（{length} 个字），{each}最多 {limit} 个字。",
    "control_character": "“{column}”含有制表符或不可见字符，请删除。",
    "duplicate_question": "已经有这个问题了（编号 {other}）；同一个问题只写一条，其他问法写进“其他问法”。",
}
FAQ_EACH = "每种问法"
FAQ_REFRESH = "改动在 {seconds} 秒内生效。"

TEMPLATES_TITLE = "模板消息"
TEMPLATES_INTRO = ("居民 48 小时内没有给公众号发消息时，客服消息发不出去，只能用模板消息。这里列出每一类通知使用的模板 ID。"
                   "模板 ID 在服务器的环境变量里设置（修改后重启 gridbot 生效），这里只能查看。")
TEMPLATE_COLUMNS = ("通知", "对象", "模板 ID", "来源")
TEMPLATE_AUDIENCES = {"resident": "居民", "staff": "工作人员"}
TEMPLATE_SOURCES = {"own": "GRIDBOT_TEMPLATE_IDS", "generic": "GRIDBOT_RESIDENT_TEMPLATE_ID（通用模板）", "none": "未设置"}
TEMPLATE_MISSING = "未设置"
TEMPLATE_MISSING_RESIDENT = "居民的回复窗口（48 小时）关闭后，这类通知发不出去，记为失败。"
TEMPLATE_MISSING_STAFF = "先发客服消息；工作人员的回复窗口关闭时发不出去，记为失败（工作人员请常给公众号发消息）。"
TEMPLATE_GENERIC_HEADING = "通用和公告模板"
TEMPLATE_GENERIC = {"resident": ("居民通用模板", "GRIDBOT_RESIDENT_TEMPLATE_ID",
                                 "没有专用模板的居民通知都用它；未设置时这些通知在窗口关闭后发不出去。"),
                    "notice": ("公告模板", "GRIDBOT_NOTICE_TEMPLATE_ID",
                               "紧急公告和窗口已关闭的工作人员公告用它（服务号）；未设置时这些公告发不出去。")}
TEMPLATES_WHERE = ("设置方法：GRIDBOT_TEMPLATE_IDS 写成 JSON，键是上表括号里的通知名，如 {\"resident_resolved\": \"模板ID\"}；"
                   "GRIDBOT_RESIDENT_TEMPLATE_ID、GRIDBOT_NOTICE_TEMPLATE_ID 各写一个模板 ID。模板 ID 在公众号后台“模板消息”里获取。")
TEMPLATES_MISSING_COUNT = "有 {n} 类通知没有模板。"
USER_WEAK_PASSWORD = {
    "empty": "请填写密码。",
    "short": f"密码太短：至少 {PASSWORD_MIN} 个字符。",
    "long": f"密码太长：最多 {PASSWORD_MAX} 个字符。",
    "one_kind": "密码太简单：请同时使用字母、数字、符号中的至少两类。",
    "has_username": "密码不能包含用户名。",
    "common": "这是常见密码，很容易被猜到，请换一个。",
}
USER_INVALID = {
    "bad_username": "用户名“{detail}”不可用：3–32 个字符，只用小写字母、数字和 . _ -，以字母或数字开头。",
    "taken": "用户名“{detail}”已经有人用了。",
    "name_taken": "显示名“{detail}”已经有账号在用，操作记录会分不清是谁：请加上部门或编号区分，如“{detail}（民政）”。",
    "bad_role": "角色只能是 管理员、街道 或 社区。",
    "needs_scope": "街道和社区账号要填写管辖的街道或社区，例如 幸福里社区。",
    "no_scope": "管理员账号管辖全部，不用填写管辖范围（收到：“{detail}”）。",
    "bad_name": f"显示名太长：最多 {DISPLAY_NAME_MAX} 个字。",
}
USER_UNKNOWN_PLACE = "找不到“{name}”：街道账号填街道名称，社区账号填社区名称。"
USER_AMBIGUOUS_COMMUNITY = "有几个社区叫“{name}”，请写成 街道·社区：{candidates}"
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
PERIOD_NOT_YET = "开始日期（{first}）还没到（今天是 {today}），这段时间还没有诉求可算。"
NONE = rate_words.NONE
DASH_HEADINGS = {
    "per_day": "每日收到的诉求（按提交日期、类别）", "backlog": "未办结积压（按已等待时间）", "overdue": "已超时",
    "workload": "网格员工作量", "focus": "聚焦办（进行中）", "channels": "渠道构成", "times": "接单和办结用时",
    "rates": "三率",
}
# Filed per day, by filing day ("what came in"): not the rates' 派发, which counts a held appeal when it was placed.
RECEIVED_LINE = "共提交 {count} 件（按提交那天算；三率的派发按派给网格的那一期算，两者可能不同）"
DAY_COLUMNS = ("日期", "类别", "件数")
AGE_NAMES = ("<1 天", "1–3 天", "3–7 天", ">7 天")
BACKLOG_COLUMNS = ("已等待", "件数")
BACKLOG_TOTAL = "合计"
OVERDUE_COLUMNS = ("编号", "类别", "超时环节", "时限", "已超时")
OVERDUE_CLOCKS = {"response": "接单", "resolve": "办结", "returned": "重新派发"}
OVERDUE_MORE = "共 {count} 件已超时，这里列出超时最久的 {shown} 件。查看全部"
OVERDUE_NONE = "没有超时的诉求。"
HOURS = "{hours:.1f} 小时"
DAYS_HOURS = "{days} 天 {hours} 小时"
WORKLOAD_COLUMNS = ("网格员", "网格", "在办", "期间接单（次）", "期间办结（次）")
# 赵磊 办结 21 here and 17 in the ranking of the same days: this table counts what was done in the period, the
# ranking the appeals filed in it, each under its last resolver.
WORKLOAD_NOTE = ("按在办件数排序，最多列 {top} 人。接单、办结是这段时间里做的次数：不论诉求哪天提交，重办后再次办结也算一次，"
                 "所以和三率排名（按提交日期数件数，每件算在最后办结的人名下）的数字不同。")
FOCUS_COLUMNS = ("编号", "地点", "事项", "开始", "负责人", "诉求")
FOCUS_OWNER_NONE = "社区工作人员"
FOCUS_NONE = "没有进行中的聚焦办。"
CHANNEL_COLUMNS = ("渠道", "件数")
TIMES_COLUMNS = ("", "件数", "中位数", "90% 在此之内")
TIMES_ROWS = {"accept": "提交到接单", "resolve": "提交到办结（不含挂起时间）"}
TIMES_NOTE = "接单：已派发且已接单的诉求；办结：按解决率口径已办结的诉求。"
RATES_SUMMARY = ("响应率", "解决率", "满意率", "评价率", "综合成绩")
RATES_BASIS = ("派发 {dispatched} 件（响应率、解决率的分母），其中办结过 {ever_resolved} 件（评价率的分母），"
               "已评价 {rated} 件（满意率的分母）。")
RATES_LISTS = "列出这些诉求："
RATES_LIST_LINKS = {"dispatched": "派发的 {count} 件", "ever_resolved": "办结过的 {count} 件", "rated": "已评价的 {count} 件"}
RATES_MORE = "查看三率排名（可按{units}）"  # the units this operator may rank by: a 社区 account has no 街道
EMPTY_PERIOD = "这段时间在范围内没有诉求。"
CHART_LOADING = "图表加载中…（表格见下方）"
PER_DAY_TABLE = "每日件数（表格）"

RATES_TITLE = "三率排名"
RATES_UNIT_LABEL = "按"
UNIT_NAMES = rate_words.UNIT_NAMES
# 已评价 beside 满意率: a 100 % over one rating must read as one, not as a unit's whole month.
RATES_COLUMNS = ("排名", "{unit}", "派发", "响应率", "解决率", "满意率", "已评价", "评价率", "综合成绩", "按期办结率",
                 "重办率", "回退率", "较上期")
RATES_LINE = ("{first} 至 {last}（北京时间）提交的诉求，办结和评价截至 {as_of}；较上期：与 {before_first} 至 "
              "{before_last} 相比综合成绩的变化。")
RATES_FOOTNOTE = ("满意率 =（满意 + {credit} × 基本满意）÷ 已评价；综合成绩 = 100 ×（{response} × 响应率 + {resolve} × "
                  "解决率 + {satisfaction} × 满意率）。“—”：分母为 0，不参与排名。")
RATES_TOTAL = rate_words.TOTAL
RATES_EMPTY = "这段时间在范围内没有单位可列。"
RATES_PAGES = "第 {page} / {pages} 页，共 {units} 个{unit}（完整名单请导出 CSV）"
RATES_BAD_UNIT = "不能按“{unit}”排名：请从列表中选择。"
RATES_FILENAME = "三率排名-{place}-按{unit}-{first}至{last}.csv"
RATES_ASCII_FILENAME = "rates-{unit}-{first}-{last}.csv"  # for a browser that cannot read the name above

# --- 党建与志愿: enrolments, the roll, 微心愿 and the month's 积分 (community.py) -----------------------------------
NAV_COMMUNITY = "党建与志愿"
COMMUNITY_TITLE = "党建与志愿"
ENROLMENTS_HEADING = "待确认的报到/报名"
ENROLMENTS_COLUMNS = ("编号", "姓名", "申请", "单位", "社区", "住址", "申请时间", "处理")
ENROLMENTS_NONE = "没有待确认的党员报到或志愿者报名。"
ENROLMENT_CONFIRM = "确认"
ENROLMENT_DECLINE = "不予确认"
# The second tap (confirm_first.html): a mis-tap beside 确认 on a phone would tell the applicant no, for good.
ENROLMENT_DECLINE_SURE = "确认不予确认 {name}（会通知本人，之后不能再确认，只能请本人重新申请）"
NO_ORGANISATION = "未填写"
ENROLMENT_CONFIRMED = "已确认 {name} 为{role}（编号 {number}），已通知本人。"
ENROLMENT_ALREADY_CONFIRMED = "{name}（编号 {number}）已经确认为{role}，无需再次确认。"
ENROLMENT_DECLINED = "已不予确认 {name} 的{what}（编号 {number}），已礼貌告知本人。"
ENROLMENT_ALREADY_DECLINED = "{name} 的{what}（编号 {number}）已经不予确认或已由本人撤回，没有改动。"
ENROLMENT_REFUSED = {
    "declined": "编号 {number} 的申请已不予确认或已由本人撤回，不能再确认；请让本人重新申请。",
    "confirmed": "编号 {number} 的申请已经确认，不能再不予确认；如需取消其身份，请在“组织与人员”中停用。",
}
ENROLMENT_NOW_STAFF = "此人已是{role}，不能再确认为党员或志愿者；如需变更身份，请先在“组织与人员”中停用其原有身份。"
MEMBERS_HEADING = "在册人员"
MEMBERS_COLUMNS = ("编号", "姓名", "身份", "社区", "住址", "单位", "小区党支部", "登记时间", "操作")
MEMBER_DISABLE_SURE = "确认停用 {name}（领了没报完成的任务重新开放给别人）"
MEMBERS_NONE = "范围内没有在册的楼长、单元长、党员中心户、党员或志愿者。"
WISHES_HEADING = "微心愿"
WISHES_COLUMNS = ("编号", "地点", "内容", "状态", "领单志愿者", "发布时间", "处理")
WISHES_NONE = "范围内没有进行中的微心愿。"
WISH_STATUS_NAMES = {"open": "待领取", "claimed": "已领取", "done": "已完成待确认", "confirmed": "已确认完成",
                     "cancelled": "已取消"}
WISH_CANCEL = "取消"
WISH_CANCEL_CONFIRM = "确定取消 {code}（已领取的志愿者和在聊天里发布它的人会收到通知）"  # the second tap, as INVITE_REVOKE_CONFIRM
WISH_NEW_HEADING = "发布微心愿"
WISH_FIELDS = {"place": "地点", "path": "或写地点（社区/网格/小区/楼栋）", "text": "需要帮什么忙"}
WISH_CHOOSE = "请选择"
WISH_TEXT_HINT = "志愿者会看到这段话：门牌、电话请慎重填写。最多 {limit} 字。"
WISH_SUBMIT = "发布"
WISH_POSTED = "微心愿 {code} 已发布（{place}）：志愿者发送“可领任务”即可看到。"
WISH_CANCELLED = "微心愿 {code} 已取消。{told}"
WISH_TOLD_VOLUNTEER = "已领单的志愿者{name}会收到通知。"
WISH_TOLD_POSTER = "发布人{name}会收到通知。"
WISH_REFUSED = {
    "empty": "心愿内容是空的，没有发布。请写明需要帮什么忙。",
    "too_long": "心愿内容最多 {limit} 字，现在有 {length} 字，没有发布。请精简后再发。",
    "scope": "微心愿要落在一个社区里：请写社区、社区/网格、社区/网格/小区 或 社区/网格/小区/楼栋。",
    "outside": "请选择您管辖范围内的社区或网格（或写明其中的地点），没有发布。",
    "closed": "微心愿 {code} 已完成、已确认或已取消，不能再取消。",
}
POINTS_HEADING = "本月积分"
POINTS_MONTH = "月份"
POINTS_SHOW = "查看"
POINTS_LINE = "{month}（北京时间）范围内有积分记录或月末有余额的人员，按本月净得排序。"
POINTS_COLUMNS = ("姓名", "角色", "地点", "街道", "本月净得", "月末余额")
POINTS_STREET_RULES = "{street}有自己的积分规则：{terms}；其余规则同全区。"
POINTS_TOTAL = "合计"
POINTS_NONE = "{month} 范围内没有积分记录。"
POINTS_CSV = "下载 CSV（含各规则明细，与 gridbot points report 同列）"
POINTS_BAD_MONTH = "月份请写成 YYYY-MM，如 2026-11；收到“{month}”，下面是本月的积分。"
POINTS_NOT_YET = "{month} 还没到（今天是 {today}），下面是本月的积分。"
POINTS_FILENAME = "积分-{place}-{month}.csv"  # whose and which month: a street's communities each save one
POINTS_ASCII_FILENAME = "points-{month}.csv"  # for a browser that takes no Chinese file name
