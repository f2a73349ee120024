"""Our OAuth authorization server for MCP clients, which signs each person in with Zoom's user OAuth.

The SDK's handlers (mcp.server.auth: metadata, /register, /authorize, /token, /revoke) do the protocol; this
provider keeps what they need in the shared state store, so that any replica can serve any step:

- clients registered dynamically (RFC 7591);
- an authorization request, parked until the person has approved it on our consent page (consent.py);
- our own authorization codes, access and refresh tokens, stored as SHA-256 digests (a leaked store holds no
  usable token), bound to the person (their Zoom user id), the client and our resource URL (RFC 8707);
- refresh tokens rotate: each is accepted once.

Zoom's tokens never leave the server: a client only ever holds ours.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from typing import Any

from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    AuthorizeError,
    RefreshToken,
    TokenError,
)
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken
from pydantic import BaseModel, ValidationError

from zoom_mcp.server.hosted.client_metadata import ClientMetadataDocuments, ClientMetadataError, looks_like_metadata_url
from zoom_mcp.server.hosted.grants import grant_key
from zoom_mcp.server.hosted.state import StateStore

logger = logging.getLogger(__name__)

ACCESS_TOKEN_SECONDS = 3600
REFRESH_TOKEN_SECONDS = 30 * 24 * 3600
CODE_SECONDS = 300
PENDING_SECONDS = 600
SCOPE = "zoom"
CONSENT_PATH = "/oauth/consent"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class PendingAuthorization(BaseModel):
    """An MCP client's authorization request, until the person approves or denies it."""

    client_id: str
    redirect_uri: str
    redirect_uri_provided_explicitly: bool
    state: str | None
    scopes: list[str]
    code_challenge: str
    resource: str
    # Set when the consent page is shown: the digest of the cookie that binds it to that browser, and the
    # form's CSRF token.
    browser: str | None = None
    csrf: str | None = None


class _Issued(BaseModel):
    """What the store keeps for one of our access or refresh tokens (never the token itself)."""

    client_id: str
    scopes: list[str]
    expires_at: int
    resource: str
    subject: str


