"""Fuzzing the console: every form and JSON route, logged in as the 管理员 (who reaches them all) with a valid CSRF
token, with generated paths, query strings, form fields, uploads and JSON bodies. Never a 500, never a traceback in
the page, JSON routes answer JSON, and a POST that does not succeed (anything but its redirect) writes nothing.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from bot.web.app import create_app
from storage.org_import import COLUMNS as ORG_COLUMNS
from tests.fuzz.invariants import changed, half_written, row_counts
from tests.fuzz.strategies import characters, free_text, long_text, ticket_like
from tests.fuzz.test_cli_fuzz import sheet_files
from tests.support.console import PASSWORD, browser, cast, logged_in

# What the console's templates and views name; a form may carry any of them, and more.
FIELDS = ("text", "category", "to", "scope", "password", "from", "username", "urgent", "role", "reason", "kind",
          "audience", "at", "again", "where", "upload", "ttl_hours", "target", "status", "reach", "queue",
          "question", "q", "place", "path", "once", "note", "next", "name", "month", "into", "grid", "department",
          "confirm", "community", "channel", "by", "back", "answer", "alternates", "building", "phone", "work_phone",
          "token", "page", "after", "count", "done", "who", "saved", "expired", "out", "review")
TICKETS = ("G-XFL", "G-HP", "G-PA")  # tests/support/console.py: in scope of every account, and of the 管理员
USERNAMES = ("street", "xingfuli")  # never the 管理员's own: a changed password would end the session
POSTS = (
    *(f"/console/appeals/{{ticket}}/{action}" for action in (
        "reclassify", "reassign", "transfer", "reject", "withdraw", "merge", "split", "pause", "resume", "note",
        "message", "supervise")),
    "/console/community/enrolments/{number}/confirm", "/console/community/enrolments/{number}/decline",
    "/console/community/wishes", "/console/community/wishes/{code}/cancel",
    "/console/users", "/console/users/{username}/disable", "/console/users/{username}/enable",
    "/console/users/{username}/password",
    "/console/faq", "/console/faq/{number}", "/console/faq/{number}/delete",
    "/console/org/import", "/console/org/import/apply", "/console/org/rename",
    "/console/staff/invite", "/console/staff/invites/{number}/revoke", "/console/staff/{number}/disable",
    "/console/taxonomy", "/console/taxonomy/versions/{number}/restore",
    "/console/notices/new", "/console/notices/edit", "/console/notices/send", "/console/notices/{code}/cancel",
)
GETS = (
    "/console/", "/console/appeals", "/console/appeals.csv", "/console/appeals/{ticket}", "/console/logins",
    "/console/rates", "/console/rates.csv", "/console/dashboard", "/console/dashboard.json", "/console/community",
    "/console/community/points.csv", "/console/users", "/console/templates", "/console/faq", "/console/faq/new",
    "/console/faq/{number}", "/console/org", "/console/org/export.xlsx", "/console/org/grids/{code}",
    "/console/org/posters/{code}/{number}", "/console/staff", "/console/taxonomy",
    "/console/taxonomy/versions/{number}", "/console/notices", "/console/notices/new", "/console/notices/{code}",
    "/console/notices/{code}/progress.json", "/console/login", "/n/{code}", "/media/{code}",
)
# Opening an appeal records who looked (查阅) in its trail and counts the lookup: the only writes a page makes.
LOOKUPS = ("appeal_events", "access_counters")
SHOWN_ONCE = ("/console/staff/invite",)  # a new invite's code is shown on the page that made it, not redirected to
TRACES = ("Traceback", 'File "', "Internal Server Error")


def values() -> st.SearchStrategy[str]:
    return st.one_of(st.dates().map(str), st.sampled_from(["9999-12-31", "0001-01-01", "²", "2026-3-1"]),free_text(60), st.text(characters(), max_size=20), ticket_like(), st.sampled_from(TICKETS),
                     st.sampled_from(["1", "0", "-1", "99999999999999999999", "on", "yes", "全部", "幸福街道/幸福里社区",
                                      "幸福里社区/第一网格", "2026-11", "2026-13-45", "管理员", "社区", "物业服务", ""]),
                     long_text().map(lambda text: text[:5000]))


def paths(templates: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda template, ticket, number, code, username: template.format(
            ticket=ticket, number=number, code=code, username=username),
        st.sampled_from(templates), st.one_of(st.sampled_from(TICKETS), ticket_like()),
        st.integers(-1, 2**63 + 1), st.one_of(ticket_like(), st.text(characters(), min_size=1, max_size=10)),
        st.one_of(st.sampled_from(USERNAMES), st.text(characters(), min_size=1, max_size=10)))


def forms() -> st.SearchStrategy[dict[str, object]]:
    return st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(characters(), min_size=1, max_size=8)),
                           st.one_of(values(), st.lists(values(), min_size=2, max_size=3)), max_size=6)


@pytest.fixture
def operator(runtime, clock, redis_client):  # type: ignore[no-untyped-def]
    """The 管理员's browser, logged in, the CSRF token its pages carry, and what was half-written already (the
    cast's appeals are made without their trail)."""
    cast(runtime.database, clock())
    person = logged_in(create_app(runtime=runtime), "admin")
    person.fresh_pace = redis_client.flushdb  # see fresh_pace()
    return person, person.token("/console/"), set(half_written(runtime.database))


