"""Reusable parameter types: descriptions and Zoom's limits (from its OpenAPI spec) in one place.

Everything here is checked before any HTTP request is made. Optional parameters carry their description
on the outer type so that every property of a tool's input schema has a top-level description.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

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
        pattern=r"^[0-9]{1,20}$",
        description="One occurrence of a recurring meeting (occurrence_id from get_meeting); omit for the whole "
        "meeting or series.",
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
        description="Timezone of the meeting (and of a start_time given without offset): an IANA name from "
        "Zoom's list, e.g. 'Europe/Paris', 'America/New_York', 'UTC'. Defaults to the host's timezone."
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
        description="Start date-time in the future, ISO 8601, years 2000-2099: with 'Z' or an offset "
        "('2030-05-01T15:00:00Z'), or local time without offset together with timezone. For a meeting that starts "
        "now, use type instant."
    ),
]
NewStartTime = Annotated[
    _DateTimeText | None,
    Field(
        description="New start in the future, ISO 8601, years 2000-2099: with 'Z' or an offset, or local time "
        "without offset, read in the meeting's own timezone (or in timezone when given)."
    ),
]
Flag = Annotated[bool | None, Field(description="Omit to keep Zoom's default (or the current value).")]
AutoRecording = Annotated[
    Literal["local", "cloud", "none"] | None,
    Field(description="Record automatically: local, cloud or none. Omit to keep the default."),
]
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
