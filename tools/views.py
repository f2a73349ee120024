"""What the model gets back: Zoom's objects trimmed to what a person needs.

`start_url` never appears here: it lets whoever holds it start the meeting as its host.
One meeting's times are given in UTC and as local time, so the model never converts; lists give the local
time alone (its UTC offset makes it exact). Every local time has one shape, ISO 8601 with its offset and then
the weekday: "2026-12-03T15:00:00-05:00 (Thu)" — models get weekdays wrong when left to work them out.
Every token of a result is paid for: what a list leaves out, the description says where to find
(get_meeting, include_files, include_cues).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from zoom_mcp.server.zoom import models
from zoom_mcp.server.zoom.vocabulary import (
    MEETING_TYPES,
    RECURRENCE_TYPES,
    USER_TYPES,
    MeetingTypeName,
    RecurrenceTypeName,
)

ME_IS = (
    "The Zoom user these credentials act as: the account owner for a Server-to-Server OAuth app, otherwise "
    "the user who authorised the token."
)


class Item(BaseModel):
    # No docstrings on views: pydantic would publish them in every output schema.
    model_config = ConfigDict(extra="forbid")


class View(Item):
    # A whole tool result. `sandbox` is set (true) only by zoom-mcp's built-in Zoom emulator; the server's
    # instructions say what it means, once, rather than every output schema (results may carry fields
    # their schema leaves out: output schemas do not say additionalProperties false).
    sandbox: SkipJsonSchema[bool | None] = None


def local_time(utc_time: str | None, timezone: str | None) -> str | None:
    """The same instant as `utc_time` in `timezone`: ISO 8601 with its offset, then the weekday."""
    if not utc_time or not timezone:
        return None
    try:
        instant = datetime.fromisoformat(utc_time.replace("Z", "+00:00"))
        return format_local(instant.astimezone(ZoneInfo(timezone)))
    except (ValueError, ZoneInfoNotFoundError):
        return None


def format_local(moment: datetime) -> str:
    """The one shape of every local time in results: "2026-12-03T15:00:00-05:00 (Thu)"."""
    return f"{moment.replace(microsecond=0).isoformat()} ({_WEEKDAYS[moment.weekday()]})"


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _seconds_between(start: str | None, end: str | None) -> int | None:
    if not start or not end:
        return None
    try:
        return int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())
    except ValueError:
        return None


def known_zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone `name`, or None when it is empty or unknown here."""
    try:
        return ZoneInfo(name) if name else None
    except (ValueError, ZoneInfoNotFoundError):
        return None


def _zone_or_utc(name: str | None) -> ZoneInfo:
    return known_zone(name) or ZoneInfo("UTC")


def meeting_type_name(value: int | None) -> MeetingTypeName | None:
    return MEETING_TYPES.get(value) if value is not None else None


class PageView(View):
    # One page of a list: the items in a field named after them, and the paging envelope.

    total_records: int | None = Field(default=None, description="Matches across all pages.")
    page_size: int | None = None
    next_page_token: str | None = Field(
        default=None,
        description="Pass as next_page_token to get the next page; absent on the last page. Expires after 15 min.",
    )


def paging(page: models.Page[Any]) -> dict[str, Any]:
    """A page view's envelope fields from Zoom's."""
    return {
        "total_records": page.total_records,
        "page_size": page.page_size,
        "next_page_token": page.next_page_token or None,
    }


