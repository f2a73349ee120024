"""What every tool needs from the running server: the Zoom client (or why there is none)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, TextContent

from zoom_mcp.server.zoom.client import ZoomClient
from zoom_mcp.server.zoom.errors import ZoomConfigError
from zoom_mcp.tools.views import View


class ZoomAccess:
    """Held by the server's lifespan: one Zoom client per process, made on first use, or why there is none.

    Made lazily because every assistant session spawns the server and many never call a tool: the HTTP
    stack and its TLS context would only slow the first `tools/list` down.
    """

    def __init__(
        self,
        connect: Callable[[], ZoomClient] | None,
        *,
        missing_credentials: str,
        sandbox: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._connect = connect
        self._client: ZoomClient | None = None
        self.missing_credentials = missing_credentials
        self.sandbox = sandbox
        self._clock = clock or _system_clock

    def now(self) -> datetime:
        """The current instant (timezone-aware): injected in tests, so "today" never depends on the wall clock."""
        return self._clock()

    def client(self) -> ZoomClient:
        """The Zoom client, or a ZoomConfigError that tells the user which variables to set."""
        if self._client is None:
            if self._connect is None:
                raise ZoomConfigError(self.missing_credentials)
            self._client = self._connect()
        return self._client


# What a tool function declares as its first parameter; the SDK fills it in.
ZoomContext = Context[ZoomAccess, Any]


def _system_clock() -> datetime:
    return datetime.now(UTC)


def zoom_access(ctx: ZoomContext) -> ZoomAccess:
    return ctx.request_context.lifespan_context


def zoom_client(ctx: ZoomContext) -> ZoomClient:
    return ctx.request_context.lifespan_context.client()


def tool_result(ctx: ZoomContext, view: View) -> CallToolResult:
    """Structured content (unset fields left out) plus the same JSON, compact, as text."""
    if ctx.request_context.lifespan_context.sandbox:
        view = view.model_copy(update={"sandbox": True})
    structured = view.model_dump(mode="json", exclude_none=True)
    text = json.dumps(structured, ensure_ascii=False, separators=(",", ":"))
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)
