"""Signing in from inside an assistant: Zoom's sign-in link offered through MCP URL-mode elicitation.

When a tool needs a sign-in and the client declared `elicitation.url`, the server opens the same loopback
listener as `zoom-mcp login`, asks the client to open Zoom's authorize URL, and once the browser's redirect
arrives (and the code is exchanged and stored) the tool call is run again. The link carries no credential
(PKCE challenge and state only), and its redirect lands on this machine's loopback interface, so a link
forwarded to someone else cannot sign them in here. Without the capability, or if the person declines,
the tool's answer stays "run `zoom-mcp login`".
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

import anyio
import httpx2
from mcp.server.mcpserver import Context
from mcp.shared.exceptions import NoBackChannelError
from mcp_types import ClientCapabilities, ElicitationCapability, UrlElicitationCapability

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

    def offered_to(self, context: Context[Any, Any]) -> bool:
        try:
            return context.request_context.session.check_client_capability(URL_ELICITATION)
        except (AttributeError, ValueError):
            return False

    async def sign_in(self, context: Context[Any, Any]) -> bool:
        """True once a grant is stored (by this sign-in, or by another one while this call waited)."""
        completed_before = self._completed
        async with self._lock:
            if self._completed != completed_before:
                return True
            signed_in = await self._elicit(context)
            if signed_in:
                self._completed += 1
            return signed_in

    async def _elicit(self, context: Context[Any, Any]) -> bool:
        settings = self._settings
        elicitation_id = secrets.token_urlsafe(16)
        refused = signed_in = False
        async with (
            ZoomHTTP(timeout_seconds=settings.timeout_seconds, transport=self._transport) as http,
            anyio.create_task_group() as group,
        ):

            async def offer(url: str) -> None:
                nonlocal refused
                try:
                    answer = await context.elicit_url(message=MESSAGE, url=url, elicitation_id=elicitation_id)
                except NoBackChannelError:
                    # This transport cannot carry a server-to-client request (stateless HTTP, or the
                    # 2026-07-28 protocol, which asks through an InputRequiredResult instead).
                    logger.info("The MCP client cannot be asked mid-call; not offering the sign-in link")
                    refused = True
                    group.cancel_scope.cancel()
                    return
                if answer.action != "accept":
                    refused = True
                    group.cancel_scope.cancel()

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
                    show_url=lambda url: group.start_soon(offer, url),
                    timeout_seconds=self._timeout_seconds,
                )
            except (LoginFailed, ZoomError) as error:
                logger.warning("Sign-in through the MCP client did not complete: %s", error)
            else:
                signed_in = not refused
            # The client may still be showing the link: stop waiting for its answer.
            group.cancel_scope.cancel()
        if signed_in:
            await context.request_context.session.send_elicit_complete(elicitation_id)
        return signed_in
