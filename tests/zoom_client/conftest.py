"""A real ZoomClient over the sandbox's in-process transport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx2
from pydantic import SecretStr

from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Sandbox
from zoom_mcp.server.zoom.auth import ServerToServerOAuth, StaticToken, TokenProvider
from zoom_mcp.server.zoom.client import ZoomClient
from zoom_mcp.server.zoom.credentials import ServerToServerCredentials
from zoom_mcp.server.zoom.http import ZoomHTTP
from zoom_mcp.server.zoom.retry import RetryPolicy


@asynccontextmanager
async def zoom_client(
    sandbox: Sandbox,
    retry: RetryPolicy,
    *,
    clock: Callable[[], float] | None = None,
    static_token: str | None = None,
    client_secret: str | None = None,
    transport: httpx2.AsyncBaseTransport | None = None,
    timeout_seconds: float = 5.0,
) -> AsyncIterator[tuple[ZoomClient, TokenProvider]]:
    """A client with S2S OAuth against the sandbox (default), or with a static token."""
    async with ZoomHTTP(
        timeout_seconds=timeout_seconds, retry=retry, transport=transport or sandbox.transport()
    ) as http:
        tokens: TokenProvider
        if static_token is not None:
            tokens = StaticToken(SecretStr(static_token))
        else:
            credentials = ServerToServerCredentials(
                sandbox.credentials.account_id,
                sandbox.credentials.client_id,
                SecretStr(client_secret or sandbox.credentials.client_secret),
            )
            tokens = ServerToServerOAuth(
                http,
                token_url=f"{SANDBOX_ORIGIN}/oauth/token",
                credentials=credentials,
                **({"clock": clock} if clock else {}),
            )
        yield ZoomClient(http, api_base_url=f"{SANDBOX_ORIGIN}/v2", tokens=tokens), tokens
