"""Meeting tools: list, create, get, update, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from zoom_mcp.server.zoom.client import ZoomClient
from zoom_mcp.server.zoom.errors import ZoomNotFound
from zoom_mcp.server.zoom.models import Meeting, MeetingRequest, MeetingSettings
from zoom_mcp.server.zoom.vocabulary import MEETING_TYPE_CODES, MEETING_TYPES, RECURRING_MEETING_TYPES
from zoom_mcp.tools.calendar import MAX_RANGE_DAYS, DateRange, calendar_page, check_dates, topic_search
from zoom_mcp.tools.context import ZoomContext, tool_result, zoom_access, zoom_client
from zoom_mcp.tools.errors import InvalidArguments, reported_to_the_model
from zoom_mcp.tools.params import (
    Agenda,
    AutoRecording,
    DateText,
    Duration,
    HostVideo,
    JoinBeforeHost,
    MeetingId,
    MeetingTypeParam,
    MuteUponEntry,
    NewStartTime,
    NewTimezone,
    NewTopic,
    NextPageToken,
    OccurrenceId,
    ParticipantVideo,
    Passcode,
    StartTime,
    Timezone,
    TimezoneName,
    Topic,
    UserId,
    WaitingRoom,
)
from zoom_mcp.tools.recurrence import NewRecurrence, Recurrence, RecurrenceParam
from zoom_mcp.tools.spec import CREATE, DELETE, READ, UPDATE, Scopes, zoom_tool
from zoom_mcp.tools.times import resolve_start, utc_text
from zoom_mcp.tools.verify import describe, differences
from zoom_mcp.tools.views import MeetingDeleted, MeetingDetails, MeetingPage

ListType = Literal["scheduled", "upcoming", "live", "previous_meetings"]


@zoom_tool("List Zoom meetings", READ, Scopes("meeting:read", ("meeting:read:list_meetings",)))
async def list_meetings(
    ctx: ZoomContext,
    user_id: UserId = "me",
    from_date: Annotated[DateText | None, Field(description="First day, e.g. tomorrow's date for 'tomorrow'.")] = None,
    to_date: Annotated[
        DateText | None,
        Field(description=f"Last day, inclusive; default: from_date. {MAX_RANGE_DAYS} days at most."),
    ] = None,
    timezone: Annotated[
        TimezoneName | None,
        Field(description="Of the dates; default: the user's timezone."),
    ] = None,
    topic_contains: Annotated[
        str | None,
        Field(min_length=1, max_length=200, description="Only topics containing this (any case)."),
    ] = None,
    type: Annotated[
        ListType,
        Field(description="scheduled: all unexpired; upcoming: not ended; live: now; previous_meetings: ended."),
    ] = "scheduled",
    page_size: Annotated[
        int, Field(ge=1, le=300, description="Per page; with a range or topic, the most returned.")
    ] = 30,
    next_page_token: NextPageToken = None,
) -> Annotated[CallToolResult, MeetingPage]:
    """Meetings a user hosts (not invitations or instant meetings).

    With from_date/to_date: every meeting and series occurrence starting those days, with occurrence_ids;
    else each series once, in pages. get_meeting has join URL, passcode, agenda and settings.
    """
    if next_page_token is not None and (from_date or to_date or topic_contains):
        raise InvalidArguments(
            "next_page_token is only for plain lists: with from_date/to_date or topic_contains all matches come "
            "in one answer. Narrow the range instead."
        )
    dates = check_dates(from_date, to_date)
    with reported_to_the_model():
        client = zoom_client(ctx)
        if dates is None:
            if topic_contains is None:
                page = await client.list_meetings(
                    user_id, type=type, page_size=page_size, next_page_token=next_page_token
                )
                return tool_result(ctx, MeetingPage.of(page))
            found = await topic_search(client, user_id, type=type, topic=topic_contains, limit=page_size)
            return tool_result(ctx, found)
        zone_name = timezone or (await client.get_user(user_id)).timezone or ""
        view = await calendar_page(
            client,
            user_id,
            type=type,
            days=DateRange.of(*dates, zone_name),
            topic=topic_contains,
            limit=page_size,
            now=zoom_access(ctx).now(),
        )
    return tool_result(ctx, view)


@zoom_tool("Create Zoom meeting", CREATE, Scopes("meeting:write", ("meeting:write:meeting",)))
async def create_meeting(
    ctx: ZoomContext,
    topic: Topic,
    user_id: Annotated[UserId, Field(description="Host: 'me', a user id or an email.")] = "me",
    type: Annotated[
        MeetingTypeParam | None,
        Field(description="Default: scheduled, or with recurrence a recurring type."),
    ] = None,
    start_time: StartTime = None,
    duration: Duration = None,
    timezone: Timezone = None,
    agenda: Agenda = None,
    password: Passcode = None,
    recurrence: Recurrence = None,
    host_video: HostVideo = None,
    participant_video: ParticipantVideo = None,
    join_before_host: JoinBeforeHost = None,
    mute_upon_entry: MuteUponEntry = None,
    waiting_room: WaitingRoom = None,
    auto_recording: AutoRecording = None,
) -> Annotated[CallToolResult, MeetingDetails]:
    """Schedule a meeting or series.

    Each call creates one more: to 'retry', check list_meetings first.
    """
    meeting_type = MEETING_TYPE_CODES[_meeting_type(type, recurrence, start_time)]
    start = None
    if start_time is not None:
        if meeting_type not in _TYPES_WITH_A_START:
            raise InvalidArguments(
                f"start_time is not used by {MEETING_TYPES[meeting_type]} meetings (Zoom would ignore it): "
                "omit it, or use type scheduled or recurring_fixed_time."
            )
        start = resolve_start(start_time, timezone, missing_zone_hint=_NO_ZONE_ON_CREATE)
        if start <= zoom_access(ctx).now():
            raise InvalidArguments(
                f"start_time {utc_text(start)} is in the past, and Zoom would silently start the meeting now "
                "instead. Give a future start_time, or use type instant (without start_time) for a meeting "
                "that starts now."
            )
    _check_recurrence_end(recurrence, meeting_type)
    body = _meeting_request(locals(), type=meeting_type, start=start)
    with reported_to_the_model():
        meeting = await zoom_client(ctx).create_meeting(user_id, body)
    # The 201 body is Zoom's stored meeting: compared as is, no second request needed.
    if found := differences(body, meeting, start=start, series_start=meeting_type == 8):
        raise ToolError(
            f"Zoom created meeting {meeting.id}, but not as asked: {describe(found)}. Tell the user; fix it with "
            "update_meeting, or remove it with delete_meeting. Do not create it again."
        )
    return tool_result(ctx, MeetingDetails.of(meeting))


@zoom_tool("Get Zoom meeting", READ, Scopes("meeting:read", ("meeting:read:meeting",)))
async def get_meeting(
    ctx: ZoomContext, meeting_id: MeetingId, occurrence_id: OccurrenceId = None
) -> Annotated[CallToolResult, MeetingDetails]:
    """One meeting's details, incl. a recurring series' occurrences (with their occurrence_ids)."""
    with reported_to_the_model():
        meeting = await zoom_client(ctx).get_meeting(meeting_id, occurrence_id=occurrence_id)
    return tool_result(ctx, MeetingDetails.of(meeting, occurrence_id=occurrence_id))


@zoom_tool("Update Zoom meeting", UPDATE, Scopes("meeting:write", ("meeting:update:meeting",)))
async def update_meeting(
    ctx: ZoomContext,
    meeting_id: MeetingId,
    occurrence_id: OccurrenceId = None,
    topic: NewTopic = None,
    start_time: NewStartTime = None,
    duration: Duration = None,
    timezone: NewTimezone = None,
    agenda: Agenda = None,
    password: Passcode = None,
    recurrence: NewRecurrence = None,
    host_video: HostVideo = None,
    participant_video: ParticipantVideo = None,
    join_before_host: JoinBeforeHost = None,
    mute_upon_entry: MuteUponEntry = None,
    waiting_room: WaitingRoom = None,
    auto_recording: AutoRecording = None,
) -> Annotated[CallToolResult, MeetingDetails]:
    """Move, rename, lengthen or re-configure a meeting, or make it a series; only given fields change.

    With occurrence_id, only that occurrence's agenda, start_time, duration and settings.
    """
    given = set(_meeting_request(locals(), type=None, start=None).wire()) | ({"start_time"} if start_time else set())
    if not given:
        raise InvalidArguments("Nothing to change: give at least one field to update.")
    if occurrence_id is not None and (series_only := sorted(given - _OCCURRENCE_FIELDS)):
        raise InvalidArguments(
            f"{', '.join(series_only)} belong{'s' if len(series_only) == 1 else ''} to the whole series and cannot "
            "be changed for one occurrence; an occurrence takes agenda, start_time, duration and settings. A "
            "start_time without offset is read in the meeting's own timezone."
        )
    client = zoom_client(ctx)
    with reported_to_the_model():
        current = await client.get_meeting(meeting_id, occurrence_id=occurrence_id)
    meeting_type = _new_type(current, recurrence)
    if recurrence is not None:
        _check_recurrence_end(recurrence, meeting_type or current.type or 2)
    start = None
    if start_time is not None:
        start = _new_start(
            start_time, timezone or current.timezone, meeting_type or current.type, now=zoom_access(ctx).now()
        )
    body = _meeting_request(locals(), type=meeting_type, start=start)
    with reported_to_the_model():
        await client.update_meeting(meeting_id, body, occurrence_id=occurrence_id)
    with reported_to_the_model(done="Zoom accepted the change (PATCH answered 204), but reading it back failed:"):
        meeting = await client.get_meeting(meeting_id, occurrence_id=occurrence_id)
    if found := differences(body, meeting, start=start):
        raise ToolError(
            f"Zoom accepted the update but did not apply it as asked: {describe(found)}. The meeting stays as "
            "Zoom holds it; tell the user."
        )
    return tool_result(ctx, MeetingDetails.of(meeting, occurrence_id=occurrence_id))


@zoom_tool("Delete Zoom meeting", DELETE, Scopes("meeting:write", ("meeting:delete:meeting",)))
async def delete_meeting(
    ctx: ZoomContext,
    meeting_id: MeetingId,
    occurrence_id: OccurrenceId = None,
    cancel_meeting_reminder: Annotated[bool, Field(description="Email registrants the cancellation.")] = False,
) -> Annotated[CallToolResult, MeetingDeleted]:
    """Delete a meeting, or with occurrence_id one occurrence (without it, a whole series goes). Cannot be
    undone."""
    client = zoom_client(ctx)
    with reported_to_the_model():
        meeting = await client.get_meeting(meeting_id, occurrence_id=occurrence_id)
    with reported_to_the_model():
        await client.delete_meeting(
            meeting_id, occurrence_id=occurrence_id, cancel_meeting_reminder=cancel_meeting_reminder
        )
    with reported_to_the_model(done="Zoom accepted the deletion (DELETE answered 204), but checking it failed:"):
        still_there = await _still_there(client, meeting_id, occurrence_id)
    if still_there:
        what = "the occurrence" if occurrence_id else "the meeting"
        raise ToolError(
            f"Zoom answered 204 to the deletion, but still shows {what} as scheduled. Tell the user it may not be "
            "deleted."
        )
    details = MeetingDetails.of(meeting)
    if occurrence_id is not None:
        occurrence = next((o for o in meeting.occurrences if o.occurrence_id == occurrence_id), None)
        scope: Literal["occurrence", "series", "meeting"] = "occurrence"
        start = occurrence.start_time if occurrence else details.start_time
        summary = f"Deleted the occurrence {occurrence_id} ({start}) of '{details.topic}'; the series remains."
    else:
        scope = "series" if meeting.type in RECURRING_MEETING_TYPES else "meeting"
        start = details.start_time
        summary = f"Deleted the {'whole recurring series' if scope == 'series' else 'meeting'} '{details.topic}'."
    return tool_result(
        ctx,
        MeetingDeleted(
            meeting_id=meeting_id,
            occurrence_id=occurrence_id,
            deleted=scope,
            topic=details.topic,
            start_time=start,
            summary=summary,
        ),
    )


async def _still_there(client: ZoomClient, meeting_id: int, occurrence_id: str | None) -> bool:
    try:
        meeting = await client.get_meeting(meeting_id)
    except ZoomNotFound:
        return False
    if occurrence_id is None:
        return True
    return any(o.occurrence_id == occurrence_id and o.status != "deleted" for o in meeting.occurrences)


_NO_ZONE_ON_CREATE = (
    "start_time has no offset, so its timezone is ambiguous: add 'Z' or an offset such as '+02:00', or pass "
    "timezone (e.g. 'America/New_York')."
)
# Zoom only reads start_time for these types; it ignores it for instant and no-fixed-time meetings.
_TYPES_WITH_A_START = frozenset({2, 8})
_OCCURRENCE_FIELDS = frozenset({"agenda", "start_time", "duration", "settings"})


def _new_type(current: Meeting, recurrence: RecurrenceParam | None) -> Literal[8] | None:
    """The type to send: a scheduled meeting given a recurrence becomes a fixed-time series (Zoom ignores a
    recurrence PATCHed without that type); recurring meetings keep theirs; others cannot recur."""
    if recurrence is None or current.type in RECURRING_MEETING_TYPES:
        return None
    if current.type == MEETING_TYPE_CODES["scheduled"]:
        return 8
    raise InvalidArguments(
        f"{MEETING_TYPES.get(current.type or 0, 'such')} meetings cannot become a recurring series (Zoom would "
        "ignore recurrence); create a new meeting with recurrence instead."
    )


def _new_start(start_time: str, timezone: str | None, meeting_type: int | None, *, now: datetime) -> datetime:
    if meeting_type not in _TYPES_WITH_A_START:
        raise InvalidArguments(
            f"start_time is not used by {MEETING_TYPES.get(meeting_type or 0, 'such')} meetings (Zoom would ignore it)."
        )
    start = resolve_start(
        start_time,
        timezone,
        missing_zone_hint="start_time has no offset and the meeting has no timezone: add 'Z' or an offset.",
    )
    if start <= now:
        raise InvalidArguments(
            f"start_time {utc_text(start)} is in the past: a meeting cannot be moved into the past (Zoom would "
            "ignore it). Give a future start_time."
        )
    return start


def _check_recurrence_end(recurrence: RecurrenceParam | None, meeting_type: int) -> None:
    if recurrence is not None and recurrence.end_times == 0 and meeting_type == 8:
        raise InvalidArguments(
            "A series with a fixed time needs an end: recurrence.end_times 1 to 60, or recurrence.end_date_time. "
            "Only a series without a fixed time (no start_time) can have no end (end_times 0)."
        )


def _meeting_request(arguments: dict[str, Any], *, type: int | None, start: datetime | None) -> MeetingRequest:
    """Zoom's request body from a meeting tool's own arguments (its `locals()`), the settings flags picked by
    the names of Zoom's settings fields: the start as one UTC instant (resolved here, DST included, so Zoom
    has nothing left to interpret), the recurrence with Zoom's codes."""
    recurrence: RecurrenceParam | None = arguments["recurrence"]
    settings = MeetingSettings.model_validate({name: arguments[name] for name in MeetingSettings.model_fields})
    return MeetingRequest(
        topic=arguments["topic"],
        type=type,
        start_time=utc_text(start) if start else None,
        duration=arguments["duration"],
        timezone=arguments["timezone"],
        agenda=arguments["agenda"],
        password=arguments["password"],
        recurrence=recurrence.wire() if recurrence else None,
        settings=settings if settings.model_dump(exclude_none=True) else None,
    )


def _meeting_type(
    requested: MeetingTypeParam | None, recurrence: RecurrenceParam | None, start_time: str | None
) -> MeetingTypeParam:
    if requested is None:
        if recurrence is None:
            return "scheduled"
        return "recurring_fixed_time" if start_time else "recurring_no_fixed_time"
    recurring = requested.startswith("recurring")
    if requested == "recurring_fixed_time" and recurrence is None:
        raise InvalidArguments("type recurring_fixed_time needs recurrence (daily, weekly or monthly).")
    if recurrence is not None and not recurring:
        raise InvalidArguments(f"recurrence cannot be used with type {requested}; omit type or use a recurring type.")
    return requested
