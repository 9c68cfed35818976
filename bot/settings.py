"""One place that reads the environment: app, worker and CLI all take a `Settings`."""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from handlers.notifications import NAMES as NOTIFICATION_NAMES
from nlp import SHIPPED_MODEL

DEMO_TOKEN = "gridbot-demo"
DEMO_APPID = "wxgridbotdemo0001"
DEMO_SECRET = "gridbot-demo-secret"
# A valid 43-character EncodingAESKey, used only when the demo runs without credentials.
DEMO_AES_KEY = "R3JpZGJvdERlbW9LZXkwMTIzNDU2Nzg5YWJjZGVmZ2g"


# The reply must leave the server well within WeChat's 5 s, whatever the database is waiting for.
MAX_REQUEST_DB_WAIT_MS = 4000


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable, read once from the environment."""

    wechat_token: str
    wechat_appid: str
    wechat_secret: str
    wechat_aes_key: str | None = None
    wechat_api_base_url: str | None = None
    database_url: str = "sqlite:///var/gridbot.db"
    redis_url: str | None = None
    data_dir: Path = Path("var")
    timestamp_tolerance_s: int = 300
    max_body_bytes: int = 64 * 1024
    log_level: str = "INFO"
    outbox_poll_ms: int = 200
    sqlite_synchronous: str = "NORMAL"
    unclaimed_minutes: int = 30  # 督着办: a dispatched task nobody claims this long goes to the 网格长
    # How long a webhook request waits for a database lock before answering "please resend" (WeChat: 5 s).
    request_db_wait_ms: int = 3000
    # Outbox template name -> WeChat template id, for notices sent when the reply window is closed.
    template_ids: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    taxonomy_path: Path | None = None  # None: the taxonomy shipped in nlp/data
    nlp_model: Path | None = SHIPPED_MODEL  # None: the taxonomy's keyword rules alone
    userdicts: tuple[Path, ...] = ()  # operators' jieba dictionaries: local compounds, streets, slang

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
            wechat_api_base_url=_url(env, "WECHAT_API_BASE_URL"),
            database_url=cls.database_url_from_env(env),
            redis_url=env.get("GRIDBOT_REDIS_URL") or None,
            data_dir=data_dir,
            timestamp_tolerance_s=_int(env, "GRIDBOT_TIMESTAMP_TOLERANCE", 300),
            log_level=env.get("GRIDBOT_LOG_LEVEL", "INFO").upper(),
            outbox_poll_ms=_int(env, "GRIDBOT_OUTBOX_POLL_MS", 200),
            sqlite_synchronous=_choice(env, "GRIDBOT_SQLITE_SYNCHRONOUS", ("normal", "full")).upper(),
            unclaimed_minutes=_int(env, "GRIDBOT_UNCLAIMED_MINUTES", 30),
            request_db_wait_ms=_request_db_wait(env, "GRIDBOT_REQUEST_DB_WAIT_MS"),
            template_ids=_template_ids(env, "GRIDBOT_TEMPLATE_IDS"),
            **cls.nlp_from_env(env),
        )
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @staticmethod
    def database_url_from_env(env: Mapping[str, str] | None = None) -> str:
        """GRIDBOT_DATABASE_URL, or SQLite in the data directory (all `gridbot db` needs)."""
        env = os.environ if env is None else env
        data_dir = Path(env.get("GRIDBOT_DATA_DIR", "var"))
        return env.get("GRIDBOT_DATABASE_URL") or f"sqlite:///{data_dir / 'gridbot.db'}"

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
        return cls.from_env(env, **overrides)

    def with_(self, **changes: object) -> "Settings":
        """A copy with some values changed (tests, demo)."""
        return replace(self, **changes)  # type: ignore[arg-type]


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
