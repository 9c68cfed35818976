"""Configuration comes only from the environment; a bad value stops the process naming the variable."""

import pytest

from bot.cli import startup_texts
from bot.settings import DEMO_SECRET_KEY, DEMO_TOKEN, Settings, SettingsError
from storage.rates import Weights

BASE = {"WECHAT_TOKEN": "t", "WECHAT_APPID": "wx1", "GRIDBOT_SECRET_KEY": "s" * 32}


def test_the_minimum_is_a_token_and_an_appid():
    settings = Settings.from_env(BASE)
    assert settings.wechat_aes_key is None and settings.database_url == "sqlite:///var/gridbot.db"


@pytest.mark.parametrize("env, variable", [
    ({"WECHAT_APPID": "wx1"}, "WECHAT_TOKEN"),
    ({"WECHAT_TOKEN": "t"}, "WECHAT_APPID"),
    (BASE | {"WECHAT_AES_KEY": "short"}, "WECHAT_AES_KEY"),
    (BASE | {"WECHAT_AES_KEY": "!" * 43}, "WECHAT_AES_KEY"),
    (BASE | {"WECHAT_API_BASE_URL": "ftp://x"}, "WECHAT_API_BASE_URL"),
    (BASE | {"GRIDBOT_OUTBOX_POLL_MS": "fast"}, "GRIDBOT_OUTBOX_POLL_MS"),
    (BASE | {"GRIDBOT_TIMESTAMP_TOLERANCE": "-5"}, "GRIDBOT_TIMESTAMP_TOLERANCE"),
    (BASE | {"GRIDBOT_SQLITE_SYNCHRONOUS": "off"}, "GRIDBOT_SQLITE_SYNCHRONOUS"),
    ({"WECHAT_TOKEN": "t", "WECHAT_APPID": "wx1"}, "GRIDBOT_SECRET_KEY"),
    (BASE | {"GRIDBOT_SECRET_KEY": "s" * 31}, "GRIDBOT_SECRET_KEY"),
    (BASE | {"GRIDBOT_STAFF_LOOKUPS_PER_HOUR": "0"}, "GRIDBOT_STAFF_LOOKUPS_PER_HOUR"),
    (BASE | {"GRIDBOT_REQUEST_DB_WAIT_MS": "0"}, "GRIDBOT_REQUEST_DB_WAIT_MS"),
    (BASE | {"GRIDBOT_REQUEST_DB_WAIT_MS": "5000"}, "GRIDBOT_REQUEST_DB_WAIT_MS"),
    (BASE | {"GRIDBOT_SEND_LANES": "0"}, "GRIDBOT_SEND_LANES"),
    (BASE | {"GRIDBOT_SEND_LANES": "9"}, "GRIDBOT_SEND_LANES"),
    (BASE | {"GRIDBOT_PUBLIC_URL": "gridbot.example.gov.cn"}, "GRIDBOT_PUBLIC_URL"),
    (BASE | {"GRIDBOT_MEDIA_LINK_DAYS": "0"}, "GRIDBOT_MEDIA_LINK_DAYS"),
    (BASE | {"GRIDBOT_RATE_BASIC_CREDIT": "nan"}, "GRIDBOT_RATE_BASIC_CREDIT"),
    (BASE | {"GRIDBOT_RATE_BASIC_CREDIT": "90%"}, "GRIDBOT_RATE_BASIC_CREDIT"),
    (BASE | {"GRIDBOT_RATE_WEIGHTS": "0.1,0.5"}, "GRIDBOT_RATE_WEIGHTS"),
    (BASE | {"GRIDBOT_RATE_WEIGHTS": "0.2,0.5,0.4"}, "GRIDBOT_RATE_WEIGHTS"),
    (BASE | {"GRIDBOT_RATE_WEIGHTS": "-0.1,0.7,0.4"}, "GRIDBOT_RATE_WEIGHTS"),
    (BASE | {"GRIDBOT_HOLIDAYS": "/no/such/holidays.txt"}, "GRIDBOT_HOLIDAYS"),
    (BASE | {"GRIDBOT_ACCOUNT_TYPE": "enterprise"}, "GRIDBOT_ACCOUNT_TYPE"),
    (BASE | {"GRIDBOT_NOTICE_TEMPLATE_ID": "not a template id!"}, "GRIDBOT_NOTICE_TEMPLATE_ID"),
    (BASE | {"GRIDBOT_MASS_SEND_DAILY_QUOTA": "0"}, "GRIDBOT_MASS_SEND_DAILY_QUOTA"),
    (BASE | {"GRIDBOT_NOTICE_LEASE_S": "soon"}, "GRIDBOT_NOTICE_LEASE_S"),
    (BASE | {"GRIDBOT_SUMMARY_HOUR": "24"}, "GRIDBOT_SUMMARY_HOUR"),
    (BASE | {"GRIDBOT_SUMMARY_HOUR": "8:30"}, "GRIDBOT_SUMMARY_HOUR"),
    (BASE | {"GRIDBOT_FIGURES_KEEP_AFTER_MS": "-1"}, "GRIDBOT_FIGURES_KEEP_AFTER_MS"),
    (BASE | {"GRIDBOT_FIGURES_KEEP_AFTER_MS": "0.5s"}, "GRIDBOT_FIGURES_KEEP_AFTER_MS"),
])
def test_a_bad_value_names_its_variable(env, variable):
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env(env)


