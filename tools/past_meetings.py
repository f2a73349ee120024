"""Meetings that took place: what was decided (AI Companion summary) and who came (participants)."""

from __future__ import annotations

import re
from typing import Annotated

from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from zoom_mcp.server.zoom import models
from zoom_mcp.server.zoom.client import ZoomClient
from zoom_mcp.server.zoom.errors import ZoomAPIError
from zoom_mcp.tools.context import ZoomContext, tool_result, zoom_client
from zoom_mcp.tools.errors import InvalidArguments, explain, reported_to_the_model
from zoom_mcp.tools.params import MeetingIdOrUuid
from zoom_mcp.tools.spec import READ, Scopes, zoom_tool
from zoom_mcp.tools.views import AttendancePage, AttendeeView, InstanceView, MeetingNotes, local_time

EARLIER_INSTANCES = 5
# Zoom's largest page, and how many of them one call reads: 3,000 join records.
ZOOM_PAGE_SIZE = 300
MAX_ZOOM_PAGES = 10
_OFFSET_TOKEN = re.compile(r"people-([0-9]{1,6})")
_INSTANCE = "Meeting id (latest ended instance; others in earlier_instances) or an instance uuid."


@zoom_tool("Get a Zoom meeting summary", READ, Scopes("meeting_summary:read", ("meeting:read:summary",)))
async def get_meeting_summary(
    ctx: ZoomContext, meeting_id_or_uuid: Annotated[MeetingIdOrUuid, Field(description=_INSTANCE)]
) -> Annotated[CallToolResult, MeetingNotes]:
    """What an ended meeting discussed and decided: Zoom's AI Companion summary (needs it on for the host).
    Cheaper than the transcript.
    """
    text = str(meeting_id_or_uuid)
    with reported_to_the_model():
        client = zoom_client(ctx)
        earlier: list[models.PastInstance] | None = None
        uuid = text
        if text.isdigit() and not text.startswith("0"):  # a leading zero: a uuid, kept as given
            latest, *rest = await _ended_instances(client, int(text), "has no summary yet")
            uuid, earlier = latest.uuid, rest[:EARLIER_INSTANCES]
        try:
            record = await client.get_meeting_summary(uuid)
        except ZoomAPIError as error:
            raise ToolError(_summary_problem(error, found_instance=earlier is not None)) from error
        timezone = await _host_timezone(client, record.meeting_host_id)
    notes = MeetingNotes.of(record, timezone).model_copy(
        update={"earlier_instances": _instance_views(earlier, timezone)}
    )
    return tool_result(ctx, notes)


def _instance_views(instances: list[models.PastInstance] | None, timezone: str | None) -> list[InstanceView] | None:
    """Earlier instances to choose another date from: only when there are some."""
    if not instances:
        return None
    return [
        InstanceView(uuid=i.uuid, start_time=i.start_time, start_time_local=local_time(i.start_time, timezone))
        for i in instances
    ]


@zoom_tool("List Zoom meeting participants", READ, Scopes("meeting:read", ("meeting:read:list_past_participants",)))
async def list_meeting_participants(
    ctx: ZoomContext,
    meeting_id_or_uuid: Annotated[MeetingIdOrUuid, Field(description=_INSTANCE)],
    page_size: Annotated[int, Field(ge=1, le=300, description="People per page.")] = 30,
    next_page_token: Annotated[
        str | None,
        Field(max_length=20, description="The previous page's next_page_token."),
    ] = None,
) -> Annotated[CallToolResult, AttendancePage]:
    """Who attended an ended meeting: one entry per person (rejoins merged) with join and leave times and
    minutes."""
    offset = _offset(next_page_token)
    text = str(meeting_id_or_uuid)
    with reported_to_the_model():
        client = zoom_client(ctx)
        uuid, earlier = text, None
        if text.isdigit() and not text.startswith("0"):
            latest, *rest = await _ended_instances(client, int(text), "has no participants yet")
            uuid, earlier = latest.uuid, rest[:EARLIER_INSTANCES]
        try:
            meeting = await client.get_past_meeting(uuid)
            records, complete = await _all_participants(client, uuid)
        except ZoomAPIError as error:
            if error.code == 3001:
                raise ToolError(_not_ended(error)) from error
            raise
        timezone = await _host_timezone(client, meeting.host_id)
    people = merge_rejoins(records, timezone)
    shown = people[offset : offset + page_size]
    notes = []
    if not people:
        notes.append(
            "Zoom lists no participants when only one person attended; after a large meeting the list can take "
            "a few minutes to appear."
        )
    if not complete:
        notes.append(f"Only the first {ZOOM_PAGE_SIZE * MAX_ZOOM_PAGES} join records were read.")
    more = offset + page_size < len(people)
    return tool_result(
        ctx,
        AttendancePage(
            meeting_id=meeting.id,
            uuid=meeting.uuid or uuid,
            topic=meeting.topic,
            start_time=meeting.start_time,
            start_time_local=local_time(meeting.start_time, timezone),
            timezone=timezone,
            participants=shown,
            total_people=len(people),
            next_page_token=f"people-{offset + page_size}" if more else None,
            note=" ".join(notes) or None,
            earlier_instances=_instance_views(earlier, timezone),
        ),
    )


