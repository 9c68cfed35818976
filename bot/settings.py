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
from typing import Mapping

from bot.clock import Clock, now_utc
from bot.media_links import DEFAULT_DAYS as DEFAULT_LINK_DAYS
from bot.media_links import DEFAULT_PUBLIC_URL, MediaLinks
from handlers.conversation import IntakeLimits
from handlers.notifications import NAMES as NOTIFICATION_NAMES
from handlers.notifications import for_resident
from nlp import SHIPPED_MODEL
from storage import media_files, outbox
from storage.db import LONG_LOCK_WAIT_MS, Database

DEMO_TOKEN = "gridbot-demo"
DEMO_APPID = "wxgridbotdemo0001"
DEMO_SECRET = "gridbot-demo-secret"
# A valid 43-character EncodingAESKey, used only when the demo runs without credentials.
DEMO_AES_KEY = "R3JpZGJvdERlbW9LZXkwMTIzNDU2Nzg5YWJjZGVmZ2g"
# The demo's GRIDBOT_SECRET_KEY (invite codes are stored as an HMAC keyed with it); never use it in production.
DEMO_SECRET_KEY = "gridbot-demo-secret-key-not-for-production"
SECRET_KEY_MIN_LENGTH = 32


# How the webhook takes WeChat's messages (GRIDBOT_WECHAT_MODE): see Settings.mode.
SAFE, COMPAT, PLAIN = "safe", "compat", "plain"
WECHAT_MODES = (SAFE, COMPAT, PLAIN)
# GRIDBOT_TRUSTED_SOURCES: the peers allowed to POST to the webhook.
TRUSTED_SOURCES = ("wechat",)
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


