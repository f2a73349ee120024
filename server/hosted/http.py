"""`zoom-mcp serve --http`: the SDK's Streamable HTTP transport at /mcp, stateless, behind our access control.

Stateless means no MCP session lives in a process: every POST carries what it needs (both protocol eras the
SDK serves, the initialize-handshake one without session IDs and 2026-07-28's self-contained requests), so any
replica behind a load balancer can answer any request.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import anyio
import uvicorn
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import RequestBodyLimitMiddleware, TransportSecuritySettings
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zoom_mcp.server.hosted.apikeys import ApiKeyVerifier
from zoom_mcp.server.hosted.settings import HostedSettings, check, is_loopback

logger = logging.getLogger(__name__)

MCP_PATH = "/mcp"
HEALTH_PATH = "/healthz"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


@dataclass(frozen=True)
class HttpServing:
    """Where and how to serve: checked at construction, so a bad configuration never listens."""

    settings: HostedSettings
    host: str
    port: int

    def __post_init__(self) -> None:
        check(self.settings, self.host)

    @property
    def public_url(self) -> str:
        """The origin clients reach us at: ZOOM_MCP_PUBLIC_URL, else the loopback address we bind."""
        if self.settings.public_url:
            return self.settings.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def resource_url(self) -> str:
        return self.public_url + MCP_PATH

    def server_options(self) -> dict[str, Any]:
        """What MCPServer needs to verify bearer tokens (the SDK's resource-server path)."""
        if self.settings.auth == "bearer":
            return {
                "token_verifier": ApiKeyVerifier(self.settings.api_key_list()),
                # No authorization server and no protected-resource metadata: the keys are handed out by hand.
                "auth": AuthSettings(issuer_url=self.public_url, resource_server_url=None),  # type: ignore[arg-type]
            }
        return {}

    def transport_security(self) -> TransportSecuritySettings:
        """Host and Origin allow lists against DNS rebinding: the loopback names we bind, and the public URL."""
        hosts: list[str] = []
        origins: list[str] = []
        if is_loopback(self.host):
            hosts += [f"{name}:*" for name in LOOPBACK_HOSTS]
            origins += [f"http://{name}:*" for name in LOOPBACK_HOSTS]
        if self.settings.public_url:
            parts = urlsplit(self.settings.public_url)
            hosts.append(parts.netloc)
            origins.append(f"{parts.scheme}://{parts.netloc}")
        return TransportSecuritySettings(
            enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
        )

    def asgi_app(self, server: MCPServer[Any]) -> ASGIApp:
        server.custom_route(HEALTH_PATH, methods=["GET"], include_in_schema=False)(healthz)
        app = server.streamable_http_app(
            streamable_http_path=MCP_PATH,
            stateless_http=True,
            json_response=True,
            transport_security=self.transport_security(),
            max_request_body_size=self.settings.max_body_bytes,
            host=self.host,
        )
        # The SDK limits /mcp bodies only; every other route gets the same ceiling.
        return AccessLog(RequestBodyLimitMiddleware(app, self.settings.max_body_bytes))

    def run(self, server: MCPServer[Any]) -> int:
        config = uvicorn.Config(
            self.asgi_app(server),
            # uvicorn binds the socket itself: asyncio then sets TCP_NODELAY on each accepted connection
            # (a pre-bound socket would leave it off, and each loopback request would wait ~40 ms).
            host=self.host,
            port=self.port,
            log_config=None,  # keep our stderr logging
            log_level=logging.getLogger().level,
            access_log=False,  # uvicorn's would print query strings, which carry OAuth codes and state
            server_header=False,
            timeout_graceful_shutdown=5,
        )
        listener = _AnnouncingServer(config, auth=self.settings.auth)
        # uvicorn re-raises the stop signal after a graceful shutdown, and exits when it cannot bind.
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            anyio.run(listener.serve)
        if not listener.started:
            print(f"zoom-mcp serve: could not listen on {self.host}:{self.port} (is the port in use?)", file=sys.stderr)
            return 1
        return 0


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


class _AnnouncingServer(uvicorn.Server):
    """Says on stderr where it listens (stdout stays unused), with the port it actually got."""

    def __init__(self, config: uvicorn.Config, *, auth: str) -> None:
        super().__init__(config)
        self._auth = auth

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            host, port = self.servers[0].sockets[0].getsockname()[:2]
            shown = f"[{host}]" if ":" in host else host
            print(
                f"zoom-mcp: serving MCP over Streamable HTTP at http://{shown}:{port}{MCP_PATH} (auth: {self._auth})",
                file=sys.stderr,
                flush=True,
            )


class AccessLog:
    """One INFO line per request: method, path and status, never the query string or headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            logger.info(
                "%s %s -> %s in %.1f ms", scope["method"], scope["path"], status, (time.perf_counter() - started) * 1e3
            )
