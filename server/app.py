"""The app factory: the one place that knows both MCP and the Zoom client."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx2
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp_types import CallToolResult, InputRequiredResult
from pydantic import ValidationError

from zoom_mcp.server import __version__
from zoom_mcp.server.settings import ServerToServerCredentials, Settings, UserOAuthCredentials
from zoom_mcp.server.zoom.auth import ServerToServerOAuth, StaticToken, TokenProvider
from zoom_mcp.server.zoom.client import ZoomClient, new_http_client
from zoom_mcp.server.zoom.errors import ZoomConfigError
from zoom_mcp.server.zoom.retry import RetryPolicy
from zoom_mcp.tools import schema
from zoom_mcp.tools.catalogue import TOOLS
from zoom_mcp.tools.context import ZoomAccess

INSTRUCTIONS = (
    "Zoom tools for the account configured in this server: user profiles, meetings (list, create, get, "
    "update, delete, recurring series), cloud recordings and transcripts. Times are returned in UTC and in "
    "each meeting's own timezone. Lists are paged: pass next_page_token back to get more. create_meeting "
    "makes a new meeting on every call, so never call it twice for one request."
)
SANDBOX_INSTRUCTIONS = (
    "SANDBOX MODE: this server talks to zoom-mcp's built-in Zoom emulator, not to a real Zoom account. "
    "Users, meetings and recordings are made-up sample data and nothing is sent to Zoom. "
)


class ZoomMCPServer(MCPServer[ZoomAccess]):
    """MCPServer whose argument errors name each bad field and its limit, without echoing the input."""

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[ZoomAccess, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as error:
            if isinstance(error.__cause__, ValidationError):
                raise ToolError(describe_invalid_arguments(name, error.__cause__)) from error.__cause__
            raise


def describe_invalid_arguments(tool: str, error: ValidationError) -> str:
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in item["loc"]) or "arguments"
        problems.append(f"{field}: {item['msg']}")
    return f"Invalid arguments for {tool} (nothing was sent to Zoom): " + "; ".join(problems) + "."


def create_app(
    settings: Settings,
    *,
    transport: httpx2.AsyncBaseTransport | None = None,
    retry: RetryPolicy | None = None,
    sandbox: bool = False,
) -> ZoomMCPServer:
    """Build the MCP server. `transport` is the test seam: pass the sandbox's to run without a network."""
    retry_policy = retry or RetryPolicy()

    @asynccontextmanager
    async def lifespan(_: MCPServer[ZoomAccess]) -> AsyncIterator[ZoomAccess]:
        async with AsyncExitStack() as cleanup:

            def connect() -> ZoomClient:
                http = new_http_client(transport=transport, timeout_seconds=settings.timeout_seconds)
                cleanup.push_async_callback(http.aclose)
                tokens = _token_provider(settings, http, retry_policy)
                return ZoomClient(
                    http,
                    api_base_url=settings.api_base_url,
                    tokens=tokens,
                    retry=retry_policy,
                    timeout_seconds=settings.timeout_seconds,
                )

            yield ZoomAccess(
                connect if settings.credentials() is not None else None,
                missing_credentials=settings.missing_credentials_message(),
                sandbox=sandbox,
            )

    tools = [
        schema.compact(
            Tool.from_function(
                spec.function,
                title=spec.title,
                description=inspect.cleandoc(spec.function.__doc__ or ""),
                annotations=spec.annotations,
                structured_output=True,
            )
        )
        for spec in TOOLS
        if not (settings.mcp_read_only and spec.writes)
    ]
    return ZoomMCPServer(
        name="zoom-mcp",
        title="Zoom",
        version=__version__,
        instructions=(SANDBOX_INSTRUCTIONS if sandbox else "") + INSTRUCTIONS,
        tools=tools,
        lifespan=lifespan,
        log_level=settings.mcp_log_level,
    )


def _token_provider(settings: Settings, http: httpx2.AsyncClient, retry: RetryPolicy) -> TokenProvider:
    credentials = settings.credentials()
    if credentials is None:
        raise ZoomConfigError(settings.missing_credentials_message())
    if isinstance(credentials, ServerToServerCredentials):
        return ServerToServerOAuth(
            http,
            token_url=settings.oauth_token_url,
            account_id=credentials.account_id,
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            retry=retry,
            timeout_seconds=settings.timeout_seconds,
        )
    if isinstance(credentials, UserOAuthCredentials):
        from zoom_mcp.server.user_auth import user_token_provider

        return user_token_provider(settings, credentials, http, retry)
    return StaticToken(credentials.access_token)