def fresh_pace(person) -> None:  # type: ignore[no-untyped-def]
    """Forget the actions counted so far (bot/rate.py keeps them in Redis; the session is in the cookie): past a few
    dozen an account is paced with 429, and the long profile's examples would test that alone."""
    person.fresh_pace()


def assert_clean(response) -> str:  # type: ignore[no-untyped-def]
    event(f"status {response.status_code}")
    body = response.get_data().decode("utf-8", "replace")  # a download (.xlsx, a poster) is bytes
    assert response.status_code < 500, body[:2000]
    assert not any(trace in body for trace in TRACES), body[:2000]
    return body


def assert_a_refusal_wrote_nothing(path: str, response, before: dict[str, int], database) -> None:  # type: ignore[no-untyped-def]
    """Unless the POST succeeded (its redirect, or the page that shows a new invite once), nothing was written."""
    if response.status_code in (302, 303) or (path in SHOWN_ONCE and response.status_code == 200):
        return
    assert row_counts(database) == before, f"{path} answered {response.status_code} but wrote"


def _url_safe(text: str) -> str:
    return text.replace("\x00", "").replace("/", "／") or "x"


@given(path=paths(POSTS), form=forms(), with_token=st.booleans())
@example(path="/console/appeals/G-XFL/reclassify", form={"category": "物业服务" * 2000}, with_token=True)
@example(path="/console/users", form={"username": "新账号", "role": "社区", "scope": "不存在的社区", "password": "Aa1!" * 3},
         with_token=True)
# "²" passes isdigit() but not int(): the invite's hours and grid were a 500 (storage/typed_ids.py).
@example(path="/console/staff/invite", form={"role": "网格员", "ttl_hours": "²", "grid": "1"}, with_token=True)
@example(path="/console/staff/invite", form={"role": "网格员", "ttl_hours": "24", "grid": "²"}, with_token=True)
# A number past 64 bits in an <int:…> route overflowed the query (bot/web/app.py's RowId).
@example(path=f"/console/community/enrolments/{2**63}/confirm", form={}, with_token=True)
@example(path=f"/console/staff/{2**63}/disable", form={}, with_token=True)
def test_any_form_posted_to_any_console_route_gets_no_server_error_and_a_refusal_writes_nothing(
    operator, seeded, path: str, form: dict[str, object], with_token: bool
) -> None:  # type: ignore[no-untyped-def]
    person, token, known = operator
    fresh_pace(person)
    data = {**form, **({"csrf_token": token} if with_token else {})}
    before = row_counts(seeded)

    response = person.client.post(path.replace("\x00", ""), data=data)

    assert_clean(response)
    assert_a_refusal_wrote_nothing(path, response, before, seeded)
    assert set(half_written(seeded)) <= known