def test_the_database_and_redis_come_from_their_variables():
    settings = Settings.from_env(BASE | {"GRIDBOT_DATABASE_URL": "postgresql+psycopg://db/x",
                                         "GRIDBOT_REDIS_URL": "redis://r:6379/0",
                                         "WECHAT_API_BASE_URL": "http://127.0.0.1:8001/"})
    assert settings.database_url == "postgresql+psycopg://db/x"
    assert settings.redis_url == "redis://r:6379/0"
    assert settings.wechat_api_base_url == "http://127.0.0.1:8001"


def test_the_demo_fills_only_what_the_environment_leaves_out():
    assert Settings.for_demo({}).wechat_token == DEMO_TOKEN
    own = Settings.for_demo({"WECHAT_TOKEN": "mine", "WECHAT_APPID": "wxmine"})
    assert (own.wechat_token, own.wechat_appid) == ("mine", "wxmine")
    assert own.wechat_aes_key is not None and str(own.data_dir) == ".gridbot-demo"
    assert own.secret_key == DEMO_SECRET_KEY and len(DEMO_SECRET_KEY) >= 32
    assert Settings.for_demo({"GRIDBOT_SECRET_KEY": "x" * 40}).secret_key == "x" * 40


def test_the_secret_key_and_the_lookup_limit_come_from_their_variables():
    assert (Settings.from_env(BASE).secret_key, Settings.from_env(BASE).staff_lookups_per_hour) == ("s" * 32, 60)
    assert Settings.from_env(BASE | {"GRIDBOT_STAFF_LOOKUPS_PER_HOUR": "20"}).staff_lookups_per_hour == 20


def test_a_runtime_is_not_built_without_a_secret_key(settings):
    from bot.web.runtime import Runtime

    with pytest.raises(SettingsError, match="GRIDBOT_SECRET_KEY"):
        Runtime(settings.with_(secret_key=None))


def test_the_classifier_comes_from_its_variables(tmp_path):
    from nlp import SHIPPED_MODEL

    assert Settings.nlp_from_env({}) == {"taxonomy_path": None, "nlp_model": SHIPPED_MODEL, "userdicts": ()}
    taxonomy, words, more = tmp_path / "t.toml", tmp_path / "a.txt", tmp_path / "b.txt"
    for path in (taxonomy, words, more):
        path.write_text("", encoding="utf-8")
    configured = Settings.nlp_from_env({"GRIDBOT_TAXONOMY": str(taxonomy), "GRIDBOT_NLP_MODEL": "none",
                                        "GRIDBOT_USERDICT": f"{words}:{more}"})
    assert configured == {"taxonomy_path": taxonomy, "nlp_model": None, "userdicts": (words, more)}
    for variable, value in (("GRIDBOT_TAXONOMY", str(tmp_path / "absent.toml")),
                            ("GRIDBOT_NLP_MODEL", str(tmp_path / "absent")),
                            ("GRIDBOT_USERDICT", str(tmp_path / "absent.txt"))):
        with pytest.raises(SettingsError, match=variable):
            Settings.nlp_from_env({variable: value})


