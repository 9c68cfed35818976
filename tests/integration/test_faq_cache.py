"""The webhook's FAQ index: built once, checked with one cheap query per interval, rebuilt only after a change."""

import pytest
from sqlalchemy import event, select

from handlers.faq_cache import REFRESH_INTERVAL, FaqCache
from nlp import KeywordClassifier, load_taxonomy
from storage import faq, faq_import
from storage.faq_import import FaqRow
from storage.models import FaqEntry

pytestmark = pytest.mark.postgres

PERMIT = FaqRow(2, "居住证怎么办理", "带身份证到社区服务站登记。", "居住证在哪里办", "")
MEAL_CARD = FaqRow(3, "养老助餐卡怎么办", "带身份证到社区服务站登记。", "", "")


@pytest.fixture(scope="module")
def tokenize():
    return KeywordClassifier(load_taxonomy()).tokenize


class Statements:
    """Counts the SQL statements on the FAQ table that a database runs."""

    def __init__(self, database):
        self.count = 0
        event.listen(database.engine, "before_cursor_execute", self._seen)

    def _seen(self, _connection, _cursor, statement, *_args):
        self.count += "faq_entries" in statement


def lookup(database, cache, clock, tokenize):
    with database.transaction() as session:
        tiers, entries = cache.lookup(session, clock(), tokenize)
    return tiers.district, entries


def test_within_the_interval_no_statement_is_run(database, clock, tokenize):
    with database.transaction() as session:
        faq_import.apply(session, [PERMIT], clock())
    cache = FaqCache()
    first, _ = lookup(database, cache, clock, tokenize)
    statements = Statements(database)

    clock.advance(seconds=REFRESH_INTERVAL.total_seconds() - 1)
    again, _ = lookup(database, cache, clock, tokenize)

    assert again is first and statements.count == 0
    assert first.match("居住证在哪里办") is not None


def test_after_the_interval_one_query_checks_and_an_unchanged_table_keeps_its_index(database, clock, tokenize):
    with database.transaction() as session:
        faq_import.apply(session, [PERMIT], clock())
    cache = FaqCache()
    first, _ = lookup(database, cache, clock, tokenize)
    statements = Statements(database)

    clock.advance(seconds=REFRESH_INTERVAL.total_seconds())
    again, _ = lookup(database, cache, clock, tokenize)

    assert again is first and statements.count == 1


def test_an_import_is_seen_at_the_next_check(database, clock, tokenize):
    with database.transaction() as session:
        faq_import.apply(session, [PERMIT], clock())
    cache = FaqCache()
    lookup(database, cache, clock, tokenize)
    clock.advance(seconds=5)
    with database.transaction() as session:
        faq_import.apply(session, [PERMIT, MEAL_CARD], clock())

    assert lookup(database, cache, clock, tokenize)[0].match("养老助餐卡怎么办") is None  # not checked yet
    clock.advance(seconds=REFRESH_INTERVAL.total_seconds())
    index, entries = lookup(database, cache, clock, tokenize)

    found = index.match("养老助餐卡怎么办")
    assert found is not None and entries[found.entry_id].question == "养老助餐卡怎么办"


def test_disabling_and_enabling_within_the_same_second_are_both_seen(database, clock, tokenize):
    with database.transaction() as session:
        faq_import.apply(session, [PERMIT, MEAL_CARD], clock())
        versions = [faq.version(session)]
        entry_id = session.scalars(select(FaqEntry.id).where(FaqEntry.question == PERMIT.question)).one()
        faq.set_active(session, entry_id, False, clock())
        versions.append(faq.version(session))
        faq.set_active(session, entry_id, True, clock())
        versions.append(faq.version(session))
    cache = FaqCache()
    clock.advance(seconds=1)
    with database.transaction() as session:
        faq.set_active(session, entry_id, False, clock())
    _, entries = lookup(database, cache, clock, tokenize)

    assert versions[0] != versions[1] and versions[1] != versions[2]
    assert [entry.question for entry in entries.values()] == [MEAL_CARD.question]
