"""The console's cast and helpers: an account of each role, a second street to be out of scope, appeals placed
where the tests need them, and a browser that logs in and posts forms with their CSRF token."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from storage import console_users, seeding
from storage.db import Database
from storage.models import Appeal, AppealStatus, Community, Grid, Street
from tests.support.street import FIRST, HEPING, SECOND, XINGFULI

PASSWORD = "Grid-bot-2026!"
OTHER_STREET = seeding.StreetPlan("平安街道", {"平安社区": {FIRST: ("平安小区", {"1号楼": ("1单元",)})}})
# username -> role word, scope, display name
ACCOUNTS = {
    "admin": ("管理员", None, "赵主任"),
    "street": ("街道", "幸福街道", "钱科长"),
    "xingfuli": ("社区", XINGFULI, "孙丽"),
}
# Where each test appeal lies: in 幸福里社区, in 和平社区 (same street), in another street.
PLACES = {"G-XFL": (XINGFULI, SECOND), "G-HP": (HEPING, FIRST), "G-PA": ("平安社区", FIRST)}
# Which test appeals each account may open.
SEES = {"admin": {"G-XFL", "G-HP", "G-PA"}, "street": {"G-XFL", "G-HP"}, "xingfuli": {"G-XFL"}}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def cast(database: Database, now: datetime) -> None:
    """The second street, an account of each role, and one open appeal in each place of PLACES."""
    with database.transaction() as session:
        seeding.seed_street(session, OTHER_STREET, now)
        for username, (role, scope, name) in ACCOUNTS.items():
            console_users.add_user(session, username, role, scope, name, PASSWORD, now)
        for ticket, (community, grid) in PLACES.items():
            grid_id = session.scalars(select(Grid.id).join(Community, Community.id == Grid.community_id)
                                      .where(Community.name == community, Grid.name == grid)).one()
            session.add(new_appeal(ticket, grid_id, now))


def new_appeal(ticket: str, grid_id: int, now: datetime, **fields: object) -> Appeal:
    """An open appeal as dispatch leaves it, waiting for a claim in the grid."""
    values: dict[str, object] = dict(
        ticket=ticket, grid_id=grid_id, category="市容环境", confidence=0.9, channel="text",
        content=f"{ticket}：楼下垃圾没人清，电话 13812345678", raw_message="{}", status=AppealStatus.DISPATCHED,
        response_hours=2, resolve_hours=72, created_at=now, updated_at=now, response_due_at=now)
    values.update(fields)
    return Appeal(**values)


def street_id(database: Database, name: str) -> int:
    with database.transaction() as session:
        return int(session.scalars(select(Street.id).where(Street.name == name)).one())


class Browser:
    """A Flask test client used as an operator's browser: it logs in, and posts forms with the page's token."""

    def __init__(self, client) -> None:  # type: ignore[no-untyped-def]
        self.client = client

    def get(self, path: str, **options: object):  # type: ignore[no-untyped-def]
        return self.client.get(path, **options)

    def token(self, path: str = "/console/login") -> str:
        """The CSRF token a page's forms carry."""
        found = TOKEN.search(self.client.get(path).get_data(as_text=True))
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def login(self, username: str, password: str = PASSWORD, **options: object):  # type: ignore[no-untyped-def]
        """Submit the login form as a person would (the token from the login page)."""
        return self.client.post("/console/login", data={"username": username, "password": password,
                                                        "csrf_token": self.token(), **options})

    def logout(self):  # type: ignore[no-untyped-def]
        return self.client.post("/console/logout", data={"csrf_token": self.token("/console/")})


def browser(app, address: str = "10.0.0.1") -> Browser:  # type: ignore[no-untyped-def]
    """A browser on https from `address`, not logged in. GRIDBOT_PUBLIC_URL is https in the tests: the session
    cookie is Secure, so the browser speaks https."""
    client = app.test_client()
    client.environ_base.update({"wsgi.url_scheme": "https", "REMOTE_ADDR": address})
    return Browser(client)


def logged_in(app, username: str, address: str = "10.0.0.1") -> Browser:  # type: ignore[no-untyped-def]
    """An operator's browser on https from `address`, logged in as `username` (one of ACCOUNTS)."""
    person = browser(app, address)
    assert person.login(username).status_code == 302
    return person


def stylesheet(person: Browser, name: str = "console.css") -> str:
    """A console stylesheet (static/<name>) as the operator's browser reads it."""
    response = person.get(f"/console/static/{name}")
    assert response.status_code == 200
    css = response.get_data(as_text=True)
    response.close()
    return css