AES = {"WECHAT_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}


@pytest.mark.parametrize("env, mode", [
    (BASE, "plain"),
    (BASE | AES, "safe"),
    (BASE | AES | {"GRIDBOT_WECHAT_MODE": "compat"}, "compat"),
    (BASE | AES | {"GRIDBOT_WECHAT_MODE": "Plain"}, "plain"),
])
def test_the_wechat_mode_is_safe_when_an_aes_key_is_set_unless_chosen_otherwise(env, mode):
    assert Settings.from_env(env).mode == mode


def test_the_previous_aes_key_is_read_beside_the_current_one_and_may_come_from_a_file(tmp_path):
    previous = tmp_path / "wechat_aes_key_previous"
    previous.write_text("ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut\n", encoding="utf-8")
    settings = Settings.from_env(BASE | AES | {"WECHAT_AES_KEY_PREVIOUS_FILE": str(previous)})
    assert settings.wechat_aes_key_previous == "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"
    assert Settings.from_env(BASE | AES).wechat_aes_key_previous is None


@pytest.mark.parametrize("env, variable", [
    (BASE | {"GRIDBOT_WECHAT_MODE": "safe"}, "WECHAT_AES_KEY"),
    (BASE | {"GRIDBOT_WECHAT_MODE": "compat"}, "WECHAT_AES_KEY"),
    (BASE | AES | {"GRIDBOT_WECHAT_MODE": "secure"}, "GRIDBOT_WECHAT_MODE"),
    (BASE | AES | {"WECHAT_AES_KEY_PREVIOUS": "short"}, "WECHAT_AES_KEY_PREVIOUS must be the 43-character"),
    (BASE | {"WECHAT_AES_KEY_PREVIOUS": AES["WECHAT_AES_KEY"]}, "WECHAT_AES_KEY_PREVIOUS is set without"),
    (BASE | {"GRIDBOT_TRUSTED_SOURCES": "everyone"}, "GRIDBOT_TRUSTED_SOURCES"),
    (BASE | {"GRIDBOT_TRUSTED_PROXIES": "10.0.0.1, nginx"}, "GRIDBOT_TRUSTED_PROXIES"),
])
def test_a_mode_or_source_setting_that_cannot_work_names_its_variable(env, variable):
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env(env)


def test_trusted_proxies_are_ips_or_cidr_ranges():
    settings = Settings.from_env(BASE | {"GRIDBOT_TRUSTED_SOURCES": "wechat",
                                         "GRIDBOT_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1,::1"})
    assert settings.trusted_sources == "wechat"
    assert [str(network) for network in settings.trusted_proxies] == ["10.0.0.0/8", "127.0.0.1/32", "::1/128"]


@pytest.mark.parametrize("env, warning", [
    (BASE | AES | {"GRIDBOT_WECHAT_MODE": "compat"}, "GRIDBOT_WECHAT_MODE=compat"),
    (BASE | AES | {"GRIDBOT_WECHAT_MODE": "plain"}, "GRIDBOT_WECHAT_MODE=plain although WECHAT_AES_KEY is set"),
    (BASE | AES, None),
    (BASE, None),
])
def test_a_weaker_mode_is_logged_as_such_at_start_up(env, warning, caplog, tmp_path):
    from bot.web.runtime import Runtime
    from storage.db import Database

    settings = Settings.from_env(env | {"GRIDBOT_DATA_DIR": str(tmp_path)}, nlp_model=None)
    Runtime(settings, database=Database(f"sqlite:///{tmp_path / 'x.db'}"))
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    if warning is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and warning in warnings[0]


@pytest.mark.parametrize("url", ["postgres://u:p@db:5432/gridbot", "postgresql://u:p@db:5432/gridbot",
                                 "postgresql+psycopg://u:p@db:5432/gridbot"])
def test_postgres_urls_of_every_spelling_use_the_projects_driver(url):
    assert Settings.from_env(BASE | {"GRIDBOT_DATABASE_URL": url}).database_url == "postgresql+psycopg://u:p@db:5432/gridbot"


@pytest.mark.parametrize("env, variable", [
    (BASE | {"GRIDBOT_DATABASE_URL": "mysql://u:p@db/x"}, "GRIDBOT_DATABASE_URL"),
    (BASE | {"GRIDBOT_DATABASE_URL": "not a url"}, "GRIDBOT_DATABASE_URL"),
    (BASE | {"GRIDBOT_REDIS_URL": "localhost:6379"}, "GRIDBOT_REDIS_URL"),
    (BASE | {"GRIDBOT_REDIS_URL": "redis://r:port/0"}, "GRIDBOT_REDIS_URL"),
    (BASE | {"GRIDBOT_LOG_LEVEL": "verbose"}, "GRIDBOT_LOG_LEVEL"),
])
def test_urls_and_the_log_level_are_checked_when_read(env, variable):
    with pytest.raises(SettingsError, match=variable) as refused:
        Settings.from_env(env)
    assert [problem.variable for problem in refused.value.problems] == [variable]


def test_every_bad_variable_is_reported_not_only_the_first():
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"WECHAT_APPID": "wx1", "GRIDBOT_OUTBOX_POLL_MS": "fast", "GRIDBOT_APPEALS_PER_HOUR": "0",
                           "GRIDBOT_USERDICT": "/nonexistent/dict.txt"})
    assert [problem.variable for problem in refused.value.problems] == [
        "WECHAT_TOKEN", "GRIDBOT_SECRET_KEY", "GRIDBOT_OUTBOX_POLL_MS", "GRIDBOT_APPEALS_PER_HOUR", "GRIDBOT_USERDICT"]