# The reply must leave the server well within WeChat's 5 s, whatever the database is waiting for.
MAX_REQUEST_DB_WAIT_MS = 4000


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


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
    wechat_api_base_url: str | None = None
    wechat_mode: str | None = None  # None: safe when an AES key is set, else plain (see `mode`)
    trusted_sources: str | None = None  # "wechat": only WeChat's callback IPs may POST; None: no source check
    trusted_proxies: tuple[IPNetwork, ...] = ()  # reverse proxies whose X-Forwarded-For is believed
    database_url: str = "sqlite:///var/gridbot.db"
    redis_url: str | None = None
    data_dir: Path = Path("var")
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
    public_url: str | None = None  # GRIDBOT_PUBLIC_URL: where staff open photo links; None: serve's default address
    media_link_days: int = DEFAULT_LINK_DAYS  # how long a photo link works

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> "Settings":
        """Build settings from environment variables; a bad value raises SettingsError naming it."""
        env = os.environ if env is None else env
        data_dir = Path(env.get("GRIDBOT_DATA_DIR", "var"))
        values: dict[str, object] = dict(
            wechat_token=_required(env, "WECHAT_TOKEN"),
            wechat_appid=_required(env, "WECHAT_APPID"),
            wechat_secret=env.get("WECHAT_SECRET", ""),
            wechat_aes_key=_aes_key(env.get("WECHAT_AES_KEY") or None),
            secret_key=cls.secret_key_from_env(env),
            staff_lookups_per_hour=_int(env, "GRIDBOT_STAFF_LOOKUPS_PER_HOUR", 60),
            wechat_api_base_url=_url(env, "WECHAT_API_BASE_URL"),
            wechat_mode=_wechat_mode(env, "GRIDBOT_WECHAT_MODE"),
            trusted_sources=_trusted_sources(env, "GRIDBOT_TRUSTED_SOURCES"),
            trusted_proxies=_networks(env, "GRIDBOT_TRUSTED_PROXIES"),
            database_url=cls.database_url_from_env(env),
            redis_url=env.get("GRIDBOT_REDIS_URL") or None,
            data_dir=data_dir,
            timestamp_tolerance_s=_int(env, "GRIDBOT_TIMESTAMP_TOLERANCE", 300),
            log_level=env.get("GRIDBOT_LOG_LEVEL", "INFO").upper(),
            outbox_poll_ms=_int(env, "GRIDBOT_OUTBOX_POLL_MS", 200),
            sqlite_synchronous=_choice(env, "GRIDBOT_SQLITE_SYNCHRONOUS", ("normal", "full")).upper(),
            unclaimed_minutes=_int(env, "GRIDBOT_UNCLAIMED_MINUTES", 30),
            public_url=_url(env, "GRIDBOT_PUBLIC_URL"),
            media_link_days=_int(env, "GRIDBOT_MEDIA_LINK_DAYS", DEFAULT_LINK_DAYS),
            **_intake_limits(env),
            digest_after=_int(env, "GRIDBOT_DIGEST_AFTER", 5),
            request_db_wait_ms=_request_db_wait(env, "GRIDBOT_REQUEST_DB_WAIT_MS"),
            template_ids=_template_ids(env, "GRIDBOT_TEMPLATE_IDS"),
            resident_template_id=_template_id(env, "GRIDBOT_RESIDENT_TEMPLATE_ID"),
            **cls.nlp_from_env(env),
        )
        values.update(overrides)
        settings = cls(**values)  # type: ignore[arg-type]
        if settings.mode != PLAIN and not settings.wechat_aes_key:
            raise SettingsError(f"GRIDBOT_WECHAT_MODE={settings.mode} needs WECHAT_AES_KEY (the EncodingAESKey)")
        return settings

    @property
    def mode(self) -> str:
        """safe: only AES-encrypted messages whose msg_signature covers the body; compat (WeChat's 兼容模式,
        for a switch-over): encrypted and plaintext; plain: plaintext (and encrypted ones when a key is set)."""
        return self.wechat_mode or (SAFE if self.wechat_aes_key else PLAIN)

    @staticmethod
    def database_url_from_env(env: Mapping[str, str] | None = None) -> str:
        """GRIDBOT_DATABASE_URL, or SQLite in the data directory (all `gridbot db` needs)."""
        env = os.environ if env is None else env
        data_dir = Path(env.get("GRIDBOT_DATA_DIR", "var"))
        return env.get("GRIDBOT_DATABASE_URL") or f"sqlite:///{data_dir / 'gridbot.db'}"

    @staticmethod
    def secret_key_from_env(env: Mapping[str, str] | None = None) -> str:
        """GRIDBOT_SECRET_KEY, at least 32 characters (all `gridbot invite` needs besides the database)."""
        env = os.environ if env is None else env
        value = _required(env, "GRIDBOT_SECRET_KEY")
        if len(value) < SECRET_KEY_MIN_LENGTH:
            raise SettingsError(f"GRIDBOT_SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} characters "
                                f"(e.g. the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(32))')")
        return value

    @staticmethod
    def nlp_from_env(env: Mapping[str, str] | None = None) -> dict[str, object]:
        """GRIDBOT_TAXONOMY, GRIDBOT_NLP_MODEL and GRIDBOT_USERDICT (all `gridbot nlp` needs)."""
        env = os.environ if env is None else env
        return {"taxonomy_path": _existing_path(env, "GRIDBOT_TAXONOMY"),
                "nlp_model": _model(env, "GRIDBOT_NLP_MODEL"),
                "userdicts": _userdicts(env, "GRIDBOT_USERDICT")}

    @classmethod
    def for_demo(cls, env: Mapping[str, str] | None = None, **overrides: object) -> "Settings":
        """Settings for `gridbot demo`/`simulate`: the environment wins, demo credentials fill the gaps."""
        env = dict(os.environ if env is None else env)
        env.setdefault("WECHAT_TOKEN", DEMO_TOKEN)
        env.setdefault("WECHAT_APPID", DEMO_APPID)
        env.setdefault("WECHAT_SECRET", DEMO_SECRET)
        env.setdefault("GRIDBOT_DATA_DIR", ".gridbot-demo")
        if "WECHAT_AES_KEY" not in env:
            env["WECHAT_AES_KEY"] = DEMO_AES_KEY
        env.setdefault("GRIDBOT_SECRET_KEY", DEMO_SECRET_KEY)
        return cls.from_env(env, **overrides)

    def with_(self, **changes: object) -> "Settings":
        """A copy with some values changed (tests, demo)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def template_for(self, notice: str) -> TemplateChoice | None:
        """The template a notice goes by outside the reply window: its own id, else (residents' notices) the
        generic default; None when neither is configured."""
        if notice in self.template_ids:
            return TemplateChoice(self.template_ids[notice], generic=False)
        if self.resident_template_id and for_resident(notice):
            return TemplateChoice(self.resident_template_id, generic=True)
        return None

    def warnings(self) -> list[str]:
        """Configuration that works but loses something, one English sentence each (logged at start-up, shown
        by /healthz?detail=1): never a secret, never personal data."""
        found = []
        untemplated = sorted(name for name in NOTIFICATION_NAMES if for_resident(name) and not self.template_for(name))
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
        return IntakeLimits(self.appeals_per_hour, self.appeals_per_day, self.reports_per_hour)

    def open_database(self, lock_wait_ms: int = LONG_LOCK_WAIT_MS) -> Database:
        """The process's database, with what storage reads from its sessions (the digest threshold, the photo
        links' signer); the web process passes its short `request_db_wait_ms`, the worker and the CLI keep the
        long wait."""
        return Database(self.database_url, self.sqlite_synchronous, lock_wait_ms,
                        {**outbox.session_info(self.digest_after), **media_files.session_info(self.media_links())})

    def media_links(self, clock: Clock = now_utc) -> MediaLinks | None:
        """The signer of photo links (None without a secret key: photos are then listed without links)."""
        if self.secret_key is None:
            return None
        return MediaLinks(self.secret_key, self.public_url, self.media_link_days, clock)


def _intake_limits(env: Mapping[str, str]) -> dict[str, int]:
    per_hour = _int(env, "GRIDBOT_APPEALS_PER_HOUR", 10)
    per_day = _int(env, "GRIDBOT_APPEALS_PER_DAY", 30)
    if per_day < per_hour:
        raise SettingsError(f"GRIDBOT_APPEALS_PER_DAY ({per_day}) must be at least GRIDBOT_APPEALS_PER_HOUR ({per_hour})")
    return {"appeals_per_hour": per_hour, "appeals_per_day": per_day,
            "reports_per_hour": _int(env, "GRIDBOT_REPORTS_PER_HOUR", 60)}


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is required")
    return value


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def _request_db_wait(env: Mapping[str, str], name: str) -> int:
    value = _int(env, name, 3000)
    if value > MAX_REQUEST_DB_WAIT_MS:
        raise SettingsError(f"{name} must be at most {MAX_REQUEST_DB_WAIT_MS} (WeChat waits 5 s for the reply), "
                            f"got {value}")
    return value


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = env.get(name, "").strip().lower() or allowed[0]
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _existing_path(env: Mapping[str, str], name: str, directory: bool = False) -> Path | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    path = Path(raw)
    if not (path.is_dir() if directory else path.is_file()):
        raise SettingsError(f"{name}: no such {'directory' if directory else 'file'}: {raw}")
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
            raise SettingsError(f"{name}: no such file: {path}")
    return paths


def _url(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    if not value.startswith(("http://", "https://")):
        raise SettingsError(f"{name} must start with http:// or https://, got {value!r}")
    return value.rstrip("/")


def _aes_key(value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) != 43:
        raise SettingsError("WECHAT_AES_KEY must be the 43-character EncodingAESKey")
    try:
        if len(base64.b64decode(value + "=", validate=True)) != 32:
            raise SettingsError("WECHAT_AES_KEY does not decode to a 32-byte key")
    except binascii.Error:
        raise SettingsError("WECHAT_AES_KEY is not valid base64") from None
    return value


# WeChat's template ids are URL-safe base64-like strings (43 characters today).
_TEMPLATE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


def _template_id(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    if not _TEMPLATE_ID.fullmatch(value):
        raise SettingsError(f"{name} must be a template id from the account's console (letters, digits, - and _)")
    return value


def _wechat_mode(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip().lower()
    if value and value not in WECHAT_MODES:
        raise SettingsError(f"{name} must be one of {', '.join(WECHAT_MODES)}, got {value!r}")
    return value or None


def _trusted_sources(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip().lower()
    if value and value not in TRUSTED_SOURCES:
        raise SettingsError(f"{name} must be one of {', '.join(TRUSTED_SOURCES)} (or unset), got {value!r}")
    return value or None


def _networks(env: Mapping[str, str], name: str) -> tuple[IPNetwork, ...]:
    """Comma-separated IP addresses or CIDR ranges."""
    networks = []
    for part in env.get(name, "").split(","):
        if part.strip():
            try:
                networks.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError:
                raise SettingsError(f"{name}: {part.strip()!r} is not an IP address or CIDR range") from None
    return tuple(networks)


def _template_ids(env: Mapping[str, str], name: str) -> Mapping[str, str]:
    raw = env.get(name, "").strip()
    if not raw:
        return MappingProxyType({})
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise SettingsError(f"{name} is not valid JSON ({error})") from None
    if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
        raise SettingsError(f'{name} must be a JSON object of template ids, e.g. {{"resident_resolved": "<id>"}}')
    unknown = sorted(set(value) - NOTIFICATION_NAMES)
    if unknown:
        known = ", ".join(sorted(NOTIFICATION_NAMES))
        raise SettingsError(f"{name} names unknown templates: {', '.join(unknown)} (known: {known})")
    return MappingProxyType({key: template_id.strip() for key, template_id in value.items()})
