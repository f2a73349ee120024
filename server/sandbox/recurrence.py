"""Recurring meetings: checking a ``recurrence`` object and expanding it into occurrences."""

import calendar
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from zoom_mcp.server.sandbox.errors import FieldError
from zoom_mcp.server.sandbox.model import JsonObject, Occurrence
from zoom_mcp.server.sandbox.timeutil import epoch_millis, format_utc, parse_utc_time

DAILY, WEEKLY, MONTHLY = 1, 2, 3
_MAX_INTERVAL = {DAILY: 99, WEEKLY: 50, MONTHLY: 10}
MAX_OCCURRENCES = 60


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_between(value: object, lowest: int, highest: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and lowest <= value <= highest


def _weekly_days(value: object) -> list[int] | None:
    if not isinstance(value, str) or not value:
        return None
    days: list[int] = []
    for part in value.split(","):
        if part.strip() not in {"1", "2", "3", "4", "5", "6", "7"}:
            return None
        days.append(int(part))
    return sorted(set(days))


def check_recurrence(raw: object, meeting_type: int, start: datetime) -> tuple[JsonObject | None, list[FieldError]]:
    """Zoom's normalised echo of ``raw``, or the fields it rejects (named ``recurrence.<key>``)."""
    if not isinstance(raw, dict):
        return None, [FieldError("recurrence")]
    errors: list[FieldError] = []
    kind = raw.get("type")
    if not _is_int(kind) or kind not in _MAX_INTERVAL:
        return None, [FieldError("recurrence.type")]
    assert isinstance(kind, int)
    result: JsonObject = {"type": kind}

    interval = raw.get("repeat_interval", 1)
    if not _int_between(interval, 1, _MAX_INTERVAL[kind]):
        errors.append(FieldError("recurrence.repeat_interval"))
    result["repeat_interval"] = interval

    if kind == WEEKLY:
        days = _weekly_days(raw.get("weekly_days", "1"))
        if days is None:
            errors.append(FieldError("recurrence.weekly_days"))
        else:
            result["weekly_days"] = ",".join(str(d) for d in days)
    elif kind == MONTHLY:
        errors += _check_monthly(raw, start, result)

    errors += _check_end(raw, meeting_type, start, result)
    return (None if errors else result), errors


def _check_monthly(raw: JsonObject, start: datetime, result: JsonObject) -> list[FieldError]:
    if "monthly_week" in raw or "monthly_week_day" in raw:
        errors = []
        week, weekday = raw.get("monthly_week"), raw.get("monthly_week_day")
        if not _is_int(week) or week not in {-1, 1, 2, 3, 4}:
            errors.append(FieldError("recurrence.monthly_week"))
        if not _int_between(weekday, 1, 7):
            errors.append(FieldError("recurrence.monthly_week_day"))
        result["monthly_week"], result["monthly_week_day"] = week, weekday
        return errors
    day = raw.get("monthly_day", start.day)
    result["monthly_day"] = day
    if not _int_between(day, 1, 31):
        return [FieldError("recurrence.monthly_day")]
    return []


def _check_end(raw: JsonObject, meeting_type: int, start: datetime, result: JsonObject) -> list[FieldError]:
    if "end_times" in raw and "end_date_time" in raw:
        return [FieldError("recurrence.end_date_time")]
    if "end_date_time" in raw:
        text = raw["end_date_time"]
        end = parse_utc_time(text) if isinstance(text, str) else None
        if end is None or end < start:
            return [FieldError("recurrence.end_date_time")]
        result["end_date_time"] = format_utc(end)
        return []
    times = raw.get("end_times", 1)
    # 0 means "no end", which only a meeting with no fixed time (type 3) can have.
    lowest = 0 if meeting_type == 3 else 1
    if not _int_between(times, lowest, MAX_OCCURRENCES):
        return [FieldError("recurrence.end_times")]
    result["end_times"] = times
    return []


def expand(recurrence: JsonObject, first_start: datetime, timezone: ZoneInfo, duration: int) -> list[Occurrence]:
    """The occurrences of a fixed-time recurring meeting, at the first start's local time of day."""
    local_start = first_start.astimezone(timezone)
    end_text = recurrence.get("end_date_time")
    end = parse_utc_time(end_text) if isinstance(end_text, str) else None
    limit = MAX_OCCURRENCES if end is not None else int(recurrence.get("end_times", 1)) or MAX_OCCURRENCES
    occurrences: list[Occurrence] = []
    for day in _dates(recurrence, local_start.date()):
        local = datetime.combine(day, local_start.timetz().replace(tzinfo=None), tzinfo=timezone)
        instant = local.astimezone(UTC)
        if day < local_start.date():
            continue
        if (end is not None and instant > end) or len(occurrences) >= limit:
            break
        occurrences.append(Occurrence(str(epoch_millis(instant)), instant, duration))
    return occurrences


def _dates(recurrence: JsonObject, first: date) -> Iterator[date]:
    kind, interval = recurrence["type"], int(recurrence.get("repeat_interval", 1))
    # Bounded so a recurrence that matches no date (say, the 31st in short months) cannot spin.
    for step in range(0, 10 * MAX_OCCURRENCES):
        if kind == DAILY:
            yield first + timedelta(days=step * interval)
        elif kind == WEEKLY:
            sunday = first - timedelta(days=first.isoweekday() % 7)
            week = sunday + timedelta(weeks=step * interval)
            for zoom_day in (int(d) for d in str(recurrence["weekly_days"]).split(",")):
                yield week + timedelta(days=zoom_day - 1)
        else:
            month_index = first.month - 1 + step * interval
            year, month = first.year + month_index // 12, month_index % 12 + 1
            found = _monthly_date(recurrence, year, month)
            if found is not None:
                yield found


def _monthly_date(recurrence: JsonObject, year: int, month: int) -> date | None:
    days_in_month = calendar.monthrange(year, month)[1]
    if "monthly_day" in recurrence:
        day = int(recurrence["monthly_day"])
        return date(year, month, day) if day <= days_in_month else None
    week, zoom_weekday = int(recurrence["monthly_week"]), int(recurrence["monthly_week_day"])
    matching = [
        date(year, month, d)
        for d in range(1, days_in_month + 1)
        if date(year, month, d).isoweekday() % 7 + 1 == zoom_weekday
    ]
    return matching[-1] if week == -1 else matching[week - 1]