def test_the_log_level_is_read_in_any_case():
    assert Settings.from_env(BASE | {"GRIDBOT_LOG_LEVEL": "debug"}).log_level == "DEBUG"


def test_photo_links_use_the_public_url_and_say_so_when_it_is_missing():
    configured = Settings.from_env(BASE | {"GRIDBOT_PUBLIC_URL": "https://gridbot.example.gov.cn/",
                                           "GRIDBOT_MEDIA_LINK_DAYS": "3"})
    assert configured.media_links().photo("x").startswith("https://gridbot.example.gov.cn/media/")
    assert configured.media_link_days == 3 and not any("GRIDBOT_PUBLIC_URL" in w for w in configured.warnings())
    assert any("GRIDBOT_PUBLIC_URL is not set" in warning for warning in Settings.from_env(BASE).warnings())


def test_the_rates_weights_and_the_holiday_calendar_come_from_their_variables(tmp_path):
    assert Settings.from_env(BASE).rate_weights == Weights(0.9, 0.1, 0.5, 0.4)
    assert Settings.from_env(BASE).holidays_path is None  # the shipped calendar
    calendar = tmp_path / "holidays.txt"
    calendar.write_text("2030-01-01 休 元旦\n", encoding="utf-8")
    settings = Settings.from_env(BASE | {"GRIDBOT_RATE_BASIC_CREDIT": "1", "GRIDBOT_RATE_WEIGHTS": "0.3,0.35,0.35",
                                         "GRIDBOT_HOLIDAYS": str(calendar)})
    assert settings.rate_weights == Weights(1.0, 0.3, 0.35, 0.35) and settings.holidays_path == calendar


