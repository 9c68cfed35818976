"""Every sentence an operator reads when a process refuses to start: one line each, naming the variable or the
dependency and what to do."""

from __future__ import annotations

from bot.settings import Problem

# What a variable must be, by the kind of problem settings found (bot.settings.Problem.kind).
_SETTING = {
    "required": "未设置 {variable}：请在环境变量中设置它。",
    "positive_integer": "{variable} 必须是正整数，现在是“{value}”。",
    "at_most": "{variable} 不能大于 {expected}，现在是 {value}。",
    "at_least": "{variable} 不能小于 {expected}，现在是 {value}。",
    "one_of": "{variable} 只能是 {expected} 之一，现在是“{value}”。",
    "no_such_file": "{variable} 指向的文件不存在：{value}",
    "no_such_directory": "{variable} 指向的文件夹不存在：{value}",
    "http_url": "{variable} 必须以 http:// 或 https:// 开头，现在是“{value}”。",
    "aes_key": "{variable} 必须是公众号后台“基本配置”里的 43 位 EncodingAESKey。",
    "aes_key_previous_alone": "设置了 {variable}（上一个 EncodingAESKey），却没有设置 WECHAT_AES_KEY（现在的）。",
    "mode_needs_aes_key": "GRIDBOT_WECHAT_MODE={value} 需要设置 {variable}（公众号后台的 EncodingAESKey），"
                          "或把 GRIDBOT_WECHAT_MODE 设为 plain。",
    "too_short": "{variable} 至少要 {expected} 个字符，可用 python3 -c 'import secrets; "
                 "print(secrets.token_urlsafe(32))' 生成。",
    "template_id": "{variable} 必须是公众号后台的模板 ID（字母、数字、- 和 _）。",
    "template_ids": '{variable} 必须是模板 ID 的 JSON 对象，例如 {{"resident_resolved": "模板ID"}}。',
    "unknown_templates": "{variable} 里有不认识的通知名：{value}（可用的有：{expected}）。",
    "ip_network": "{variable} 里的“{value}”不是 IP 地址或网段（如 10.0.0.0/8）。",
    "redis_url": "{variable} 必须形如 redis://主机:端口/库号、rediss://…、unix:///路径，"
                 "或经 Sentinel：redis+sentinel://主机:端口,主机:端口/服务名。",
    "redis_sentinel_url": "{variable} 的 Sentinel 地址写得不对，应形如 "
                          "redis+sentinel://[:密码@]主机:端口[,主机:端口...]/服务名[/库号]。",
    "database_url": "{variable} 必须形如 postgresql://用户:密码@主机/库名 或 sqlite:///文件路径。",
    "fraction": "{variable} 必须是 0 到 1 之间的数，如 0.9；现在是“{value}”。",
    "rate_weights": "{variable} 必须是三个 0 到 1 之间、加起来等于 1 的数，用英文逗号分开（响应率,解决率,满意率），"
                    "如 0.10,0.50,0.40；现在是“{value}”。",
    "holidays_line": "{variable} 指向的节假日文件第 {expected} 行看不懂：“{value}”（每行写日期或“日期..日期”，再写 休 或 班）。",
    "not_utf8": "{variable} 指向的文件 {value} 不是 UTF-8 编码：请用记事本或 WPS“另存为”UTF-8。",
    "unreadable": "{variable} 指向的文件 {value} 无法读取，请检查它的权限。",
    "secret_twice": "{expected} 和 {variable} 只能设置一个：密钥要么直接写在 {expected} 里，要么放在 {variable} 指向的文件里。",
    "empty_file": "{variable} 指向的文件 {value} 是空的：请把密钥写进去（一行）。",
    "quiet_hours": "{variable} 必须是北京时间的一段时间，如 22:00-07:00（前后两个时刻不能相同），或 off（夜里也照常通知居民）；"
                   "现在是“{value}”。",
    "summary_hour": "{variable} 必须是 0 到 23 之间的整点（北京时间，如 8），或 off（不发每日简报）；现在是“{value}”。",
    "figures_keep_after": "{variable} 必须是毫秒数（如 100），或 off（控制台的统计数字每次都现算）；现在是“{value}”。",
    "keep_days": "{variable} 必须是不少于 {expected} 的天数（如 365），或 off（一直保留）；现在是“{value}”。",
}
# A points rules file's mistake (storage.points_rules.PointsRulesError.reason): what is wrong on the line named.
_POINTS_RULES_FILE = "{variable} 指向的积分规则文件 {value} {where}{what}（格式见 README“积分”一节和随软件附带的 storage/data/points.toml）。"
_POINTS_RULES_LINE = "第 {line} 行："
_POINTS_RULES_STREET = "街道“{street}”的"
_POINTS_RULES = {
    "toml": "不是有效的 TOML 写法（文字要加英文双引号，表头写成 [rule.规则名] 或 [street.\"街道名\".规则名]）",
    "stray": "不认识的表或键“{name}”（全区的规则写在 [rule.规则名] 表里，街道自己的写在 [street.\"街道名\".规则名] 表里）",
    "no_rules": "没有 [rule.规则名] 表",
    "unknown_rule": "没有叫“{name}”的规则（规则有：{known}）",
    "not_table": "规则“{name}”要写成一个表（一行 [rule.{name}]，下面一行一个字段）",
    "missing": "缺少规则“{name}”：全区的八条规则都要写（街道只写自己要改的）",
    "unknown_field": "规则“{name}”里有不认识的字段“{field}”（只能写 label、points、monthly_cap）",
    "label": "规则“{name}”的名称 label 要写 1 到 32 个字",
    "points": "{whose}规则“{name}”的分值 points 必须是 -{most} 到 {most} 之间的整数",
    "monthly_cap": "{whose}规则“{name}”的每月上限 monthly_cap 必须是 0 或正整数（0 表示不限）",
    "street_not_table": "街道自己的规则要写成表：[street.\"街道名\".规则名]，下面写 points 或 monthly_cap",
    "street_name": "街道名“{street}”要写 1 到 {most} 个字",
    "street_twice": "街道“{street}”写了两次",
    "street_unknown": "街道“{street}”在台账里没有（多半是街道名写错了，它的规则不会用上；台账里的街道有：{known}）",
    "street_label": "街道“{street}”不能改规则“{name}”的名称 label：名称全区统一（报表里各街道同一列），街道只改 points 和 monthly_cap",
    "street_field": "街道“{street}”的规则“{name}”只能写 points 和 monthly_cap（至少写一个）",
}
_SETTING_FALLBACK = "{variable} 的值不可用，请检查。"

