"""Server-to-Server OAuth: the sandbox's fixed app credentials and the access tokens it issues."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from zoom_mcp.server.sandbox.errors import EXPIRED_TOKEN, invalid_token


@dataclass(frozen=True)
class SandboxCredentials:
    """The sandbox's S2S app. These are published, fixed values, not secrets."""

    account_id: str
    client_id: str
    client_secret: str


SANDBOX_CREDENTIALS = SandboxCredentials(
    account_id="sandbox-account",
    client_id="sandbox-client",
    client_secret="sandbox-secret",
)

SCOPES = "meeting:read:admin meeting:write:admin recording:read:admin user:read:admin"


class TokenState(Enum):
    VALID = "valid"
    REVOKED = "revoked"
    FORCED_EXPIRED = "forced_expired"


@dataclass
class IssuedToken:
    expires_at: datetime
    state: TokenState = TokenState.VALID
    # Whose token: None for Server-to-Server (the account owner), else the user who signed in.
    user_id: str | None = None


class TokenStore:
    def __init__(self, ttl_seconds: int) -> None:
        self.ttl_seconds = ttl_seconds
        self.single_token_mode = False
        self._tokens: dict[str, IssuedToken] = {}

    @property
    def issued(self) -> list[str]:
        return list(self._tokens)

    def issue(self, now: datetime, *, user_id: str | None = None) -> str:
        if self.single_token_mode and user_id is None:
            self.revoke_all()
        # Tokens come from the OS, not the seed: two sandboxes built with one seed must not
        # accept each other's tokens.
        token = secrets.token_urlsafe(48)
        self._tokens[token] = IssuedToken(expires_at=now + timedelta(seconds=self.ttl_seconds), user_id=user_id)
        return token

    def revoke(self, tokens: list[str]) -> None:
        for token in tokens:
            issued = self._tokens.get(token)
            if issued is not None:
                issued.state = TokenState.REVOKED

    def is_valid(self, token: str, now: datetime) -> bool:
        issued = self._tokens.get(token)
        return issued is not None and issued.state is TokenState.VALID and now < issued.expires_at

    def revoke_all(self) -> None:
        for issued in self._tokens.values():
            issued.state = TokenState.REVOKED

    def expire_all(self) -> None:
        for issued in self._tokens.values():
            if issued.state is TokenState.VALID:
                issued.state = TokenState.FORCED_EXPIRED

    def check(self, token: str | None, now: datetime) -> IssuedToken:
        """Raise Zoom's 401 (code 124) unless ``token`` is usable at ``now``."""
        issued = self._tokens.get(token) if token else None
        if issued is None or issued.state is TokenState.REVOKED:
            raise invalid_token()
        if issued.state is TokenState.FORCED_EXPIRED or now >= issued.expires_at:
            raise invalid_token(EXPIRED_TOKEN)
        return issued

    def check_header(self, authorization: str | None, now: datetime) -> IssuedToken:
        return self.check(bearer_token(authorization), now)


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
