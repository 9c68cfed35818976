"""Console access through Flask's client: every role against every console page (in scope, out of scope, not
logged in), CSRF, lockout per account and per address, session expiry, a new password, a disabled account, the
security headers, and the operator's name in an appeal's audit trail."""

import io

import pytest
from flask import request
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from bot.web.app import create_app
from bot.web.console.guard import CSP
from storage import console_users
from storage.models import AppealEvent, ConsoleLogin, EndedLogin, LoginOutcome
from tests.support.console import ACCOUNTS, PASSWORD, PLACES, SEES, Browser, browser, cast, logged_in, stylesheet
from tests.support.database import appeal

pytestmark = pytest.mark.postgres

SESSION_COOKIE = "gridbot_console"
PAGES = ("/console/", "/console/appeals", "/console/appeals?queue=overdue", "/console/logins")
ADMIN_PAGES = {"/console/logins"}


@pytest.fixture
def app(runtime, clock):
    cast(runtime.database, clock())
    return create_app(runtime=runtime)


@pytest.fixture
def visitor(app):
    return browser(app)


# --- every role against every page ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [*PAGES, "/console/appeals/G-XFL"])
def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login_page(visitor, path):
    response = visitor.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=")


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
@pytest.mark.parametrize("path", PAGES)
def test_each_role_opens_its_pages_and_a_non_admin_finds_no_admin_page(app, username, path):
    response = logged_in(app, username).get(path)
    expected = 404 if path in ADMIN_PAGES and username != "admin" else 200
    assert response.status_code == expected, response.get_data(as_text=True)


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
@pytest.mark.parametrize("ticket", sorted(PLACES))
def test_an_appeal_outside_the_operators_scope_is_not_found(app, username, ticket):
    response = logged_in(app, username).get(f"/console/appeals/{ticket}")
    if ticket in SEES[username]:
        assert response.status_code == 200
        assert ticket in response.get_data(as_text=True)
    else:
        assert response.status_code == 404
        page = response.get_data(as_text=True)
        assert ticket not in page and "垃圾" not in page


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_the_list_and_the_home_page_count_only_what_lies_in_scope(app, username):
    person = logged_in(app, username)
    listed = person.get("/console/appeals?queue=unclaimed").get_data(as_text=True)
    assert {ticket for ticket in PLACES if f'id="appeal-{ticket}"' in listed} == SEES[username]
    home = person.get("/console/").get_data(as_text=True)
    card = home[home.index('id="queue-unclaimed" href="/console/appeals?queue=unclaimed">'):]
    assert card[:card.index("</a>")].count(f'data-count="{len(SEES[username])}"') == 1


@pytest.mark.parametrize("path", ["/console/nosuchpage", "/console/appeal/G-XFL", "/console/appeals/G-XFL/note"])
def test_an_address_the_console_does_not_have_is_its_own_page_in_chinese(app, path):
    """A mistyped address, or a GET of an action's address, got Flask's English "Not Found" page."""
    response = logged_in(app, "admin").get(path)

    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "找不到这个页面" in page and 'id="nav"' in page
    assert "Not Found" not in page and response.headers["X-Frame-Options"] == "DENY"


def test_a_missing_appeal_is_not_found_like_one_out_of_scope(app):
    assert logged_in(app, "admin").get("/console/appeals/G-NONE").status_code == 404


def test_the_page_masks_the_residents_phone_number(app):
    page = logged_in(app, "xingfuli").get("/console/appeals/G-XFL").get_data(as_text=True)
    assert "13812345678" not in page and "138****5678" in page


# --- the audit trail names the operator ----------------------------------------------------------------------

def test_opening_an_appeal_lands_in_its_trail_as_the_console_operator(app, runtime):
    person = logged_in(app, "xingfuli")
    person.get("/console/appeals/G-XFL")
    appeal_id = appeal(runtime.database, "G-XFL").id
    with runtime.database.transaction() as session:
        event = session.scalars(select(AppealEvent).where(AppealEvent.appeal_id == appeal_id)).one()
        assert (event.action, event.actor_kind, event.internal) == ("viewed", "console_user", True)
    assert "查阅（控制台 孙丽）" in person.get("/console/appeals/G-XFL").get_data(as_text=True)


# --- CSRF ------------------------------------------------------------------------------------------------------

def test_a_form_without_the_token_is_refused_and_changes_nothing(app):
    person = logged_in(app, "admin")
    response = person.client.post("/console/logout")
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    assert person.get("/console/").status_code == 200  # still logged in


