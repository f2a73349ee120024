"""Meeting tools: list, create, get, update, delete."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from mcp_types import CallToolResult
from pydantic import Field

from zoom_mcp.server.zoom.models import MeetingRequest, MeetingSettings
from zoom_mcp.server.zoom.vocabulary import MEETING_TYPE_CODES, RECURRING_MEETING_TYPES
from zoom_mcp.tools.calendar import MAX_RANGE_DAYS, DateRange, DateText, calendar_page, check_dates, topic_search
from zoom_mcp.tools.context import ZoomContext, tool_result, zoom_access, zoom_client
from zoom_mcp.tools.errors import InvalidArguments, reported_to_the_model
from zoom_mcp.tools.params import (
    Agenda,
    AutoRecording,
    Duration,
    Flag,
    MeetingId,
    MeetingTypeParam,
    NewTopic,
    NextPageToken,
    OccurrenceId,
    Passcode,
    StartTime,
    Timezone,
    TimezoneName,
    Topic,
    UserId,
)
from zoom_mcp.tools.recurrence import Recurrence, RecurrenceParam
from zoom_mcp.tools.spec import CREATE, DELETE, READ, UPDATE, Scopes, zoom_tool
from zoom_mcp.tools.views import MeetingDeleted, MeetingDetails, MeetingPage

ListType = Literal["scheduled", "upcoming", "live", "previous_meetings"]


@zoom_tool("List Zoom meetings", READ, Scopes("meeting:read", ("meeting:read:list_meetings",)))
async def list_meetings(
    ctx: ZoomContext,
    user_id: UserId = "me",
    from_date: Annotated[
        DateText | None, Field(description='First day, yyyy-mm-dd, e.g. tomorrow\'s date for "tomorrow".')
    ] = None,
    to_date: Annotated[
        DateText | None,
        Field(description=f"Last day, inclusive (default: from_date); at most {MAX_RANGE_DAYS} days in all."),
    ] = None,
    timezone: Annotated[
        TimezoneName | None,
        Field(description="IANA timezone the dates are read in; default: the user's timezone."),
    ] = None,
    topic_contains: Annotated[
        str | None,
        Field(min_length=1, max_length=200, description="Only meetings whose topic contains this (any case)."),
    ] = None,
    type: Annotated[
        ListType,
        Field(
            description="scheduled: every unexpired meeting (past, live and upcoming); upcoming: not yet ended, "
            "incl. live; live: in progress; previous_meetings: ended."
        ),
    ] = "scheduled",
    page_size: Annotated[
        int, Field(ge=1, le=300, description="Meetings per page, 1 to 300 (with a range or topic: the most returned).")
    ] = 30,
    next_page_token: NextPageToken = None,
) -> Annotated[CallToolResult, MeetingPage]:
    """List the meetings a user hosts (not ones they are invited to; never instant meetings).

    With from_date/to_date: a calendar of every meeting and every occurrence of a recurring series starting
    in those days, sorted by start, each occurrence with its occurrence_id. Without a range, each series
    appears once, one page at a time (pass next_page_token for more).
    Each meeting has its id, topic, type, local start, timezone and duration; get_meeting gives the rest
    (UTC start, join URL, passcode, agenda, settings).
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
    user_id: Annotated[UserId, Field(description="Host of the meeting: 'me', a user id or an email.")] = "me",
    type: Annotated[
        MeetingTypeParam | None,
        Field(
            description="Defaults to scheduled, or to a recurring type when recurrence is given "
            "(recurring_fixed_time with start_time, else recurring_no_fixed_time)."
        ),
    ] = None,
    start_time: StartTime = None,
    duration: Duration = None,
    timezone: Timezone = None,
    agenda: Agenda = None,
    password: Passcode = None,
    recurrence: Recurrence = None,
    host_video: Flag = None,
    participant_video: Flag = None,
    join_before_host: Flag = None,
    mute_upon_entry: Flag = None,
    waiting_room: Flag = None,
    auto_recording: AutoRecording = None,
) -> Annotated[CallToolResult, MeetingDetails]:
    """Schedule a Zoom meeting and return its id, join URL, passcode and start time (UTC and local).

    Creates a new meeting every time it is called: do not call it again to "retry" unless list_meetings shows
    the meeting is missing. Give start_time with 'Z' or an offset, or as local time together with timezone.
    For a series, pass recurrence (daily, weekly or monthly). Zoom allows 100 create/update requests per user
    per day.
    """
    body = _meeting_request(locals(), type=MEETING_TYPE_CODES[_meeting_type(type, recurrence, start_time)])
    with reported_to_the_model(writes=True):
        meeting = await zoom_client(ctx).create_meeting(user_id, body)
    return tool_result(ctx, MeetingDetails.of(meeting))


