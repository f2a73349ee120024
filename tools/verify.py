"""After a write, compare what was asked with what Zoom now holds: a write succeeds only if they match.

Zoom answers 201/204 to requests it silently ignores or alters (a past start, recurrence on a meeting of the
wrong type, an unknown setting), so a success status alone proves nothing to a model that will tell a person
"moved" or "set up weekly".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from zoom_mcp.server.zoom.models import Meeting, MeetingRequest, Recurrence
from zoom_mcp.tools.times import utc_text

_MAX_VALUE = 80


@dataclass(frozen=True)
class Difference:
    field: str
    asked: object
    held: object

    def describe(self) -> str:
        return f"{self.field}: asked {_short(self.asked)}, Zoom holds {_short(self.held)}"


def _short(value: object) -> str:
    text = "nothing" if value is None or value == "" else str(value)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def differences(
    asked: MeetingRequest, held: Meeting, *, start: datetime | None, series_start: bool = False
) -> list[Difference]:
    """Every field of `asked` that Zoom does not hold as asked.

    `start` is the asked start instant. With `series_start` (a new fixed-time series) Zoom moves the start to
    the first occurrence, which may fall on a later day: then only the local time of day must match, and the
    first occurrence must not come before the asked start.
    """
    found: list[Difference] = []

    def check(field: str, wanted: object, actual: object) -> None:
        if wanted is not None and wanted != actual:
            found.append(Difference(field, wanted, actual))

    check("topic", asked.topic, held.topic)
    check("duration", asked.duration, held.duration)
    check("timezone", asked.timezone, held.timezone)
    check("agenda", asked.agenda, held.agenda or "")
    check("password", asked.password, held.password)
    check("type", asked.type, held.type)
    if start is not None:
        held_start = _instant(held.start_time)
        if not _same_start(start, held_start, held.timezone, series_start=series_start):
            found.append(
                Difference("start_time", utc_text(start), utc_text(held_start) if held_start is not None else None)
            )
    if asked.recurrence is not None:
        found += _recurrence_differences(asked.recurrence, held.recurrence)
    if asked.settings is not None:
        held_settings = held.settings.model_dump() if held.settings is not None else {}
        for name, value in asked.settings.model_dump(exclude_none=True).items():
            check(f"settings.{name}", value, held_settings.get(name))
    return found


def _same_start(asked: datetime, held: datetime | None, timezone: str | None, *, series_start: bool) -> bool:
    if held is None:
        return False
    if not series_start:
        return abs(held - asked) < timedelta(seconds=1)
    zone = ZoneInfo(timezone) if timezone else UTC
    same_time_of_day = held.astimezone(zone).time() == asked.astimezone(zone).time()
    return same_time_of_day and held >= asked - timedelta(seconds=1)


def _recurrence_differences(asked: Recurrence, held: Recurrence | None) -> list[Difference]:
    if held is None:
        return [Difference("recurrence", "a recurring series", None)]
    found: list[Difference] = []
    wanted = asked.model_dump(exclude_none=True)
    actual = held.model_dump()
    wanted.setdefault("repeat_interval", 1)
    for name, value in wanted.items():
        held_value = actual.get(name)
        if name == "end_date_time":
            if _instant(value) != _instant(held_value):
                found.append(Difference("recurrence.end_date_time", value, held_value))
        elif name == "weekly_days":
            if _days(value) != _days(held_value):
                found.append(Difference("recurrence.weekly_days", value, held_value))
        elif value != held_value:
            found.append(Difference(f"recurrence.{name}", value, held_value))
    return found


def _days(value: object) -> set[str]:
    return {part.strip() for part in str(value or "").split(",") if part.strip()}


def describe(found: list[Difference]) -> str:
    return "; ".join(difference.describe() for difference in found)