@pytest.mark.parametrize(("value", "hour"), [(None, 8), ("0", 0), ("23", 23), (" 07 ", 7), ("OFF", None)])
def test_the_daily_summary_hour_is_one_of_the_day_or_off(value, hour):
    env = BASE if value is None else BASE | {"GRIDBOT_SUMMARY_HOUR": value}
    assert Settings.from_env(env).summary_hour == hour


def test_a_bad_summary_hour_is_refused_in_one_chinese_line():
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(BASE | {"GRIDBOT_SUMMARY_HOUR": "早上8点"})
    (problem,) = refused.value.problems
    assert startup_texts.setting(problem) == (
        "GRIDBOT_SUMMARY_HOUR 必须是 0 到 23 之间的整点（北京时间，如 8），或 off（不发每日简报）；现在是“早上8点”。")


@pytest.mark.parametrize(("value", "span"), [(None, "22:00-07:00"), ("21:30-6:00", "21:30-06:00"),
                                             (" 12:00 - 14:00 ", "12:00-14:00"), ("off", None)])
def test_quiet_hours_are_a_span_of_the_day_or_off(value, span):
    env = BASE if value is None else BASE | {"GRIDBOT_QUIET_HOURS": value}
    quiet = Settings.from_env(env).quiet_hours
    assert (str(quiet) if quiet else None) == span


@pytest.mark.parametrize("value", ["22-7", "22:00", "24:00-07:00", "07:00-07:00", "晚上10点到早上7点"])
def test_bad_quiet_hours_are_refused_in_one_chinese_line(value):
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(BASE | {"GRIDBOT_QUIET_HOURS": value})
    (problem,) = refused.value.problems
    assert startup_texts.setting(problem) == (
        "GRIDBOT_QUIET_HOURS 必须是北京时间的一段时间，如 22:00-07:00（前后两个时刻不能相同），或 off（夜里也照常通知居民）；"
        f"现在是“{value}”。")


@pytest.mark.parametrize(("value", "after_ms"), [(None, 100), ("0", 0), (" 250 ", 250), ("Off", None)])
def test_console_figures_are_kept_after_some_milliseconds_or_never(value, after_ms):
    env = BASE if value is None else BASE | {"GRIDBOT_FIGURES_KEEP_AFTER_MS": value}
    assert Settings.from_env(env).figures_keep_after_ms == after_ms


def test_a_bad_figures_setting_is_refused_in_one_chinese_line():
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(BASE | {"GRIDBOT_FIGURES_KEEP_AFTER_MS": "fast"})
    (problem,) = refused.value.problems
    assert startup_texts.setting(problem) == (
        "GRIDBOT_FIGURES_KEEP_AFTER_MS 必须是毫秒数（如 100），或 off（控制台的统计数字每次都现算）；现在是“fast”。")


@pytest.mark.parametrize(("value", "days"), [(None, 365), ("7", 7), (" 730 ", 730), ("OFF", None)])
def test_sent_messages_are_kept_some_days_or_always(value, days):
    env = BASE if value is None else BASE | {"GRIDBOT_OUTBOX_KEEP_DAYS": value}
    assert Settings.from_env(env).outbox_keep_days == days


@pytest.mark.parametrize(("value", "days"), [(None, 365), ("62", 62), ("Off", None)])
def test_notice_recipients_are_kept_some_days_or_always(value, days):
    env = BASE if value is None else BASE | {"GRIDBOT_NOTICE_KEEP_DAYS": value}
    assert Settings.from_env(env).notice_keep_days == days


@pytest.mark.parametrize(("variable", "value", "least"), [
    ("GRIDBOT_OUTBOX_KEEP_DAYS", "6", 7), ("GRIDBOT_OUTBOX_KEEP_DAYS", "0", 7), ("GRIDBOT_OUTBOX_KEEP_DAYS", "-30", 7),
    ("GRIDBOT_OUTBOX_KEEP_DAYS", "一年", 7), ("GRIDBOT_OUTBOX_KEEP_DAYS", "365d", 7),
    ("GRIDBOT_NOTICE_KEEP_DAYS", "30", 62),  # this month's mass sends are counted from the recipients' rows
])
def test_a_bad_keep_days_is_refused_in_one_chinese_line(variable, value, least):
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(BASE | {variable: value})
    (problem,) = refused.value.problems
    assert startup_texts.setting(problem) == (
        f"{variable} 必须是不少于 {least} 的天数（如 365），或 off（一直保留）；现在是“{value}”。")


