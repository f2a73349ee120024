"""Access tokens for the Zoom API: Server-to-Server OAuth (`account_credentials`) or a static token.

One token is cached per process and shared by every concurrent call; a refresh happens at most once
at a time (single flight), shortly before the token expires, or once after Zoom rejects it (401/124).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from typing import Protocol

import anyio
import httpx2
from pydantic import SecretStr

from zoom_mcp.server.zoom.credentials import ServerToServerCredentials
from zoom_mcp.server.zoom.errors import TokenHolder, ZoomError, ZoomInvalidResponse
from zoom_mcp.server.zoom.http import ZoomHTTP

INVALID_TOKEN_CODE = 124
# Refresh this long before expiry so a token never expires between our check and Zoom's.
REFRESH_MARGIN_SECONDS = 60.0


class TokenProvider(Protocol):
    """Where bearer tokens come from."""

    @property
    def can_refresh(self) -> bool: ...

    @property
    def holder(self) -> TokenHolder: ...

    async def token(self) -> str: ...

    def invalidate(self, rejected: str) -> None:
        """Zoom rejected `rejected`: forget it so the next `token()` fetches a fresh one."""


class StaticToken:
    """A token given in ZOOM_ACCESS_TOKEN: used as is, never refreshed."""

    can_refresh = False
    holder: TokenHolder = "static_token"

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    async def token(self) -> str:
        return self._token.get_secret_value()

    def invalidate(self, rejected: str) -> None:
        """Nothing to forget: a static token cannot be replaced from here."""


@dataclass(frozen=True)
class TokenResponse:
    """The token endpoint's answer, as `zoom-mcp token` prints it."""

    access_token: SecretStr
    token_type: str
    expires_in: int
    scope: str
    api_url: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "access_token": self.access_token.get_secret_value(),
            "token_type": self.token_type,
            "expires_in": self.expires_in,
            "scope": self.scope,
            "api_url": self.api_url,
        }


@dataclass
class _CachedToken:
    value: str = field(repr=False)
    refresh_at: float


class ServerToServerOAuth:
    """Server-to-Server OAuth with the `account_credentials` grant."""

    can_refresh = True
    holder: TokenHolder = "account_app"

    def __init__(
        self,
        http: ZoomHTTP,
        *,
        token_url: str,
        credentials: ServerToServerCredentials,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._token_url = token_url
        self._credentials = credentials
        self._clock = clock
        self._lock = anyio.Lock()
        self._cached: _CachedToken | None = None
        self._fetches = 0
        self._last_failure: Exception | None = None

    def __repr__(self) -> str:
        return f"ServerToServerOAuth(token_url={self._token_url!r}, account_id={self._credentials.account_id!r})"

    async def token(self) -> str:
        cached = self._fresh_token()
        if cached is not None:
            return cached
        fetches_before_waiting = self._fetches
        async with self._lock:
            cached = self._fresh_token()
            if cached is not None:
                return cached
            if self._fetches != fetches_before_waiting and self._last_failure is not None:
                # Another caller fetched for us while we waited, and failed: share its answer
                # instead of sending one more doomed token request per waiting call.
                raise self._last_failure
            self._fetches += 1
            try:
                response = await self.request_token()
            except Exception as error:
                self._last_failure = error
                raise
            self._last_failure = None
            lifetime = float(response.expires_in)
            margin = min(REFRESH_MARGIN_SECONDS, lifetime / 2)
            self._cached = _CachedToken(
                value=response.access_token.get_secret_value(), refresh_at=self._clock() + lifetime - margin
            )
            return self._cached.value

    def invalidate(self, rejected: str) -> None:
        if self._cached is not None and self._cached.value == rejected:
            self._cached = None

    def _fresh_token(self) -> str | None:
        cached = self._cached
        if cached is None or self._clock() >= cached.refresh_at:
            return None
        return cached.value

    async def request_token(self) -> TokenResponse:
        """POST the token request (outages retried with the shared policy) and parse the answer."""
        credentials = self._credentials
        response = await self._http.send(
            "POST",
            self._token_url,
            # Minting a second token is harmless, so outages are retried like a read.
            idempotent=True,
            data={"grant_type": "account_credentials", "account_id": credentials.account_id},
            auth=httpx2.BasicAuth(credentials.client_id, credentials.client_secret.get_secret_value()),
        )
        body = token_endpoint_answer(response)
        token = body.get("access_token")
        expires_in = body.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires_in, int) or expires_in <= 0:
            raise ZoomInvalidResponse("Zoom's token endpoint answered without an access_token and expires_in")
        api_url = body.get("api_url")
        return TokenResponse(
            access_token=SecretStr(token),
            token_type=str(body.get("token_type", "bearer")),
            expires_in=expires_in,
            scope=str(body.get("scope", "")),
            api_url=api_url if isinstance(api_url, str) else None,
        )


def token_endpoint_answer(response: httpx2.Response) -> dict[str, object]:
    """The JSON object of a successful answer from Zoom's OAuth endpoints (their errors are raised by send)."""
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        body = None
    if not isinstance(body, dict):
        raise ZoomInvalidResponse(f"Zoom's token endpoint answered {response.status_code} without JSON")
    return body


def _zoom_error_code(response: httpx2.Response) -> int | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) and isinstance(body.get("code"), int) else None


class BearerAuth(httpx2.Auth):
    """Adds the cached bearer token; on 401 code 124 refreshes once and replays once, never more."""

    def __init__(self, provider: TokenProvider) -> None:
        self._provider = provider

    async def async_auth_flow(self, request: httpx2.Request) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        token = await token_of(self._provider)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401 or not self._provider.can_refresh:
            return
        await response.aread()
        if _zoom_error_code(response) == INVALID_TOKEN_CODE:
            self._provider.invalidate(token)
            request.headers["Authorization"] = f"Bearer {await token_of(self._provider)}"
            yield request


async def token_of(provider: TokenProvider) -> str:
    """A bearer token; whatever fails while getting it is marked a token failure: no API request was sent."""
    try:
        return await provider.token()
    except ZoomError as error:
        error.token_request = True
        raise
