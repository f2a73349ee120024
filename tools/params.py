"""Reusable parameter types: descriptions and Zoom's limits (from its OpenAPI spec) in one place.

Everything here is checked before any HTTP request is made. Optional parameters carry their description
on the outer type so that every property of a tool's input schema has a top-level description.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field

# Anything that could end the path segment or smuggle in another request part is refused outright,
# even though the client also percent-encodes: a clear message beats a puzzling 404.
USER_ID_PATTERN = r"^[^/?#%\\\s\x00-\x1f\x7f]+$"


def _user_id(value: str) -> str:
    if value in {".", ".."} or not re.fullmatch(USER_ID_PATTERN, value):
        raise ValueError(
            "must be 'me', a Zoom user id or an email address, without '/', '?', '#', '%', '\\', spaces or "
            "control characters"
        )
    return value


def _known_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{value[:64]!r} is not a known IANA timezone; use a name such as 'America/New_York' or 'UTC'"
        ) from None
    return value


def _iso_datetime(value: str) -> str:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            "must be an ISO 8601 date-time such as '2030-05-01T15:00:00Z', '2030-05-01T15:00:00+02:00', "
            "or '2030-05-01T15:00:00' together with timezone"
        ) from None
    if "T" not in value:
        raise ValueError("must include a time of day, e.g. '2030-05-01T15:00:00Z'")
    return value


UserId = Annotated[
    str,
    Field(
        description="'me' (the account owner for Server-to-Server apps), a Zoom user id, or an email address.",
        min_length=1,
        max_length=254,
        json_schema_extra={"pattern": USER_ID_PATTERN},
    ),
    AfterValidator(_user_id),
]
PageSize = Annotated[int, Field(ge=1, le=300, description="Items per page, 1 to 300.")]
NextPageToken = Annotated[
    str | None,
    Field(
        max_length=2048,
        description="The next_page_token of the previous result, to get the next page; omit for the first page.",
    ),
]
MeetingId = Annotated[
    int,
    Field(ge=1, le=2**63 - 1, description="The meeting id (a number, often 10 or 11 digits), not the uuid."),
]
OccurrenceId = Annotated[
    str | None,
    Field(
        pattern=r"^\d{1,20}$",
        description="One occurrence of a recurring meeting (occurrence_id from get_meeting); omit for the whole "
        "meeting or series.",
    ),
]

_TopicText = Annotated[str, Field(min_length=1, max_length=200)]
_AgendaText = Annotated[str, Field(max_length=2000)]
_Minutes = Annotated[int, Field(ge=1, le=1440)]
_PasscodeText = Annotated[str, Field(min_length=1, max_length=10, pattern=r"^[A-Za-z0-9@_*-]+$")]
TimezoneName = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_known_timezone)]
_DateTimeText = Annotated[str, Field(min_length=10, max_length=40), AfterValidator(_iso_datetime)]

Topic = Annotated[_TopicText, Field(description="Meeting topic, 1 to 200 characters.")]
NewTopic = Annotated[_TopicText | None, Field(description="New topic, 1 to 200 characters.")]
Agenda = Annotated[_AgendaText | None, Field(description="Meeting description, up to 2,000 characters.")]
Duration = Annotated[_Minutes | None, Field(description="Length in minutes, 1 to 1,440.")]
Passcode = Annotated[
    _PasscodeText | None,
    Field(description="Meeting passcode: up to 10 letters, digits or @ - _ *. Omit to let Zoom generate one."),
]
Timezone = Annotated[
    TimezoneName | None,
    Field(
        description="IANA timezone of the meeting (and of a start_time given without offset), e.g. "
        "'Europe/Paris'. Defaults to the host's timezone."
    ),
]
NewTimezone = Annotated[
    TimezoneName | None,
    Field(
        description="New IANA timezone of the meeting or series (not of one occurrence), e.g. 'Europe/Paris'; "
        "a start_time without offset is read in it."
    ),
]
StartTime = Annotated[
    _DateTimeText | None,
    Field(
        description="Start date-time in the future, ISO 8601: with 'Z' or an offset ('2030-05-01T15:00:00Z'), or "
        "local time without offset together with timezone. For a meeting that starts now, use type instant."
    ),
]
NewStartTime = Annotated[
    _DateTimeText | None,
    Field(
        description="New start in the future, ISO 8601: with 'Z' or an offset, or local time without offset, "
        "read in the meeting's own timezone (or in timezone when given)."
    ),
]
Flag = Annotated[bool | None, Field(description="Omit to keep Zoom's default (or the current value).")]
AutoRecording = Annotated[
    Literal["local", "cloud", "none"] | None,
    Field(description="Record automatically: local, cloud or none. Omit to keep the default."),
]
MeetingTypeParam = Literal["instant", "scheduled", "recurring_no_fixed_time", "recurring_fixed_time"]


# Meeting ids are digits; instance uuids are base64 (24 characters for 16 bytes).
_MEETING_ID_OR_UUID = re.compile(r"^(\d{9,20}|[A-Za-z0-9+/=_-]{16,60})$")


def _meeting_id_or_uuid(value: int | str) -> str:
    text = str(value)
    if not _MEETING_ID_OR_UUID.match(text):
        raise ValueError("must be a meeting id (9 to 20 digits) or a meeting instance uuid")
    return text


MeetingIdOrUuid = Annotated[int | str, AfterValidator(_meeting_id_or_uuid)]