@pytest.mark.parametrize(("content", "kind", "line"), [
    ("# 2030\n2030-02-30 休\n".encode(), "holidays_line", "第 2 行看不懂：“2030-02-30 休”"),
    ("2030-01-01 休 元旦\n".encode("gbk"), "not_utf8", "不是 UTF-8 编码"),
])
def test_a_bad_holiday_file_is_refused_in_one_chinese_line(tmp_path, content, kind, line):
    calendar = tmp_path / "holidays.txt"
    calendar.write_bytes(content)
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(BASE | {"GRIDBOT_HOLIDAYS": str(calendar)})
    (problem,) = refused.value.problems
    assert problem.kind == kind and line in startup_texts.setting(problem)
def test_the_account_type_decides_the_notice_channels_and_a_subscription_account_mass_sends_once_a_day():
    service = Settings.from_env(BASE | {"GRIDBOT_NOTICE_TEMPLATE_ID": "tmpl_1"}).notice_limits()
    assert (service.account_type, service.mass_per_day, service.has_template) == ("service", 100, True)
    subscription = Settings.from_env(BASE | {"GRIDBOT_ACCOUNT_TYPE": "subscription",
                                             "GRIDBOT_NOTICE_TEMPLATE_ID": "tmpl_1"}).notice_limits()
    assert (subscription.mass_per_day, subscription.has_template) == (1, False)  # no templates on a 订阅号
    assert Settings.notice_limits_from_env({"GRIDBOT_TEMPLATE_DAILY_QUOTA": "5000"}).templates_per_day == 5000


def test_the_points_rules_come_from_their_variable(tmp_path):
    from storage import points_rules

    assert Settings.from_env(BASE).points_rules_path is None  # the shipped rules
    rules = tmp_path / "points.toml"
    rules.write_text(points_rules.SHIPPED.read_text(encoding="utf-8").replace("points = 5", "points = 8"),
                     encoding="utf-8")
    assert Settings.from_env(BASE | {"GRIDBOT_POINTS_RULES": str(rules)}).points_rules_path == rules
    assert points_rules.load(rules)["task_confirmed"].points == 8


@pytest.mark.parametrize(("change", "named"), [
    (("[rule.rated_unsatisfied]", "[rule.rated_unsatisfied_typo]"), "没有叫“rated_unsatisfied_typo”的规则"),
    (("monthly_cap = 100\n\n[rule.resolved]", "cap = 100\n\n[rule.resolved]"),
     "规则“accepted_in_time”里有不认识的字段“cap”"),
    (('label = "办结诉求"\npoints = 2', 'label = "办结诉求"\npoints = "2"'), "规则“resolved”的分值 points 必须是"),
    (("points = 1\nmonthly_cap = 20", "points = 1\nmonthly_cap = -1"), "规则“notice_relayed”的每月上限 monthly_cap"),
    (("[rule.task_confirmed]", "[rules.task_confirmed]"), "不认识的表或键“rules”"),
    (('label = "转达通知"', 'label = ""'), "规则“notice_relayed”的名称 label"),
    (('label = "转达通知"', 'label = 转达通知'), "不是有效的 TOML 写法"),
    (("[rule.resolved]", '[street."幸福街道".resolved]\npoints = 3.5\n\n[rule.resolved]'),
     "街道“幸福街道”的规则“resolved”的分值 points"),
    (("[rule.resolved]", '[street."幸福街道".resolved]\nlabel = "办结"\n\n[rule.resolved]'),
     "街道“幸福街道”不能改规则“resolved”的名称 label"),
    (("[rule.resolved]", '[street."幸福街道".resolve]\n\n[rule.resolved]'), "没有叫“resolve”的规则"),
    (("[rule.resolved]", '[street."幸福街道".resolved]\ncap = 3\n\n[rule.resolved]'),
     "街道“幸福街道”的规则“resolved”只能写 points 和 monthly_cap"),
])
def test_a_bad_points_rules_file_is_refused_in_chinese_naming_the_line_the_rule_and_the_field(tmp_path, change,
                                                                                               named):
    from storage import points_rules

    text = points_rules.SHIPPED.read_text(encoding="utf-8")
    assert change[0] in text
    written = text.replace(change[0], change[1], 1)
    wrong = [line for line in change[1].splitlines() if line and line not in change[0].splitlines()][-1]
    rules = tmp_path / "points.toml"
    rules.write_text(written, encoding="utf-8")
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(BASE | {"GRIDBOT_POINTS_RULES": str(rules)})
    (problem,) = refused.value.problems
    line = startup_texts.setting(problem)
    assert problem.kind == "points_rules" and named in line and "GRIDBOT_POINTS_RULES" in line
    assert f"第 {written.splitlines().index(wrong) + 1} 行：" in line, line


