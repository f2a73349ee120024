"""The app factory: the one place that knows both MCP and the Zoom client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import anyio
import httpx2
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, CallToolResult, InputRequiredResult
from pydantic import ValidationError

from zoom_mcp.server import __version__
from zoom_mcp.server.arguments import exact_arguments, schema_problems
from zoom_mcp.server.settings import Settings
from zoom_mcp.server.stdio import serve_stdio
from zoom_mcp.server.tokens import token_provider
from zoom_mcp.server.zoom.auth import TokenProvider
from zoom_mcp.server.zoom.client import ZoomClient
from zoom_mcp.server.zoom.credentials import Credentials, UserOAuthCredentials
from zoom_mcp.server.zoom.errors import ZoomSignInRequired
from zoom_mcp.server.zoom.http import ZoomHTTP
from zoom_mcp.server.zoom.retry import RetryPolicy
from zoom_mcp.tools import schema
from zoom_mcp.tools.catalogue import TOOLS, capabilities, description, offered
from zoom_mcp.tools.context import ZoomAccess
from zoom_mcp.tools.errors import InvalidArguments
from zoom_mcp.tools.spec import ToolSpec

if TYPE_CHECKING:
    from zoom_mcp.server.sign_in_elicitation import SignInThroughClient

GUIDANCE = (
    "'me' is the Zoom user these credentials act as; get_user_info() gives their timezone and current local "
    "time, so call it first to learn today's date. Times are returned in UTC and as local time with the "
    "weekday. Lists are paged: pass next_page_token back to get more."
)
SANDBOX_INSTRUCTIONS = (
    "SANDBOX MODE: this server talks to zoom-mcp's built-in Zoom emulator, not to a real Zoom account. "
    "Users, meetings and recordings are made-up sample data and nothing is sent to Zoom; every result says "
    "so (sandbox: true). "
)
NO_CREDENTIALS_INSTRUCTIONS = "No Zoom credentials are configured: every tool answers with the variables to set. "
READ_ONLY_INSTRUCTIONS = " Read-only mode: this server only reads Zoom data."
WRITE_TOOL_NAMES = frozenset(spec.name for spec in TOOLS if spec.writes)
# Methods MCPServer always serves; this server has no prompts or resources, so it neither serves nor
# advertises them (capabilities are derived from the served methods): a client gets "method not found".
_UNUSED_METHODS = (
    "prompts/list",
    "prompts/get",
    "resources/list",
    "resources/templates/list",
    "resources/read",
    "resources/subscribe",
    "resources/unsubscribe",
)


class ZoomMCPServer(MCPServer[ZoomAccess]):
    """MCPServer whose argument errors, from the schema or from a tool's own checks, speak with one voice
    (each bad field and its limit, bounded, never echoing the input), and which offers a Zoom sign-in through
    the client when a call needs one and the client can show it."""

    sign_in: SignInThroughClient | None = None

    async def run_stdio_async(self) -> None:
        # Our transport rather than the SDK's: it answers malformed lines and stops on SIGINT (server/stdio.py).
        await serve_stdio(self._lowlevel_server)

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[ZoomAccess, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        if self._tool_manager.get_tool(name) is None:
            # The spec's protocol error for an unknown tool; the name is only repeated when it is one of ours.
            if name in WRITE_TOOL_NAMES:
                message = f"Unknown tool: {name} is not available because this server runs read-only."
            else:
                message = "Unknown tool: tools/list names the tools this server offers."
            raise MCPError(code=INVALID_PARAMS, message=message)
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as error:
            if context is not None and self.sign_in is not None and needs_sign_in(error):
                outcome = await self.sign_in.resolve(context)
                if outcome is True:
                    return await super().call_tool(name, arguments, context)
                if isinstance(outcome, InputRequiredResult):
                    return outcome
                raise
            if isinstance(error.__cause__, ValidationError):
                schema = next((tool.input_schema for tool in await self.list_tools() if tool.name == name), None)
                problems = schema_problems(error.__cause__, schema)
                raise ToolError(invalid_arguments(name, problems)) from error.__cause__
            if isinstance(error.__cause__, InvalidArguments):
                raise ToolError(invalid_arguments(name, str(error.__cause__))) from error.__cause__
            raise


def needs_sign_in(error: BaseException) -> bool:
    """Whether `error`, or what caused it, is a missing, ended or revoked user sign-in."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ZoomSignInRequired):
            return True
        seen = seen.__cause__
    return False


