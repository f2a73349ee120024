"""Signing a sandbox user in without a person, and a ZoomClient on the stored grant."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from urllib.parse import parse_qs, urlsplit

import httpx2
from pydantic import SecretStr

from tests.oauth_browser import consent
from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Sandbox
from zoom_mcp.server.zoom.client import ZoomClient
from zoom_mcp.server.zoom.grant import Grant, GrantStore, UserOAuth
from zoom_mcp.server.zoom.http import ZoomHTTP
from zoom_mcp.server.zoom.retry import RetryPolicy
from zoom_mcp.server.zoom.user_oauth import OAuthEndpoints, UserOAuthClient, new_code_verifier

REDIRECT_URI = "http://127.0.0.1:8976/callback"
ENDPOINTS = OAuthEndpoints(
    authorize_url=f"{SANDBOX_ORIGIN}/oauth/authorize",
    token_url=f"{SANDBOX_ORIGIN}/oauth/token",
    revoke_url=f"{SANDBOX_ORIGIN}/oauth/revoke",
)


@asynccontextmanager
async def sandbox_http(sandbox: Sandbox, retry: RetryPolicy) -> AsyncIterator[tuple[ZoomHTTP, httpx2.AsyncClient]]:
    """The server's HTTP layer and a person's browser, both on the sandbox."""
    async with (
        ZoomHTTP(timeout_seconds=5.0, retry=retry, transport=sandbox.transport()) as http,
        httpx2.AsyncClient(transport=sandbox.transport()) as browser,
    ):
        yield http, browser


def oauth_client(
    sandbox: Sandbox,
    http: ZoomHTTP,
    *,
    public: bool = False,
    clock: Callable[[], float] | None = None,
    client_secret: str | None = None,
) -> UserOAuthClient:
    app = sandbox.user_app
    return UserOAuthClient(
        http,
        endpoints=ENDPOINTS,
        client_id=app.public_client_id if public else app.client_id,
        client_secret=None if public else SecretStr(client_secret or app.client_secret),
        **({"clock": clock} if clock else {}),
    )


async def sign_in(oauth: UserOAuthClient, browser: httpx2.AsyncClient, *, user_id: str | None = None) -> Grant:
    """The authorization-code flow with PKCE, the browser part scripted."""
    verifier, state = new_code_verifier(), secrets.token_urlsafe(16)
    url = oauth.authorization_url(redirect_uri=REDIRECT_URI, state=state, verifier=verifier)
    answer = await consent(browser, url, user_id=user_id)
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["state"] == [state]
    return await oauth.exchange_code(code=query["code"][0], verifier=verifier, redirect_uri=REDIRECT_URI)


async def save(store: GrantStore, grant: Grant) -> None:
    async with store.locked() as slot:
        await slot.save(grant)


@asynccontextmanager
async def user_client(
    sandbox: Sandbox,
    store: GrantStore,
    retry: RetryPolicy,
    *,
    clock: Callable[[], float] | None = None,
    public: bool = False,
    client_secret: str | None = None,
) -> AsyncIterator[tuple[ZoomClient, UserOAuth]]:
    async with ZoomHTTP(timeout_seconds=5.0, retry=retry, transport=sandbox.transport()) as http:
        oauth = oauth_client(sandbox, http, public=public, clock=clock, client_secret=client_secret)
        tokens = UserOAuth(store, oauth, client_id=oauth.client_id, **({"clock": clock} if clock else {}))
        yield ZoomClient(http, api_base_url=f"{SANDBOX_ORIGIN}/v2", tokens=tokens), tokens
