"""User-level OAuth wiring from the settings: the app's OAuth client and where the person's grant is kept."""

from __future__ import annotations

from zoom_mcp.server.settings import Settings
from zoom_mcp.server.zoom.credentials import UserOAuthCredentials
from zoom_mcp.server.zoom.grant import GrantStore, UserOAuth
from zoom_mcp.server.zoom.grant_store import default_grant_store
from zoom_mcp.server.zoom.http import ZoomHTTP
from zoom_mcp.server.zoom.user_oauth import OAuthEndpoints, UserOAuthClient


def oauth_client(settings: Settings, credentials: UserOAuthCredentials, http: ZoomHTTP) -> UserOAuthClient:
    return UserOAuthClient(
        http,
        endpoints=OAuthEndpoints(
            authorize_url=settings.oauth_authorize_url,
            token_url=settings.oauth_token_url,
            revoke_url=settings.oauth_revoke_url,
        ),
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
    )


def grant_store(settings: Settings, credentials: UserOAuthCredentials) -> GrantStore:
    return default_grant_store(client_id=credentials.client_id, token_file=settings.mcp_token_file)


def user_token_provider(settings: Settings, credentials: UserOAuthCredentials, http: ZoomHTTP) -> UserOAuth:
    return UserOAuth(
        grant_store(settings, credentials), oauth_client(settings, credentials, http), client_id=credentials.client_id
    )
