"""How a tool is declared: its function, title, annotations and Zoom scopes side by side, in one definition.

    @zoom_tool("Get Zoom meeting", READ, Scopes("meeting:read", ("meeting:read:meeting",)))
    async def get_meeting(ctx: ZoomContext, ...) -> Annotated[CallToolResult, MeetingDetails]:
        \"\"\"The description the model reads.\"\"\"

Everything else is derived from that definition: what read-only mode registers (the annotations), the
server's instructions (the titles), and the README's tool and scope tables (checked by a test).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mcp_types import ToolAnnotations

READ = ToolAnnotations(read_only_hint=True, open_world_hint=True)
CREATE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True)
# An update overwrites topic, times and settings: destructive. The same PATCH again changes nothing: idempotent.
UPDATE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True)
# Idempotent in MCP's sense ("no additional effect on its environment"): a second identical delete changes
# nothing more; it answers that the meeting does not exist (404, code 3001).
DELETE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True)


@dataclass(frozen=True)
class Scopes:
    """The OAuth scopes a tool's Zoom requests need, as a user-managed app names them (Zoom's spec).

    An account-level app (Server-to-Server OAuth, admin-managed) needs the same names with `:admin`;
    `admin_only` marks an endpoint that only exists for account-level apps (listing the account's users).
    """

    classic: str
    granular: tuple[str, ...]
    admin_only: bool = False

    def account_level(self) -> tuple[str, ...]:
        """Classic scope first, then the granular ones, as a Server-to-Server OAuth app lists them."""
        return tuple(f"{scope}:admin" for scope in (self.classic, *self.granular))

    def user_level(self) -> tuple[str, ...]:
        """The same for a user-managed app; empty when the endpoint needs an account-level app."""
        return () if self.admin_only else (self.classic, *self.granular)


@dataclass(frozen=True)
class ToolSpec:
    """One tool: the function (its name, docstring and signature are the tool's), title, hints, scopes."""

    function: Callable[..., Any]
    title: str
    annotations: ToolAnnotations
    scopes: Scopes

    @property
    def name(self) -> str:
        return self.function.__name__

    @property
    def writes(self) -> bool:
        return not self.annotations.read_only_hint


def zoom_tool(title: str, annotations: ToolAnnotations, scopes: Scopes) -> Callable[[Callable[..., Any]], ToolSpec]:
    """Declare the decorated function a tool; list the result in tools/catalogue.py to offer it."""

    def declare(function: Callable[..., Any]) -> ToolSpec:
        return ToolSpec(function, title, annotations, scopes)

    return declare
