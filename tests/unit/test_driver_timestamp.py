"""Driver SQL's timestamps are stored exactly as SQLAlchemy stores a UTCDateTime column's values, so that rows
written either way compare and sort as the same text on SQLite."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from storage.driver_sql import parse_timestamp, timestamp
from storage.models import UTCDateTime

BEIJING = timezone(timedelta(hours=8))
MOMENTS = [datetime(2026, 12, 5, 12, 0, 0, tzinfo=timezone.utc),  # no microseconds: still written
           datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc),
           datetime(2026, 12, 6, 0, 30, 0, 250000, tzinfo=BEIJING),  # another zone: stored as UTC
           datetime(999, 1, 1, tzinfo=timezone.utc), datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)]


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_a_sqlite_timestamp_is_the_text_sqlalchemy_writes(moment: datetime) -> None:
    engine = create_engine("sqlite://")
    column = UTCDateTime()
    by_sqlalchemy = column.dialect_impl(engine.dialect).bind_processor(engine.dialect)
    with Session(engine) as session:
        written = timestamp(session, moment)
    assert written == by_sqlalchemy(moment)
    assert parse_timestamp(written) == moment
    assert timestamp(session, None) is None
