"""A throwaway gridbot environment for the bench: temp dir, migrated SQLite, demo street, many bound residents."""

from __future__ import annotations

import base64
import hashlib
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bot.demo import street  # noqa: E402
from bot.redisconn import stop_embedded_redis  # noqa: E402
from bot.settings import Settings  # noqa: E402
from storage import org, residents, seeding  # noqa: E402
from storage.db import Database, upgrade  # noqa: E402
from storage.models import Appeal, AppealEvent, Building, OutboxMessage, ProcessedMessage, StaffRole  # noqa: E402

BENCH_APPID = "wxbenchgridbot0001"
OPENID_PREFIX = "bench_"
# The spread-out street (`grids` > 0): communities of ten grids, two buildings of two units per grid, two members
# and a leader per grid, as the seed articles' city has it (4,327 grids, 4,407 grid staff, ~1.5 members a grid).
GRIDS_PER_COMMUNITY = 10
CITY_STREET = "压测街道"
GRID_BUILDINGS = {"1号楼": ("1单元", "2单元"), "2号楼": ("1单元", "2单元")}  # each grid's compound in city_plan


def resident_openid(number: int) -> str:
    """The openid of the bench's resident `number` (0, 1, …: the order `create` binds them in)."""
    return f"{OPENID_PREFIX}{number:06d}"


@dataclass(frozen=True)
class BenchEnv:
    """Where the bench's database lives and the credentials both servers share."""

    directory: Path
    settings: Settings
    openids: tuple[str, ...]

    @property
    def database_url(self) -> str:
        """The URL of the bench database (a SQLite file in `directory` unless given)."""
        return self.settings.database_url


@dataclass(frozen=True)
class WorkDone:
    """Rows the full path wrote, read back after the run."""

    appeals: int
    appeal_events: int
    outbox_rows: int
    processed_messages: int


def create(residents_count: int, safe: bool, parent: Path | None = None, grids: int = 0,
           database_url: str | None = None) -> BenchEnv:
    """Make a temp dir with a migrated, seeded SQLite database and `residents_count` bound residents; with
    `grids`, they live in a street of that many grids (city_plan) instead of the demo street's four. With
    `database_url` (an empty PostgreSQL database, say), that database is migrated and seeded instead."""
    directory = Path(tempfile.mkdtemp(prefix="gridbot-bench-", dir=parent))
    try:
        url = database_url or f"sqlite:///{directory / 'bench.db'}"
        settings = Settings(
            wechat_token="bench" + secrets.token_hex(8),
            wechat_appid=BENCH_APPID,
            wechat_secret="x",
            wechat_aes_key=aes_key() if safe else None,
            database_url=url,
            data_dir=directory,
            log_level="WARNING",
            secret_key=secrets.token_urlsafe(32),
        )
        upgrade(url)
        openids = seed(url, residents_count, city_plan(grids) if grids else None)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return BenchEnv(directory, settings, openids)


def aes_key() -> str:
    """A random EncodingAESKey (43 characters of base64): `gridbot serve` refuses the demo's published one when no
    WECHAT_API_BASE_URL says it faces the fake API, as the webhook-only benches run it."""
    return base64.b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def seed(url: str, residents_count: int, city: seeding.StreetPlan | None = None) -> tuple[str, ...]:
    """The demo street plus residents bench_000000… bound round-robin to every building (and a unit of it) of
    the demo street, or of `city` when given (seeded beside the demo street)."""
    now = datetime.now(timezone.utc)
    database = Database(url)
    try:
        with database.transaction() as session:
            street.seed(session, now)
            buildings = session.scalars(select(Building).order_by(Building.id)).all()
            if city is not None:
                seeding.seed_street(session, city, now)
                known = {building.id for building in buildings}
                buildings = [b for b in session.scalars(select(Building).order_by(Building.id)) if b.id not in known]
            homes = [(building, org.units_of(session, building.id)) for building in buildings]
            openids = []
            for number in range(residents_count):
                openid = resident_openid(number)
                building, units = homes[number % len(homes)]
                unit = units[(number // len(homes)) % len(units)] if units else None
                residents.bind(session, residents.get_or_create(session, openid, now), building, unit)
                openids.append(openid)
    finally:
        database.dispose()
    return tuple(openids)


def city_plan(grids: int) -> seeding.StreetPlan:
    """A street of `grids` grids (GRIDS_PER_COMMUNITY to a community), each with two buildings, two bound
    members and a bound leader: appeals spread over it reach different people, as a city's do."""
    layout: dict[str, dict[str, tuple[str, dict[str, tuple[str, ...]]]]] = {}
    staff: list[seeding.StaffRow] = []
    for number in range(grids):
        community, grid = f"压测{number // GRIDS_PER_COMMUNITY + 1}社区", f"第{number % GRIDS_PER_COMMUNITY + 1}网格"
        layout.setdefault(community, {})[grid] = (f"小区{number + 1}", dict(GRID_BUILDINGS))
        for seat, role in enumerate((StaffRole.GRID_MEMBER, StaffRole.GRID_MEMBER, StaffRole.GRID_LEADER)):
            staff.append((f"bench_staff_{number:05d}_{seat}", f"网格员{number}-{seat}", role, community, grid))
    return seeding.StreetPlan(CITY_STREET, layout, tuple(staff))


def residents_to_cover(grids: int) -> int:
    """Residents `seed` needs for someone in every building of a street of `grids` grids (city_plan)."""
    return grids * len(GRID_BUILDINGS)


def work_done(url: str) -> WorkDone:
    """Count what the full path stored: appeals, their audit events, outbox rows and dedup keys."""
    database = Database(url)
    try:
        with database.transaction() as session:
            def count(model: type) -> int:
                return int(session.scalar(select(func.count()).select_from(model)) or 0)

            return WorkDone(count(Appeal), count(AppealEvent), count(OutboxMessage), count(ProcessedMessage))
    finally:
        database.dispose()


def code_version() -> str:
    """The commit measured, and a digest of uncommitted changes when there are any (others may be editing)."""
    def git(*args: str) -> bytes:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=True, timeout=30).stdout

    try:
        head = git("rev-parse", "--short", "HEAD").decode().strip()
        diff = git("diff", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    if not diff:
        return head
    return f"{head} + uncommitted changes (diff sha256 {hashlib.sha256(diff).hexdigest()[:12]})"


def remove(env: BenchEnv) -> None:
    """Stop the embedded Redis the webhook started there (its replay guard's), delete the temp dir."""
    stop_embedded_redis(env.directory)
    shutil.rmtree(env.directory, ignore_errors=True)
