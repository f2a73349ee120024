"""Hosted mode's settings (`ZOOM_MCP_*`), and the start-up checks that refuse an unsafe configuration."""

from __future__ import annotations

import ipaddress
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

AuthMode = Literal["none", "bearer", "oauth"]
MIN_API_KEY_LENGTH = 32
MAKE_STATE_KEY = "python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
MAKE_API_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
DEFAULT_MAX_BODY_BYTES = 1024 * 1024


class HostedConfigError(Exception):
    """The hosted configuration is unsafe or incomplete; the message says what to set."""


class HostedSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ZOOM_MCP_", env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    auth: AuthMode = Field(
        default="none", description="serve --http: none (loopback only), bearer (API keys) or oauth (Zoom sign-in)"
    )
    # Comma-separated; SecretStr so that no repr, log line or validation error shows a key.
    api_keys: SecretStr | None = Field(default=None, description="bearer: comma-separated keys, 32+ characters")
    public_url: str | None = Field(default=None, description="the https:// origin clients reach serve --http at")
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, description="serve --http: request body limit")
    # Where registered clients, pending authorizations, our tokens and Zoom grants live (oauth mode).
    state_url: SecretStr | None = Field(
        default=None, description="oauth: redis://... for replicas (default: an SQLite file in the user data dir)"
    )
    # Fernet key(s) for Zoom grants at rest; comma-separated to rotate (the first encrypts).
    state_key: SecretStr | None = Field(default=None, description="oauth: Fernet key encrypting Zoom grants at rest")

    # Development and tests only: client ID metadata documents are otherwise never fetched from loopback.
    allow_loopback_client_metadata: bool = Field(
        default=False, description="oauth, dev/tests only: fetch client ID metadata documents from loopback too"
    )

    def api_key_list(self) -> list[str]:
        if self.api_keys is None:
            return []
        return [key.strip() for key in self.api_keys.get_secret_value().split(",") if key.strip()]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check(settings: HostedSettings, host: str, port: int) -> None:
    """Refuse to start unauthenticated off loopback, with keys too short to be secret, or oauth half set up."""
    loopback = is_loopback(host)
    if settings.auth == "none" and not loopback:
        raise HostedConfigError(
            f"refusing to serve {host} without authentication: ZOOM_MCP_AUTH=none is only allowed on a loopback "
            "address (127.0.0.1, ::1, localhost). Set ZOOM_MCP_AUTH=oauth (each person signs in with Zoom) or "
            "ZOOM_MCP_AUTH=bearer with ZOOM_MCP_API_KEYS, or bind --host 127.0.0.1."
        )
    if not loopback and not settings.public_url:
        raise HostedConfigError(
            f"serving {host} needs ZOOM_MCP_PUBLIC_URL, the https:// URL clients reach this server at "
            "(the Host and Origin checks and the OAuth resource URL come from it)."
        )
    if settings.public_url:
        parts = urlsplit(settings.public_url)
        if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
            raise HostedConfigError("ZOOM_MCP_PUBLIC_URL must be an absolute URL such as https://zoom-mcp.example.com")
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            raise HostedConfigError("ZOOM_MCP_PUBLIC_URL must use https:// unless it is a loopback address")
    if settings.auth == "bearer":
        keys = settings.api_key_list()
        if not keys:
            raise HostedConfigError(
                f"ZOOM_MCP_AUTH=bearer needs ZOOM_MCP_API_KEYS (comma-separated). Make a key with: {MAKE_API_KEY}"
            )
        if any(len(key) < MIN_API_KEY_LENGTH for key in keys):
            raise HostedConfigError(
                f"every key in ZOOM_MCP_API_KEYS must be at least {MIN_API_KEY_LENGTH} characters. "
                f"Make one with: {MAKE_API_KEY}"
            )
    if settings.auth == "oauth":
        if not settings.public_url and port == 0:
            raise HostedConfigError(
                "ZOOM_MCP_AUTH=oauth needs ZOOM_MCP_PUBLIC_URL (or a fixed --port on loopback): the Zoom app's "
                "redirect URL and the token audience come from it."
            )
        if settings.state_key is None or not settings.state_key.get_secret_value().strip():
            raise HostedConfigError(
                "ZOOM_MCP_AUTH=oauth needs ZOOM_MCP_STATE_KEY, the Fernet key that encrypts Zoom grants at rest "
                f"(keep it secret and the same on every replica). Make one with: {MAKE_STATE_KEY}"
            )
    if settings.max_body_bytes <= 0:
        raise HostedConfigError("ZOOM_MCP_MAX_BODY_BYTES must be a positive number of bytes")
