"""A refused token or a missing scope is fixed differently for each kind of credentials: the message says how.

A person signed in as themselves cannot "add the scope to the Server-to-Server app"; an admin's app has no
`zoom-mcp login`. The remedy follows whose token Zoom refused, never a guess.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import get_args

import pytest
from mcp import Client
from pydantic import SecretStr

from tests.conftest import sandbox_settings
from tests.tool_calls.conftest import call_error
from tests.tool_calls.test_user_sign_in import user_settings
from tests.zoom_client.user_oauth_fixtures import oauth_client, sandbox_http, save, sign_in
from zoom_mcp.server.app import create_app
from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.sandbox.faults import Fault
from zoom_mcp.server.settings import Settings
from zoom_mcp.server.zoom.auth import ServerToServerOAuth
from zoom_mcp.server.zoom.credentials import ServerToServerCredentials
from zoom_mcp.server.zoom.errors import TokenHolder
from zoom_mcp.server.zoom.grant_store import FileGrantStore
from zoom_mcp.server.zoom.retry import RetryPolicy
from zoom_mcp.tools.errors import _MISSING_ACCESS_REMEDY, _REJECTED_TOKEN_REMEDY

pytestmark = pytest.mark.anyio
MISSING_SCOPE = "Invalid access token, does not contain scopes:[meeting:read:list_meetings]."


async def settings_for(holder: str, sandbox: Sandbox, retry: RetryPolicy, tmp_path: Path) -> Settings:
    base = sandbox_settings(sandbox)
    if holder == "account_app":
        return base
    if holder == "static_token":
        credentials = base.credentials()
        assert isinstance(credentials, ServerToServerCredentials)
        async with sandbox_http(sandbox, retry) as (http, _):
            token = await ServerToServerOAuth(http, token_url=base.oauth_token_url, credentials=credentials).token()
        return Settings(_env_file=None, access_token=SecretStr(token), api_base_url=base.api_base_url)
    async with sandbox_http(sandbox, retry) as (http, browser):
        grant = await sign_in(oauth_client(sandbox, http), browser)
    await save(FileGrantStore(tmp_path / "grant.json"), grant)
    return user_settings(sandbox, tmp_path / "grant.json")


@asynccontextmanager
async def client_as(holder: str, sandbox: Sandbox, retry: RetryPolicy, tmp_path: Path) -> AsyncIterator[Client]:
    settings = await settings_for(holder, sandbox, retry, tmp_path)
    async with Client(create_app(settings, transport=sandbox.transport(), retry=retry)) as client:
        yield client


@pytest.mark.parametrize(
    ("holder", "remedy"),
    [
        ("account_app", "to the Server-to-Server OAuth app"),
        ("static_token", "Use a token from an app with the scope"),
        ("signed_in_user", "sign in again so the new grant carries it: `zoom-mcp login`"),
    ],
)
async def test_a_missing_scope_says_how_to_get_it_for_these_credentials(
    sandbox: Sandbox, retry: RetryPolicy, tmp_path: Path, holder: str, remedy: str
) -> None:
    async with client_as(holder, sandbox, retry, tmp_path) as client:
        sandbox.inject(Fault(path="/v2/users/me/meetings", status=400, zoom_code=4711, zoom_message=MISSING_SCOPE))
        message = await call_error(client, "list_meetings", {"type": "upcoming"})
    assert "4711" in message
    assert "meeting:read:list_meetings" in message
    assert remedy in message
    wrong = {"account_app": "zoom-mcp login", "signed_in_user": "Server-to-Server", "static_token": "zoom-mcp login"}
    assert wrong[holder] not in message


@pytest.mark.parametrize(
    ("holder", "remedy"),
    [
        ("account_app", "Server-to-Server OAuth app is still activated"),
        ("signed_in_user", "Sign in to Zoom again: `zoom-mcp login`"),
    ],
)
async def test_a_token_zoom_keeps_refusing_says_how_to_get_a_good_one(
    sandbox: Sandbox, retry: RetryPolicy, tmp_path: Path, holder: str, remedy: str
) -> None:
    """Zoom refuses the token, and the fresh one after the client's single refresh too."""
    async with client_as(holder, sandbox, retry, tmp_path) as client:
        sandbox.inject(Fault(path="/v2/users/me", status=401, times=2))
        message = await call_error(client, "get_user_info", {})
    assert "401" in message
    assert remedy in message


def test_every_kind_of_credentials_has_both_remedies() -> None:
    """A new kind of token holder cannot ship with the generic text: both tables name every one."""
    holders = set(get_args(TokenHolder))
    assert set(_REJECTED_TOKEN_REMEDY) == holders | {None}
    assert set(_MISSING_ACCESS_REMEDY) == holders | {None}