DATABASE_DISK_FULL = "数据库所在的磁盘已满，没有改动。请先腾出磁盘空间（SQLite 文件或 PostgreSQL 数据目录所在的分区），再重试。"
UNMIGRATED = "数据库尚未升级到当前版本，请先运行 gridbot db upgrade"
NEWER_SCHEMA = "数据库已被更新版本的 gridbot 升级过，请升级 gridbot 后再启动（或检查 GRIDBOT_DATABASE_URL）"
def published_secrets(names: list[str]) -> str:
    """The demo's secrets, published in README, about to face the real WeChat."""
    return (f"{'、'.join(names)} 用的是 README 里公开的演示值，任何人都能据此伪造微信消息或控制台登录："
            "请换成公众号后台的真实配置和自己生成的随机密钥（见 docs/deploy.md）")


def example_values(names: list[str]) -> str:
    """Placeholders of the example environment file, left unedited, about to face the real WeChat."""
    return (f"{'、'.join(names)} 还是示例配置文件 deploy/env/gridbot.env 里的示例值：请在 /etc/gridbot/gridbot.env 里"
            "改成公众号后台的 AppID 和本服务对外的地址（见 docs/deploy.md“配置与密钥”）")


MISSING_WECHAT_SECRET = "未设置 WECHAT_SECRET，worker 无法发送通知：请填入公众号后台“基本配置”里的 AppSecret"
UPGRADED = "数据库已是当前版本。"  # nothing was pending
MIGRATED = "已执行数据库迁移，数据库现在是当前版本。"  # an empty database given its tables, or an older one upgraded


def setting(problem: Problem) -> str:
    """One bad variable: which, and what it must be."""
    if problem.kind == "points_rules":
        return _points_rules(problem)
    template = _SETTING.get(problem.kind, _SETTING_FALLBACK)
    return template.format(variable=problem.variable, value=problem.value, expected=problem.expected)


def _points_rules(problem: Problem) -> str:
    """A points rules file's mistake, with its line (`expected` is the reason, `facts` the line, rule and street)."""
    facts = dict(problem.facts)
    line, street = facts.pop("line", ""), facts.get("street", "")
    what = _POINTS_RULES.get(problem.expected or "", "{name}").format_map(
        {"name": "", "field": "", "known": "", "most": "", "street": ""} | facts
        | {"whose": _POINTS_RULES_STREET.format(street=street) if street else ""})
    return _POINTS_RULES_FILE.format(variable=problem.variable, value=problem.value, what=what,
                                     where=_POINTS_RULES_LINE.format(line=line) if line else "")


def database_unreachable(url: str, reason: str) -> str:
    """The database did not answer (the URL is shown with its password masked)."""
    return f"无法连接数据库 {url}：{reason}（请检查 GRIDBOT_DATABASE_URL 和数据库是否在运行）"


def migration_failed(url: str, reason: str) -> str:
    """`db upgrade` reached the database but a migration failed."""
    return f"数据库 {url} 升级失败：{reason}"


def redis_unreachable(url: str, reason: str) -> str:
    """The configured Redis did not answer (the URL is shown with its password masked)."""
    return f"无法连接 Redis {url}：{reason}（请检查 GRIDBOT_REDIS_URL 和 Redis 是否在运行）"


def embedded_redis_failed(reason: str) -> str:
    """The embedded Redis (no GRIDBOT_REDIS_URL) did not start."""
    return f"内嵌 Redis 无法启动：{reason}（可用 GRIDBOT_REDIS_URL 指定一个 Redis）"


def port_unusable(host: str, port: int, reason: str) -> str:
    """`gridbot serve` cannot listen where it was told to."""
    return (f"无法在 {host}:{port} 上监听（{reason}）：请先停掉占用它的程序（如还没退出的上一个 gridbot serve），"
            "或用 --host、--port 换一个")


def data_dir_unwritable(path: str, reason: str) -> str:
    """The data directory can't be created or written."""
    return f"数据目录 {path} 无法写入（{reason}）：请修改它的权限，或用 GRIDBOT_DATA_DIR 换一个可写的目录"


def userdict_not_utf8(path: str) -> str:
    """A user dictionary saved as GBK (or anything but UTF-8)."""
    return f"GRIDBOT_USERDICT 中的词典 {path} 不是 UTF-8 编码：请用记事本或 WPS“另存为”UTF-8 后再启动"


def userdict_unreadable(path: str, reason: str) -> str:
    """A user dictionary the process may not read."""
    return f"GRIDBOT_USERDICT 中的词典 {path} 无法读取（{reason}）"


TAXONOMY_FAILED = "读取分类表失败：{reason}"


def classifier_unusable(reason: str) -> str:
    """The taxonomy or model can't be loaded."""
    return f"分类表或分类模型无法加载：{reason}（请检查 GRIDBOT_TAXONOMY 和 GRIDBOT_NLP_MODEL）"
