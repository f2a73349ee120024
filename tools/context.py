"""What every tool needs from the running server: the Zoom client (or why there is none)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, TextContent

from zoom_mcp.server.zoom.client import ZoomClient
from zoom_mcp.server.zoom.errors import ZoomConfigError
from zoom_mcp.tools.views import View


@dataclass(frozen=True)
class ZoomAccess:
    """Held by the server's lifespan: one client per process, or the reason there is none."""

    client: ZoomClient | None
    missing_credentials: str
    sandbox: bool = False


def zoom_access(ctx: Context[Any, Any]) -> ZoomAccess:
    access = ctx.request_context.lifespan_context
    if not isinstance(access, ZoomAccess):
        raise TypeError("the server's lifespan must yield a ZoomAccess")
    return access


def zoom_client(ctx: Context[Any, Any]) -> ZoomClient:
    """The Zoom client, or a ZoomConfigError that tells the user which variables to set."""
    access = zoom_access(ctx)
    if access.client is None:
        raise ZoomConfigError(access.missing_credentials)
    return access.client


def tool_result(ctx: Context[Any, Any], view: View) -> CallToolResult:
    """Structured content (unset fields left out) plus the same JSON as text."""
    if zoom_access(ctx).sandbox:
        view = view.model_copy(update={"sandbox": True})
    structured = view.model_dump(mode="json", exclude_none=True)
    text = json.dumps(structured, ensure_ascii=False, indent=2)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)
