"""What the server can authenticate to Zoom with: a Server-to-Server OAuth app, a user-managed app the person
signs in to, or a token as it is."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr


@dataclass(frozen=True)
class ServerToServerCredentials:
    account_id: str
    client_id: str
    client_secret: SecretStr


@dataclass(frozen=True)
class StaticTokenCredentials:
    access_token: SecretStr


@dataclass(frozen=True)
class UserOAuthCredentials:
    """A user-managed app: the person signs in with `zoom-mcp login`; no secret means a public PKCE client."""

    client_id: str
    client_secret: SecretStr | None


Credentials = ServerToServerCredentials | UserOAuthCredentials | StaticTokenCredentials
