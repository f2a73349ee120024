"""Where the process's bearer tokens come from, for the credentials the settings hold: built in one place."""

from __future__ import annotations

from zoom_mcp.server.settings import Settings
from zoom_mcp.server.zoom.auth import ServerToServerOAuth, StaticToken, TokenProvider
from zoom_mcp.server.zoom.credentials import Credentials, ServerToServerCredentials, UserOAuthCredentials
from zoom_mcp.server.zoom.http import ZoomHTTP


def token_provider(settings: Settings, credentials: Credentials, http: ZoomHTTP) -> TokenProvider:
    if isinstance(credentials, ServerToServerCredentials):
        return ServerToServerOAuth(http, token_url=settings.oauth_token_url, credentials=credentials)
    if isinstance(credentials, UserOAuthCredentials):
        # Imported only for a user-managed app: the grant store pulls in the OS keyring.
        from zoom_mcp.server.user_auth import user_token_provider

        return user_token_provider(settings, credentials, http)
    return StaticToken(credentials.access_token)
