"""list_meetings as a calendar: a date range read in a timezone, recurring series expanded, a topic filter.

Zoom lists each recurring series once (at its next occurrence), so a weekly meeting that falls on a given
day later on is invisible in its list. With a range the server pages through Zoom's list itself, reads
each series' occurrences, and answers every meeting and occurrence that starts within the range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from zoom_mcp.server.zoom import models
from zoom_mcp.server.zoom.client import ZoomClient
from zoom_mcp.tools.errors import InvalidArguments
from zoom_mcp.tools.views import MeetingPage, MeetingSummary, known_zone

# Zoom's page maximum, and how many such pages one call reads: 1,500 meetings.
ZOOM_PAGE_SIZE = 300
MAX_ZOOM_PAGES = 5
# Every series in a range costs one GET /meetings/{id}; beyond this many the answer says it is incomplete.
MAX_SERIES = 40
MAX_RANGE_DAYS = 31
RECURRING_FIXED_TIME = 8
RECURRING_NO_FIXED_TIME = 3


@dataclass(frozen=True)
class DateRange:
    """Whole days from `first` to `last` (inclusive) in `zone`; `zone_known` is False when UTC stood in."""

    first: date
    last: date
    zone: ZoneInfo
    zone_known: bool = True

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), tzinfo=self.zone)

    @property
    def end(self) -> datetime:
        # Midnight after the last day, computed in the zone: a DST day is 23 or 25 hours long.
        return datetime.combine(self.last + timedelta(days=1), time(), tzinfo=self.zone)

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end

    @classmethod
    def of(cls, first: date, last: date, zone_name: str) -> DateRange:
        """The days in the zone called `zone_name`, or in UTC when Zoom gave none this machine knows."""
        zone = known_zone(zone_name)
        return cls(first, last, zone or ZoneInfo("UTC"), zone_known=zone is not None)


@dataclass(frozen=True)
class Entry:
    """One meeting, or one occurrence of a series, as the calendar shows it."""

    meeting: models.MeetingListItem
    start_time: str | None
    duration: int | None
    occurrence_id: str | None = None

    @property
    def start(self) -> datetime | None:
        return parse_utc(self.start_time)


@dataclass
class Calendar:
    entries: list[Entry] = field(default_factory=list)
    # Why the answer may be incomplete, in words for the model.
    gaps: list[str] = field(default_factory=list)
    without_fixed_time: int = 0


def parse_utc(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def zoom_date_filter(days: DateRange, now: datetime) -> tuple[str, str | None]:
    """The `from`/`to` sent to Zoom: wide enough never to drop a series with an occurrence in `days`.

    Zoom does not document what its filter compares; it is taken to be the listed start, which for a
    series is its next occurrence. A series with an occurrence in a range that has begun may be listed
    at a later one, so `to` is only sent for a range wholly in the future, and `from` reaches back to
    today. A day of margin on each side covers an inclusive or exclusive reading. The exact range is
    applied here afterwards.
    """
    today = now.astimezone(days.zone).date()
    zoom_from = min(days.first, today) - timedelta(days=1)
    zoom_to = days.last + timedelta(days=1) if days.first > today else None
    return zoom_from.isoformat(), zoom_to.isoformat() if zoom_to else None


async def all_meetings(
    client: ZoomClient, user_id: str, *, type: str, days: DateRange | None = None, now: datetime | None = None
) -> tuple[list[models.MeetingListItem], bool]:
    """Every listed meeting (around `days` when given), up to MAX_ZOOM_PAGES pages; True when Zoom had more."""
    zoom_from, zoom_to = zoom_date_filter(days, now) if days and now else (None, None)
    meetings: list[models.MeetingListItem] = []
    token: str | None = None
    for _ in range(MAX_ZOOM_PAGES):
        page = await client.list_meetings(
            user_id,
            type=type,
            page_size=ZOOM_PAGE_SIZE,
            next_page_token=token,
            from_date=zoom_from,
            to_date=zoom_to,
            timezone=days.zone.key if days else None,
        )
        meetings += page.items
        token = page.next_page_token or None
        if token is None:
            return meetings, False
    return meetings, True


async def build_calendar(
    client: ZoomClient, meetings: list[models.MeetingListItem], days: DateRange, now: datetime
) -> Calendar:
    """Every meeting and series occurrence starting within `days`, sorted by start."""
    calendar = Calendar()
    series_read = 0
    for meeting in meetings:
        if meeting.type == RECURRING_NO_FIXED_TIME:
            calendar.without_fixed_time += 1
        elif meeting.type == RECURRING_FIXED_TIME:
            if _series_is_past_the_range(meeting, days, now):
                continue
            if series_read == MAX_SERIES:
                calendar.gaps.append(
                    f"Only the occurrences of the first {MAX_SERIES} recurring series were read; narrow the "
                    "range or add topic_contains."
                )
                break
            series_read += 1
            details = await client.get_meeting(meeting.id, show_previous_occurrences=True)
            calendar.entries += _occurrences_within(meeting, details, days)
        else:
            start = parse_utc(meeting.start_time)
            if start is not None and days.contains(start):
                calendar.entries.append(Entry(meeting, meeting.start_time, meeting.duration))
    calendar.entries.sort(key=lambda entry: (entry.start_time or "", entry.meeting.id))
    return calendar


def _series_is_past_the_range(meeting: models.MeetingListItem, days: DateRange, now: datetime) -> bool:
    """A series listed at its next occurrence has none in a future range that ends before it."""
    listed = parse_utc(meeting.start_time)
    return days.start >= now and listed is not None and listed >= days.end


def _occurrences_within(meeting: models.MeetingListItem, details: models.Meeting, days: DateRange) -> list[Entry]:
    entries = []
    for occurrence in details.occurrences:
        start = parse_utc(occurrence.start_time)
        if occurrence.status != "deleted" and start is not None and days.contains(start):
            duration = occurrence.duration if occurrence.duration is not None else details.duration
            entries.append(Entry(meeting, occurrence.start_time, duration, occurrence.occurrence_id))
    return entries


def check_dates(from_date: str | None, to_date: str | None) -> tuple[date, date] | None:
    """The first and last day asked for (to_date defaults to from_date), checked before anything is sent."""
    if from_date is None:
        if to_date is not None:
            raise InvalidArguments("to_date needs from_date (for one day, give just from_date).")
        return None
    try:
        first = date.fromisoformat(from_date)
        last = date.fromisoformat(to_date) if to_date else first
    except ValueError:
        raise InvalidArguments("from_date and to_date must be real dates (yyyy-mm-dd).") from None
    if last < first:
        raise InvalidArguments("to_date is before from_date.")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise InvalidArguments(f"a range covers at most {MAX_RANGE_DAYS} days; split it into several calls.")
    return first, last


async def calendar_page(
    client: ZoomClient,
    user_id: str,
    *,
    type: str,
    days: DateRange,
    topic: str | None,
    limit: int,
    now: datetime,
) -> MeetingPage:
    listed, more = await all_meetings(client, user_id, type=type, days=days, now=now)
    wanted = [meeting for meeting in listed if topic is None or _topic_matches(meeting, topic)]
    calendar = await build_calendar(client, wanted, days, now)
    gaps = ([_unread_note()] if more else []) + calendar.gaps
    if not days.zone_known:
        gaps.append("The user has no timezone Zoom names, so the dates were read in UTC; pass timezone.")
    if calendar.without_fixed_time:
        gaps.append(f"{calendar.without_fixed_time} recurring meeting(s) with no fixed time are not shown.")
    entries = [
        MeetingSummary.of(
            entry.meeting,
            start_time=entry.start_time,
            duration=entry.duration,
            occurrence_id=entry.occurrence_id,
            local_zone=days.zone.key,
        )
        for entry in calendar.entries
    ]
    page = _cut(entries, limit, gaps)
    return page.model_copy(
        update={"from_date": days.first.isoformat(), "to_date": days.last.isoformat(), "timezone": days.zone.key}
    )


async def topic_search(client: ZoomClient, user_id: str, *, type: str, topic: str, limit: int) -> MeetingPage:
    listed, more = await all_meetings(client, user_id, type=type)
    found = [MeetingSummary.of(meeting) for meeting in listed if _topic_matches(meeting, topic)]
    return _cut(found, limit, [_unread_note()] if more else [])


def _topic_matches(meeting: models.MeetingListItem, text: str) -> bool:
    return text.casefold() in (meeting.topic or "").casefold()


def _unread_note() -> str:
    return f"Zoom listed more than {ZOOM_PAGE_SIZE * MAX_ZOOM_PAGES} meetings; only those were searched."


def _cut(found: list[MeetingSummary], limit: int, gaps: list[str]) -> MeetingPage:
    notes = list(gaps)
    if len(found) > limit:
        notes.insert(0, f"Showing the first {limit} of {len(found)}; raise page_size or narrow the range.")
    return MeetingPage(meetings=found[:limit], total_records=len(found), note=" ".join(notes) or None)
