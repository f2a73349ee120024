"""Messages that point the right way: each names the setting or the limit actually involved."""

from __future__ import annotations

import pytest
from mcp import Client

from tests.conftest import sandbox_settings
from tests.tool_calls.conftest import call_error
from zoom_mcp.server.app import create_app
from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Sandbox
from zoom_mcp.server.settings import Settings
from zoom_mcp.server.zoom.retry import RetryPolicy

pytestmark = pytest.mark.anyio


async def test_an_unreachable_token_url_names_the_token_setting(sandbox: Sandbox, retry: RetryPolicy) -> None:
    # Port 9 on loopback: nothing listens, so the connection is refused at once.
    settings = sandbox_settings(sandbox, oauth_token_url="http://127.0.0.1:9/oauth/token")
    async with Client(create_app(settings, retry=retry)) as client:
        message = await call_error(client, "get_user_info", {})
    assert "ZOOM_OAUTH_TOKEN_URL" in message
    assert "ZOOM_API_BASE_URL" not in message
    assert "127.0.0.1:9/oauth/token" in message


async def test_an_unreachable_api_names_the_api_setting(sandbox: Sandbox, retry: RetryPolicy) -> None:
    settings = Settings(_env_file=None, access_token="t", api_base_url="http://127.0.0.1:9/v2")  # type: ignore[arg-type]
    async with Client(create_app(settings, retry=retry)) as client:
        message = await call_error(client, "get_user_info", {})
    assert "ZOOM_API_BASE_URL" in message
    assert "ZOOM_OAUTH_TOKEN_URL" not in message


async def test_a_404_without_zoom_code_points_at_the_base_url(sandbox: Sandbox, retry: RetryPolicy) -> None:
    settings = sandbox_settings(sandbox, api_base_url=f"{SANDBOX_ORIGIN}/not-the-api/v2")
    async with Client(create_app(settings, transport=sandbox.transport(), retry=retry)) as client:
        message = await call_error(client, "get_user_info", {})
    assert "404" in message
    assert "ZOOM_API_BASE_URL" in message
    assert "Check the id" not in message


def test_a_base_url_without_v2_is_refused_with_the_right_one() -> None:
    with pytest.raises(ValueError, match=r"must end with /v2, like Zoom's https://api\.zoom\.us/v2"):
        Settings(_env_file=None, api_base_url="https://api.zoom.us")


async def test_placeholders_from_mcp_json_are_not_credentials(sandbox: Sandbox, retry: RetryPolicy) -> None:
    settings = Settings(
        _env_file=None,
        account_id="<your Server-to-Server OAuth app's Account ID>",
        client_id="<its Client ID>",
        client_secret="<its Client Secret>",  # type: ignore[arg-type]
    )
    assert settings.credentials() is None
    async with Client(create_app(settings, transport=sandbox.transport(), retry=retry)) as client:
        message = await call_error(client, "get_user_info", {})
    assert "ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET still hold placeholders" in message
    assert sandbox.stats.requests == []


def test_log_level_in_any_case() -> None:
    assert Settings(_env_file=None, mcp_log_level="debug").mcp_log_level == "DEBUG"  # type: ignore[arg-type]
