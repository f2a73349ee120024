"""Settings from the environment and a `.env` file in the working directory (the real environment wins)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from zoom_mcp.server.zoom.credentials import (
    Credentials,
    ServerToServerCredentials,
    StaticTokenCredentials,
    UserOAuthCredentials,
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ZOOM_", env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    account_id: str | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    access_token: SecretStr | None = None
    api_base_url: str = "https://api.zoom.us/v2"
    oauth_token_url: str = "https://zoom.us/oauth/token"
    oauth_authorize_url: str = "https://zoom.us/oauth/authorize"
    oauth_revoke_url: str = "https://zoom.us/oauth/revoke"
    oauth_redirect_uri: str = "http://127.0.0.1:8976/callback"
    mcp_token_file: Path | None = None
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    mcp_read_only: bool = False
    mcp_log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"

    def credentials(self) -> Credentials | None:
        """S2S OAuth when all three values are set; user OAuth with a client id and no account id; else the
        static token; else None."""
        secret = self.client_secret if self.client_secret and self.client_secret.get_secret_value() else None
        if self.account_id and self.client_id and secret:
            return ServerToServerCredentials(self.account_id, self.client_id, secret)
        if self.client_id and not self.account_id:
            return UserOAuthCredentials(self.client_id, secret)
        if self.access_token and self.access_token.get_secret_value():
            return StaticTokenCredentials(self.access_token)
        return None

    def missing_credentials_message(self) -> str:
        given = {
            "ZOOM_ACCOUNT_ID": bool(self.account_id),
            "ZOOM_CLIENT_ID": bool(self.client_id),
            "ZOOM_CLIENT_SECRET": bool(self.client_secret and self.client_secret.get_secret_value()),
        }
        missing = [name for name, present in given.items() if not present]
        partial = len(missing) < len(given)
        lead = (
            f"Server-to-Server OAuth is only partly configured: {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not set."
            if partial
            else "No Zoom credentials are configured."
        )
        return (
            f"{lead} To act as yourself, set ZOOM_CLIENT_ID (a user-managed General app) and run `zoom-mcp login`; "
            "for a whole account, set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (a Server-to-Server "
            "OAuth app); or set ZOOM_ACCESS_TOKEN. Put them in the server's environment or in a .env file, then "
            "restart the server. To try the server without Zoom, start it with --sandbox."
        )
