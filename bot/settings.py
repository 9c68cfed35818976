"""One place that reads the environment: app, worker and CLI all take a `Settings`."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Mapping, TypeVar
from urllib.parse import urlsplit

from bot import sentinel_url
from bot.clock import Clock, now_utc
from bot.media_links import DEFAULT_DAYS as DEFAULT_LINK_DAYS
from bot.media_links import DEFAULT_PUBLIC_URL, MediaLinks
from nlp.taxonomy import SHIPPED_MODEL
from storage import points_rules, quiet_hours, workdays
from storage.account_types import ACCOUNT_TYPES, SERVICE, SUBSCRIPTION
from storage.quiet_hours import QuietHours
from storage.rate_weights import DEFAULT_WEIGHTS, Weights

# Every process reads its settings first, `gridbot simulate` and `gridbot --help` too: what only some of them use
# (the database, the conversation's types) is imported where it is used, so that reading settings stays quick.
if TYPE_CHECKING:
    from handlers.conversation import IntakeLimits
    from storage.db import Database
    from storage.notice_planning import Limits

DEMO_TOKEN = "gridbot-demo"
DEMO_APPID = "wxgridbotdemo0001"
DEMO_SECRET = "gridbot-demo-secret"
# A valid 43-character EncodingAESKey, used only when the demo runs without credentials.
DEMO_AES_KEY = "R3JpZGJvdERlbW9LZXkwMTIzNDU2Nzg5YWJjZGVmZ2g"
# The demo's GRIDBOT_SECRET_KEY (invite codes are stored as an HMAC keyed with it); never use it in production.
DEMO_SECRET_KEY = "gridbot-demo-secret-key-not-for-production"
# The demo's GRIDBOT_ACCOUNT_NAME: its official account is the demo street's.
DEMO_ACCOUNT_NAME = "幸福街道"
SECRET_KEY_MIN_LENGTH = 32
# GRIDBOT_SUMMARY_HOUR: the hour (Beijing time) of the morning's 每日简报, or "off".
DEFAULT_SUMMARY_HOUR = 8
# GRIDBOT_FIGURES_KEEP_AFTER_MS: console figures that took this long to compute are kept five minutes
# (bot/figure_cache.py), or "off".
DEFAULT_FIGURES_KEEP_AFTER_MS = 100
# GRIDBOT_OUTBOX_KEEP_DAYS: messages sent (or given up on) are forgotten after this many days, or "off".
DEFAULT_OUTBOX_KEEP_DAYS = 365
MIN_OUTBOX_KEEP_DAYS = 7  # a week of failures stays for `gridbot appeals undelivered`, whatever the setting
# GRIDBOT_NOTICE_KEEP_DAYS: a broadcast notice's row per recipient is forgotten this long after the notice ended
# (its counts are kept), or "off".
DEFAULT_NOTICE_KEEP_DAYS = 365
MIN_NOTICE_KEEP_DAYS = 62  # a resident's 4 mass sends a month are counted from these rows: this month's must stay
OFF = "off"  # GRIDBOT_SUMMARY_HOUR, GRIDBOT_FIGURES_KEEP_AFTER_MS and the *_KEEP_DAYS turned off


# How the webhook takes WeChat's messages (GRIDBOT_WECHAT_MODE): see Settings.mode.
SAFE, COMPAT, PLAIN = "safe", "compat", "plain"
WECHAT_MODES = (SAFE, COMPAT, PLAIN)
# GRIDBOT_TRUSTED_SOURCES: the peers allowed to POST to the webhook.
TRUSTED_SOURCES = ("wechat",)
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# The variables that hold a secret: each may instead name a file holding it, as <NAME>_FILE (systemd's
# LoadCredential=, docker secrets), so that the secret stays out of the environment file and `systemctl show`.
SECRET_VARIABLES = ("WECHAT_TOKEN", "WECHAT_SECRET", "WECHAT_AES_KEY", "WECHAT_AES_KEY_PREVIOUS", "GRIDBOT_SECRET_KEY",
                    "GRIDBOT_DATABASE_URL", "GRIDBOT_REDIS_URL", "GRIDBOT_METRICS_TOKEN")
FILE_SUFFIX = "_FILE"
# /metrics by default: this host and the private networks a Prometheus server scrapes over (GRIDBOT_METRICS_ALLOW).
PRIVATE_NETWORKS: tuple[IPNetwork, ...] = tuple(ipaddress.ip_network(network) for network in (
    "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))
METRICS_TOKEN_MIN_LENGTH = 16


# The reply must leave the server well within WeChat's 5 s, whatever the database is waiting for.
MAX_REQUEST_DB_WAIT_MS = 4000
# Threads a worker process's delivery jobs send on (GRIDBOT_SEND_LANES); bot/wechat/http.py keeps a connection each.
DEFAULT_SEND_LANES = 4
MAX_SEND_LANES = 8


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
REDIS_SCHEMES = ("redis", "rediss", "unix")
SENTINEL_FORM = "redis+sentinel://[:password@]host:port[,host:port...]/service[/db]"
# Heroku-style and plain PostgreSQL URLs both mean the project's driver (SQLAlchemy would pick psycopg2).
_POSTGRES_SCHEMES = ("postgres://", "postgresql://")
_T = TypeVar("_T")
_E = TypeVar("_E", bound=Exception)


@dataclass(frozen=True)
class Problem:
    """One bad variable: `kind` says what it must be (the operator's wording is keyed by it), `detail` in
    English for the log, `value` and `expected` to show (never a secret), `facts` what else the wording names
    (a points rules file's line, rule and street)."""

    variable: str
    kind: str
    detail: str
    value: str | None = None
    expected: str | None = None
    facts: tuple[tuple[str, str], ...] = ()


class SettingsError(ValueError):
    """One or more configuration values are missing or malformed; each problem names its variable."""

    def __init__(self, *problems: Problem) -> None:
        self.problems = problems
        super().__init__("; ".join(problem.detail for problem in problems))


def _bad(variable: str, kind: str, detail: str, value: object = None, expected: object = None) -> SettingsError:
    return SettingsError(Problem(variable, kind, detail, None if value is None else str(value),
                                 None if expected is None else str(expected)))


class _Problems:
    """Reads every variable even after a bad one, so that the operator hears of all of them at once."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def read(self, parse: Callable[..., _T], *args: Any, default: Any = None) -> _T:
        try:
            return parse(*args)
        except SettingsError as error:
            self.found.extend(error.problems)
            return default  # type: ignore[no-any-return]

    def drop(self, variables: set[str]) -> None:
        """Forget the problems of these variables."""
        self.found = [problem for problem in self.found if problem.variable not in variables]

    def raise_any(self) -> None:
        if self.found:
            raise SettingsError(*self.found)


@dataclass(frozen=True)
class TemplateChoice:
    """A WeChat template id for a notice, and whether it is the generic resident template."""

    template_id: str
    generic: bool


@dataclass(frozen=True)
class Settings:
    """Everything configurable, read once from the environment."""

    wechat_token: str
    wechat_appid: str
    wechat_secret: str
    wechat_aes_key: str | None = None
    # WECHAT_AES_KEY_PREVIOUS: the EncodingAESKey before the last change in the account's backend. WeChat asks
    # accounts to keep it and try it when the current one cannot decrypt a message (and to seal that reply with
    # it): so a key can be changed with no message lost, whichever side changes first.
    wechat_aes_key_previous: str | None = None
    wechat_api_base_url: str | None = None
    wechat_mode: str | None = None  # None: safe when an AES key is set, else plain (see `mode`)
    trusted_sources: str | None = None  # "wechat": only WeChat's callback IPs may POST; None: no source check
    trusted_proxies: tuple[IPNetwork, ...] = ()  # reverse proxies whose X-Forwarded-For is believed
    database_url: str = "sqlite:///var/gridbot.db"
    redis_url: str | None = None
    data_dir: Path = Path("var")
    # systemd's RuntimeDirectory= ($RUNTIME_DIRECTORY, /run/gridbot-web): where `serve` keeps its metrics files,
    # out of reach of systemd-tmpfiles' clean-up of /tmp; None: the system's temporary directory.
    runtime_dir: Path | None = None
    timestamp_tolerance_s: int = 300
    max_body_bytes: int = 64 * 1024
    log_level: str = "INFO"
    outbox_poll_ms: int = 200
    sqlite_synchronous: str = "NORMAL"
    unclaimed_minutes: int = 30  # 督着办: a dispatched task nobody claims this long goes to the 网格长
    # Intake limits per sender: new appeals per hour and per 24 hours; a staff member's 上报 per hour.
    appeals_per_hour: int = 10
    appeals_per_day: int = 30
    reports_per_hour: int = 60
    # More task cards, reminders and escalations than this to one person within a minute: the rest in one digest.
    digest_after: int = 5
    # Threads a worker process sends a delivery job's rows on at once (bot/worker/delivery.py).
    send_lanes: int = DEFAULT_SEND_LANES
    # How long a webhook request waits for a database lock before answering "please resend" (WeChat: 5 s).
    request_db_wait_ms: int = 3000
    # Outbox template name -> WeChat template id, for notices sent when the reply window is closed.
    template_ids: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # One generic template for every resident notice without an id of its own (see notifications.generic_data).
    resident_template_id: str | None = None
    taxonomy_path: Path | None = None  # None: the taxonomy shipped in nlp/data
    nlp_model: Path | None = SHIPPED_MODEL  # None: the taxonomy's keyword rules alone
    userdicts: tuple[Path, ...] = ()  # operators' jieba dictionaries: local compounds, streets, slang
    secret_key: str | None = None  # GRIDBOT_SECRET_KEY, required by from_env; invite codes are HMACs keyed with it
    staff_lookups_per_hour: int = 60  # 查询 of appeals that are not the staff member's own task
    account_name: str | None = None  # GRIDBOT_ACCOUNT_NAME: the official account a printed invite names
    public_url: str | None = None  # GRIDBOT_PUBLIC_URL: where staff open photo links; None: serve's default address
    media_link_days: int = DEFAULT_LINK_DAYS  # how long a photo link works
    # Broadcast notices (storage/notice_planning.py): the account's channels and quotas, and the worker's pace.
    account_type: str = SERVICE  # GRIDBOT_ACCOUNT_TYPE: service (服务号) | subscription (订阅号)
    notice_template_id: str | None = None  # GRIDBOT_NOTICE_TEMPLATE_ID: urgent notices, staff outside their window
    mass_send_daily_quota: int = 100  # GRIDBOT_MASS_SEND_DAILY_QUOTA (1 by default on a 订阅号)
    template_daily_quota: int = 100_000  # GRIDBOT_TEMPLATE_DAILY_QUOTA
    custom_daily_quota: int = 500_000  # GRIDBOT_CUSTOM_DAILY_QUOTA
    mass_sends_per_minute: int = 60  # GRIDBOT_MASS_SENDS_PER_MINUTE, for all workers together
    templates_per_second: int = 100  # GRIDBOT_TEMPLATES_PER_SECOND, for all workers together
    notice_lease_s: int = 60  # GRIDBOT_NOTICE_LEASE_S: a chunk's worker silent this long is taken over
    rate_weights: Weights = DEFAULT_WEIGHTS  # 基本满意's credit and the weights of 综合成绩 (storage/rates.py)
    holidays_path: Path | None = None  # GRIDBOT_HOLIDAYS; None: the calendar shipped in storage/data
    points_rules_path: Path | None = None  # GRIDBOT_POINTS_RULES; None: the rules shipped in storage/data
    console_session_hours: int = 12  # a console login lasts this long at most, however busy
    console_idle_minutes: int = 30  # and ends after this long without a request
    summary_hour: int | None = DEFAULT_SUMMARY_HOUR  # GRIDBOT_SUMMARY_HOUR: 每日简报, Beijing time; None: off
    quiet_hours: QuietHours | None = quiet_hours.DEFAULT  # GRIDBOT_QUIET_HOURS: residents' news waits; None: off
    figures_keep_after_ms: int | None = DEFAULT_FIGURES_KEEP_AFTER_MS  # GRIDBOT_FIGURES_KEEP_AFTER_MS; None: off
    outbox_keep_days: int | None = DEFAULT_OUTBOX_KEEP_DAYS  # GRIDBOT_OUTBOX_KEEP_DAYS; None: keep every row
    notice_keep_days: int | None = DEFAULT_NOTICE_KEEP_DAYS  # GRIDBOT_NOTICE_KEEP_DAYS; None: keep every row
    # /metrics (bot/web/metrics.py): from these networks only, and with this bearer token when one is set.
    metrics_allow: tuple[IPNetwork, ...] = PRIVATE_NETWORKS  # GRIDBOT_METRICS_ALLOW
    metrics_token: str | None = None  # GRIDBOT_METRICS_TOKEN

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> "Settings":
        """Build settings from environment variables; a bad value raises SettingsError naming it."""
        problems = _Problems()
        env, filed = _read_secret_files(os.environ if env is None else env)
        problems.found.extend(filed)
        unreadable = {problem.variable.removesuffix(FILE_SUFFIX) for problem in filed}
        data_dir = Path(env.get("GRIDBOT_DATA_DIR", "var"))
        read = problems.read
        values: dict[str, object] = dict(
            wechat_token=read(_required, env, "WECHAT_TOKEN"),
            wechat_appid=read(_required, env, "WECHAT_APPID"),
            wechat_secret=env.get("WECHAT_SECRET", ""),
            wechat_aes_key=read(_aes_key, env.get("WECHAT_AES_KEY") or None),
            wechat_aes_key_previous=read(_aes_key, env.get("WECHAT_AES_KEY_PREVIOUS") or None,
                                         "WECHAT_AES_KEY_PREVIOUS"),
            secret_key=read(cls.secret_key_from_env, env),
            staff_lookups_per_hour=read(_int, env, "GRIDBOT_STAFF_LOOKUPS_PER_HOUR", 60),
            account_name=cls.account_name_from_env(env),
            wechat_api_base_url=read(_url, env, "WECHAT_API_BASE_URL"),
            wechat_mode=read(_wechat_mode, env, "GRIDBOT_WECHAT_MODE"),
            trusted_sources=read(_trusted_sources, env, "GRIDBOT_TRUSTED_SOURCES"),
            trusted_proxies=read(_networks, env, "GRIDBOT_TRUSTED_PROXIES", default=()),
            database_url=read(cls.database_url_from_env, env),
            redis_url=read(_redis_url, env, "GRIDBOT_REDIS_URL"),
            data_dir=data_dir,
            runtime_dir=_runtime_dir(env),
            timestamp_tolerance_s=read(_int, env, "GRIDBOT_TIMESTAMP_TOLERANCE", 300),
            log_level=read(_log_level, env, "GRIDBOT_LOG_LEVEL", default="INFO"),
            outbox_poll_ms=read(_int, env, "GRIDBOT_OUTBOX_POLL_MS", 200),
            sqlite_synchronous=read(_choice, env, "GRIDBOT_SQLITE_SYNCHRONOUS", ("normal", "full"),
                                    default="normal").upper(),
            unclaimed_minutes=read(_int, env, "GRIDBOT_UNCLAIMED_MINUTES", 30),
            public_url=read(_url, env, "GRIDBOT_PUBLIC_URL"),
            media_link_days=read(_int, env, "GRIDBOT_MEDIA_LINK_DAYS", DEFAULT_LINK_DAYS),
            console_session_hours=read(_int, env, "GRIDBOT_CONSOLE_SESSION_HOURS", 12),
            console_idle_minutes=read(_int, env, "GRIDBOT_CONSOLE_IDLE_MINUTES", 30),
            **read(_intake_limits, env, default={}),
            digest_after=read(_int, env, "GRIDBOT_DIGEST_AFTER", 5),
            send_lanes=read(_send_lanes, env, "GRIDBOT_SEND_LANES"),
            request_db_wait_ms=read(_request_db_wait, env, "GRIDBOT_REQUEST_DB_WAIT_MS"),
            template_ids=read(_template_ids, env, "GRIDBOT_TEMPLATE_IDS", default=MappingProxyType({})),
            resident_template_id=read(_template_id, env, "GRIDBOT_RESIDENT_TEMPLATE_ID"),
            **read(cls.nlp_from_env, env, default={}),
            **read(_notice_settings, env, default={}),
            **read(cls.rates_from_env, env, default={}),
            holidays_path=read(cls.holidays_from_env, env),
            points_rules_path=read(cls.points_rules_from_env, env),
            summary_hour=read(_summary_hour, env, "GRIDBOT_SUMMARY_HOUR", default=DEFAULT_SUMMARY_HOUR),
            quiet_hours=read(_quiet_hours, env, "GRIDBOT_QUIET_HOURS", default=quiet_hours.DEFAULT),
            figures_keep_after_ms=read(_figures_keep_after, env, "GRIDBOT_FIGURES_KEEP_AFTER_MS",
                                       default=DEFAULT_FIGURES_KEEP_AFTER_MS),
            outbox_keep_days=read(_keep_days, env, "GRIDBOT_OUTBOX_KEEP_DAYS", DEFAULT_OUTBOX_KEEP_DAYS,
                                  MIN_OUTBOX_KEEP_DAYS, default=DEFAULT_OUTBOX_KEEP_DAYS),
            notice_keep_days=read(_keep_days, env, "GRIDBOT_NOTICE_KEEP_DAYS", DEFAULT_NOTICE_KEEP_DAYS,
                                  MIN_NOTICE_KEEP_DAYS, default=DEFAULT_NOTICE_KEEP_DAYS),
            metrics_allow=read(_networks, env, "GRIDBOT_METRICS_ALLOW", default=()) or PRIVATE_NETWORKS,
            metrics_token=read(_metrics_token, env, "GRIDBOT_METRICS_TOKEN"),
        )
        values.update(overrides)
        if not any(problem.variable == "WECHAT_AES_KEY" for problem in problems.found):
            read(_mode_has_key, values.get("wechat_mode"), values.get("wechat_aes_key"))
            read(_previous_needs_current, values.get("wechat_aes_key"), values.get("wechat_aes_key_previous"))
        problems.drop(unreadable)  # a secret whose file failed is not also "required"
        problems.raise_any()
        return cls(**values)  # type: ignore[arg-type]

    @property
    def mode(self) -> str:
        """safe: only AES-encrypted messages whose msg_signature covers the body; compat (WeChat's 兼容模式,
        for a switch-over): encrypted and plaintext; plain: plaintext (and encrypted ones when a key is set)."""
        return self.wechat_mode or (SAFE if self.wechat_aes_key else PLAIN)

    @staticmethod
    def database_url_from_env(env: Mapping[str, str] | None = None) -> str:
        """GRIDBOT_DATABASE_URL, or SQLite in the data directory (all `gridbot db` needs); postgres:// and
        postgresql:// URLs name the project's PostgreSQL driver."""
        env = secret_files(os.environ if env is None else env)
        data_dir = Path(env.get("GRIDBOT_DATA_DIR", "var"))
        return _database_url(env.get("GRIDBOT_DATABASE_URL", "").strip() or f"sqlite:///{data_dir / 'gridbot.db'}")

    @staticmethod
    def secret_key_from_env(env: Mapping[str, str] | None = None) -> str:
        """GRIDBOT_SECRET_KEY, at least 32 characters (all `gridbot invite` needs besides the database)."""
        env = secret_files(os.environ if env is None else env)
        value = _required(env, "GRIDBOT_SECRET_KEY")
        if len(value) < SECRET_KEY_MIN_LENGTH:
            raise _bad("GRIDBOT_SECRET_KEY", "too_short",
                       f"GRIDBOT_SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} characters (e.g. the output "
                       "of: python3 -c 'import secrets; print(secrets.token_urlsafe(32))')",
                       expected=SECRET_KEY_MIN_LENGTH)
        return value

    @staticmethod
    def account_name_from_env(env: Mapping[str, str] | None = None) -> str | None:
        """GRIDBOT_ACCOUNT_NAME, the official account's name as people find it in WeChat (a printed invite tells
        the invitee to follow it); None when not set."""
        env = os.environ if env is None else env
        return env.get("GRIDBOT_ACCOUNT_NAME", "").strip() or None

    @staticmethod
    def public_url_from_env(env: Mapping[str, str] | None = None) -> str | None:
        """GRIDBOT_PUBLIC_URL, where people open this server's pages (None when not set)."""
        return _url(os.environ if env is None else env, "GRIDBOT_PUBLIC_URL")

    @staticmethod
    def nlp_from_env(env: Mapping[str, str] | None = None) -> dict[str, object]:
        """GRIDBOT_TAXONOMY, GRIDBOT_NLP_MODEL and GRIDBOT_USERDICT (all `gridbot nlp` needs)."""
        env = os.environ if env is None else env
        problems = _Problems()
        values = {"taxonomy_path": problems.read(_existing_path, env, "GRIDBOT_TAXONOMY"),
                  "nlp_model": problems.read(_model, env, "GRIDBOT_NLP_MODEL"),
                  "userdicts": problems.read(_userdicts, env, "GRIDBOT_USERDICT", default=())}
        problems.raise_any()
        return values

    @staticmethod
    def notice_limits_from_env(env: Mapping[str, str] | None = None) -> Limits:
        """GRIDBOT_ACCOUNT_TYPE, GRIDBOT_NOTICE_TEMPLATE_ID and the daily quotas (all `gridbot notice send` needs
        besides the database)."""
        return _limits(_notice_settings(os.environ if env is None else env))
    def rates_from_env(env: Mapping[str, str] | None = None) -> dict[str, object]:
        """GRIDBOT_RATE_BASIC_CREDIT (w, the credit of a 基本满意) and GRIDBOT_RATE_WEIGHTS (响应率,解决率,满意率
        in 综合成绩): all `gridbot rates` and `gridbot report` need besides the database."""
        env = os.environ if env is None else env
        problems = _Problems()
        credit = problems.read(_fraction, env, "GRIDBOT_RATE_BASIC_CREDIT", DEFAULT_WEIGHTS.basic_credit)
        weights = problems.read(_rate_weights, env, "GRIDBOT_RATE_WEIGHTS")
        problems.raise_any()
        return {"rate_weights": Weights(credit, *weights)}

    @staticmethod
    def points_rules_from_env(env: Mapping[str, str] | None = None) -> Path | None:
        """GRIDBOT_POINTS_RULES, the points rules (积分规则) read and checked; None: the shipped ones."""

        def invalid(path: Path, error: points_rules.PointsRulesError) -> SettingsError:
            return SettingsError(points_rules_problem(path, error))

        return _checked_file(os.environ if env is None else env, "GRIDBOT_POINTS_RULES", points_rules.load,
                             points_rules.PointsRulesError, invalid)

    @staticmethod
    def holidays_from_env(env: Mapping[str, str] | None = None) -> Path | None:
        """GRIDBOT_HOLIDAYS, a calendar of holidays and make-up workdays, read and checked; None: the shipped one."""

        def invalid(path: Path, error: workdays.CalendarError) -> SettingsError:
            return _bad("GRIDBOT_HOLIDAYS", "holidays_line", f"GRIDBOT_HOLIDAYS: {path}: {error}", value=error.line,
                        expected=error.line_number)

        return _checked_file(os.environ if env is None else env, "GRIDBOT_HOLIDAYS", workdays.load,
                             workdays.CalendarError, invalid)

    @classmethod
    def for_demo(cls, env: Mapping[str, str] | None = None, **overrides: object) -> "Settings":
        """Settings for `gridbot demo`/`simulate`: the environment wins, demo credentials fill the gaps."""
        env = dict(secret_files(os.environ if env is None else env))
        env.setdefault("WECHAT_TOKEN", DEMO_TOKEN)
        env.setdefault("WECHAT_APPID", DEMO_APPID)
        env.setdefault("WECHAT_SECRET", DEMO_SECRET)
        env.setdefault("GRIDBOT_DATA_DIR", ".gridbot-demo")
        if "WECHAT_AES_KEY" not in env:
            env["WECHAT_AES_KEY"] = DEMO_AES_KEY
        env.setdefault("GRIDBOT_SECRET_KEY", DEMO_SECRET_KEY)
        env.setdefault("GRIDBOT_ACCOUNT_NAME", DEMO_ACCOUNT_NAME)
        return cls.from_env(env, **overrides)

    @classmethod
    def for_simulation(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Settings for `gridbot simulate`: the demo's, except that an account of its own (a WECHAT_TOKEN that is
        not the demo's) without an EncodingAESKey is in plain mode, as its webhook reads it, not the demo's safe one."""
        env = dict(secret_files(os.environ if env is None else env))
        own_account = env.get("WECHAT_TOKEN", "").strip() not in ("", DEMO_TOKEN)
        if own_account and "WECHAT_AES_KEY" not in env:
            env["WECHAT_AES_KEY"] = ""
        return cls.for_demo(env)

    def with_(self, **changes: object) -> "Settings":
        """A copy with some values changed (tests, demo)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def template_for(self, notice: str) -> TemplateChoice | None:
        """The template a notice goes by outside the reply window: its own id, else (residents' notices) the
        generic default; None when neither is configured."""
        if notice in self.template_ids:
            return TemplateChoice(self.template_ids[notice], generic=False)
        from handlers.notifications import for_resident

        if self.resident_template_id and for_resident(notice):
            return TemplateChoice(self.resident_template_id, generic=True)
        return None

    def warnings(self) -> list[str]:
        """Configuration that works but loses something, one English sentence each (logged at start-up, shown
        by /healthz?detail=1): never a secret, never personal data."""
        from handlers.notifications import NAMES, for_resident

        found = []
        untemplated = sorted(name for name in NAMES if for_resident(name) and not self.template_for(name))
        if untemplated:
            found.append(
                f"{len(untemplated)} resident notice(s) have no template id ({', '.join(untemplated)}): once a "
                "resident's 48-hour reply window closes they are not delivered; set GRIDBOT_RESIDENT_TEMPLATE_ID"
            )
        if self.public_url is None:
            found.append(f"GRIDBOT_PUBLIC_URL is not set: photo links in cards and 查询 point at {DEFAULT_PUBLIC_URL}, "
                         "which staff phones cannot open; set it to the address this server is reached at")
        return found

    def log_warnings(self, log: logging.Logger) -> None:
        """One warning line per configuration warning (web and worker start-up)."""
        for warning in self.warnings():
            log.warning("configuration: %s", warning)

    def intake_limits(self) -> IntakeLimits:
        """What the conversation enforces on new appeals and 上报."""
        from handlers.conversation import IntakeLimits

        return IntakeLimits(self.appeals_per_hour, self.appeals_per_day, self.reports_per_hour)

    def open_database(self, lock_wait_ms: int | None = None) -> Database:
        """The process's database, with what storage reads from its sessions (the digest threshold, the photo
        links' signer); the web process passes its short `request_db_wait_ms`, the worker and the CLI keep the
        long wait (None)."""
        from storage import media_files, outbox
        from storage.db import LONG_LOCK_WAIT_MS, Database

        return Database(self.database_url, self.sqlite_synchronous,
                        LONG_LOCK_WAIT_MS if lock_wait_ms is None else lock_wait_ms,
                        {**outbox.session_info(self.digest_after), **media_files.session_info(self.media_links()),
                         **quiet_hours.session_info(self.quiet_hours)})

    def notice_limits(self) -> Limits:
        """The account type and daily quotas the notice planner works with."""
        return _limits(vars(self))

    def media_links(self, clock: Clock = now_utc) -> MediaLinks | None:
        """The signer of photo links (None without a secret key: photos are then listed without links)."""
        if self.secret_key is None:
            return None
        return MediaLinks(self.secret_key, self.public_url, self.media_link_days, clock)


def _intake_limits(env: Mapping[str, str]) -> dict[str, int]:
    problems = _Problems()
    per_hour = problems.read(_int, env, "GRIDBOT_APPEALS_PER_HOUR", 10)
    per_day = problems.read(_int, env, "GRIDBOT_APPEALS_PER_DAY", 30)
    reports_per_hour = problems.read(_int, env, "GRIDBOT_REPORTS_PER_HOUR", 60)
    if per_hour is not None and per_day is not None and per_day < per_hour:
        problems.found.append(Problem(
            "GRIDBOT_APPEALS_PER_DAY", "at_least",
            f"GRIDBOT_APPEALS_PER_DAY ({per_day}) must be at least GRIDBOT_APPEALS_PER_HOUR ({per_hour})",
            str(per_day), f"GRIDBOT_APPEALS_PER_HOUR ({per_hour})"))
    problems.raise_any()
    return {"appeals_per_hour": per_hour, "appeals_per_day": per_day, "reports_per_hour": reports_per_hour}


def _limits(values: Mapping[str, Any]) -> Limits:
    from storage.notice_planning import Limits

    return Limits(values["account_type"], values["notice_template_id"], values["mass_send_daily_quota"],
                  values["template_daily_quota"], values["custom_daily_quota"])


def _notice_settings(env: Mapping[str, str]) -> dict[str, Any]:
    problems = _Problems()
    account_type = problems.read(_choice, env, "GRIDBOT_ACCOUNT_TYPE", ACCOUNT_TYPES, default=SERVICE)
    values = {
        "account_type": account_type,
        "notice_template_id": problems.read(_template_id, env, "GRIDBOT_NOTICE_TEMPLATE_ID"),
        # A 订阅号 may mass-send once a day (console and API together).
        "mass_send_daily_quota": problems.read(_int, env, "GRIDBOT_MASS_SEND_DAILY_QUOTA",
                                               1 if account_type == SUBSCRIPTION else 100),
        "template_daily_quota": problems.read(_int, env, "GRIDBOT_TEMPLATE_DAILY_QUOTA", 100_000),
        "custom_daily_quota": problems.read(_int, env, "GRIDBOT_CUSTOM_DAILY_QUOTA", 500_000),
        "mass_sends_per_minute": problems.read(_int, env, "GRIDBOT_MASS_SENDS_PER_MINUTE", 60),
        "templates_per_second": problems.read(_int, env, "GRIDBOT_TEMPLATES_PER_SECOND", 100),
        "notice_lease_s": problems.read(_int, env, "GRIDBOT_NOTICE_LEASE_S", 60),
    }
    problems.raise_any()
    return values


def _mode_has_key(mode: str | None, aes_key: str | None) -> None:
    effective = mode or (SAFE if aes_key else PLAIN)
    if effective != PLAIN and not aes_key:
        raise _bad("WECHAT_AES_KEY", "mode_needs_aes_key",
                   f"GRIDBOT_WECHAT_MODE={effective} needs WECHAT_AES_KEY (the EncodingAESKey)", value=effective)


def secret_files(env: Mapping[str, str]) -> Mapping[str, str]:
    """The environment with each secret given as <NAME>_FILE read into <NAME> (one trailing line break
    dropped) and the _FILE variables gone; raises SettingsError naming every <NAME>_FILE set beside <NAME>, or
    whose file cannot be read. Messages name the file, never what it holds."""
    resolved, problems = _read_secret_files(env)
    if problems:
        raise SettingsError(*problems)
    return resolved


def _read_secret_files(env: Mapping[str, str]) -> tuple[dict[str, str], list[Problem]]:
    """secret_files, returning the problems (each named <NAME>_FILE) beside what could be read."""
    resolved = dict(env)
    problems = _Problems()
    for name in SECRET_VARIABLES:
        variable = name + FILE_SUFFIX
        path = resolved.pop(variable, "").strip()
        if not path:
            continue
        if resolved.get(name, "").strip():
            problems.found.append(Problem(variable, "secret_twice", f"{name} and {variable} are both set: keep one",
                                          expected=name))
            continue
        value = problems.read(_secret_file, variable, Path(path))
        if value is not None:
            resolved[name] = value
    return resolved, problems.found


def _secret_file(variable: str, path: Path) -> str:
    try:
        # utf-8-sig: Notepad saves "UTF-8" with a BOM, which would become part of the secret and fail every
        # signature or token request without a word about the file.
        value = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise _bad(variable, "no_such_file", f"{variable}: no such file: {path}", value=path) from None
    except UnicodeDecodeError:
        raise _bad(variable, "not_utf8", f"{variable}: {path} is not UTF-8", value=path) from None
    except OSError as error:
        raise _bad(variable, "unreadable", f"{variable}: {path}: {error.strerror}", value=path) from None
    value = value.removesuffix("\n").removesuffix("\r")
    if not value.strip():
        raise _bad(variable, "empty_file", f"{variable}: {path} is empty", value=path)
    return value


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise _bad(name, "required", f"{name} is required")
    return value


def _database_url(value: str) -> str:
    """The URL SQLAlchemy gets: PostgreSQL through psycopg (3), SQLite through the standard library."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from storage.db import POSTGRES_DRIVER

    for scheme in _POSTGRES_SCHEMES:
        if value.startswith(scheme):
            value = f"{POSTGRES_DRIVER}://{value.removeprefix(scheme)}"
    try:
        driver = make_url(value).drivername
    except ArgumentError:
        driver = None
    if driver not in (POSTGRES_DRIVER, "sqlite", "sqlite+pysqlite"):
        raise _bad("GRIDBOT_DATABASE_URL", "database_url",
                   "GRIDBOT_DATABASE_URL must be postgresql://user:password@host/name or sqlite:///path "
                   f"(got a URL of driver {driver or 'unknown'})", value=driver or "?")
    return value


def _redis_url(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    if sentinel_url.is_sentinel(value):
        try:
            sentinel_url.parse(value)
        except ValueError as error:
            raise _bad(name, "redis_sentinel_url", f"{name}: {error} ({SENTINEL_FORM})") from None
        return value
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is no number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in REDIS_SCHEMES or not (parts.hostname or parts.path):
        raise _bad(name, "redis_url",
                   f"{name} must be redis://host:port/db, rediss://…, unix:///path or {SENTINEL_FORM}")
    return value


def _log_level(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip().upper() or "INFO"
    if value not in LOG_LEVELS:
        raise _bad(name, "one_of", f"{name} must be one of {', '.join(LOG_LEVELS)}, got {value.lower()!r}",
                   value=env.get(name, "").strip(), expected=", ".join(LOG_LEVELS))
    return value


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad(name, "positive_integer", f"{name} must be a whole number, got {raw!r}", value=raw) from None
    if value <= 0:
        raise _bad(name, "positive_integer", f"{name} must be positive, got {value}", value=raw)
    return value


def _fraction(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise _bad(name, "fraction", f"{name} must be a number from 0 to 1, got {raw!r}", value=raw)
    return value


def _rate_weights(env: Mapping[str, str], name: str) -> tuple[float, float, float]:
    """Three fractions summing to 1, separated by commas: the weights of 响应率, 解决率 and 满意率."""
    defaults = (DEFAULT_WEIGHTS.response, DEFAULT_WEIGHTS.resolve, DEFAULT_WEIGHTS.satisfaction)
    raw = env.get(name, "").strip()
    if not raw:
        return defaults
    try:
        values = tuple(float(part) for part in raw.split(","))
    except ValueError:
        values = ()
    if len(values) != 3 or not all(0.0 <= value <= 1.0 for value in values) or abs(sum(values) - 1.0) > 1e-6:
        raise _bad(name, "rate_weights", f"{name} must be three numbers from 0 to 1 that add up to 1, separated by "
                   f"commas (响应率,解决率,满意率), got {raw!r}", value=raw)
    return values  # type: ignore[return-value]


def _request_db_wait(env: Mapping[str, str], name: str) -> int:
    value = _int(env, name, 3000)
    if value > MAX_REQUEST_DB_WAIT_MS:
        raise _bad(name, "at_most", f"{name} must be at most {MAX_REQUEST_DB_WAIT_MS} (WeChat waits 5 s for the "
                   f"reply), got {value}", value=value, expected=MAX_REQUEST_DB_WAIT_MS)
    return value


def _send_lanes(env: Mapping[str, str], name: str) -> int:
    value = _int(env, name, DEFAULT_SEND_LANES)
    if value > MAX_SEND_LANES:
        raise _bad(name, "at_most", f"{name} must be at most {MAX_SEND_LANES} (the connections a worker keeps to "
                   f"WeChat's API), got {value}", value=value, expected=MAX_SEND_LANES)
    return value


def _summary_hour(env: Mapping[str, str], name: str) -> int | None:
    """An hour of the day, 0 to 23 (Beijing time), or "off" (None)."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return DEFAULT_SUMMARY_HOUR
    if raw == OFF:
        return None
    if not re.fullmatch(r"[0-9]{1,2}", raw) or int(raw) > 23:
        raise _bad(name, "summary_hour", f"{name} must be an hour from 0 to 23 (Beijing time) or {OFF}, "
                   f"got {raw!r}", value=raw)
    return int(raw)


def _quiet_hours(env: Mapping[str, str], name: str) -> QuietHours | None:
    """A span of the day in Beijing time, "22:00-07:00", or "off" (None)."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return quiet_hours.DEFAULT
    if raw == OFF:
        return None
    try:
        return quiet_hours.parse(raw)
    except ValueError as error:
        raise _bad(name, "quiet_hours", f"{name} must be a span like 22:00-07:00 (Beijing time) or {OFF}: {error}",
                   value=raw) from None


def _figures_keep_after(env: Mapping[str, str], name: str) -> int | None:
    """Milliseconds (0: keep every figure), or "off" (None: compute them on every page)."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return DEFAULT_FIGURES_KEEP_AFTER_MS
    if raw == OFF:
        return None
    if not re.fullmatch(r"[0-9]{1,6}", raw):
        raise _bad(name, "figures_keep_after", f"{name} must be a number of milliseconds or {OFF}, "
                   f"got {raw!r}", value=raw)
    return int(raw)


def _keep_days(env: Mapping[str, str], name: str, default: int, minimum: int) -> int | None:
    """Days, at least `minimum`, or "off" (None: keep every row)."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw == OFF:
        return None
    if not re.fullmatch(r"[0-9]{1,5}", raw) or int(raw) < minimum:
        raise _bad(name, "keep_days", f"{name} must be a number of days from {minimum} up, or {OFF}, got {raw!r}",
                   value=raw, expected=minimum)
    return int(raw)


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = env.get(name, "").strip().lower() or allowed[0]
    if value not in allowed:
        raise _bad(name, "one_of", f"{name} must be one of {', '.join(allowed)}, got {value!r}", value=value,
                   expected=", ".join(allowed))
    return value


def points_rules_problem(path: Path, error: points_rules.PointsRulesError) -> Problem:
    """A mistake in the GRIDBOT_POINTS_RULES file: its line, rule and street, as the start-up checks word it."""
    facts = (("line", "" if error.line is None else str(error.line)), *error.facts.items())
    return Problem("GRIDBOT_POINTS_RULES", "points_rules", f"GRIDBOT_POINTS_RULES: {path}: {error}", str(path),
                   error.reason, facts)


def _checked_file(env: Mapping[str, str], name: str, load: Callable[[Path], object], invalid_type: type[_E],
                  invalid: Callable[[Path, _E], SettingsError]) -> Path | None:
    """The file the variable names, read once by `load` to check it (None when unset): its own mistakes (of
    `invalid_type`) are worded by `invalid`; a file that is not UTF-8 or cannot be read, as for every file."""
    path = _existing_path(env, name)
    if path is None:
        return None
    try:
        load(path)
    except invalid_type as error:
        raise invalid(path, error) from None
    except UnicodeDecodeError:
        raise _bad(name, "not_utf8", f"{name}: {path} is not UTF-8", value=path) from None
    except OSError as error:
        raise _bad(name, "unreadable", f"{name}: {path}: {error.strerror}", value=path) from None
    return path


def _runtime_dir(env: Mapping[str, str]) -> Path | None:
    """The first of systemd's runtime directories (RUNTIME_DIRECTORY lists them separated by colons)."""
    first = env.get("RUNTIME_DIRECTORY", "").split(":")[0].strip()
    return Path(first) if first else None


def _existing_path(env: Mapping[str, str], name: str, directory: bool = False) -> Path | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    path = Path(raw)
    if not (path.is_dir() if directory else path.is_file()):
        what = "directory" if directory else "file"
        raise _bad(name, f"no_such_{what}", f"{name}: no such {what}: {raw}", value=raw)
    return path


def _model(env: Mapping[str, str], name: str) -> Path | None:
    """A model directory; unset means the shipped model, "none" the keyword rules alone."""
    if env.get(name, "").strip().lower() == "none":
        return None
    return _existing_path(env, name, directory=True) or SHIPPED_MODEL


def _userdicts(env: Mapping[str, str], name: str) -> tuple[Path, ...]:
    """Files separated like PATH entries (":" on Linux), each must exist."""
    paths = tuple(Path(part) for part in env.get(name, "").split(os.pathsep) if part.strip())
    for path in paths:
        if not path.is_file():
            raise _bad(name, "no_such_file", f"{name}: no such file: {path}", value=path)
    return paths


def _url(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    if not value.startswith(("http://", "https://")):
        raise _bad(name, "http_url", f"{name} must start with http:// or https://, got {value!r}", value=value)
    return value.rstrip("/")


def _aes_key(value: str | None, variable: str = "WECHAT_AES_KEY") -> str | None:
    if value is None:
        return None
    if len(value) != 43:
        raise _bad(variable, "aes_key", f"{variable} must be the 43-character EncodingAESKey")
    try:
        if len(base64.b64decode(value + "=", validate=True)) != 32:
            raise _bad(variable, "aes_key", f"{variable} does not decode to a 32-byte key")
    except binascii.Error:
        raise _bad(variable, "aes_key", f"{variable} is not valid base64") from None
    return value


def _previous_needs_current(current: str | None, previous: str | None) -> None:
    if previous is not None and current is None:
        raise _bad("WECHAT_AES_KEY_PREVIOUS", "aes_key_previous_alone",
                   "WECHAT_AES_KEY_PREVIOUS is set without WECHAT_AES_KEY (the current EncodingAESKey)")


# WeChat's template ids are URL-safe base64-like strings (43 characters today).
_TEMPLATE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


def _template_id(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    if not _TEMPLATE_ID.fullmatch(value):
        raise _bad(name, "template_id",
                   f"{name} must be a template id from the account's console (letters, digits, - and _)")
    return value


def _wechat_mode(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip().lower()
    if value and value not in WECHAT_MODES:
        raise _bad(name, "one_of", f"{name} must be one of {', '.join(WECHAT_MODES)}, got {value!r}", value=value,
                   expected=", ".join(WECHAT_MODES))
    return value or None


def _trusted_sources(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip().lower()
    if value and value not in TRUSTED_SOURCES:
        raise _bad(name, "one_of", f"{name} must be one of {', '.join(TRUSTED_SOURCES)} (or unset), got {value!r}",
                   value=value, expected=", ".join(TRUSTED_SOURCES))
    return value or None


def _networks(env: Mapping[str, str], name: str) -> tuple[IPNetwork, ...]:
    """Comma-separated IP addresses or CIDR ranges."""
    networks = []
    for part in env.get(name, "").split(","):
        if part.strip():
            try:
                networks.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError:
                raise _bad(name, "ip_network", f"{name}: {part.strip()!r} is not an IP address or CIDR range",
                           value=part.strip()) from None
    return tuple(networks)


def _metrics_token(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    if value and len(value) < METRICS_TOKEN_MIN_LENGTH:
        raise _bad(name, "too_short", f"{name} must be at least {METRICS_TOKEN_MIN_LENGTH} characters (e.g. the output "
                   "of: python3 -c 'import secrets; print(secrets.token_urlsafe(32))')",
                   expected=METRICS_TOKEN_MIN_LENGTH)
    return value or None


def _template_ids(env: Mapping[str, str], name: str) -> Mapping[str, str]:
    raw = env.get(name, "").strip()
    if not raw:
        return MappingProxyType({})
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise _bad(name, "template_ids", f"{name} is not valid JSON ({error})") from None
    if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
        raise _bad(name, "template_ids",
                   f'{name} must be a JSON object of template ids, e.g. {{"resident_resolved": "<id>"}}')
    from handlers.notifications import NAMES

    unknown = sorted(set(value) - NAMES)
    if unknown:
        known = ", ".join(sorted(NAMES))
        raise _bad(name, "unknown_templates", f"{name} names unknown templates: {', '.join(unknown)} (known: {known})",
                   value=", ".join(unknown), expected=known)
    return MappingProxyType({key: template_id.strip() for key, template_id in value.items()})