def test_a_token_from_another_session_is_refused(app):
    person, stranger = logged_in(app, "admin"), browser(app)
    response = person.client.post("/console/logout", data={"csrf_token": stranger.token()})
    assert response.status_code == 400


def test_a_form_whose_body_stops_short_is_refused_as_not_received_and_changes_nothing(app, runtime):
    person = logged_in(app, "admin")
    body = f"csrf_token={person.token('/console/')}&text=请尽快联系居民".encode()
    response = person.client.post("/console/appeals/G-XFL/note", input_stream=io.BytesIO(body[:-6]),
                                  content_type="application/x-www-form-urlencoded",
                                  environ_overrides={"CONTENT_LENGTH": str(len(body))})
    assert response.status_code == 408 and "没有及时传完" in response.get_data(as_text=True)
    with runtime.database.transaction() as session:
        assert session.scalars(select(AppealEvent).where(AppealEvent.action == "noted")).all() == []


def test_a_body_cut_short_is_logged_without_the_path_a_photo_links_token_is_in(visitor, caplog):
    visitor.client.get("/media/PHOTO-TOKEN-abc", input_stream=io.BytesIO(b"x"),
                       environ_overrides={"CONTENT_LENGTH": "10"})
    assert "GET /media…: body not received in time" in caplog.text and "PHOTO-TOKEN" not in caplog.text


def test_the_login_form_needs_its_token_too(visitor):
    response = visitor.client.post("/console/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400


def test_logging_out_ends_the_session(app):
    person = logged_in(app, "admin")
    assert person.logout().status_code == 302
    assert person.get("/console/").status_code == 302


def test_after_logging_out_a_copy_of_the_sessions_cookie_opens_nothing(app):
    person = logged_in(app, "admin")
    copied = person.client.get_cookie(SESSION_COOKIE, path="/console").value
    assert person.logout().status_code == 302
    elsewhere = browser(app, "10.0.0.9")
    elsewhere.client.set_cookie(SESSION_COOKIE, copied, path="/console")
    assert elsewhere.get("/console/").status_code == 302
    assert logged_in(app, "admin").get("/console/").status_code == 200  # a new login is not the one that ended


def test_a_logout_is_remembered_when_redis_is_flushed_or_replaced(app, runtime):
    """The ended logins lived in Redis only: a Redis without persistence, restarted or replaced, let the copy in."""
    person = logged_in(app, "admin")
    copied = person.client.get_cookie(SESSION_COOKIE, path="/console").value
    assert person.logout().status_code == 302
    runtime.redis().flushdb()
    elsewhere = browser(app, "10.0.0.9")
    elsewhere.client.set_cookie(SESSION_COOKIE, copied, path="/console")
    assert elsewhere.get("/console/").status_code == 302


def test_the_ended_logins_past_their_lifetime_are_forgotten_at_the_next_logout(app, runtime, clock):
    logged_in(app, "admin").logout()
    clock.advance(hours=runtime.settings.console_session_hours, minutes=2)
    logged_in(app, "admin").logout()
    with runtime.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(EndedLogin)) == 1


def test_logging_out_leaves_the_accounts_other_logins_open(app):
    laptop, phone = logged_in(app, "admin"), logged_in(app, "admin", "10.0.0.2")
    phone.logout()
    assert laptop.get("/console/").status_code == 200


# --- logging in: failures, lockout, the record ----------------------------------------------------------------

def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(visitor):
    wrong, unknown = visitor.login("admin", "Wrong-password-1"), visitor.login("nobody", "Wrong-password-1")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码不正确" in _error(wrong)
    assert _error(wrong) == _error(unknown)


def test_after_a_wrong_password_the_username_stays_and_the_password_is_asked_again(visitor):
    """The form came back empty: on a phone the operator typed the username again for every wrong password."""
    page = visitor.login("zhao.zr", "Wrong-password-1").get_data(as_text=True)

    assert 'value="zhao.zr" autofocus' not in page and 'value="zhao.zr">' in page
    assert 'autocomplete="current-password" required autofocus>' in page
    assert "Wrong-password-1" not in page


def _error(response):
    page = response.get_data(as_text=True)
    return page[page.index('id="login-error"'):page.index("</p>", page.index('id="login-error"'))]