def invalid_arguments(tool: str, problems: str) -> str:
    return f"Invalid arguments for {tool} (nothing was sent to Zoom): {problems}"


def create_app(
    settings: Settings,
    *,
    transport: httpx2.AsyncBaseTransport | None = None,
    retry: RetryPolicy | None = None,
    sandbox: bool = False,
    clock: Callable[[], datetime] | None = None,
    tokens: Callable[[ZoomHTTP], TokenProvider] | None = None,
    **http_options: Any,
) -> ZoomMCPServer:
    """Build the MCP server. `transport` is the test seam: pass the sandbox's to run without a network;
    `clock` (timezone-aware "now", for "today" in results) is the other.

    `tokens` replaces the token provider the credentials would choose (hosted mode: each request's person);
    `http_options` (hosted mode: `auth`, `token_verifier`) go to MCPServer as they are.
    """
    credentials = settings.credentials()

    @asynccontextmanager
    async def lifespan(_: MCPServer[ZoomAccess]) -> AsyncIterator[ZoomAccess]:
        async with AsyncExitStack() as cleanup:

            def connect(credentials: Credentials) -> ZoomClient:
                http = ZoomHTTP(timeout_seconds=settings.timeout_seconds, retry=retry, transport=transport)
                cleanup.push_async_callback(http.aclose)
                provider = tokens(http) if tokens is not None else token_provider(settings, credentials, http)
                return ZoomClient(http, api_base_url=settings.api_base_url, tokens=provider)

            if server.sign_in is not None:
                # A sign-in offered through the client outlives the request that offered it (2026-07-28).
                background = await cleanup.enter_async_context(anyio.create_task_group())
                cleanup.callback(background.cancel_scope.cancel)
                server.sign_in.background = background
            yield ZoomAccess(
                partial(connect, credentials) if credentials is not None else None,
                missing_credentials=settings.missing_credentials_message(),
                sandbox=sandbox,
                clock=clock,
            )

    specs = offered(read_only=settings.mcp_read_only)
    tools = [
        schema.compact(
            exact_arguments(
                Tool.from_function(
                    spec.function,
                    title=spec.title,
                    description=description(spec),
                    annotations=spec.annotations,
                    structured_output=True,
                )
            )
        )
        for spec in specs
    ]
    server = ZoomMCPServer(
        name="zoom-mcp",
        title="Zoom",
        version=__version__,
        instructions=instructions(specs, sandbox=sandbox, credentials=credentials is not None),
        tools=tools,
        lifespan=lifespan,
        log_level=settings.mcp_log_level,
        **http_options,
    )
    if isinstance(credentials, UserOAuthCredentials) and tokens is None:
        # Imported only for a user-managed app: the sign-in pulls in the grant store and the keyring. Not with
        # `tokens` (hosted mode): there each person signs in through our OAuth server, never a loopback login.
        from zoom_mcp.server.sign_in_elicitation import SignInThroughClient

        server.sign_in = SignInThroughClient(settings, credentials, transport=transport)
    for method in _UNUSED_METHODS:
        server._lowlevel_server._request_handlers.pop(method, None)
    return server


def instructions(specs: tuple[ToolSpec, ...], *, sandbox: bool, credentials: bool) -> str:
    """What this mode serves, and nothing else: the registered tools, where their data comes from."""
    preface = SANDBOX_INSTRUCTIONS if sandbox else "" if credentials else NO_CREDENTIALS_INSTRUCTIONS
    read_only = "" if any(spec.writes for spec in specs) else READ_ONLY_INSTRUCTIONS
    return preface + capabilities(specs) + read_only + " " + GUIDANCE
