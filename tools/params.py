"""Reusable parameter types: descriptions and Zoom's limits (from its OpenAPI spec) in one place.

Everything here is checked before any HTTP request is made. Optional parameters carry their description
on the outer type so that every property of a tool's input schema has a top-level description.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from zoom_mcp.server.zoom.timezones import is_zoom_timezone, nearest_zoom_timezone

# Patterns are written so that JSON Schema (ECMA-262), Python's re and pydantic's Rust regex read them
# alike: explicit ASCII ranges instead of \d or \s, whose meaning differs between the three (a Unicode
# digit such as U+0661 is \d to Python and Rust; U+FEFF is \s to ECMA-262 only).
# Anything that could end the path segment or smuggle in another request part is refused outright,
# even though the client also percent-encodes: a clear message beats a puzzling 404. So are control
# characters, Unicode spaces, zero-width and bidi marks, U+FEFF and U+FFFD (bytes that were not UTF-8).
USER_ID_PATTERN = r"^[^/?#%\\\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\ufffd]+$"
# The years Zoom schedules in, stated in the schema; also keeps every offset arithmetic in range.
FIRST_YEAR, LAST_YEAR = 2000, 2099
_DAY = r"20[0-9]{2}-[0-9]{2}-[0-9]{2}"
_MINUTE = r"[0-9]{2}:[0-9]{2}"
DATE_PATTERN = f"^{_DAY}$"
DATE_TIME_PATTERN = rf"^{_DAY}T{_MINUTE}(:[0-9]{{2}}(\.[0-9]{{1,6}})?)?(Z|[+-]{_MINUTE})?$"
UTC_DATE_TIME_PATTERN = f"^{_DAY}T{_MINUTE}:[0-9]{{2}}Z$"


def _user_id(value: str) -> str:
    if value in {".", ".."} or not re.fullmatch(USER_ID_PATTERN, value):
        raise ValueError(
            "must be 'me', a Zoom user id or an email address, without '/', '?', '#', '%', '\\', spaces or "
            "control characters"
        )
    return value


def _zoom_timezone(value: str) -> str:
    if not is_zoom_timezone(value):
        raise ValueError(
            f"not a timezone Zoom accepts (an IANA name from Zoom's list); the nearest is "
            f"'{nearest_zoom_timezone(value)}'"
        )
    return value


def _iso_datetime(value: str) -> str:
    if not re.fullmatch(DATE_TIME_PATTERN, value):
        raise ValueError(
            f"must be an ISO 8601 date-time in {FIRST_YEAR}-{LAST_YEAR} such as '2030-05-01T15:00:00Z', "
            "'2030-05-01T15:00:00+02:00', or '2030-05-01T15:00:00' together with timezone"
        )
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("is not a real date and time (check the day of the month and the hour)") from None
    return value


def real_date_time(value: str) -> str:
    """For values whose pattern already fixes the form: refuse impossible dates such as 30 February."""
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("is not a real date and time (check the day of the month and the hour)") from None
    return value


UserId = Annotated[
    str,
    Field(
        description="'me', a Zoom user id, or an email address.",
        min_length=1,
        max_length=254,
        json_schema_extra={"pattern": USER_ID_PATTERN},
    ),
    AfterValidator(_user_id),
]
PageSize = Annotated[int, Field(ge=1, le=300, description="Items per page.")]
NextPageToken = Annotated[
    str | None,
    Field(
        max_length=2048,
        description="The previous page's next_page_token.",
    ),
]
# Meeting ids as people paste them: 85222310696, "852 2231 0696", "852-2231-0696", or a join link.
_WRITTEN_MEETING_ID = re.compile(r"[0-9]{1,20}(?:[ -][0-9]{1,20}){0,5}")
_JOIN_LINK = re.compile(r"https://(?:[a-z0-9-]+\.)*zoom\.us/j/([0-9]{1,20})(?:[?#][!-~]*)?", re.IGNORECASE)
_MAX_MEETING_ID = 2**63 - 1


def _meeting_id(value: object) -> object:
    """A JSON integer as is; digits written with spaces or dashes, or a join link, as the id they name."""
    if isinstance(value, str) and len(value) <= 2048:
        text = value.strip()
        if _WRITTEN_MEETING_ID.fullmatch(text):
            return int(re.sub(r"[ -]", "", text))
        if link := _JOIN_LINK.fullmatch(text):
            return int(link[1])
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(
        "must be a meeting id: an integer such as 85222310696 (also written '852 2231 0696' or "
        "'852-2231-0696', or a join link https://zoom.us/j/85222310696), not the uuid"
    )


MeetingId = Annotated[
    int,
    BeforeValidator(_meeting_id),
    Field(ge=1, le=_MAX_MEETING_ID),
    WithJsonSchema(
        {
            "type": ["integer", "string"],
            "description": "The meeting id (a number, '852 2231 0696' or a join link), not the uuid.",
        }
    ),
]
OccurrenceId = Annotated[
    str | None,
    Field(
        pattern=r"^[0-9]{1,20}$",
        description="One occurrence of a series (from get_meeting); omit for the whole series.",
    ),
]

_TopicText = Annotated[str, Field(min_length=1, max_length=200)]
_AgendaText = Annotated[str, Field(max_length=2000)]
_Minutes = Annotated[int, Field(ge=1, le=1440)]
_PasscodeText = Annotated[str, Field(min_length=1, max_length=10, pattern=r"^[A-Za-z0-9@_*-]+$")]
TimezoneName = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_zoom_timezone)]
_DateTimeText = Annotated[
    str,
    Field(min_length=16, max_length=32, json_schema_extra={"pattern": DATE_TIME_PATTERN}),
    AfterValidator(_iso_datetime),
]

Topic = Annotated[_TopicText, Field(description="Meeting topic.")]
NewTopic = Annotated[_TopicText | None, Field(description="New topic.")]
Agenda = Annotated[_AgendaText | None, Field(description="Meeting description.")]
Duration = Annotated[_Minutes | None, Field(description="Length in minutes.")]
Passcode = Annotated[_PasscodeText | None, Field(description="Meeting passcode; Zoom makes one if omitted.")]
Timezone = Annotated[
    TimezoneName | None,
    Field(
        description="IANA timezone from Zoom's list, e.g. 'Europe/Paris', 'UTC'; default: the host's. An "
        "offset-less start_time is read in it."
    ),
]
NewTimezone = Annotated[
    TimezoneName | None,
    Field(
        description="New IANA timezone of the meeting or series (not of one occurrence); an offset-less "
        "start_time is read in it."
    ),
]
StartTime = Annotated[
    _DateTimeText | None,
    Field(
        description="In the future (years 2000-2099), ISO 8601 with 'Z' or an offset, or local time (no offset) "
        "in timezone. To start now, use type instant."
    ),
]
NewStartTime = Annotated[
    _DateTimeText | None,
    Field(
        description="In the future (years 2000-2099), ISO 8601 with 'Z' or an offset, or local time (no offset) "
        "in the meeting's timezone (or in timezone when given)."
    ),
]
# The settings flags: left out, a setting keeps Zoom's default (create) or its current value (update).
HostVideo = Annotated[bool | None, Field(description="Host's video on.")]
ParticipantVideo = Annotated[bool | None, Field(description="Participants' video on.")]
JoinBeforeHost = Annotated[bool | None, Field(description="Join before the host.")]
MuteUponEntry = Annotated[bool | None, Field(description="Mute on entry.")]
WaitingRoom = Annotated[bool | None, Field(description="Waiting room.")]
AutoRecording = Annotated[Literal["local", "cloud", "none"] | None, Field(description="Record automatically.")]
MeetingTypeParam = Literal["instant", "scheduled", "recurring_no_fixed_time", "recurring_fixed_time"]


# Meeting ids are digits; instance uuids are base64 (24 characters for 16 bytes). The schema states the
# same rule (ASCII digits: Python's \d also matches U+0661, and `$` alone would let a final newline in).
MEETING_ID_OR_UUID_PATTERN = r"^([0-9]{9,20}|[A-Za-z0-9+/=_-]{16,60})$"


def _meeting_id_or_uuid(value: int | str) -> str:
    text = str(value)
    if not re.fullmatch(MEETING_ID_OR_UUID_PATTERN, text):
        raise ValueError("must be a meeting id (9 to 20 digits) or a meeting instance uuid")
    return text


MeetingIdOrUuid = Annotated[
    Annotated[int, Field(ge=10**8, le=2**63 - 1)] | Annotated[str, Field(pattern=MEETING_ID_OR_UUID_PATTERN)],
    AfterValidator(_meeting_id_or_uuid),
]