def test_five_failures_lock_the_account_even_with_the_right_password_then_it_opens_again(app, clock):
    attacker = browser(app, "10.0.0.9")
    for _ in range(4):
        assert attacker.login("admin", "Wrong-password-1").status_code == 401
    assert attacker.login("admin", "Wrong-password-1").status_code == 429
    owner = browser(app, "10.0.0.2")
    locked = owner.login("admin")
    assert locked.status_code == 429 and "失败次数过多" in locked.get_data(as_text=True)
    assert logged_in(app, "street", "10.0.0.2")  # other accounts are not locked
    clock.advance(minutes=16)
    assert owner.login("admin").status_code == 302


def test_a_lock_brought_about_elsewhere_does_not_keep_the_owner_out_of_an_address_they_logged_in_from(app, clock):
    """Before, anyone who knew the username kept the operator out for good: five wrong passwords every 15 minutes."""
    logged_in(app, "admin", "10.0.0.2").logout()
    attacker = browser(app, "10.0.0.9")
    codes = [attacker.login("admin", "Wrong-password-1").status_code for _ in range(6)]
    assert codes == [401, 401, 401, 401, 429, 429]
    assert browser(app, "10.0.0.2").login("admin").status_code == 302  # the office, where they logged in before
    assert browser(app, "10.0.0.3").login("admin").status_code == 429  # anywhere else: still locked
    clock.advance(days=31)
    for _ in range(5):
        attacker.login("admin", "Wrong-password-1")
    assert browser(app, "10.0.0.2").login("admin").status_code == 429  # a month without logging in from there


def test_an_unknown_account_locks_the_same_way(app):
    attacker = browser(app, "10.0.0.9")
    codes = [attacker.login("nobody", "Wrong-password-1").status_code for _ in range(6)]
    assert codes == [401, 401, 401, 401, 429, 429]


def test_twenty_failures_from_one_address_lock_the_address_for_every_account(app):
    attacker = browser(app, "10.0.0.9")
    for number in range(20):
        attacker.login(f"guess{number}", "Wrong-password-1")
    assert attacker.login("admin").status_code == 429
    assert logged_in(app, "admin", "10.0.0.3")


def test_twenty_failures_from_addresses_of_one_ipv6_network_lock_that_network(app):
    for number in range(20):  # a new address of the same /64 for each guess
        browser(app, f"2001:db8:1:2::{number + 1:x}").login(f"guess{number}", "Wrong-password-1")
    locked = browser(app, "2001:db8:1:2:ffff::1").login("admin")
    assert locked.status_code == 429 and "失败次数过多" in locked.get_data(as_text=True)
    assert logged_in(app, "admin", "2001:db8:1:3::1")  # the next /64 is someone else's


def test_a_flood_of_attempts_on_a_locked_account_is_recorded_once_a_minute(app, runtime, clock, caplog):
    attacker = browser(app, "10.0.0.9")
    for _ in range(5):
        attacker.login("admin", "Wrong-password-1")  # the fifth locks the account

    flood = [attacker.login("admin", "Wrong-password-1").status_code for _ in range(50)]
    clock.advance(minutes=1)
    next_minute = attacker.login("admin", "Wrong-password-1").status_code

    assert set(flood) == {next_minute} == {429}
    with runtime.database.transaction() as session:
        outcomes = [row.outcome for row in console_users.logins(session)]
    assert outcomes.count(LoginOutcome.LOCKED) == 2 and outcomes.count(LoginOutcome.FAILURE) == 5
    assert sum("refused unchecked" in r.getMessage() for r in caplog.records) == 2


def test_a_login_with_a_nul_in_the_username_is_refused_with_a_line_not_a_server_error(app, runtime):
    response = browser(app).login("admin\x00", "Wrong-password-1")

    assert response.status_code == 400 and "空字符" in response.get_data(as_text=True)
    with runtime.database.transaction() as session:
        assert console_users.logins(session) == []  # refused before anything read it (PostgreSQL refuses a NUL)


@pytest.mark.parametrize("path, field", [
    ("/console/appeals/G-XFL/note", "text"), ("/console/appeals/G-XFL/reassign", "target"),
    ("/console/appeals/G-XFL/merge", "into"), ("/console/appeals/G-XFL/transfer", "department"),
    ("/console/community/wishes", "path"),
])
def test_a_form_field_with_a_nul_is_refused_and_changes_nothing(app, path, field):
    person = logged_in(app, "admin")
    response = person.client.post(path, data={"csrf_token": person.token("/console/"), field: "零号\x00测试"})
    assert response.status_code == 400 and "空字符" in response.get_data(as_text=True)
    assert "零号" not in person.get("/console/appeals/G-XFL").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/console/appeals/G-XFL%00", "/console/appeals?q=%00", "/console/appeals?category=a%00",
                                  "/console/users/admin%00/disable", "/console/login?next=/console/%00"])
