"""Reusable parameter types: descriptions and Zoom's limits (from its OpenAPI spec) in one place.

Everything here is checked before any HTTP request is made. Optional parameters carry their description
on the outer type so that every property of a tool's input schema has a top-level description.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, GetPydanticSchema

from zoom_mcp.server.arguments import Matches
from zoom_mcp.server.zoom.timezones import is_zoom_timezone, nearest_zoom_timezone

# Patterns are ECMA-262 regular expressions, as JSON Schema reads them, and the server runs each one the
# same way (Matches): `\d` is an ASCII digit, never U+0661 or U+FF11.
# A user id is a path segment: anything that could end it or smuggle in another request part is refused
# outright, even though the client also percent-encodes (a clear message beats a puzzling 404), and so are
# "." and "..", which a URL resolves as path steps. So are control characters (C0, DEL, C1), spaces and line
# ends (ECMA-262's \s: also U+00A0, U+1680, U+3000, U+FEFF), zero-width and bidi marks (the whole General
# Punctuation block U+2000-U+206F, whose other characters, dashes, quotes and bullets, belong in no address
# or id). Other non-ASCII letters stay: 'zoë@example.com' is one. (U+FFFD, bytes that were not UTF-8, is
# refused in every argument: server/arguments.py.)
USER_ID = Matches(
    r"^(?!\.\.?$)[^/?#%\\\s\x00-\x1f\x7f-\x9f\u2000-\u206f]+$",
    "must be 'me', a Zoom user id or an email address, without '/', '?', '#', '%', '\\', spaces or control characters",
)
# The years Zoom schedules in, stated in the schema; also keeps every offset arithmetic in range.
FIRST_YEAR, LAST_YEAR = 2000, 2099
_DAY = r"20\d\d-\d\d-\d\d"
DATE = Matches(f"^{_DAY}$", f"must be a date yyyy-mm-dd in {FIRST_YEAR}-{LAST_YEAR}")
# Beyond the pattern, the server checks only the calendar (real_date_time): 30 February, hour 24, minute 60.
DATE_TIME = Matches(
    rf"^{_DAY}T\d\d:\d\d(:\d\d(\.\d{{1,6}})?)?(Z|[+-]\d\d:\d\d)?$",
    f"must be an ISO 8601 date-time in {FIRST_YEAR}-{LAST_YEAR} such as '2030-05-01T15:00:00Z', "
    "'2030-05-01T15:00:00+02:00', or '2030-05-01T15:00:00' together with timezone",
)
UTC_DATE_TIME = Matches(
    rf"^{_DAY}T\d\d:\d\d:\d\dZ$", f"must be a UTC date-time in {FIRST_YEAR}-{LAST_YEAR} such as '2030-05-01T15:00:00Z'"
)


def _zoom_timezone(value: str) -> str:
    if not is_zoom_timezone(value):
        raise ValueError(
            f"not a timezone Zoom accepts (an IANA name from Zoom's list); the nearest is "
            f"'{nearest_zoom_timezone(value)}'"
        )
    return value


def real_date_time(value: str) -> str:
    """For values whose pattern already fixes the form: refuse impossible dates such as 30 February."""
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("is not a real date and time (check the day of the month and the hour)") from None
    return value


DateText = Annotated[str, DATE]
UtcDateTimeText = Annotated[str, UTC_DATE_TIME, AfterValidator(real_date_time)]
UserId = Annotated[
    str,
    Field(
        description="'me', a user id or an email.",
        max_length=254,
    ),
    USER_ID,
]
PageSize = Annotated[int, Field(ge=1, le=300, description="Items per page.")]
NextPageToken = Annotated[
    str | None,
    Field(
        max_length=2048,
        description="The previous page's next_page_token.",
    ),
]
# Meeting ids as people paste them: 85222310696, "852 2231 0696", "852-2231-0696", or a join link (its query
# left out). The schema states this pattern and the validator runs it as is: at most 18 digits (an int64),
# no leading zero ("000000000" is not meeting 0), no surrounding spaces.
MEETING_ID = Matches(
    r"^(https://([a-z\d-]+\.)*zoom\.us/j/)?[1-9]([ -]?\d){0,17}(\?[!-~]*)?$",
    "must be a meeting id: an integer such as 85222310696, or '852 2231 0696', '852-2231-0696', a join link "
    "https://zoom.us/j/85222310696; not the uuid",
)


def _meeting_id_as_sent(value: object) -> object:
    """One refusal, with an example, for anything but an integer or a string of the pattern."""
    if (isinstance(value, int) and not isinstance(value, bool) and value >= 1) or (
        isinstance(value, str) and MEETING_ID.regex.search(value)
    ):
        return value
    raise ValueError(MEETING_ID.message)


def _meeting_number(value: int | str) -> int:
    """The id a pasted form names: its digits, without spaces, dashes, the link and its query."""
    return value if isinstance(value, int) else int(re.sub("[ -]", "", value.partition("?")[0].rpartition("/")[2]))


# Zoom's ids are int64; a larger integer is left for Zoom to answer "no such meeting" (a maximum would cost
# tokens in every tool that takes a meeting id).
_MeetingIdAsSent = Annotated[
    Annotated[int, Field(ge=1)] | Annotated[str, MEETING_ID],
    BeforeValidator(_meeting_id_as_sent),
    AfterValidator(_meeting_number),
]
# An int to the tools (and to mypy), validated and published as the integer-or-pasted-string it is sent as.
MeetingId = Annotated[
    int,
    GetPydanticSchema(lambda _source, handler: handler.generate_schema(_MeetingIdAsSent)),
    Field(description="The meeting id or its join link, not the uuid."),
]
OccurrenceId = Annotated[
    Annotated[str, Matches(r"^\d{1,20}$", "must be an occurrence id (digits), from get_meeting")] | None,
    Field(
        description="One occurrence (from get_meeting); omit for the whole series.",
    ),
]

_TopicText = Annotated[str, Field(min_length=1, max_length=200)]
_AgendaText = Annotated[str, Field(max_length=2000)]
_Minutes = Annotated[int, Field(ge=1, le=1440)]
_PasscodeText = Annotated[
    str, Field(max_length=10), Matches(r"^[\w@*-]+$", "may hold letters, digits and @ - _ * only (Zoom's rule)")
]
TimezoneName = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_zoom_timezone)]
_DateTimeText = Annotated[str, DATE_TIME, AfterValidator(real_date_time)]

Topic = Annotated[_TopicText, Field(description="Meeting topic.")]
NewTopic = Annotated[_TopicText | None, Field(description="New topic.")]
Agenda = Annotated[_AgendaText | None, Field(description="Meeting description.")]
Duration = Annotated[_Minutes | None, Field(description="Length in minutes.")]
Passcode = Annotated[_PasscodeText | None, Field(description="Passcode; Zoom makes one if omitted.")]
Timezone = Annotated[
    TimezoneName | None,
    Field(description="Zoom's IANA name, e.g. Europe/Paris (default: the host's); also for start_time without offset."),
]
NewTimezone = Annotated[
    TimezoneName | None,
    Field(description="New IANA timezone (of the series, not one occurrence); also for start_time without offset."),
]
StartTime = Annotated[
    _DateTimeText | None,
    Field(description="Future, 2000-2099; with Z or an offset, or local in timezone. To start now: type instant."),
]
NewStartTime = Annotated[
    _DateTimeText | None,
    Field(description="Future, 2000-2099; with Z or an offset, or local in the meeting's timezone (or timezone)."),
]
# The settings flags: left out, a setting keeps Zoom's default (create) or its current value (update).
HostVideo = Annotated[bool | None, Field(description="Host's video on.")]
ParticipantVideo = Annotated[bool | None, Field(description="Participants' video on.")]
JoinBeforeHost = Annotated[bool | None, Field(description="Join before the host.")]
MuteUponEntry = Annotated[bool | None, Field(description="Mute on entry.")]
WaitingRoom = Annotated[bool | None, Field(description="Waiting room.")]
AutoRecording = Annotated[Literal["local", "cloud", "none"] | None, Field(description="Record automatically.")]
MeetingTypeParam = Literal["instant", "scheduled", "recurring_no_fixed_time", "recurring_fixed_time"]


# Meeting ids are digits; instance uuids are base64 (24 characters for 16 bytes). Digits with a leading zero
# name no meeting: the tools send them as given, as a uuid (tools/past_meetings.py), never as another number.
# A larger integer than int64 is left for Zoom to answer "no such meeting", as for MeetingId.
MEETING_ID_OR_UUID = Matches(
    r"^(\d{9,20}|[\w+/=-]{16,60})$", "must be a meeting id (9 to 20 digits) or a meeting instance uuid"
)

MeetingIdOrUuid = Annotated[
    Annotated[int, Field(ge=10**8)] | Annotated[str, MEETING_ID_OR_UUID],
    AfterValidator(str),
]
