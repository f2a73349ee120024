"""Which credentials the settings pick, and what they say when some are missing."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from zoom_mcp.server.settings import Settings
from zoom_mcp.server.zoom.credentials import ServerToServerCredentials, StaticTokenCredentials


def test_defaults() -> None:
    settings = Settings(_env_file=None)
    assert settings.api_base_url == "https://api.zoom.us/v2"
    assert settings.oauth_token_url == "https://zoom.us/oauth/token"
    assert settings.credentials() is None


def test_server_to_server_wins_over_a_static_token() -> None:
    settings = Settings(
        _env_file=None, account_id="a", client_id="c", client_secret=SecretStr("s"), access_token=SecretStr("t")
    )
    assert isinstance(settings.credentials(), ServerToServerCredentials)


def test_static_token_when_oauth_is_incomplete() -> None:
    settings = Settings(_env_file=None, account_id="a", access_token=SecretStr("t"))
    assert isinstance(settings.credentials(), StaticTokenCredentials)


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({}, "No Zoom credentials are configured"),
        ({"account_id": "a"}, "ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET are not set"),
        ({"account_id": "a", "client_id": "c"}, "ZOOM_CLIENT_SECRET is not set"),
    ],
)
def test_missing_credentials_are_named(given: dict[str, str], named: str) -> None:
    message = Settings(_env_file=None, **given).missing_credentials_message()  # type: ignore[arg-type]
    assert named in message
    assert "--sandbox" in message


def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZOOM_ACCOUNT_ID", "acct")
    monkeypatch.setenv("ZOOM_CLIENT_ID", "cid")
    monkeypatch.setenv("ZOOM_CLIENT_SECRET", "secret")
    monkeypatch.setenv("ZOOM_TIMEOUT_SECONDS", "12.5")
    settings = Settings(_env_file=None)
    credentials = settings.credentials()
    assert isinstance(credentials, ServerToServerCredentials)
    assert credentials.client_secret.get_secret_value() == "secret"
    assert settings.timeout_seconds == 12.5


def test_every_setting_says_what_it_is_for_help() -> None:
    """`zoom-mcp --help` lists the variables from these descriptions (a wheel install has no README)."""
    undescribed = [name for name, setting in Settings.model_fields.items() if not setting.description]
    assert not undescribed
