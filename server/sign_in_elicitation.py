"""Signing in from inside an assistant: Zoom's sign-in link offered through MCP URL-mode elicitation.

When a tool needs a sign-in and the client declared `elicitation.url`, the server opens the same loopback
listener as `zoom-mcp login`, asks the client to open Zoom's authorize URL, and once the browser's redirect
arrives (and the code is exchanged and stored) the tool call is run again. On a handshake-era connection
(2025-11-25) the server asks mid-call with `elicitation/create`; on 2026-07-28 it answers the call with an
`InputRequiredResult` carrying the URL request, keeps the listener running, and runs the call when the
client retries it with the person's answer. The link carries no credential
(PKCE challenge and state only), and its redirect lands on this machine's loopback interface, so a link
forwarded to someone else cannot sign them in here. Without the capability, or if the person declines,
the tool's answer stays "run `zoom-mcp login`".
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.abc
import httpx2
from mcp.server.mcpserver import Context
from mcp.shared.exceptions import NoBackChannelError
from mcp_types import (
    ClientCapabilities,
    ElicitationCapability,
    ElicitRequest,
    ElicitRequestURLParams,
    ElicitResult,
    InputRequiredResult,
    UrlElicitationCapability,
)
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS

from zoom_mcp.server.login import DEFAULT_LOGIN_TIMEOUT_SECONDS, LoginFailed, browser_login
from zoom_mcp.server.settings import Settings
from zoom_mcp.server.user_auth import grant_store, oauth_client
from zoom_mcp.server.zoom.auth import StaticToken
from zoom_mcp.server.zoom.client import ZoomClient
from zoom_mcp.server.zoom.credentials import UserOAuthCredentials
from zoom_mcp.server.zoom.errors import ZoomError
from zoom_mcp.server.zoom.grant import Grant, SignedInUser
from zoom_mcp.server.zoom.http import ZoomHTTP

logger = logging.getLogger(__name__)

URL_ELICITATION = ClientCapabilities(elicitation=ElicitationCapability(url=UrlElicitationCapability()))
MESSAGE = "Sign in to Zoom so the assistant can use your Zoom account (zoom-mcp, this computer)."


INPUT_KEY = "zoom_sign_in"


@dataclass
class _PendingSignIn:
    """A sign-in whose listener outlives the request that started it (the 2026-07-28 round trip)."""

    url_ready: anyio.Event = field(default_factory=anyio.Event)
    done: anyio.Event = field(default_factory=anyio.Event)
    scope: anyio.CancelScope = field(default_factory=anyio.CancelScope)
    url: str | None = None
    signed_in: bool = False


class SignInThroughClient:
    """One sign-in at a time per process; calls that needed it wait for it, then run again."""

    def __init__(
        self,
        settings: Settings,
        credentials: UserOAuthCredentials,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        timeout_seconds: float = DEFAULT_LOGIN_TIMEOUT_SECONDS,
    ) -> None:
        self._settings = settings
        self._credentials = credentials
        self._transport = transport
        self._timeout_seconds = timeout_seconds
        self._lock = anyio.Lock()
        self._completed = 0
        self._pending: dict[str, _PendingSignIn] = {}
        # Set by the server's lifespan: where listeners that outlive one request run.
        self.background: anyio.abc.TaskGroup | None = None

    def offered_to(self, context: Context[Any, Any]) -> bool:
        capabilities = context.client_capabilities
        return bool(capabilities and capabilities.elicitation and capabilities.elicitation.url)

    async def resolve(self, context: Context[Any, Any]) -> bool | InputRequiredResult:
        """True: a grant is stored now, run the call again. False: no sign-in happened. An InputRequiredResult:
        return it, the client will show the link and retry the call."""
        if not self.offered_to(context):
            return False
        if context.protocol_version in HANDSHAKE_PROTOCOL_VERSIONS:
            return await self.sign_in(context)
        return await self._round_trip(context)

    async def sign_in(self, context: Context[Any, Any]) -> bool:
        """Handshake era: ask mid-call; True once a grant is stored (by this sign-in or one that ran meanwhile)."""
        completed_before = self._completed
        async with self._lock:
            if self._completed != completed_before:
                return True
            signed_in = await self._elicit(context)
            if signed_in:
                self._completed += 1
            return signed_in

    async def _round_trip(self, context: Context[Any, Any]) -> bool | InputRequiredResult:
        state = context.request_state or ""
        answer = (context.input_responses or {}).get(INPUT_KEY)
        pending = self._pending.pop(state, None)
        if pending is not None and answer is not None:
            if not isinstance(answer, ElicitResult) or answer.action != "accept":
                pending.scope.cancel()
                return False
            await pending.done.wait()  # bounded by the sign-in's own timeout
            return pending.signed_in
        if self.background is None:
            return False
        pending = _PendingSignIn()
        self.background.start_soon(self._run_pending, pending)
        with anyio.fail_after(self._settings.timeout_seconds):
            await pending.url_ready.wait()
        if pending.url is None:
            return False
        key = secrets.token_urlsafe(16)
        self._pending[key] = pending
        request = ElicitRequest(params=ElicitRequestURLParams(message=MESSAGE, url=pending.url))
        return InputRequiredResult(input_requests={INPUT_KEY: request}, request_state=key)

    async def _run_pending(self, pending: _PendingSignIn) -> None:
        def show(url: str) -> None:
            pending.url = url
            pending.url_ready.set()

        try:
            with pending.scope:
                pending.signed_in = await self._login(show)
        finally:
            pending.url_ready.set()
            pending.done.set()

    async def _elicit(self, context: Context[Any, Any]) -> bool:
        elicitation_id = secrets.token_urlsafe(16)
        refused = signed_in = False
        async with anyio.create_task_group() as group:

            async def offer(url: str) -> None:
                nonlocal refused
                try:
                    answer = await context.elicit_url(message=MESSAGE, url=url, elicitation_id=elicitation_id)
                    accepted = answer.action == "accept"
                except NoBackChannelError:
                    # This transport cannot carry a server-to-client request (stateless HTTP).
                    logger.info("The MCP client cannot be asked mid-call; not offering the sign-in link")
                    accepted = False
                if not accepted:
                    refused = True
                    group.cancel_scope.cancel()

            signed_in = await self._login(lambda url: group.start_soon(offer, url))
            # The client may still be showing the link: stop waiting for its answer.
            group.cancel_scope.cancel()
        if not signed_in or refused:
            return False
        await context.request_context.session.send_elicit_complete(elicitation_id)
        return True

    async def _login(self, show_url: Callable[[str], object]) -> bool:
        """`zoom-mcp login`'s browser flow, the link handed to `show_url`; whether a grant was stored."""
        settings = self._settings
        async with ZoomHTTP(timeout_seconds=settings.timeout_seconds, transport=self._transport) as http:

            async def identify(grant: Grant) -> SignedInUser:
                token = StaticToken(grant.access_token)
                me = await ZoomClient(http, api_base_url=settings.api_base_url, tokens=token).get_user("me")
                return SignedInUser(me.id, me.email or "", me.display_name or me.email or me.id)

            try:
                await browser_login(
                    oauth_client(settings, self._credentials, http),
                    grant_store(settings, self._credentials),
                    redirect_uri=settings.oauth_redirect_uri,
                    identify=identify,
                    show_url=show_url,
                    timeout_seconds=self._timeout_seconds,
                )
            except (LoginFailed, ZoomError) as error:
                logger.warning("Sign-in through the MCP client did not complete: %s", error)
                return False
        return True
