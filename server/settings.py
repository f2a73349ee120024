"""Settings from the environment and a `.env` file in the working directory (the real environment wins)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from zoom_mcp.server.zoom.credentials import (
    Credentials,
    ServerToServerCredentials,
    StaticTokenCredentials,
    UserOAuthCredentials,
)

CREDENTIAL_FIELDS = ("account_id", "client_id", "client_secret", "access_token")
# mcp.json and the README show values such as "<its Client ID>" for the reader to replace.
PLACEHOLDER = re.compile(r"\s*<[^<>]*>\s*")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ZOOM_", env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    # Each description is what `zoom-mcp --help` says of the variable.
    account_id: str | None = Field(default=None, description="Server-to-Server OAuth app: its Account ID")
    client_id: str | None = Field(
        default=None, description="the app's Client ID (without ZOOM_ACCOUNT_ID: a user-managed app)"
    )
    client_secret: SecretStr | None = Field(default=None, description="the app's Client Secret")
    access_token: SecretStr | None = Field(
        default=None, description="a static access token, used when no app is configured (expires after an hour)"
    )
    api_base_url: str = Field(default="https://api.zoom.us/v2", description="Zoom's REST API, ending in /v2")
    oauth_token_url: str = Field(default="https://zoom.us/oauth/token", description="Zoom's OAuth token endpoint")
    oauth_authorize_url: str = Field(
        default="https://zoom.us/oauth/authorize", description="Zoom's OAuth sign-in page (user-managed apps)"
    )
    oauth_revoke_url: str = Field(
        default="https://zoom.us/oauth/revoke", description="Zoom's OAuth revocation endpoint (user-managed apps)"
    )
    oauth_redirect_uri: str = Field(
        default="http://127.0.0.1:8976/callback", description="the redirect URL registered in a user-managed app"
    )
    mcp_token_file: Path | None = Field(
        default=None, description="keep a signed-in person's grant in this file instead of the OS keyring"
    )
    timeout_seconds: float = Field(default=30.0, gt=0, le=600, description="per request attempt, 0 < s <= 600")
    mcp_read_only: bool = Field(default=False, description="1: register only the tools that read (--read-only)")
    mcp_log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="WARNING", description="stderr log level: DEBUG, INFO, WARNING or ERROR (--log-level)"
    )

    @field_validator("mcp_log_level", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("api_base_url")
    @classmethod
    def _versioned(cls, value: str) -> str:
        # Zoom's token answer has an api_url without /v2: copied as it is, every call would be a puzzling 404.
        if not value.rstrip("/").endswith("/v2"):
            raise ValueError(f"must end with /v2, like Zoom's https://api.zoom.us/v2 (got {value[:80]!r})")
        return value

    def _given(self, name: str) -> str | None:
        """A credential's value, or None when it is unset, empty or still a `<...>` placeholder."""
        value = getattr(self, name)
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        return text if text and not PLACEHOLDER.fullmatch(text) else None

    def placeholders(self) -> list[str]:
        """The credential variables that still hold a placeholder such as mcp.json's `<its Client ID>`."""
        values = {name: getattr(self, name) for name in CREDENTIAL_FIELDS}
        return [
            f"ZOOM_{name.upper()}"
            for name, value in values.items()
            if value is not None
            and PLACEHOLDER.fullmatch(value.get_secret_value() if isinstance(value, SecretStr) else value)
        ]

    def missing_server_to_server(self) -> list[str]:
        """Which of the three Server-to-Server OAuth variables are not (really) set."""
        return [
            f"ZOOM_{name.upper()}" for name in ("account_id", "client_id", "client_secret") if not self._given(name)
        ]

    def credentials(self) -> Credentials | None:
        """S2S OAuth when all three values are set; user OAuth with a client id and no account id; else the
        static token; else None."""
        account_id, client_id = self._given("account_id"), self._given("client_id")
        secret = SecretStr(value) if (value := self._given("client_secret")) else None
        if account_id and client_id and secret:
            return ServerToServerCredentials(account_id, client_id, secret)
        if client_id and not account_id:
            return UserOAuthCredentials(client_id, secret)
        if token := self._given("access_token"):
            return StaticTokenCredentials(SecretStr(token))
        return None

    def missing_credentials_message(self) -> str:
        missing = self.missing_server_to_server()
        placeholders = self.placeholders()
        if placeholders:
            holds = "holds a placeholder" if len(placeholders) == 1 else "hold placeholders"
            lead = f"{', '.join(placeholders)} still {holds} (<...>) instead of your app's values."
        elif 0 < len(missing) < 3:
            lead = (
                f"Server-to-Server OAuth is only partly configured: {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not set."
            )
        else:
            lead = "No Zoom credentials are configured."
        return (
            f"{lead} To act as yourself, set ZOOM_CLIENT_ID (a user-managed General app) and run `zoom-mcp login`; "
            "for a whole account, set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (a Server-to-Server "
            "OAuth app); or set ZOOM_ACCESS_TOKEN. Put them in the server's environment or in a .env file, then "
            "restart the server. To try the server without Zoom, start it with --sandbox."
        )