class UserProfile(Item):
    id: str = Field(description="Zoom user id; usable wherever a user_id is asked.")
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    display_name: str | None = None
    type: str = Field(description="Plan type: basic, licensed, unassigned_without_meetings_basic or none.")
    role_name: str | None = None
    status: str | None = Field(default=None, description="active, inactive or pending.")
    timezone: str | None = Field(default=None, description="The user's IANA timezone; may be empty.")
    pmi: int | None = Field(default=None, description="Personal Meeting ID.")
    personal_meeting_url: str | None = None
    account_id: str | None = None
    dept: str | None = None
    job_title: str | None = None
    language: str | None = None
    created_at: str | None = None
    last_login_time: str | None = None
    current_time_local: str | None = Field(
        default=None, description="Now, in the user's timezone (UTC when they have none), with the weekday."
    )
    me_is: str | None = Field(default=None, description="For user_id 'me': whom 'me' stands for.")

    @classmethod
    def of(cls, user: models.UserSummary, *, now: datetime | None = None, me: bool = False) -> Self:
        details = user if isinstance(user, models.User) else None
        return cls(
            current_time_local=format_local(now.astimezone(_zone_or_utc(user.timezone))) if now else None,
            me_is=ME_IS if me else None,
            id=user.id,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            display_name=user.display_name,
            type=USER_TYPES.get(user.type, str(user.type)),
            role_name=details.role_name if details else None,
            status=user.status,
            timezone=user.timezone,
            pmi=user.pmi,
            personal_meeting_url=details.personal_meeting_url if details else None,
            account_id=details.account_id if details else None,
            dept=user.dept or None,
            job_title=(details.job_title or None) if details else None,
            language=details.language if details else None,
            created_at=user.user_created_at or user.created_at,
            last_login_time=user.last_login_time,
        )


class UserInfo(UserProfile, View):
    pass


class MeetingSummary(Item):
    id: int = Field(description="Meeting id: pass it to get_meeting, update_meeting or delete_meeting.")
    occurrence_id: str | None = Field(
        default=None, description="With a date range: this occurrence of a recurring series."
    )
    topic: str | None = None
    type: MeetingTypeName | None = None
    start_time_local: str | None = Field(
        default=None,
        description="Start as local time with its UTC offset and the weekday: in the meeting's timezone, or with "
        "a date range in the range's timezone.",
    )
    timezone: str | None = Field(default=None, description="The meeting's own timezone.")
    duration: int | None = Field(default=None, description="Minutes.")

    @classmethod
    def of(
        cls,
        meeting: models.MeetingListItem,
        *,
        start_time: str | None = None,
        duration: int | None = None,
        occurrence_id: str | None = None,
        local_zone: str | None = None,
    ) -> MeetingSummary:
        """`meeting` as listed, or one of its occurrences; `local_zone` overrides the meeting's timezone."""
        start = start_time or meeting.start_time
        return cls(
            id=meeting.id,
            occurrence_id=occurrence_id,
            topic=meeting.topic,
            type=meeting_type_name(meeting.type),
            start_time_local=local_time(start, local_zone or meeting.timezone) or start,
            timezone=meeting.timezone,
            duration=duration if duration is not None else meeting.duration,
        )


class MeetingPage(PageView):
    from_date: str | None = Field(default=None, description="First day of the range (yyyy-mm-dd).")
    to_date: str | None = Field(default=None, description="Last day of the range, inclusive.")
    timezone: str | None = Field(default=None, description="The timezone the range is read in.")
    meetings: list[MeetingSummary]
    note: str | None = Field(default=None, description="Present when the answer is cut or may be incomplete.")

    @classmethod
    def of(cls, page: models.Page[models.MeetingListItem]) -> MeetingPage:
        return cls(meetings=[MeetingSummary.of(meeting) for meeting in page.items], **paging(page))


class MeetingSettingsView(Item):
    host_video: bool | None = None
    participant_video: bool | None = None
    join_before_host: bool | None = None
    mute_upon_entry: bool | None = None
    waiting_room: bool | None = None
    auto_recording: Literal["local", "cloud"] | None = None

    @classmethod
    def of(cls, settings: models.MeetingSettings) -> MeetingSettingsView | None:
        """Only the settings that are on: a flag that is off, and auto_recording 'none', are left out."""
        on = settings.model_dump(exclude_none=True)
        shown = {name: value for name, value in on.items() if value is True or value in {"local", "cloud"}}
        return cls(**shown) if shown else None


class RecurrenceView(Item):
    type: RecurrenceTypeName
    repeat_interval: int | None = None
    weekly_days: str | None = Field(default=None, description="Days of week, 1=Sunday ... 7=Saturday.")
    monthly_day: int | None = None
    monthly_week: int | None = None
    monthly_week_day: int | None = None
    end_times: int | None = None
    end_date_time: str | None = None


