"""Zoom's numeric codes and the names our tools use for them: one table per vocabulary (Zoom's specs)."""

from __future__ import annotations

from typing import Literal

MeetingTypeName = Literal[
    "instant",
    "scheduled",
    "recurring_no_fixed_time",
    "personal_meeting_room",
    "recurring_fixed_time",
    "screen_share_only",
]
MEETING_TYPES: dict[int, MeetingTypeName] = {
    1: "instant",
    2: "scheduled",
    3: "recurring_no_fixed_time",
    4: "personal_meeting_room",
    8: "recurring_fixed_time",
    10: "screen_share_only",
}
MEETING_TYPE_CODES: dict[MeetingTypeName, int] = {name: code for code, name in MEETING_TYPES.items()}
RECURRING_MEETING_TYPES = frozenset({3, 8})

RecurrenceTypeCode = Literal[1, 2, 3]
RecurrenceTypeName = Literal["daily", "weekly", "monthly"]
RECURRENCE_TYPES: dict[RecurrenceTypeCode, RecurrenceTypeName] = {1: "daily", 2: "weekly", 3: "monthly"}
RECURRENCE_TYPE_CODES: dict[RecurrenceTypeName, RecurrenceTypeCode] = {
    name: code for code, name in RECURRENCE_TYPES.items()
}

USER_TYPES = {1: "basic", 2: "licensed", 4: "unassigned_without_meetings_basic", 99: "none"}