def merge_rejoins(records: list[models.Participant], timezone: str | None) -> list[AttendeeView]:
    """One entry per person: Zoom gives every rejoin its own record (and its own per-meeting user_id).

    A person is their Zoom user id when signed in, else their email, else their display name.
    """
    groups: dict[str, list[models.Participant]] = {}
    for record in records:
        key = (
            f"id:{record.id}"
            if record.id
            else f"email:{record.user_email.casefold()}"
            if record.user_email
            else f"name:{record.name}"
        )
        groups.setdefault(key, []).append(record)
    people = []
    for joins in groups.values():
        # Zoom's times are all "yyyy-MM-ddTHH:mm:ssZ", so text order is time order.
        joined = min((r.join_time for r in joins if r.join_time), default=None)
        left = max((r.leave_time for r in joins if r.leave_time), default=None)
        seconds = sum(r.duration or 0 for r in joins)
        people.append(
            AttendeeView(
                name=joins[0].name,
                email=next((r.user_email for r in joins if r.user_email), None),
                join_time=joined,
                join_time_local=local_time(joined, timezone),
                leave_time=left,
                leave_time_local=local_time(left, timezone),
                minutes=round(seconds / 60),
                joins=len(joins) if len(joins) > 1 else None,
            )
        )
    return sorted(people, key=lambda person: person.join_time or "")


async def _ended_instances(client: ZoomClient, meeting_id: int, lacking: str) -> list[models.PastInstance]:
    """The meeting's ended instances, newest first; a clear error when it has not ended yet."""
    instances = (await client.list_past_instances(meeting_id)).meetings
    if not instances:
        raise ToolError(
            f"Meeting {meeting_id} {lacking}: it has not taken place and ended. Zoom keeps this data only for "
            "ended meetings; list_meetings with type previous_meetings shows those."
        )
    return sorted(instances, key=lambda instance: instance.start_time or "", reverse=True)


async def _all_participants(client: ZoomClient, uuid: str) -> tuple[list[models.Participant], bool]:
    """Every join record (rejoins of one person may lie on different pages of Zoom's list)."""
    records: list[models.Participant] = []
    token: str | None = None
    for _ in range(MAX_ZOOM_PAGES):
        page = await client.list_past_participants(uuid, page_size=ZOOM_PAGE_SIZE, next_page_token=token)
        records += page.items
        token = page.next_page_token or None
        if token is None:
            return records, True
    return records, False


async def _host_timezone(client: ZoomClient, host_id: str | None) -> str | None:
    """The host's timezone for local times; None (UTC only) when the host cannot be read."""
    if not host_id:
        return None
    try:
        return (await client.get_user(host_id)).timezone or None
    except ZoomAPIError:
        return None


def _offset(token: str | None) -> int:
    if token is None:
        return 0
    found = _OFFSET_TOKEN.fullmatch(token)
    if found is None:
        raise InvalidArguments("next_page_token must be one this tool returned (like 'people-30').")
    return int(found.group(1))


def _summary_problem(error: ZoomAPIError, *, found_instance: bool) -> str:
    said = f"Zoom answered {error.status} (code {error.code}): {error.message}"
    if error.code == 3000:
        return (
            f"{said} AI Companion summaries are off for this meeting's host, so there is none to read. The host "
            "can turn on 'Meeting Summary with AI Companion' in the Zoom web portal's settings for future "
            "meetings; for this one, get_meeting_transcript reads the recording's transcript if there is one."
        )
    if error.code == 3001:
        where = "this meeting's latest ended instance" if found_instance else "that meeting instance"
        return (
            f"{said} Zoom has no AI Companion summary for {where}: nobody started one during the meeting (or the "
            "uuid is wrong). Try an earlier instance, or get_meeting_transcript for a recorded meeting."
        )
    if error.code == 2305:
        return f"{said} An account admin must change that setting before summaries can be read here."
    if error.code == 200:
        return f"{said} Meeting summaries need a paid (Pro or higher) Zoom plan."
    return explain(error)


def _not_ended(error: ZoomAPIError) -> str:
    return (
        f"Zoom answered {error.status} (code {error.code}): {error.message} The meeting has not ended yet or the "
        "id/uuid is wrong: attendance exists only for ended meetings (list_meetings with type previous_meetings)."
    )