class MeetingDetails(View):
    id: int = Field(description="Meeting id: pass it to get_meeting, update_meeting or delete_meeting.")
    uuid: str | None = None
    topic: str | None = None
    type: MeetingTypeName | None = None
    status: str | None = Field(default=None, description="waiting or started.")
    start_time: str | None = Field(default=None, description="Start, UTC (yyyy-MM-ddTHH:mm:ssZ).")
    start_time_local: str | None = Field(
        default=None, description="The same start in the meeting's timezone, ISO 8601 with offset."
    )
    timezone: str | None = None
    duration: int | None = Field(default=None, description="Minutes.")
    agenda: str | None = None
    join_url: str | None = Field(default=None, description="Link participants use to join (includes passcode).")
    passcode: str | None = None
    host_id: str | None = None
    host_email: str | None = None
    settings: MeetingSettingsView | None = Field(
        default=None, description="Only the settings that are on; a flag left out is off."
    )
    recurrence: RecurrenceView | None = None
    occurrences: dict[str, str] | None = Field(
        default=None,
        description="Upcoming occurrences of a recurring series: occurrence_id -> start in the meeting's "
        "timezone. With occurrence_id, only that one (its duration is duration above).",
    )
    deleted_occurrences: dict[str, str] | None = Field(
        default=None, description="Occurrences deleted from the series, in the same form."
    )

    @classmethod
    def of(cls, meeting: models.Meeting, *, occurrence_id: str | None = None) -> MeetingDetails:
        recurrence = None
        if meeting.recurrence is not None:
            recurrence = RecurrenceView(
                type=RECURRENCE_TYPES[meeting.recurrence.type],
                **meeting.recurrence.model_dump(exclude={"type"}),
            )
        # Zoom lists every occurrence even when asked for one: show only the one asked for.
        occurrences = [o for o in meeting.occurrences if occurrence_id is None or o.occurrence_id == occurrence_id]

        def starts(status: Literal["available", "deleted"]) -> dict[str, str] | None:
            chosen = {
                o.occurrence_id: local_time(o.start_time, meeting.timezone) or o.start_time or ""
                for o in occurrences
                if (o.status == "deleted") == (status == "deleted")
            }
            return chosen or None

        return cls(
            id=meeting.id,
            uuid=meeting.uuid,
            topic=meeting.topic,
            type=meeting_type_name(meeting.type),
            status=meeting.status,
            start_time=meeting.start_time,
            start_time_local=local_time(meeting.start_time, meeting.timezone),
            timezone=meeting.timezone,
            duration=meeting.duration,
            agenda=meeting.agenda or None,
            join_url=meeting.join_url,
            passcode=meeting.password or None,
            host_id=meeting.host_id,
            host_email=meeting.host_email,
            settings=MeetingSettingsView.of(meeting.settings) if meeting.settings else None,
            recurrence=recurrence,
            occurrences=starts("available"),
            deleted_occurrences=starts("deleted"),
        )


class UserPage(PageView):
    users: list[UserProfile]

    @classmethod
    def of(cls, page: models.Page[models.UserSummary]) -> UserPage:
        return cls(users=[UserProfile.of(user) for user in page.items], **paging(page))


class MeetingDeleted(View):
    meeting_id: int
    occurrence_id: str | None = None
    deleted: Literal["meeting", "series", "occurrence"] = Field(
        description="meeting: a single meeting; series: every occurrence of a recurring meeting; occurrence: one."
    )
    topic: str | None = None
    start_time: str | None = Field(default=None, description="Start (UTC) of what was deleted.")
    summary: str


