"""URL-mode elicitation: a tool that needs a sign-in offers Zoom's sign-in link through the MCP client, and
the call goes on once the browser has come back to the loopback listener."""

from __future__ import annotations

from pathlib import Path

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.session import ClientRequestContext
from mcp_types import ElicitRequestParams, ElicitRequestURLParams, ElicitResult

from tests.conftest import sandbox_settings
from tests.login.conftest import free_port
from tests.oauth_browser import consent
from tests.tool_calls.conftest import call_error, call_ok
from zoom_mcp.server.app import ZoomMCPServer, create_app
from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Sandbox
from zoom_mcp.server.zoom.grant_store import FileGrantStore
from zoom_mcp.server.zoom.retry import RetryPolicy

pytestmark = pytest.mark.anyio


class Person:
    """An MCP client's user: shown the link, accepts (or declines) and signs in in the browser."""

    def __init__(self, sandbox: Sandbox, *, accept: bool, user_id: str | None = None) -> None:
        self.sandbox, self.accept, self.user_id = sandbox, accept, user_id
        self.shown: list[ElicitRequestURLParams] = []

    async def __call__(self, context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
        assert isinstance(params, ElicitRequestURLParams)
        self.shown.append(params)
        if not self.accept:
            return ElicitResult(action="decline")
        async with anyio.create_task_group() as group:
            group.start_soon(self.browse, params.url)
        return ElicitResult(action="accept")

    async def browse(self, url: str) -> None:
        async with httpx2.AsyncClient(transport=self.sandbox.transport(), base_url=SANDBOX_ORIGIN) as zoom:
            answer = await consent(zoom, url, user_id=self.user_id)
        async with httpx2.AsyncClient() as loopback:  # the redirect goes to zoom-mcp's loopback listener
            assert (await loopback.get(answer.headers["location"])).status_code == 200


def user_app(sandbox: Sandbox, tmp_path: Path, retry: RetryPolicy) -> ZoomMCPServer:
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    sandbox.allow_redirect_uri(redirect_uri)
    settings = sandbox_settings(
        sandbox,
        account_id=None,
        client_id=sandbox.user_app.public_client_id,
        client_secret=None,
        oauth_authorize_url=f"{SANDBOX_ORIGIN}/oauth/authorize",
        oauth_revoke_url=f"{SANDBOX_ORIGIN}/oauth/revoke",
        oauth_redirect_uri=redirect_uri,
        mcp_token_file=tmp_path / "grant.json",
    )
    return create_app(settings, transport=sandbox.transport(), retry=retry)


async def test_the_sign_in_link_is_offered_and_the_call_goes_on(
    sandbox: Sandbox, retry: RetryPolicy, tmp_path: Path
) -> None:
    someone = sandbox.state.users[1]
    person = Person(sandbox, accept=True, user_id=someone.id)
    async with Client(user_app(sandbox, tmp_path, retry), elicitation_callback=person, mode="legacy") as client:
        profile = await call_ok(client, "get_user_info", {})
        again = await call_ok(client, "get_user_info", {})
    assert profile["id"] == again["id"] == someone.id
    assert len(person.shown) == 1
    shown = person.shown[0]
    assert shown.mode == "url"
    assert shown.url.startswith(f"{SANDBOX_ORIGIN}/oauth/authorize?")
    assert "code_challenge_method=S256" in shown.url
    assert "Sign in to Zoom" in shown.message
    stored = await FileGrantStore(tmp_path / "grant.json").read()
    assert stored is not None
    assert stored.user is not None
    assert stored.user.id == someone.id


async def test_declining_leaves_the_instruction_to_run_login(
    sandbox: Sandbox, retry: RetryPolicy, tmp_path: Path
) -> None:
    person = Person(sandbox, accept=False)
    async with Client(user_app(sandbox, tmp_path, retry), elicitation_callback=person, mode="legacy") as client:
        message = await call_error(client, "get_user_info", {})
    assert len(person.shown) == 1
    assert "zoom-mcp login" in message
    assert await FileGrantStore(tmp_path / "grant.json").read() is None


async def test_a_client_without_url_elicitation_gets_the_instruction(
    sandbox: Sandbox, retry: RetryPolicy, tmp_path: Path
) -> None:
    async with Client(user_app(sandbox, tmp_path, retry)) as client:
        message = await call_error(client, "get_user_info", {})
    assert "not signed in" in message
    assert "zoom-mcp login" in message


@pytest.mark.parametrize("mode", ["legacy", "auto"], ids=["2025-11-25", "2026-07-28"])
async def test_both_protocol_eras(sandbox: Sandbox, retry: RetryPolicy, tmp_path: Path, mode: str) -> None:
    """2025-11-25 asks mid-call (elicitation/create); 2026-07-28 through an InputRequiredResult round trip."""
    person = Person(sandbox, accept=True)
    async with Client(user_app(sandbox, tmp_path, retry), elicitation_callback=person, mode=mode) as client:  # type: ignore[arg-type]
        await call_ok(client, "list_meetings", {})
    assert len(person.shown) == 1
    assert (person.shown[0].elicitation_id is None) == (mode == "auto")


async def test_declining_on_the_2026_protocol(sandbox: Sandbox, retry: RetryPolicy, tmp_path: Path) -> None:
    person = Person(sandbox, accept=False)
    async with Client(user_app(sandbox, tmp_path, retry), elicitation_callback=person) as client:
        message = await call_error(client, "get_user_info", {})
    assert "zoom-mcp login" in message
    assert len(person.shown) == 1
