"""Tools in user-level OAuth mode: the signed-in person's data, and what every tool says without a sign-in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from tests.conftest import sandbox_settings
from tests.tool_calls.conftest import call_error, call_ok
from tests.zoom_client.user_oauth_fixtures import oauth_client, sandbox_http, save, sign_in
from zoom_mcp.server.app import create_app
from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Sandbox
from zoom_mcp.server.settings import Settings
from zoom_mcp.server.zoom.credentials import UserOAuthCredentials
from zoom_mcp.server.zoom.grant_store import FileGrantStore
from zoom_mcp.server.zoom.retry import RetryPolicy

pytestmark = pytest.mark.anyio
SAMPLE_BY_TYPE: dict[str, object] = {"integer": 85746065432, "string": "Weekly sync", "boolean": True}


def valid_arguments(schema: dict[str, Any]) -> dict[str, object]:
    """A value for each required parameter, of the type its schema asks for (the first alternative of anyOf)."""
    arguments = {}
    for name in schema.get("required", []):
        prop = schema["properties"][name]
        kind = prop.get("type") or next(option["type"] for option in prop["anyOf"] if "type" in option)
        # A list of types ("integer" or "string", as for meeting ids): the first.
        arguments[name] = SAMPLE_BY_TYPE[kind[0] if isinstance(kind, list) else kind]
    if "topic" in schema["properties"] and "topic" not in arguments:
        arguments["topic"] = "Weekly sync"  # an update must change something
    return arguments


def user_settings(sandbox: Sandbox, token_file: Path) -> Settings:
    settings = sandbox_settings(
        sandbox,
        account_id=None,
        client_id=sandbox.user_app.client_id,
        client_secret=sandbox.user_app.client_secret,
        oauth_authorize_url=f"{SANDBOX_ORIGIN}/oauth/authorize",
        oauth_revoke_url=f"{SANDBOX_ORIGIN}/oauth/revoke",
        mcp_token_file=token_file,
    )
    assert isinstance(settings.credentials(), UserOAuthCredentials)
    return settings


async def test_tools_act_as_the_person_who_signed_in(sandbox: Sandbox, retry: RetryPolicy, tmp_path: Path) -> None:
    someone = sandbox.state.users[1]
    async with sandbox_http(sandbox, retry) as (http, browser):
        grant = await sign_in(oauth_client(sandbox, http), browser, user_id=someone.id)
    await save(FileGrantStore(tmp_path / "grant.json"), grant)
    app = create_app(user_settings(sandbox, tmp_path / "grant.json"), transport=sandbox.transport(), retry=retry)
    async with Client(app) as client:
        profile = await call_ok(client, "get_user_info", {})
    assert profile["id"] == someone.id


async def test_every_tool_says_to_sign_in_when_nobody_has(sandbox: Sandbox, retry: RetryPolicy, tmp_path: Path) -> None:
    app = create_app(user_settings(sandbox, tmp_path / "grant.json"), transport=sandbox.transport(), retry=retry)
    async with Client(app) as client:
        for tool in (await client.list_tools()).tools:
            message = await call_error(client, tool.name, valid_arguments(tool.input_schema))
            assert "not signed in" in message, (tool.name, message)
            assert "zoom-mcp login" in message
    assert [r for r in sandbox.stats.requests if r.path.startswith("/v2/")] == []
