"""Zoom's OAuth endpoints for a user-managed app: authorize URL (PKCE), code exchange, refresh, revoke, device flow.

A confidential client authenticates with HTTP Basic (client id and secret); a public client sends only its
client id in the form body, as Zoom's PKCE documentation says (no secret, no Authorization header).
Parameters always travel in the form body: Zoom rejects tokens in query strings.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

import httpx2
from pydantic import SecretStr

from zoom_mcp.server.zoom.auth import token_endpoint_answer
from zoom_mcp.server.zoom.errors import ZoomInvalidResponse
from zoom_mcp.server.zoom.grant import Grant
from zoom_mcp.server.zoom.http import ZoomHTTP

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def new_code_verifier() -> str:
    """RFC 7636: 43-128 characters from the unreserved set; 64 random bytes give 86."""
    return secrets.token_urlsafe(64)


def code_challenge(verifier: str) -> str:
    """S256: BASE64URL(SHA256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class OAuthEndpoints:
    authorize_url: str
    token_url: str
    revoke_url: str

    @property
    def device_code_url(self) -> str:
        """Zoom's `/oauth/devicecode`, beside the token endpoint."""
        base, _, _ = self.token_url.rstrip("/").rpartition("/")
        return f"{base}/devicecode"


@dataclass(frozen=True)
class DeviceAuthorization:
    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: int
    interval: int


DevicePoll = Literal["authorization_pending", "slow_down"]


class UserOAuthClient:
    """One Zoom app's OAuth endpoints, as a confidential (with a secret) or public (PKCE only) client."""

    def __init__(
        self,
        http: ZoomHTTP,
        *,
        endpoints: OAuthEndpoints,
        client_id: str,
        client_secret: SecretStr | None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self.endpoints = endpoints
        self.client_id = client_id
        self._client_secret = client_secret if client_secret and client_secret.get_secret_value() else None
        self._clock = clock

    def __repr__(self) -> str:
        kind = "confidential" if self.is_confidential else "public"
        return f"UserOAuthClient(client_id={self.client_id!r}, {kind})"

    @property
    def is_confidential(self) -> bool:
        return self._client_secret is not None

    def authorization_url(self, *, redirect_uri: str, state: str, verifier: str) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": code_challenge(verifier),
            # Zoom's default is "plain", which would put the verifier itself in the browser's history.
            "code_challenge_method": "S256",
        }
        return f"{self.endpoints.authorize_url}?{urlencode(query)}"

    async def exchange_code(self, *, code: str, verifier: str, redirect_uri: str) -> Grant:
        body = await self._post(
            self.endpoints.token_url,
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier},
        )
        return self._grant(body)

    async def refresh(self, grant: Grant) -> Grant:
        body = await self._post(
            self.endpoints.token_url,
            {"grant_type": "refresh_token", "refresh_token": grant.refresh_token.get_secret_value()},
        )
        return self._grant(body)

    async def revoke(self, token: SecretStr) -> None:
        await self._post(self.endpoints.revoke_url, {"token": token.get_secret_value()})

    async def request_device_code(self) -> DeviceAuthorization:
        body = await self._post(self.endpoints.device_code_url, {})
        device_code, user_code, uri = body.get("device_code"), body.get("user_code"), body.get("verification_uri")
        if not (isinstance(device_code, str) and isinstance(user_code, str) and isinstance(uri, str)):
            raise ZoomInvalidResponse("Zoom's device authorization answer lacks device_code, user_code or the URI")
        complete = body.get("verification_uri_complete")
        expires_in, interval = body.get("expires_in"), body.get("interval")
        return DeviceAuthorization(
            device_code=device_code,
            user_code=user_code,
            verification_uri=uri,
            verification_uri_complete=complete if isinstance(complete, str) else None,
            expires_in=expires_in if isinstance(expires_in, int) and expires_in > 0 else 900,
            interval=interval if isinstance(interval, int) and interval >= 0 else 5,
        )

    async def poll_device_code(self, device_code: str) -> Grant:
        """One poll; raises ZoomTokenError with `authorization_pending`/`slow_down` while the person decides."""
        body = await self._post(self.endpoints.token_url, {"grant_type": DEVICE_CODE_GRANT, "device_code": device_code})
        return self._grant(body)

    async def _post(self, url: str, form: dict[str, str]) -> dict[str, object]:
        secret = self._client_secret
        if secret is None:
            form = {**form, "client_id": self.client_id}
        basic = httpx2.BasicAuth(self.client_id, secret.get_secret_value()) if secret is not None else None
        response = await self._http.send(
            "POST",
            url,
            # Never resent once it may have reached Zoom: a refresh token or code presented twice is spent,
            # and in strict rotation the second presentation revokes the whole grant.
            idempotent=False,
            data=form,
            auth=basic,
        )
        return token_endpoint_answer(response)

    def _grant(self, body: dict[str, object]) -> Grant:
        access, refresh, expires_in = body.get("access_token"), body.get("refresh_token"), body.get("expires_in")
        if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
            raise ZoomInvalidResponse("Zoom's token endpoint answered without an access_token and a refresh_token")
        if not isinstance(expires_in, int) or expires_in <= 0:
            raise ZoomInvalidResponse("Zoom's token endpoint answered without a positive expires_in")
        now = self._clock()
        api_url = body.get("api_url")
        return Grant(
            client_id=self.client_id,
            access_token=SecretStr(access),
            refresh_token=SecretStr(refresh),
            issued_at=now,
            expires_at=now + expires_in,
            scope=str(body.get("scope") or ""),
            api_url=api_url if isinstance(api_url, str) else None,
        )
