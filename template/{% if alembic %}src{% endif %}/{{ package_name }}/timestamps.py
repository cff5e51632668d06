"""Timestamps: stored with microseconds, shown by the API timezone-aware, in UTC."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator
from sqlalchemy import DateTime
from sqlalchemy.dialects import mysql

# MySQL's DATETIME keeps whole seconds unless given a fractional precision.
Timestamp = DateTime(timezone=True).with_variant(mysql.DATETIME(timezone=True, fsp=6), "mysql")


def utc_now() -> datetime:
    """A column default set by the service: the databases' own clocks (SQLite's
    CURRENT_TIMESTAMP, MySQL's NOW()) keep whole seconds, so rows written within one
    second would tie and list in any order."""
    return datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    # SQLite keeps no offset: its naive values were written in UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