class ZoomSignInProvider:
    """`OAuthAuthorizationServerProvider` whose authorize step is our consent page, then Zoom."""

    def __init__(
        self,
        state: StateStore,
        *,
        issuer_url: str,
        resource_url: str,
        documents: ClientMetadataDocuments | None = None,
    ) -> None:
        self._state = state
        self.issuer_url = issuer_url
        self.resource_url = resource_url
        self.documents = documents or ClientMetadataDocuments(state)

    # -- clients --------------------------------------------------------------------------------------

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        """A registered client (RFC 7591), or one named by the URL of its metadata document (SEP-991)."""
        if looks_like_metadata_url(client_id):
            try:
                client = await self.documents.resolve(client_id)
            except ClientMetadataError as error:
                # The SDK answers "client not found"; the reason goes to our log (client ids are public).
                logger.warning("Client %.200s refused: %s", client_id, error)
                return None
            # One scope here, whatever the document asks for.
            return client.model_copy(update={"scope": SCOPE})
        stored = await self._state.get(f"client:{client_id}")
        if stored is None:
            return None
        try:
            return OAuthClientInformationFull.model_validate_json(stored)
        except ValidationError:
            return None

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        assert client_info.client_id is not None
        await self._state.put(f"client:{client_info.client_id}", client_info.model_dump_json().encode())

    # -- authorization: park the request, send the browser to our consent page -------------------------

    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        resource = (params.resource or self.resource_url).rstrip("/")
        if resource != self.resource_url.rstrip("/"):
            raise AuthorizeError("invalid_target", f"this server issues tokens for {self.resource_url} only")
        assert client.client_id is not None
        request_id = secrets.token_urlsafe(32)
        pending = PendingAuthorization(
            client_id=client.client_id,
            redirect_uri=str(params.redirect_uri),
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly,
            state=params.state,
            scopes=params.scopes or [SCOPE],
            code_challenge=params.code_challenge,
            resource=self.resource_url,
        )
        await self.park(request_id, pending)
        return f"{self.issuer_url}{CONSENT_PATH}?request={request_id}"

    async def park(self, request_id: str, pending: PendingAuthorization) -> None:
        await self._state.put(
            f"pending:{digest(request_id)}", pending.model_dump_json().encode(), ttl_seconds=PENDING_SECONDS
        )

    async def pending(self, request_id: str) -> PendingAuthorization | None:
        stored = await self._state.get(f"pending:{digest(request_id)}")
        return None if stored is None else PendingAuthorization.model_validate_json(stored)

    async def take_pending(self, request_id: str) -> PendingAuthorization | None:
        stored = await self._state.take(f"pending:{digest(request_id)}")
        return None if stored is None else PendingAuthorization.model_validate_json(stored)

    async def issue_code(self, pending: PendingAuthorization, subject: str) -> str:
        """Our authorization code for the client, once the person has signed in with Zoom as `subject`."""
        code = secrets.token_urlsafe(32)
        record = AuthorizationCode(
            code=digest(code),
            scopes=pending.scopes,
            expires_at=time.time() + CODE_SECONDS,
            client_id=pending.client_id,
            code_challenge=pending.code_challenge,
            redirect_uri=pending.redirect_uri,  # type: ignore[arg-type]
            redirect_uri_provided_explicitly=pending.redirect_uri_provided_explicitly,
            resource=pending.resource,
            subject=subject,
        )
        await self._state.put(f"code:{digest(code)}", record.model_dump_json().encode(), ttl_seconds=CODE_SECONDS)
        return code

    # -- token endpoint ---------------------------------------------------------------------------------

    async def load_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: str
    ) -> AuthorizationCode | None:
        stored = await self._state.get(f"code:{digest(authorization_code)}")
        if stored is None:
            return None
        code = AuthorizationCode.model_validate_json(stored)
        return code if code.client_id == client.client_id else None

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: AuthorizationCode
    ) -> OAuthToken:
        # Single use, even when two replicas receive the same code at once: only one take succeeds.
        if await self._state.take(f"code:{authorization_code.code}") is None:
            raise TokenError("invalid_grant", "authorization code already used or expired")
        assert authorization_code.subject is not None
        assert authorization_code.resource is not None
        return await self._issue_tokens(
            client_id=authorization_code.client_id,
            scopes=authorization_code.scopes,
            resource=authorization_code.resource,
            subject=authorization_code.subject,
        )

    async def load_refresh_token(self, client: OAuthClientInformationFull, refresh_token: str) -> RefreshToken | None:
        issued = await self._load(f"refresh:{digest(refresh_token)}")
        if issued is None or issued.client_id != client.client_id:
            return None
        return RefreshToken(
            token=digest(refresh_token),
            client_id=issued.client_id,
            scopes=issued.scopes,
            expires_at=issued.expires_at,
            resource=issued.resource,
            subject=issued.subject,
        )

    async def exchange_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: RefreshToken, scopes: list[str]
    ) -> OAuthToken:
        if await self._state.take(f"refresh:{refresh_token.token}") is None:
            raise TokenError("invalid_grant", "refresh token already used")
        assert refresh_token.subject is not None
        assert refresh_token.resource is not None
        if await self._state.get(grant_key(refresh_token.subject)) is None:
            # The person's Zoom grant is gone: our tokens mean nothing without it. Sign in again.
            raise TokenError("invalid_grant", "the Zoom sign-in behind this token is gone; authorize again")
        return await self._issue_tokens(
            client_id=refresh_token.client_id,
            scopes=scopes,
            resource=refresh_token.resource,
            subject=refresh_token.subject,
        )

    async def _issue_tokens(self, *, client_id: str, scopes: list[str], resource: str, subject: str) -> OAuthToken:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = int(time.time())
        for key, token, lifetime in (
            ("access", access, ACCESS_TOKEN_SECONDS),
            ("refresh", refresh, REFRESH_TOKEN_SECONDS),
        ):
            issued = _Issued(
                client_id=client_id, scopes=scopes, expires_at=now + lifetime, resource=resource, subject=subject
            )
            await self._state.put(f"{key}:{digest(token)}", issued.model_dump_json().encode(), ttl_seconds=lifetime)
        return OAuthToken(
            access_token=access,
            token_type="Bearer",
            expires_in=ACCESS_TOKEN_SECONDS,
            scope=" ".join(scopes),
            refresh_token=refresh,
        )

    # -- resource server: our access tokens -------------------------------------------------------------

    async def load_access_token(self, token: str) -> AccessToken | None:
        issued = await self._load(f"access:{digest(token)}")
        if issued is None or issued.expires_at <= time.time():
            return None
        if await self._state.get(grant_key(issued.subject)) is None:
            # Zoom revoked the person's grant (or they were signed out): 401, and the client starts over.
            return None
        return AccessToken(
            token=digest(token),
            client_id=issued.client_id,
            scopes=issued.scopes,
            expires_at=issued.expires_at,
            resource=issued.resource,
            subject=issued.subject,
            claims={"iss": self.issuer_url},
        )

    async def verify_token(self, token: str) -> AccessToken | None:
        """The resource server's TokenVerifier: the same check, against the same store."""
        return await self.load_access_token(token)

    async def revoke_token(self, token: AccessToken | RefreshToken) -> None:
        kind = "refresh" if isinstance(token, RefreshToken) else "access"
        await self._state.delete(f"{kind}:{token.token}")

    async def _load(self, key: str) -> _Issued | None:
        stored = await self._state.get(key)
        if stored is None:
            return None
        try:
            return _Issued.model_validate(json.loads(stored))
        except (ValueError, ValidationError):
            return None

    async def exchange_identity_assertion(self, client: OAuthClientInformationFull, params: Any) -> OAuthToken:
        raise TokenError("unsupported_grant_type", "identity assertions are not accepted")
