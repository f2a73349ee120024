"""Zoom's wire formats for dates and times.

Zoom answers every instant in UTC as ``yyyy-MM-ddTHH:mm:ssZ`` (no fraction) and accepts either that
form or a naive local time that is read in the request's ``timezone``.
"""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Clock = Callable[[], datetime]

_REQUEST_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?P<utc>Z)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def system_clock() -> datetime:
    return datetime.now(UTC)


def format_utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def whole_seconds(instant: datetime) -> datetime:
    return instant.replace(microsecond=0)


def zone(name: str) -> ZoneInfo | None:
    """The IANA zone called ``name``, or None when it does not exist."""
    if not name or name.startswith(("/", ".")):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_request_time(text: str, timezone: ZoneInfo) -> datetime | None:
    """Read a request ``start_time``: ``...Z`` is UTC, a naive value is local to ``timezone``."""
    match = _REQUEST_TIME.fullmatch(text)
    if match is None:
        return None
    try:
        naive = datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None
    if match.group("utc"):
        return naive.replace(tzinfo=UTC)
    return naive.replace(tzinfo=timezone).astimezone(UTC)


def parse_utc_time(text: str) -> datetime | None:
    """Read a value Zoom documents as UTC-only (``yyyy-MM-ddTHH:mm:ssZ``)."""
    if not text.endswith("Z"):
        return None
    return parse_request_time(text, ZoneInfo("UTC"))


def parse_date(text: str) -> date | None:
    if _DATE.fullmatch(text) is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def next_utc_midnight(instant: datetime) -> datetime:
    start_of_day = instant.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return start_of_day + timedelta(days=1)


def epoch_millis(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)
