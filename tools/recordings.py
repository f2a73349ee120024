"""Cloud recordings and transcripts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from zoom_mcp.server.zoom.client import ZoomClient
from zoom_mcp.server.zoom.errors import ZoomError
from zoom_mcp.server.zoom.transcript import parse_vtt
from zoom_mcp.tools.context import ZoomContext, tool_result, zoom_client
from zoom_mcp.tools.errors import InvalidArguments, reported_to_the_model
from zoom_mcp.tools.params import DateText, MeetingIdOrUuid, NextPageToken, PageSize, UserId
from zoom_mcp.tools.spec import READ, Scopes, zoom_tool
from zoom_mcp.tools.views import CueView, RecordingPage, TranscriptPage, local_time

# Zoom answers one month of recordings per request.
MAX_RANGE_DAYS = 30


@zoom_tool("List Zoom cloud recordings", READ, Scopes("recording:read", ("cloud_recording:read:list_user_recordings",)))
async def list_recordings(
    ctx: ZoomContext,
    user_id: UserId = "me",
    from_date: Annotated[DateText | None, Field(description="First day; default: 30 days before to_date.")] = None,
    to_date: Annotated[DateText | None, Field(description="Last day; default: today (UTC).")] = None,
    page_size: PageSize = 30,
    next_page_token: NextPageToken = None,
    include_files: Annotated[
        bool, Field(description="Also files (type, size, play URL), share URL and total size.")
    ] = False,
) -> Annotated[CallToolResult, RecordingPage]:
    """A user's cloud recordings, newest first, up to 30 days at a time (older: an earlier from_date/to_date).
    Transcripts: get_meeting_transcript.
    """
    first, last = _date_range(from_date, to_date)
    client = zoom_client(ctx)
    with reported_to_the_model():
        page = await client.list_recordings(
            user_id,
            from_date=first.isoformat(),
            to_date=last.isoformat(),
            page_size=page_size,
            next_page_token=next_page_token,
        )
    zoneless = {meeting.uuid for meeting in page.items if not meeting.timezone}
    if zoneless and (zone := await _host_timezone(client, user_id)):
        page = page.model_copy(
            update={"items": [m if m.timezone else m.model_copy(update={"timezone": zone}) for m in page.items]}
        )
    view = RecordingPage.of(
        page, searched_from=first.isoformat(), searched_to=last.isoformat(), include_files=include_files
    )
    for meeting in view.meetings:
        if meeting.uuid in zoneless and meeting.timezone:
            meeting.timezone_is_hosts = True
    return tool_result(ctx, view)


async def _host_timezone(client: ZoomClient, user_id: str) -> str | None:
    """The host's timezone, for recordings Zoom gives none: best effort, as a missing local time is no error."""
    try:
        return (await client.get_user(user_id)).timezone or None
    except ZoomError:
        return None


@zoom_tool(
    "Read a Zoom meeting transcript", READ, Scopes("recording:read", ("cloud_recording:read:list_recording_files",))
)
async def get_meeting_transcript(
    ctx: ZoomContext,
    meeting_id_or_uuid: Annotated[
        MeetingIdOrUuid,
        Field(description="Meeting id (latest recorded instance) or an instance uuid (from list_recordings)."),
    ],
    offset: Annotated[int, Field(ge=0, description="First cue to return.")] = 0,
    max_cues: Annotated[int, Field(ge=1, le=1000, description="Cues per page.")] = 300,
    include_cues: Annotated[bool, Field(description="Also as cues (start, end, speaker, text).")] = False,
) -> Annotated[CallToolResult, TranscriptPage]:
    """A recorded meeting's transcript as '[hh:mm:ss] Speaker: words' lines, in pages (pass next_offset as
    offset). Needs a cloud recording with audio transcription.
    """
    with reported_to_the_model():
        client = zoom_client(ctx)
        recording = await client.get_meeting_recordings(str(meeting_id_or_uuid))
        transcript_file = next(
            (file for file in recording.recording_files if file.file_type == "TRANSCRIPT" and file.download_url),
            None,
        )
        if transcript_file is None or transcript_file.download_url is None:
            kinds = ", ".join(sorted({file.file_type or "?" for file in recording.recording_files})) or "none"
            raise ToolError(
                f"This recording of '{recording.topic}' has no transcript (files: {kinds}). Zoom makes one only "
                "when 'Create audio transcript' is on in the account's cloud recording settings."
            )
        size = transcript_file.file_size
        document = await client.download_text(
            transcript_file.download_url, expected_bytes=int(size) if size is not None else None
        )
    timezone, zone_is_hosts = recording.timezone, None
    if not timezone and (timezone := await _host_timezone(client, recording.host_id or "me")):
        zone_is_hosts = True
    cues = parse_vtt(document)
    if offset > len(cues):
        raise ToolError(f"offset {offset} is past the end: the transcript has {len(cues)} cues.")
    page = cues[offset : offset + max_cues]
    end = offset + len(page)
    return tool_result(
        ctx,
        TranscriptPage(
            meeting_id=recording.id,
            uuid=recording.uuid,
            topic=recording.topic,
            start_time=recording.start_time,
            start_time_local=local_time(recording.start_time, timezone),
            timezone=timezone,
            timezone_is_hosts=zone_is_hosts,
            speakers=sorted({cue.speaker for cue in cues if cue.speaker}),
            total_cues=len(cues),
            offset=offset,
            next_offset=end if end < len(cues) else None,
            text="\n".join(f"[{cue.start}] {cue.speaker + ': ' if cue.speaker else ''}{cue.text}" for cue in page),
            cues=[CueView(start=cue.start, end=cue.end, speaker=cue.speaker, text=cue.text) for cue in page]
            if include_cues
            else None,
        ),
    )


def _date_range(from_date: str | None, to_date: str | None) -> tuple[date, date]:
    try:
        last = date.fromisoformat(to_date) if to_date else datetime.now(UTC).date()
        first = date.fromisoformat(from_date) if from_date else last - timedelta(days=MAX_RANGE_DAYS)
    except ValueError as error:
        raise InvalidArguments(f"from_date/to_date must be real dates (yyyy-mm-dd): {error}.") from None
    if first > last:
        raise InvalidArguments("from_date is after to_date.")
    if (last - first).days > MAX_RANGE_DAYS:
        raise InvalidArguments(
            f"Zoom lists at most {MAX_RANGE_DAYS} days of recordings per request; narrow from_date/to_date "
            "and call again for earlier windows."
        )
    return first, last