class RecordingFileView(Item):
    id: str | None = None
    file_type: str | None = Field(default=None, description="MP4, M4A, TRANSCRIPT, CHAT, CC, TIMELINE, ...")
    file_extension: str | None = None
    recording_type: str | None = Field(default=None, description="e.g. shared_screen_with_speaker_view, audio_only.")
    file_size: float | None = Field(default=None, description="Bytes.")
    recording_start: str | None = None
    recording_end: str | None = None
    duration_seconds: int | None = Field(default=None, description="Length of this file's recording.")
    status: str | None = None
    play_url: str | None = Field(default=None, description="Watch in the browser (Zoom sign-in may be needed).")

    @classmethod
    def of(cls, file: models.RecordingFile) -> RecordingFileView:
        # download_url is left out on purpose: it only works with the server's own access token.
        return cls(
            id=file.id,
            file_type=file.file_type,
            file_extension=file.file_extension,
            recording_type=file.recording_type,
            file_size=file.file_size,
            recording_start=file.recording_start,
            recording_end=file.recording_end,
            duration_seconds=_seconds_between(file.recording_start, file.recording_end),
            status=file.status,
            play_url=file.play_url,
        )


class RecordedMeetingView(Item):
    id: int | None = Field(default=None, description="Meeting id.")
    uuid: str | None = Field(default=None, description="This instance's uuid; pass it to get_meeting_transcript.")
    topic: str | None = None
    start_time_local: str | None = Field(
        default=None, description="Start in the meeting's timezone, ISO 8601 with its UTC offset."
    )
    timezone: str | None = None
    timezone_is_hosts: bool | None = Field(
        default=None,
        description="True when Zoom gave the recording no timezone: local times are in the host's timezone.",
    )
    duration: int | None = Field(default=None, description="Minutes.")
    has_transcript: bool = Field(description="True when a TRANSCRIPT file exists: get_meeting_transcript reads it.")
    file_types: list[str] = Field(description="MP4, M4A, TRANSCRIPT, CHAT, CC, TIMELINE, ...")
    share_url: str | None = Field(default=None, description="Watch in the browser. With include_files only.")
    total_size: float | None = Field(default=None, description="Bytes, all files. With include_files only.")
    files: list[RecordingFileView] | None = Field(default=None, description="With include_files only.")

    @classmethod
    def of(cls, meeting: models.RecordedMeeting, *, include_files: bool = False) -> RecordedMeetingView:
        kinds = [file.file_type for file in meeting.recording_files if file.file_type]
        return cls(
            id=meeting.id,
            uuid=meeting.uuid,
            topic=meeting.topic,
            start_time_local=local_time(meeting.start_time, meeting.timezone) or meeting.start_time,
            timezone=meeting.timezone,
            duration=meeting.duration,
            has_transcript="TRANSCRIPT" in kinds,
            file_types=list(dict.fromkeys(kinds)),
            share_url=meeting.share_url if include_files else None,
            total_size=meeting.total_size if include_files else None,
            files=[RecordingFileView.of(file) for file in meeting.recording_files] if include_files else None,
        )


class RecordingPage(PageView):
    from_date: str | None = Field(default=None, description="First day searched (yyyy-mm-dd).")
    to_date: str | None = Field(default=None, description="Last day searched (yyyy-mm-dd).")
    meetings: list[RecordedMeetingView]

    @classmethod
    def of(
        cls, page: models.RecordingList, *, searched_from: str, searched_to: str, include_files: bool = False
    ) -> RecordingPage:
        return cls(
            from_date=page.from_ or searched_from,
            to_date=page.to or searched_to,
            meetings=[RecordedMeetingView.of(meeting, include_files=include_files) for meeting in page.items],
            **paging(page),
        )


class CueView(Item):
    start: str = Field(description="hh:mm:ss from the start of the recording.")
    end: str
    speaker: str | None = None
    text: str


class TranscriptPage(View):
    meeting_id: int | None = None
    uuid: str | None = Field(default=None, description="The recorded instance this transcript belongs to.")
    topic: str | None = None
    start_time: str | None = Field(default=None, description="Meeting start, UTC.")
    start_time_local: str | None = Field(default=None, description="The same start in the meeting's timezone.")
    timezone: str | None = None
    timezone_is_hosts: bool | None = Field(
        default=None,
        description="True when Zoom gave the recording no timezone: local times are in the host's timezone.",
    )
    speakers: list[str] = Field(description="Everyone who speaks anywhere in the transcript.")
    total_cues: int = Field(description="Cues in the whole transcript.")
    offset: int = Field(description="Index of the first cue in this page.")
    next_offset: int | None = Field(
        default=None, description="Pass as offset to read on; absent when this page reaches the end."
    )
    text: str = Field(description="This page as readable lines: '[hh:mm:ss] Speaker: words'.")
    cues: list[CueView] | None = Field(
        default=None, description="The same page as structured cues, with include_cues only."
    )