def test_a_points_rules_file_missing_a_rule_is_refused_naming_it(tmp_path):
    from storage import points_rules

    text = points_rules.SHIPPED.read_text(encoding="utf-8")
    rules = tmp_path / "points.toml"
    rules.write_text(text[:text.index("[rule.rated_unsatisfied]")], encoding="utf-8")
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(BASE | {"GRIDBOT_POINTS_RULES": str(rules)})
    assert "缺少规则“rated_unsatisfied”" in startup_texts.setting(refused.value.problems[0])


def test_a_street_sets_its_own_points_and_caps_over_the_districts_rules(tmp_path):
    from storage import points_rules

    rules = tmp_path / "points.toml"
    rules.write_text(points_rules.SHIPPED.read_text(encoding="utf-8")
                     + '\n[street."幸福街道".task_confirmed]\npoints = 8\n\n[street."和平街道".notice_relayed]\n'
                       'monthly_cap = 5\n', encoding="utf-8")
    assert Settings.from_env(BASE | {"GRIDBOT_POINTS_RULES": str(rules)}).points_rules_path == rules
    loaded = points_rules.load(rules)
    own = loaded.for_street("幸福街道")
    assert (own["task_confirmed"].points, own["task_confirmed"].monthly_cap, own["task_confirmed"].label) == \
        (8, 100, "领单任务完成")  # the cap and the label stay the district's
    assert own["resolved"] == loaded["resolved"]
    assert loaded.for_street("和平街道")["notice_relayed"].monthly_cap == 5
    assert loaded.for_street("安宁街道") == loaded.for_street(None) == points_rules.Rules(loaded.by_name)
    assert (loaded.overridden("幸福街道"), loaded.overridden("安宁街道")) == (["task_confirmed"], [])


def test_a_points_rules_file_saved_by_notepad_with_a_bom_is_read(tmp_path):
    from storage import points_rules

    rules = tmp_path / "points.toml"
    rules.write_text(points_rules.SHIPPED.read_text(encoding="utf-8"), encoding="utf-8-sig")

    assert Settings.from_env(BASE | {"GRIDBOT_POINTS_RULES": str(rules)}).points_rules_path == rules
    assert points_rules.load(rules) == points_rules.load()


def test_a_points_rules_file_that_is_missing_or_not_utf8_is_refused(tmp_path):
    rules = tmp_path / "points.toml"
    rules.write_bytes('[rule.resolved]\nlabel = "办结"\n'.encode("gbk"))
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(BASE | {"GRIDBOT_POINTS_RULES": str(rules)})
    assert [problem.kind for problem in refused.value.problems] == ["not_utf8"]
    with pytest.raises(SettingsError) as missing:
        Settings.from_env(BASE | {"GRIDBOT_POINTS_RULES": str(tmp_path / "none.toml")})
    assert [problem.variable for problem in missing.value.problems] == ["GRIDBOT_POINTS_RULES"]
