"""Every tool the server offers, with its annotations: the one list the app factory registers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mcp_types import ToolAnnotations

from zoom_mcp.tools import meetings, recordings, users

READ = ToolAnnotations(read_only_hint=True, open_world_hint=True)


@dataclass(frozen=True)
class ToolSpec:
    function: Callable[..., Any]
    title: str
    annotations: ToolAnnotations

    @property
    def name(self) -> str:
        return self.function.__name__

    @property
    def writes(self) -> bool:
        return not self.annotations.read_only_hint


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(users.get_user_info, "Get Zoom user", READ),
    ToolSpec(meetings.list_meetings, "List Zoom meetings", READ),
    ToolSpec(
        meetings.create_meeting,
        "Create Zoom meeting",
        ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True),
    ),
    ToolSpec(meetings.get_meeting, "Get Zoom meeting", READ),
    ToolSpec(
        meetings.update_meeting,
        "Update Zoom meeting",
        ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True),
    ),
    ToolSpec(
        meetings.delete_meeting,
        "Delete Zoom meeting",
        ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True),
    ),
    ToolSpec(users.list_users, "List Zoom users", READ),
    ToolSpec(recordings.list_recordings, "List Zoom cloud recordings", READ),
    ToolSpec(recordings.get_meeting_transcript, "Read a Zoom meeting transcript", READ),
)
