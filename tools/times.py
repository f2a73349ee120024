"""Start times a model cannot get wrong: one instant, or a refusal that names the candidates.

Zoom reads a start_time without offset in a timezone, and silently shifts a local time that does not exist
(the hour skipped when clocks go forward) or picks one of the two instants of a local time that happens
twice (when clocks go back). So every start is resolved here, to one UTC instant, before anything is sent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from zoom_mcp.tools.errors import InvalidArguments


def utc_text(instant: datetime) -> str:
    """Zoom's UTC form: yyyy-MM-ddTHH:mm:ssZ."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _both(naive: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)


def resolve_local(naive: datetime, timezone: str) -> datetime:
    """The one instant `naive` names in `timezone`; a ToolError naming both candidates when there are two."""
    zone = ZoneInfo(timezone)
    early, late = _both(naive, zone)
    if early.utcoffset() == late.utcoffset():
        return early.astimezone(UTC)
    wall = naive.strftime("%Y-%m-%dT%H:%M:%S")
    if early.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive:
        # The local time happens twice: clocks went back and repeated this hour.
        first, second = sorted((early.astimezone(UTC), late.astimezone(UTC)))
        raise InvalidArguments(
            f"start_time {wall} happens twice in {timezone} (the clocks go back that night): "
            f"{first.astimezone(zone).isoformat()} ({utc_text(first)}) or "
            f"{second.astimezone(zone).isoformat()} ({utc_text(second)}). Give start_time with the offset you mean."
        )
    # The local time does not exist: clocks skipped this hour. fold=1 reads it with the offset in force
    # before the jump, fold=0 with the one after; both shown on the wall clock as they really are.
    before, after = sorted((early.astimezone(UTC), late.astimezone(UTC)))
    raise InvalidArguments(
        f"start_time {wall} does not exist in {timezone} (the clocks skip that hour): did you mean "
        f"{before.astimezone(zone).isoformat()} ({utc_text(before)}) or "
        f"{after.astimezone(zone).isoformat()} ({utc_text(after)})? Give start_time with that offset."
    )


def resolve_start(start_time: str, timezone: str | None, *, missing_zone_hint: str) -> datetime:
    """`start_time` as a UTC instant: its own offset, else read in `timezone`; `missing_zone_hint` when neither."""
    moment = datetime.fromisoformat(start_time.replace("z", "Z"))
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    if timezone is None:
        raise InvalidArguments(missing_zone_hint)
    return resolve_local(moment, timezone)
