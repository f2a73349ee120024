"""User-level OAuth of a user-managed General app: authorization codes with PKCE, rotating refresh tokens,
revocation and the device authorization grant, with Zoom's `{"reason", "error"}` answers.

Where Zoom's behaviour is not documented the choice follows the OAuth RFCs and says so.
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from zoom_mcp.server.sandbox.tokens import TokenStore

USER_SCOPES = "meeting:read meeting:write recording:read user:read"
CODE_LIFETIME = timedelta(minutes=5)
DEVICE_CODE_LIFETIME = timedelta(minutes=15)
DEFAULT_REDIRECT_URIS = ("http://127.0.0.1:8976/callback", "http://localhost:8976/callback")


@dataclass(frozen=True)
class UserAppCredentials:
    """The sandbox's user-managed app. Published, fixed values, not secrets."""

    name: str
    client_id: str
    client_secret: str
    # Zoom's "Use Public Client OAuth" issues a separate client id, used with PKCE and no secret.
    public_client_id: str


SANDBOX_USER_APP = UserAppCredentials(
    name="zoom-mcp (sandbox app)",
    client_id="sandbox-user-client",
    client_secret="sandbox-user-secret",
    public_client_id="sandbox-public-client",
)


class OAuthRefusal(Exception):
    """A `{"reason", "error"}` answer from the token, revoke or device endpoints."""

    def __init__(self, error: str, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.error = error
        self.reason = reason
        self.status = status


def invalid_token() -> OAuthRefusal:
    return OAuthRefusal("invalid_grant", "Invalid Token!")


@dataclass
class AuthorizationCode:
    client_id: str
    redirect_uri: str
    user_id: str
    challenge: str | None
    challenge_method: str
    expires_at: datetime
    used: bool = False


@dataclass
class UserGrant:
    id: str
    user_id: str
    client_id: str
    refresh_token: str
    access_tokens: list[str] = field(default_factory=list)
    spent_refresh_tokens: set[str] = field(default_factory=set)
    revoked: bool = False


@dataclass
class DeviceRequest:
    device_code: str
    user_code: str
    client_id: str
    expires_at: datetime
    decision: str | None = None
    user_id: str | None = None
    redeemed: bool = False
    last_poll: datetime | None = None


@dataclass(frozen=True)
class IssuedGrant:
    access_token: str
    refresh_token: str


class UserGrants:
    """Every user grant the sandbox issued, and the rules Zoom applies to them."""

    def __init__(self, tokens: TokenStore, app: UserAppCredentials = SANDBOX_USER_APP) -> None:
        self._tokens = tokens
        self.app = app
        self.redirect_uris: set[str] = set(DEFAULT_REDIRECT_URIS)
        # OAuth 2.1's advice, stricter than anything documented for Zoom: presenting a spent refresh
        # token revokes the whole grant (a token thief and the rightful client cannot both go on).
        self.strict_rotation = False
        self.refreshes = 0
        self.device_poll_interval = 5
        self._codes: dict[str, AuthorizationCode] = {}
        self._grants: dict[str, UserGrant] = {}
        self._devices: dict[str, DeviceRequest] = {}

    # -- clients ---------------------------------------------------------------------------------

    def knows_client(self, client_id: str) -> bool:
        return client_id in (self.app.client_id, self.app.public_client_id)

    def is_public(self, client_id: str) -> bool:
        return client_id == self.app.public_client_id

    # -- authorization code ----------------------------------------------------------------------

    def new_code(
        self, *, client_id: str, redirect_uri: str, user_id: str, challenge: str | None, method: str, now: datetime
    ) -> str:
        code = secrets.token_urlsafe(24)
        self._codes[code] = AuthorizationCode(client_id, redirect_uri, user_id, challenge, method, now + CODE_LIFETIME)
        return code

    def exchange_code(
        self, *, client_id: str, code: str, redirect_uri: str | None, verifier: str | None, now: datetime
    ) -> tuple[IssuedGrant, str]:
        pending = self._codes.get(code)
        if pending is None or pending.used or pending.client_id != client_id:
            # Zoom's observed answer to a reused code.
            raise OAuthRefusal("invalid_request", f"Invalid authorization code {code}")
        pending.used = True
        if now >= pending.expires_at:
            raise OAuthRefusal("invalid_grant", "The authorization code has expired.")
        if redirect_uri != pending.redirect_uri:
            raise OAuthRefusal("invalid_request", "Redirect URI mismatch.")
        if pending.challenge is not None:
            if not verifier or _challenge(verifier, pending.challenge_method) != pending.challenge:
                raise OAuthRefusal("invalid_grant", "Invalid code_verifier.")
        elif self.is_public(client_id):
            raise OAuthRefusal("invalid_request", "A public client must use PKCE (code_challenge).")
        return self._new_grant(client_id, pending.user_id, now), pending.user_id

    # -- refresh, revoke -------------------------------------------------------------------------

    def refresh(self, *, client_id: str, refresh_token: str, now: datetime) -> IssuedGrant:
        grant = self._grant_by_refresh_token(refresh_token)
        if grant is None or grant.client_id != client_id:
            raise invalid_token()
        if grant.revoked:
            raise invalid_token()
        if refresh_token != grant.refresh_token:
            # A spent refresh token: someone presented it twice.
            if self.strict_rotation:
                self._revoke(grant)
            raise invalid_token()
        grant.spent_refresh_tokens.add(refresh_token)
        grant.refresh_token = _new_refresh_token()
        self.refreshes += 1
        access = self._tokens.issue(now, user_id=grant.user_id)
        grant.access_tokens.append(access)
        return IssuedGrant(access, grant.refresh_token)

    def revoke(self, *, client_id: str, token: str) -> None:
        """Revoking either token of a grant ends the whole grant (RFC 7009 allows it; Zoom does not say)."""
        for grant in self._grants.values():
            if grant.client_id == client_id and (token == grant.refresh_token or token in grant.access_tokens):
                self._revoke(grant)
                return

    def revoke_user_grants(self) -> None:
        for grant in self._grants.values():
            self._revoke(grant)

    def grant_is_valid(self, refresh_token: str) -> bool:
        grant = self._grant_by_refresh_token(refresh_token)
        return grant is not None and not grant.revoked and grant.refresh_token == refresh_token

    @property
    def live_grants(self) -> int:
        return sum(1 for grant in self._grants.values() if not grant.revoked)

    # -- device authorization ----------------------------------------------------------------------

    def new_device_request(self, client_id: str, now: datetime) -> DeviceRequest:
        user_code = "".join(secrets.choice("BCDFGHJKLMNPQRSTVWXZ") for _ in range(8))
        request = DeviceRequest(secrets.token_urlsafe(32), user_code, client_id, now + DEVICE_CODE_LIFETIME)
        self._devices[request.device_code] = request
        return request

    def device_request(self, user_code: str) -> DeviceRequest | None:
        wanted = user_code.replace("-", "").upper()
        return next((d for d in self._devices.values() if d.user_code == wanted), None)

    def redeem_device_code(self, *, client_id: str, device_code: str, now: datetime) -> tuple[IssuedGrant, str]:
        request = self._devices.get(device_code)
        if request is None or request.client_id != client_id or request.redeemed:
            raise OAuthRefusal("invalid_grant", "Invalid device code.")
        if now >= request.expires_at:
            raise OAuthRefusal("expired_token", "The device code has expired.")
        polled_before, request.last_poll = request.last_poll, now
        if polled_before is not None and now - polled_before < timedelta(seconds=self.device_poll_interval):
            # RFC 8628 3.5: polling faster than `interval` is answered slow_down (the client adds 5 s).
            raise OAuthRefusal("slow_down", "The client is polling too quickly.")
        if request.decision is None:
            raise OAuthRefusal("authorization_pending", "The user has not yet authorized the app.")
        if request.decision != "allow" or request.user_id is None:
            raise OAuthRefusal("access_denied", "The user denied the authorization request.")
        request.redeemed = True
        return self._new_grant(client_id, request.user_id, now), request.user_id

    # -- internals ---------------------------------------------------------------------------------

    def _new_grant(self, client_id: str, user_id: str, now: datetime) -> IssuedGrant:
        # "With multiple authorizations, the last token issued is considered valid" (Zoom's 4741).
        for older in self._grants.values():
            if older.client_id == client_id and older.user_id == user_id:
                self._revoke(older)
        access = self._tokens.issue(now, user_id=user_id)
        grant = UserGrant(secrets.token_hex(8), user_id, client_id, _new_refresh_token(), [access])
        self._grants[grant.id] = grant
        return IssuedGrant(access, grant.refresh_token)

    def _grant_by_refresh_token(self, refresh_token: str) -> UserGrant | None:
        for grant in self._grants.values():
            if refresh_token == grant.refresh_token or refresh_token in grant.spent_refresh_tokens:
                return grant
        return None

    def _revoke(self, grant: UserGrant) -> None:
        grant.revoked = True
        self._tokens.revoke(grant.access_tokens)


def _new_refresh_token() -> str:
    return secrets.token_urlsafe(48)


def _challenge(verifier: str, method: str) -> str:
    if method == "plain":
        return verifier
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
