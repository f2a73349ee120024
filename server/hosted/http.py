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
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import anyio
import uvicorn
from mcp.server.auth.routes import build_resource_metadata_url
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions, RevocationOptions
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import RequestBodyLimitMiddleware, TransportSecuritySettings
from pydantic import AnyHttpUrl
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zoom_mcp.server.hosted.apikeys import ApiKeyVerifier
from zoom_mcp.server.hosted.authorization_server import authorization_server_routes, issuer_identifier
from zoom_mcp.server.hosted.challenge import ChallengeOnLostGrant
from zoom_mcp.server.hosted.client_metadata import ClientMetadataDocuments
from zoom_mcp.server.hosted.consent import ConsentFlow
from zoom_mcp.server.hosted.grants import GrantVault, PersonalTokens
from zoom_mcp.server.hosted.oauth import SCOPE, ZoomSignInProvider
from zoom_mcp.server.hosted.settings import HostedConfigError, HostedSettings, check, is_loopback
from zoom_mcp.server.hosted.state import open_state_store
from zoom_mcp.server.settings import Settings
from zoom_mcp.server.user_auth import oauth_client
from zoom_mcp.server.zoom.auth import TokenProvider
from zoom_mcp.server.zoom.credentials import UserOAuthCredentials
from zoom_mcp.server.zoom.http import ZoomHTTP

logger = logging.getLogger(__name__)

MCP_PATH = "/mcp"
HEALTH_PATH = "/healthz"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


class HttpServing:
    """Where and how to serve: checked at construction, so a bad configuration never listens."""

    def __init__(
        self, settings: HostedSettings, *, host: str, port: int, zoom: Settings, sandbox: bool = False
    ) -> None:
        check(settings, host, port)
        self.settings = settings
        self.host = host
        self.port = port
        self.zoom = zoom
        self._oauth: HostedOAuth | None = None
        if settings.auth == "oauth":
            if sandbox:
                raise HostedConfigError(
                    "ZOOM_MCP_AUTH=oauth sends people's browsers to Zoom, which the in-process sandbox cannot serve: "
                    "run `zoom-mcp sandbox` and point the ZOOM_* variables it prints at it instead of --sandbox."
                )
            credentials = zoom.credentials()
            if not isinstance(credentials, UserOAuthCredentials):
                raise HostedConfigError(
                    "ZOOM_MCP_AUTH=oauth signs each person in with a user-managed Zoom app: set ZOOM_CLIENT_ID and "
                    "ZOOM_CLIENT_SECRET of that app, and no ZOOM_ACCOUNT_ID or ZOOM_ACCESS_TOKEN."
                )
            self._oauth = HostedOAuth(
                settings, zoom, credentials, public_url=self.public_url, resource_url=self.resource_url
            )

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
        """What MCPServer needs to verify bearer tokens (the SDK's resource-server path), and where tools get
        their Zoom tokens."""
        if self.settings.auth == "bearer":
            return {
                "token_verifier": ApiKeyVerifier(self.settings.api_key_list()),
                # No authorization server and no protected-resource metadata: the keys are handed out by hand.
                "auth": AuthSettings(issuer_url=self.public_url, resource_server_url=None),  # type: ignore[arg-type]
            }
        if self._oauth is not None:
            return self._oauth.server_options()
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
        served: ASGIApp = app
        if self._oauth is not None:
            self._oauth.mount(app)
            served = ChallengeOnLostGrant(
                app,
                path=MCP_PATH,
                resource_metadata_url=str(build_resource_metadata_url(AnyHttpUrl(self.resource_url))),
            )
        # The SDK limits /mcp bodies only; every other route gets the same ceiling.
        return AccessLog(RequestBodyLimitMiddleware(served, self.settings.max_body_bytes))

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


class HostedOAuth:
    """`ZOOM_MCP_AUTH=oauth`: our authorization server (SDK handlers + our provider + consent) and the resource
    server's token check, as separate routes of one app over one shared state store."""

    def __init__(
        self,
        settings: HostedSettings,
        zoom: Settings,
        credentials: UserOAuthCredentials,
        *,
        public_url: str,
        resource_url: str,
    ) -> None:
        assert settings.state_key is not None
        self._zoom = zoom
        self._credentials = credentials
        self.public_url = public_url
        self.resource_url = resource_url
        self.vault = GrantVault(settings.state_key)
        url = settings.state_url.get_secret_value() if settings.state_url else None
        self.state = open_state_store(url)
        self.documents = ClientMetadataDocuments(self.state, allow_loopback=settings.allow_loopback_client_metadata)
        self.provider = ZoomSignInProvider(
            self.state, issuer_url=public_url, resource_url=resource_url, documents=self.documents
        )

    def auth_settings(self) -> AuthSettings:
        return AuthSettings(
            issuer_url=self.public_url,  # type: ignore[arg-type]
            resource_server_url=self.resource_url,  # type: ignore[arg-type]
            validate_token_resource=True,  # RFC 8707: a token issued for another resource is refused
            required_scopes=[SCOPE],
            client_registration_options=ClientRegistrationOptions(
                enabled=True, valid_scopes=[SCOPE], default_scopes=[SCOPE]
            ),
            revocation_options=RevocationOptions(enabled=True),
        )

    def server_options(self) -> dict[str, Any]:
        def tokens(http: ZoomHTTP) -> TokenProvider:
            refresher = oauth_client(self._zoom, self._credentials, http)
            return PersonalTokens(self.state, self.vault, refresher, client_id=self._credentials.client_id)

        return {"token_verifier": self.provider, "auth": self.auth_settings(), "tokens": tokens}

    def mount(self, app: Starlette) -> None:
        """Add the authorization server's routes and our consent pages; close what they use at shutdown."""
        auth = self.auth_settings()
        http = ZoomHTTP(timeout_seconds=self._zoom.timeout_seconds)
        consent = ConsentFlow(
            provider=self.provider,
            state=self.state,
            vault=self.vault,
            zoom=oauth_client(self._zoom, self._credentials, http),
            http=http,
            api_base_url=self._zoom.api_base_url,
            public_url=self.public_url,
            issuer=issuer_identifier(auth),
        )
        app.router.routes.extend(authorization_server_routes(self.provider, auth))
        app.router.routes.extend(consent.routes())
        inner = app.router.lifespan_context

        @contextlib.asynccontextmanager
        async def lifespan(started: Starlette) -> AsyncIterator[Any]:
            async with inner(started) as state:
                try:
                    yield state
                finally:
                    await http.aclose()
                    await self.documents.aclose()
                    await self.state.aclose()

        app.router.lifespan_context = lifespan


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