def test_an_address_with_a_nul_is_refused_with_a_line_not_a_server_error(app, path):
    response = logged_in(app, "admin").get(path)
    assert response.status_code == 400 and "空字符" in response.get_data(as_text=True)


def test_every_attempt_is_in_the_login_record(app, runtime):
    browser(app, "10.0.0.5").login("admin", "Wrong-password-1")
    logged_in(app, "admin", "10.0.0.5")
    with runtime.database.transaction() as session:
        rows = [(row.username, row.outcome, row.detail, row.ip) for row in console_users.logins(session)]
    assert rows == [("admin", LoginOutcome.SUCCESS, "ok", "10.0.0.5"),
                    ("admin", LoginOutcome.FAILURE, "wrong_password", "10.0.0.5")]
    page = logged_in(app, "admin").get("/console/logins").get_data(as_text=True)
    assert "密码错误" in page and "10.0.0.5" in page


@pytest.mark.parametrize("typed", ["13812345678", "+8613812345678", "+86 138 1234 5678", "138-1234-5678"],
                         ids=["digits", "+86 (a phone's autofill)", "spaced", "dashed"])
def test_the_login_log_lines_name_no_phone_number(app, caplog, typed):
    browser(app).login(typed, "Wrong-password-1")
    assert "1234" not in caplog.text and "138****5678" in caplog.text


def test_a_login_returns_to_the_page_asked_for_but_never_to_another_site(app):
    person = browser(app)
    assert person.login("admin", next="/console/appeals?queue=overdue").headers["Location"] == \
        "/console/appeals?queue=overdue"
    assert browser(app).login("admin", next="https://evil.example/console/").headers["Location"] == "/console/"
    assert browser(app).login("admin", next="//evil.example/console/").headers["Location"] == "/console/"


@pytest.mark.parametrize("target", ["/console/\r\nSet-Cookie: x=1", "/console/appeals\n"])  # a NUL: 400, below
def test_a_login_with_a_control_character_in_its_next_page_goes_home_instead_of_failing(app, target):
    person = browser(app)
    assert person.login("admin", next=target).headers["Location"] == "/console/"
    assert person.get("/console/login", query_string={"next": target}).headers["Location"] == "/console/"


# --- the session ends ------------------------------------------------------------------------------------------

def test_a_session_ends_after_the_idle_timeout(app, clock):
    person = logged_in(app, "admin")
    clock.advance(minutes=29)
    assert person.get("/console/").status_code == 200
    clock.advance(minutes=29)
    assert person.get("/console/").status_code == 200  # each request starts the idle time again
    clock.advance(minutes=31)
    response = person.get("/console/")
    assert response.status_code == 302 and "expired=1" in response.headers["Location"]
    assert "登录已过期" in person.get(response.headers["Location"]).get_data(as_text=True)


def test_a_session_ends_after_its_lifetime_however_busy(app, clock):
    person = logged_in(app, "admin")
    for _ in range(12 * 3):  # a request every 20 minutes for 12 hours
        clock.advance(minutes=20)
        assert person.get("/console/").status_code == 200
    clock.advance(minutes=1)
    assert person.get("/console/").status_code == 302


def test_a_new_password_ends_the_sessions_logged_in_with_the_old_one(app, runtime, clock):
    person = logged_in(app, "admin")
    clock.advance(seconds=1)
    with runtime.database.transaction() as session:
        console_users.set_password(session, "admin", "Another-pass-2026", clock())
    assert person.get("/console/").status_code == 302
    assert person.login("admin").status_code == 401
    assert person.login("admin", "Another-pass-2026").status_code == 302


def test_a_disabled_account_is_logged_out_and_cannot_log_in(app, runtime, clock):
    person = logged_in(app, "street")
    clock.advance(seconds=1)
    with runtime.database.transaction() as session:
        console_users.disable(session, "street", clock())
    assert person.get("/console/").status_code == 302
    refused = person.login("street")
    assert refused.status_code == 401 and "用户名或密码不正确" in refused.get_data(as_text=True)
    with runtime.database.transaction() as session:
        assert session.scalars(select(ConsoleLogin.detail).order_by(ConsoleLogin.id.desc())).first() == "disabled"