class InstanceView(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uuid: str = Field(description="Pass as meeting_id_or_uuid for this instance.")
    start_time: str | None = None
    start_time_local: str | None = None


class SummarySection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str | None = None
    summary: str | None = None


class MeetingNotes(View):
    meeting_id: int | None = None
    uuid: str | None = Field(default=None, description="The meeting instance summarised.")
    topic: str | None = None
    start_time: str | None = Field(default=None, description="Meeting start, UTC.")
    start_time_local: str | None = Field(default=None, description="The same in the host's timezone.")
    end_time: str | None = Field(default=None, description="Meeting end, UTC.")
    timezone: str | None = Field(default=None, description="The host's timezone, used for local times.")
    title: str | None = None
    summary: str | None = Field(default=None, description="The summary as Markdown: recap, next steps, topics.")
    overview: str | None = Field(default=None, description="Older summaries without Markdown: the recap.")
    next_steps: list[str] | None = Field(default=None, description="Older summaries: the action items.")
    sections: list[SummarySection] | None = Field(default=None, description="Older summaries: topic by topic.")
    doc_url: str | None = Field(default=None, description="The summary in Zoom Docs.")
    earlier_instances: list[InstanceView] | None = Field(
        default=None, description="Given a meeting id: the instances before this one, newest first (up to 5)."
    )

    @classmethod
    def of(cls, record: models.MeetingSummaryRecord, timezone: str | None) -> MeetingNotes:
        """The unified Markdown when Zoom gives it; otherwise the legacy fields, the host's edits first."""
        notes = cls(
            meeting_id=record.meeting_id,
            uuid=record.meeting_uuid,
            topic=record.meeting_topic,
            start_time=record.meeting_start_time,
            start_time_local=local_time(record.meeting_start_time, timezone),
            end_time=record.meeting_end_time,
            timezone=timezone,
            title=record.summary_title,
            doc_url=record.summary_doc_url or None,
        )
        if record.summary_content:
            return notes.model_copy(update={"summary": record.summary_content})
        edited = record.edited_summary
        sections = [SummarySection(label=d.label, summary=d.summary) for d in record.summary_details]
        if edited is not None and edited.summary_details:
            sections = [SummarySection(label="Details", summary=edited.summary_details)]
        return notes.model_copy(
            update={
                "overview": (edited.summary_overview if edited else None) or record.summary_overview,
                "next_steps": (edited.next_steps if edited else None) or record.next_steps or None,
                "sections": sections or None,
            }
        )


class AttendeeView(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    email: str | None = Field(default=None, description="Absent for people outside the host's account.")
    join_time: str | None = Field(default=None, description="First join, UTC.")
    join_time_local: str | None = None
    leave_time: str | None = Field(default=None, description="Last leave, UTC.")
    leave_time_local: str | None = None
    minutes: int = Field(description="Time in the meeting, all joins together.")
    joins: int | None = Field(default=None, description="Present when the person left and rejoined.")


class AttendancePage(View):
    meeting_id: int | None = None
    uuid: str | None = Field(default=None, description="The meeting instance.")
    topic: str | None = None
    start_time: str | None = Field(default=None, description="Meeting start, UTC.")
    start_time_local: str | None = None
    timezone: str | None = Field(default=None, description="The host's timezone, used for local times.")
    participants: list[AttendeeView] = Field(description="One entry per person, by first join.")
    total_people: int
    next_page_token: str | None = Field(default=None, description="Pass as next_page_token for more people.")
    note: str | None = Field(default=None, description="Present when the list is empty or may be incomplete.")
    earlier_instances: list[InstanceView] | None = Field(
        default=None, description="Given a meeting id: the instances before this one, newest first (up to 5)."
    )