@zoom_tool("Get Zoom meeting", READ, Scopes("meeting:read", ("meeting:read:meeting",)))
async def get_meeting(
    ctx: ZoomContext, meeting_id: MeetingId, occurrence_id: OccurrenceId = None
) -> Annotated[CallToolResult, MeetingDetails]:
    """Get one meeting's details: topic, times (UTC and local), duration, agenda, join URL, passcode, host,
    settings, and for a recurring meeting its recurrence and occurrences (with their occurrence_id)."""
    with reported_to_the_model():
        meeting = await zoom_client(ctx).get_meeting(meeting_id, occurrence_id=occurrence_id)
    return tool_result(ctx, MeetingDetails.of(meeting, occurrence_id=occurrence_id))


@zoom_tool("Update Zoom meeting", UPDATE, Scopes("meeting:write", ("meeting:update:meeting",)))
async def update_meeting(
    ctx: ZoomContext,
    meeting_id: MeetingId,
    occurrence_id: OccurrenceId = None,
    topic: NewTopic = None,
    start_time: StartTime = None,
    duration: Duration = None,
    timezone: Timezone = None,
    agenda: Agenda = None,
    password: Passcode = None,
    recurrence: Recurrence = None,
    host_video: Flag = None,
    participant_video: Flag = None,
    join_before_host: Flag = None,
    mute_upon_entry: Flag = None,
    waiting_room: Flag = None,
    auto_recording: AutoRecording = None,
) -> Annotated[CallToolResult, MeetingDetails]:
    """Change a meeting: only the fields given are changed; returns the meeting as it now stands.

    Use it to move (start_time, with 'Z', an offset, or local time plus timezone), rename, lengthen or
    re-configure a meeting. With occurrence_id only that occurrence changes, and only agenda, start_time,
    duration and the settings flags may be given. Counts against Zoom's 100 create/update requests per day.
    """
    body = _meeting_request(locals(), type=None)
    changes = body.wire()
    if not changes:
        raise InvalidArguments("Nothing to change: give at least one field to update.")
    if occurrence_id is not None and (
        forbidden := sorted(set(changes) - {"agenda", "start_time", "duration", "settings"})
    ):
        raise InvalidArguments(
            f"An occurrence can only change agenda, start_time, duration and settings, not {', '.join(forbidden)}; "
            "omit occurrence_id to change the whole series."
        )
    with reported_to_the_model(writes=True):
        client = zoom_client(ctx)
        await client.update_meeting(meeting_id, body, occurrence_id=occurrence_id)
        meeting = await client.get_meeting(meeting_id, occurrence_id=occurrence_id)
    return tool_result(ctx, MeetingDetails.of(meeting, occurrence_id=occurrence_id))


@zoom_tool("Delete Zoom meeting", DELETE, Scopes("meeting:write", ("meeting:delete:meeting",)))
async def delete_meeting(
    ctx: ZoomContext,
    meeting_id: MeetingId,
    occurrence_id: OccurrenceId = None,
    cancel_meeting_reminder: Annotated[
        bool, Field(description="Email registrants that the meeting is cancelled.")
    ] = False,
) -> Annotated[CallToolResult, MeetingDeleted]:
    """Delete a meeting, a whole recurring series, or (with occurrence_id) one occurrence of a series.

    This cannot be undone. The result says exactly what was deleted. To cancel one instance of a recurring
    meeting, get its occurrence_id from get_meeting first; without occurrence_id the whole series is deleted.
    """
    with reported_to_the_model(writes=True):
        client = zoom_client(ctx)
        meeting = await client.get_meeting(meeting_id, occurrence_id=occurrence_id)
        await client.delete_meeting(
            meeting_id, occurrence_id=occurrence_id, cancel_meeting_reminder=cancel_meeting_reminder
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


def wire_start_time(start_time: str, timezone: str | None) -> str:
    """Zoom's two forms: UTC with 'Z', or local time that Zoom reads in `timezone`."""
    moment = datetime.fromisoformat(start_time)
    if moment.tzinfo is not None:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if timezone is None:
        raise InvalidArguments(
            "start_time has no offset, so its timezone is ambiguous: add 'Z' or an offset such as '+02:00', "
            "or pass timezone (e.g. 'America/New_York')."
        )
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _meeting_request(arguments: dict[str, Any], *, type: int | None) -> MeetingRequest:
    """Zoom's request body from a meeting tool's own arguments (its `locals()`), the settings flags picked by
    the names of Zoom's settings fields: the start in Zoom's wire format, the recurrence with Zoom's codes."""
    start_time: str | None = arguments["start_time"]
    recurrence: RecurrenceParam | None = arguments["recurrence"]
    settings = MeetingSettings.model_validate({name: arguments[name] for name in MeetingSettings.model_fields})
    return MeetingRequest(
        topic=arguments["topic"],
        type=type,
        start_time=wire_start_time(start_time, arguments["timezone"]) if start_time else None,
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