# --- cookies and headers ---------------------------------------------------------------------------------------

def test_the_session_cookie_is_http_only_same_site_and_secure_over_https(app):
    response = browser(app).login("admin")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie and "Path=/console" in cookie


def test_the_session_cookie_is_not_secure_when_the_public_url_is_plain_http(runtime, clock):
    from bot.web.runtime import Runtime

    plain = Runtime(runtime.settings.with_(public_url="http://127.0.0.1:8000"), clock=clock,
                    database=runtime.database)
    cast(runtime.database, clock())
    client = create_app(runtime=plain).test_client()
    cookie = Browser(client).login("admin").headers["Set-Cookie"]
    assert "Secure" not in cookie and "HttpOnly" in cookie


@pytest.mark.parametrize("path", ["/console/login", "/console/"])
def test_pages_forbid_framing_and_inline_script_and_are_never_stored(app, path):
    response = logged_in(app, "admin").get(path)
    assert response.headers["Content-Security-Policy"] == CSP
    assert "frame-ancestors 'none'" in CSP and "unsafe-inline" not in CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_pages_have_no_inline_script_or_style(app):
    person = logged_in(app, "admin")
    for path in ("/console/login", "/console/", "/console/appeals", "/console/appeals/G-XFL", "/console/logins"):
        page = person.get(path).get_data(as_text=True)
        assert "<script>" not in page and "<style" not in page and " style=" not in page and "onclick" not in page


def test_vendored_echarts_is_served_with_a_long_cache_lifetime(visitor):
    response = visitor.get("/console/static/vendor/echarts-6.1.0/echarts.min.js")
    assert response.status_code == 200 and b"echarts" in response.data[:2000].lower()
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "no-store" not in response.headers["Cache-Control"]
    response.close()


def test_a_static_file_neither_reads_nor_renews_the_session(app):
    person = logged_in(app, "admin")
    response = person.get("/console/static/console.css")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert "max-age=3600" in response.headers["Cache-Control"]
    response.close()


def test_on_a_phone_a_cell_without_a_heading_gets_no_lone_colon(app):
    """A phone shows each row as a card of "heading：value" lines; the cell of buttons (停用, 撤销, 查看) has no
    heading, and a lone "：" above its button reads as a value gone missing."""
    css = stylesheet(logged_in(app, "admin"))
    assert 'td:not([data-label])::before, td[data-label=""]::before { content: none; }' in css


def test_on_a_phone_a_total_rows_empty_cells_are_not_shown(app):
    """The 合计 row of the rates has no 排名: a card line "排名：" with nothing after it reads as a value missing."""
    person = logged_in(app, "admin")
    total = person.get("/console/rates").get_data(as_text=True).split('id="rates-total"')[1].split("</tr>")[0]
    css = stylesheet(person)

    assert '<td data-label="排名"></td>' in total
    assert "td:empty { display: none; }" in css.split("@media (max-width: 640px)")[1].split("\n}")[0]


def test_on_a_phone_the_nav_links_take_a_line_of_their_own_below_the_name(app):
    """A 社区 account's name and 退出 fit beside the links, which were then squeezed into a column five lines tall."""
    css = stylesheet(logged_in(app, "admin"))

    phone = css.split("@media (max-width: 640px) {", 1)[1].split("\n}", 1)[0]
    assert ".nav { order: 1; flex-basis: 100%; }" in phone and ".who { margin-left: auto; }" in phone


def test_on_a_phone_a_long_link_in_an_appeal_or_a_notice_wraps_instead_of_widening_the_page(app):
    """A notice's https://mp.weixin.qq.com/s/… (or a resident's order number) is one word wider than a phone: the
    page slid sideways and the operator read every line by scrolling."""
    css = stylesheet(logged_in(app, "admin"))

    phone = css.split("@media (max-width: 640px) {", 1)[1].split("\n}", 1)[0]
    assert "td, dd, .message, .timeline li { overflow-wrap: anywhere; }" in phone


def test_on_a_phone_every_button_tab_and_first_tap_is_a_fingertip_tall(app):
    """退出, 采用建议, 确认 and the queue tabs were 28–32 px tall on a phone: an operator's thumb hit the neighbour."""
    css = stylesheet(logged_in(app, "admin"))

    phone = css.split("@media (max-width: 640px) {", 1)[1].split("\n}", 1)[0]
    assert "button, .tabs a, .pager a { min-height: 44px; }" in phone
    assert ".confirm-first summary { padding: .65rem 0; }" in phone  # 24 px of text and 21 of padding


