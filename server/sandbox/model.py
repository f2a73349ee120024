"""The in-memory Zoom account the sandbox serves."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

JsonObject = dict[str, Any]


@dataclass
class User:
    id: str
    email: str
    first_name: str
    last_name: str
    type: int
    status: str
    timezone: str
    pmi: int
    role_id: str
    role_name: str
    created_at: datetime
    last_login_time: datetime | None
    language: str = "en-US"
    dept: str = ""
    job_title: str = ""
    location: str = ""
    verified: int = 1
    last_client_version: str = ""
    pmi_passcode_token: str = ""
    # The user setting "Meeting Summary with AI Companion".
    meeting_summary_enabled: bool = True

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class Occurrence:
    occurrence_id: str
    start_time: datetime
    duration: int
    status: str = "available"
    # Per-occurrence edits made with PATCH ?occurrence_id=; shown by GET ?occurrence_id=.
    agenda: str | None = None
    settings: JsonObject = field(default_factory=dict)


@dataclass
class Meeting:
    id: int
    uuid: str
    host_id: str
    topic: str
    type: int
    start_time: datetime | None
    duration: int
    timezone: str
    agenda: str
    created_at: datetime
    password: str
    encrypted_password: str
    numeric_password: str
    start_zak: str
    settings: JsonObject
    recurrence: JsonObject | None = None
    occurrences: list[Occurrence] = field(default_factory=list)
    tracking_fields: list[JsonObject] = field(default_factory=list)
    pre_schedule: bool = False
    status: str = "waiting"
    creation_source: str = "open_api"

    def end_time(self) -> datetime | None:
        if self.start_time is None:
            return None
        return self.start_time + timedelta(minutes=self.duration)


@dataclass
class RecordingFile:
    id: str
    file_type: str
    file_extension: str
    recording_type: str
    recording_start: datetime
    recording_end: datetime
    file_size: int
    content: bytes
    media_type: str


@dataclass
class Attendance:
    """One join of one participant. A rejoin is a new record with a new per-meeting ``user_id``."""

    user_id: str
    # The Zoom user id when the participant was signed in, else "".
    id: str
    name: str
    # "" for people outside the host's account.
    email: str
    join_time: datetime
    leave_time: datetime
    internal_user: bool


@dataclass
class AISummary:
    """An AI Companion meeting summary: the legacy fields and the unified Markdown built from them."""

    title: str
    overview: str
    details: list[tuple[str, str]]
    next_steps: list[str]
    content: str
    created_at: datetime


@dataclass
class PastInstance:
    """One held meeting (a Zoom meeting instance, with its own uuid) and its cloud recording."""

    uuid: str
    meeting_id: int
    host_id: str
    topic: str
    type: int
    start_time: datetime
    duration: int
    timezone: str
    share_token: str
    play_passcode: str
    download_access_token: str
    files: list[RecordingFile] = field(default_factory=list)
    participants: list[Attendance] = field(default_factory=list)
    summary: AISummary | None = None

    @property
    def end_time(self) -> datetime:
        return self.start_time + timedelta(minutes=self.duration)

    @property
    def total_size(self) -> int:
        return sum(f.file_size for f in self.files)

    def start_date(self) -> date:
        return self.start_time.date()


@dataclass
class AccountState:
    account_id: str
    owner_id: str
    users: list[User] = field(default_factory=list)
    meetings: dict[int, Meeting] = field(default_factory=dict)
    instances: list[PastInstance] = field(default_factory=list)

    def find_user(self, user_id: str, token_owner_id: str) -> User | None:
        """Zoom's ``userId``: ``me``, a user id, or an email address (case-insensitive)."""
        wanted = token_owner_id if user_id == "me" else user_id
        for user in self.users:
            if user.id == wanted or user.email.casefold() == wanted.casefold():
                return user
        return None

    def user_by_id(self, user_id: str) -> User:
        return next(u for u in self.users if u.id == user_id)

    def meetings_of(self, host_id: str) -> list[Meeting]:
        return [m for m in self.meetings.values() if m.host_id == host_id]

    def recording_file(self, file_id: str) -> tuple[PastInstance, RecordingFile] | None:
        for instance in self.instances:
            for recording in instance.files:
                if recording.id == file_id:
                    return instance, recording
        return None
