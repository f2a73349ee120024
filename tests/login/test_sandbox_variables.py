"""What `zoom-mcp sandbox` prints for signing in as one of its users is a complete user-level configuration."""

from __future__ import annotations

import pytest

from zoom_mcp.server.__main__ import user_oauth_variables
from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.settings import Settings
from zoom_mcp.server.zoom.credentials import UserOAuthCredentials


def test_the_printed_variables_select_user_level_oauth_on_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    origin = "http://127.0.0.1:8765"
    monkeypatch.setenv("ZOOM_ACCOUNT_ID", "left-over-from-the-server-to-server-lines")
    for line in user_oauth_variables(Sandbox(), origin):
        if line.startswith("unset "):
            monkeypatch.delenv(line.removeprefix("unset "))
        elif line.startswith("export "):
            name, value = line.removeprefix("export ").split("=", 1)
            monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    credentials = settings.credentials()
    assert isinstance(credentials, UserOAuthCredentials)
    assert credentials.client_id == Sandbox().user_app.client_id
    assert credentials.client_secret is not None
    assert settings.oauth_authorize_url == f"{origin}/oauth/authorize"
    assert settings.oauth_token_url == f"{origin}/oauth/token"
    assert settings.oauth_revoke_url == f"{origin}/oauth/revoke"
    assert settings.api_base_url == f"{origin}/v2"
    assert settings.oauth_redirect_uri in Sandbox().allowed_redirect_uris