def test_on_a_phone_a_field_is_16_px_so_tapping_it_does_not_zoom_the_page(app):
    """The console's 15 px fields made an iPhone zoom into the page at every tap on the login or a filter."""
    css = stylesheet(logged_in(app, "admin"))

    phone = css.split("@media (max-width: 640px) {", 1)[1].split("\n}", 1)[0]
    assert "input, select, textarea { font-size: 16px !important; }" in phone


def test_without_redis_to_count_failures_nobody_logs_in(app, runtime, monkeypatch):
    import redis

    def unreachable():
        raise redis.ConnectionError("down")

    monkeypatch.setattr(runtime, "redis", unreachable)
    response = browser(app).login("admin")
    assert response.status_code == 503 and "暂时不可用" in response.get_data(as_text=True)


def test_a_redis_refusing_writes_is_logged_with_its_reason_at_a_refused_login(app, runtime, monkeypatch, caplog):
    import redis

    def refusing():
        raise redis.ResponseError("MISCONF Errors writing to the AOF file: No space left on device")

    monkeypatch.setattr(runtime, "redis", refusing)
    assert browser(app).login("admin").status_code == 503
    assert "ResponseError: MISCONF Errors writing to the AOF file: No space left on device" in caplog.text


def test_without_redis_a_logged_in_operator_keeps_working_and_can_log_out(app, runtime, monkeypatch):
    import redis

    person = logged_in(app, "admin")

    def unreachable():
        raise redis.ConnectionError("down")

    monkeypatch.setattr(runtime, "redis", unreachable)
    assert person.get("/console/").status_code == 200
    assert person.logout().status_code == 302
    assert person.get("/console/").status_code == 302


OPEN_ENDPOINTS = {"console.login", "console.login_submit", "console.logout", "console.static"}


def test_every_console_route_but_the_login_sends_a_visitor_to_the_login_page(app, visitor):
    """Walks the app's routes, so that a page added later without @login_required fails here."""
    routes = [rule for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("console.") and rule.endpoint not in OPEN_ENDPOINTS]
    assert len(routes) >= 4
    for rule in routes:
        # A ticket where a route takes text, a number where it takes one (<int:…>).
        path = rule.build({name: 1 if isinstance(rule._converters[name], IntegerConverter) else "G-XFL"
                           for name in rule.arguments})[1]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = visitor.client.open(path, method=method, data={"csrf_token": visitor.token()})
            if getattr(app.view_functions[rule.endpoint], "passive", False):  # a page's script: no redirect
                assert response.status_code == 401, (method, path)
                continue
            assert response.status_code == 302, (method, path)
            assert response.headers["Location"].startswith("/console/login"), (method, path)



def test_only_the_console_opens_its_session_other_paths_ignore_the_cookie(app):
    cookie = logged_in(app, "admin").client.get_cookie("gridbot_console", path="/console")
    assert cookie is not None
    sent = {"Cookie": f"gridbot_console={cookie.value}"}
    for path, opened in (("/console/", True), ("/console", True), ("/healthz", False), ("/wechat", False),
                         ("/consolex", False)):
        with app.test_request_context(path, headers=sent):
            session = app.session_interface.open_session(app, request)
            assert (session is not None and bool(session)) == opened, path


def test_a_login_form_of_thousands_of_fields_is_refused_unparsed_with_its_own_line(app, runtime):
    visitor = browser(app)
    token = visitor.token()
    body = f"csrf_token={token}&username=admin&password=x&" + "&".join(f"f{n}=" for n in range(5000))

    response = visitor.client.post("/console/login", data=body, content_type="application/x-www-form-urlencoded")

    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "提交的内容太多" in page and "文件" not in page
    with runtime.database.transaction() as session:
        assert console_users.logins(session) == []


def test_a_form_over_the_form_bound_is_refused_with_the_form_line_not_the_import_file_line(app):
    person = logged_in(app, "admin")
    response = person.client.post("/console/appeals/G-XFL/note",
                                  data={"csrf_token": person.token("/console/"), "text": "长" * 800_000})

    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "提交的内容太多" in page and "文件太大" not in page
    assert "长长长" not in person.get("/console/appeals/G-XFL").get_data(as_text=True)
