"""Zoom's wire shapes: the fields we read from responses and send in requests.

Names follow Zoom's OpenAPI specs (tests/contract checks them). Response models ignore fields we
do not use; `start_url` and download tokens are deliberately never parsed.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from zoom_mcp.server.zoom.vocabulary import RecurrenceTypeCode

ItemT = TypeVar("ItemT")


class _Response(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserSummary(_Response):
    """A user as GET /users lists it."""

    id: str
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    display_name: str | None = None
    type: int
    status: str | None = None
    timezone: str | None = None
    pmi: int | None = None
    dept: str | None = None
    created_at: str | None = None
    user_created_at: str | None = None
    last_login_time: str | None = None


class User(UserSummary):
    """A user as GET /users/{userId} returns it."""

    role_name: str | None = None
    personal_meeting_url: str | None = None
    account_id: str | None = None
    job_title: str | None = None
    language: str | None = None


class Page(_Response, Generic[ItemT]):
    """Zoom's paging envelope around one list; `next_page_token` is empty or absent on the last page."""

    page_size: int | None = None
    total_records: int | None = None
    next_page_token: str | None = None
    # Each endpoint names its list after what it holds.
    items: list[ItemT] = Field(default=[], validation_alias=AliasChoices("users", "meetings", "participants"))


class MeetingListItem(_Response):
    """A meeting as GET /users/{userId}/meetings lists it."""

    id: int
    uuid: str | None = None
    host_id: str | None = None
    topic: str | None = None
    type: int | None = None
    start_time: str | None = None
    duration: int | None = None
    timezone: str | None = None
    agenda: str | None = None
    created_at: str | None = None
    join_url: str | None = None


class Recurrence(BaseModel):
    """Shared by requests and responses: Zoom uses the same object both ways."""

    model_config = ConfigDict(extra="ignore")

    type: RecurrenceTypeCode
    repeat_interval: int | None = None
    weekly_days: str | None = None
    monthly_day: int | None = None
    monthly_week: Literal[-1, 1, 2, 3, 4] | None = None
    monthly_week_day: int | None = None
    end_times: int | None = None
    end_date_time: str | None = None


class Occurrence(_Response):
    occurrence_id: str
    start_time: str | None = None
    duration: int | None = None
    status: str | None = None


class MeetingSettings(BaseModel):
    """The meeting settings we read and write: Zoom uses the same object both ways."""

    model_config = ConfigDict(extra="ignore")

    host_video: bool | None = None
    participant_video: bool | None = None
    join_before_host: bool | None = None
    mute_upon_entry: bool | None = None
    waiting_room: bool | None = None
    auto_recording: str | None = None


class Meeting(MeetingListItem):
    """A meeting as created (201) or fetched (200): the list fields and the details."""

    host_email: str | None = None
    status: str | None = None
    password: str | None = None
    settings: MeetingSettings | None = None
    recurrence: Recurrence | None = None
    occurrences: list[Occurrence] = []


class MeetingRequest(_Request):
    """Body of POST /users/{userId}/meetings and PATCH /meetings/{meetingId}; unset fields are not sent."""

    topic: str | None = None
    type: int | None = None
    start_time: str | None = None
    duration: int | None = None
    timezone: str | None = None
    agenda: str | None = None
    password: str | None = None
    recurrence: Recurrence | None = None
    settings: MeetingSettings | None = None

    def wire(self) -> dict[str, object]:
        return self.model_dump(mode="json", exclude_none=True)


class RecordingFile(_Response):
    id: str | None = None
    recording_start: str | None = None
    recording_end: str | None = None
    file_type: str | None = None
    file_extension: str | None = None
    file_size: float | None = None
    recording_type: str | None = None
    status: str | None = None
    play_url: str | None = None
    download_url: str | None = None


class RecordedMeeting(_Response):
    uuid: str | None = None
    id: int | None = None
    host_id: str | None = None
    topic: str | None = None
    start_time: str | None = None
    timezone: str | None = None
    duration: int | None = None
    total_size: float | None = None
    share_url: str | None = None
    recording_files: list[RecordingFile] = []


class RecordingList(Page[RecordedMeeting]):
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None


class PastInstance(_Response):
    uuid: str
    start_time: str | None = None


class PastInstances(_Response):
    """GET /past_meetings/{meetingId}/instances: the ended instances of a meeting."""

    meetings: list[PastInstance] = []


class PastMeeting(_Response):
    """GET /past_meetings/{meetingId}: one ended instance."""

    id: int | None = None
    uuid: str | None = None
    topic: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    duration: int | None = None
    host_id: str | None = None
    participants_count: int | None = None
    has_meeting_summary: bool | None = None


class Participant(_Response):
    """One join of a past meeting: a rejoin is another record (another `user_id`) for the same person."""

    id: str | None = None
    name: str | None = None
    user_id: str | None = None
    user_email: str | None = None
    join_time: str | None = None
    leave_time: str | None = None
    duration: int | None = None
    status: str | None = None
    internal_user: bool | None = None


class SummaryDetail(_Response):
    label: str | None = None
    summary: str | None = None


class EditedSummary(_Response):
    summary_overview: str | None = None
    summary_details: str | None = None
    next_steps: list[str] = []


class MeetingSummaryRecord(_Response):
    """GET /meetings/{meetingUUID}/meeting_summary. `summary_content` (Markdown) is the unified field; the
    others are deprecated but still sent, and are all older summaries have."""

    meeting_uuid: str | None = None
    meeting_id: int | None = None
    meeting_host_id: str | None = None
    meeting_topic: str | None = None
    meeting_start_time: str | None = None
    meeting_end_time: str | None = None
    summary_title: str | None = None
    summary_content: str | None = None
    summary_overview: str | None = None
    summary_details: list[SummaryDetail] = []
    next_steps: list[str] = []
    edited_summary: EditedSummary | None = None
    summary_last_modified_time: str | None = None
    summary_doc_url: str | None = None