@given(path=paths(GETS), query=forms())
@example(path="/console/appeals", query={"from": "2026-02-30", "to": "9999-99-99", "q": "\x00" * 60})
# Each a 500 once: the day after the last, the UTC time of the first day's Beijing midnight (day_words.py).
@example(path="/console/appeals", query={"to": "9999-12-31"})
@example(path="/console/appeals.csv", query={"from": "0001-01-01"})
@example(path="/console/rates", query={"from": "9999-12-01", "to": "9999-12-31"})
@example(path="/console/rates.csv", query={"from": "0001-01-01", "to": "0001-01-02"})
@example(path="/console/dashboard.json", query={"from": "9999-12-01", "to": "9999-12-31"})
@example(path="/console/dashboard.json", query={"from": "0001-01-01", "to": "9999-12-31", "by": "x"})
@example(path=f"/console/faq/{2**63}", query={})
def test_any_query_on_any_console_page_or_json_route_gets_no_server_error(
    operator, seeded, path: str, query: dict[str, object]
) -> None:  # type: ignore[no-untyped-def]
    person, _token, _known = operator
    before = row_counts(seeded)

    response = person.get(path.replace("\x00", ""), query_string=query)

    assert_clean(response)
    if response.status_code == 200 and response.mimetype == "application/json":
        json.loads(response.get_data(as_text=True))
    assert not changed(before, row_counts(seeded), ignore=LOOKUPS)


@given(path=paths(POSTS), body=st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), values()),
                                            lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                                    st.dictionaries(st.sampled_from(FIELDS), inner,
                                                                                    max_size=4)), max_leaves=8))
def test_a_json_body_posted_to_any_console_route_gets_no_server_error_and_a_refusal_writes_nothing(operator, seeded, path: str,
                                                                               body: object) -> None:  # type: ignore[no-untyped-def]
    person, token, known = operator
    fresh_pace(person)
    before = row_counts(seeded)

    # The token in its header, as the console's scripts send it: the body is all that is odd.
    response = person.client.post(path.replace("\x00", ""), json=body, headers={"X-CSRF-Token": token})

    assert_clean(response)
    assert_a_refusal_wrote_nothing(path, response, before, seeded)


@given(upload=st.one_of(st.binary(max_size=2000), st.text(characters(), max_size=300).map(str.encode),
                        sheet_files(list(ORG_COLUMNS.values())).map(lambda file: file[1])),
       name=st.one_of(st.sampled_from(["org.csv", "org.xlsx", "org.xls", "", "..", "../../etc/passwd"]),
                      st.text(characters(), max_size=20).map(_url_safe)))
@example(upload="街道,社区,网格,小区,楼栋,单元\r\n平安街道,平安社区,第一网格,,1号楼,1单元\r\n".encode("utf-16"), name="org.csv")
def test_any_file_uploaded_to_the_organisation_import_is_previewed_or_refused_and_writes_nothing(
    operator, seeded, upload: bytes, name: str
) -> None:  # type: ignore[no-untyped-def]
    import io

    person, token, known = operator
    fresh_pace(person)
    before = row_counts(seeded)

    response = person.client.post("/console/org/import", data={"csrf_token": token, "file": (io.BytesIO(upload), name)},
                                  content_type="multipart/form-data")

    assert_clean(response)
    assert row_counts(seeded) == before  # the upload only previews; /org/import/apply imports


@given(username=st.one_of(st.sampled_from(["admin", "street", "ADMIN ", "ａｄｍｉｎ"]), values()),
       password=st.one_of(st.just(PASSWORD), values()),
       next_page=st.one_of(st.sampled_from(["//evil.example/", "https://evil.example/", "/\\evil.example", "\\\\x",
                                            "/console/appeals?q=1", "javascript:alert(1)", "/console/../../etc"]),
                           values()))
@example(username="admin", password=PASSWORD, next_page="//evil.example/")
def test_any_login_form_gets_no_server_error_and_never_sends_the_operator_off_site(
    operator, seeded, username: str, password: str, next_page: str
) -> None:  # type: ignore[no-untyped-def]
    person, _token, _known = operator
    visitor = browser(person.client.application, "10.0.0.9")

    response = visitor.login(username.replace("\x00", ""), password.replace("\x00", ""), next=next_page)

    assert_clean(response)
    if response.status_code in (301, 302, 303):
        target = urlsplit(response.headers["Location"])
        assert target.netloc in ("", "localhost"), response.headers["Location"]
        assert target.path.startswith("/") and not target.path.startswith("//")
