"""User-level OAuth against the sandbox: rotation under one lock, single flight, and grants that end."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from tests.conftest import FakeClock
from tests.zoom_client.user_oauth_fixtures import oauth_client, sandbox_http, save, sign_in, user_client
from zoom_mcp.server.sandbox import Fault, Sandbox
from zoom_mcp.server.zoom.errors import ZoomServerError, ZoomSignInRequired, ZoomTokenError
from zoom_mcp.server.zoom.grant import Grant
from zoom_mcp.server.zoom.grant_store import FileGrantStore
from zoom_mcp.server.zoom.retry import RetryPolicy

pytestmark = pytest.mark.anyio


@pytest.fixture
def store(tmp_path: Path) -> FileGrantStore:
    return FileGrantStore(tmp_path / "grant.json")


async def signed_in(
    sandbox: Sandbox, store: FileGrantStore, retry: RetryPolicy, clock: FakeClock, *, public: bool = False
) -> Grant:
    sandbox.strict_rotation = True
    async with sandbox_http(sandbox, retry) as (http, browser):
        grant = await sign_in(oauth_client(sandbox, http, public=public, clock=clock), browser)
    await save(store, grant)
    return grant


def refresh_requests(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.stats.requests if r.path == "/oauth/token") - 1  # minus the code exchange


async def test_me_is_the_person_who_signed_in(
    sandbox: Sandbox, store: FileGrantStore, retry: RetryPolicy, clock: FakeClock
) -> None:
    someone = sandbox.state.users[1]
    assert someone.id != sandbox.state.owner_id
    async with sandbox_http(sandbox, retry) as (http, browser):
        grant = await sign_in(oauth_client(sandbox, http, clock=clock), browser, user_id=someone.id)
    await save(store, grant)
    async with user_client(sandbox, store, retry, clock=clock) as (client, _):
        assert (await client.get_user("me")).id == someone.id


async def test_the_stored_access_token_is_used_until_it_is_due(
    sandbox: Sandbox, store: FileGrantStore, retry: RetryPolicy, clock: FakeClock
) -> None:
    grant = await signed_in(sandbox, store, retry, clock)
    async with user_client(sandbox, store, retry, clock=clock) as (client, tokens):
        await client.get_user("me")
        clock.advance(grant.refresh_at - clock.now - 1)
        await client.get_user("me")
        assert tokens.refreshes == 0
        clock.advance(1)
        await client.get_user("me")
        assert tokens.refreshes == 1
    assert sandbox.refreshes == 1


async def test_a_refresh_rotates_and_the_new_grant_is_saved_first(
    sandbox: Sandbox, store: FileGrantStore, retry: RetryPolicy, clock: FakeClock
) -> None:
    grant = await signed_in(sandbox, store, retry, clock)
    clock.advance(grant.expires_at - clock.now)
    async with user_client(sandbox, store, retry, clock=clock) as (client, _):
        await client.get_user("me")
    saved = await store.read()
    assert saved is not None
    assert saved.refresh_token != grant.refresh_token
    assert sandbox.grant_is_valid(saved.refresh_token.get_secret_value())
    assert not sandbox.grant_is_valid(grant.refresh_token.get_secret_value())
    used = [r for r in sandbox.stats.requests if r.path == "/v2/users/me"]
    assert [r.status for r in used] == [200]


@pytest.mark.parametrize("public", [False, True])
async def test_concurrent_calls_across_an_expiry_refresh_once(
    sandbox: Sandbox, store: FileGrantStore, retry: RetryPolicy, clock: FakeClock, public: bool
) -> None:
    grant = await signed_in(sandbox, store, retry, clock, public=public)
    clock.advance(grant.expires_at - clock.now)
    async with (
        user_client(sandbox, store, retry, clock=clock, public=public) as (client, _),
        anyio.create_task_group() as group,
    ):
        for _ in range(40):
            group.start_soon(client.get_user, "me")
    assert sandbox.refreshes == 1
    saved = await store.read()
    assert saved is not None
    assert sandbox.grant_is_valid(saved.refresh_token.get_secret_value())


async def test_two_processes_on_one_store_refresh_once_in_strict_rotation(
    sandbox: Sandbox, store: FileGrantStore, retry: RetryPolicy, clock: FakeClock
) -> None:
    """Two providers with their own locks and caches, sharing only the file: what two processes share."""
    await signed_in(sandbox, store, retry, clock)
    async with (
        user_client(sandbox, FileGrantStore(store.path), retry, clock=clock) as (first, _),
        user_client(sandbox, FileGrantStore(store.path), retry, clock=clock) as (second, _),
    ):
        await first.get_user("me")
        await second.get_user("me")
        for _ in range(3):
            sandbox.expire_tokens()
            async with anyio.create_task_group() as group:
                for _ in range(20):
                    group.start_soon(first.get_user, "me")
                    group.start_soon(second.get_user, "me")
    assert sandbox.refreshes == 3
    saved = await store.read()
    assert saved is not None
    assert sandbox.grant_is_valid(saved.refresh_token.get_secret_value())


async def test_a_revoked_access_token_gets_one_refresh_and_one_replay(
    sandbox: Sandbox, store: FileGrantStore, retry: RetryPolicy, clock: FakeClock
) -> None:
    await signed_in(sandbox, store, retry, clock)
    async with user_client(sandbox, store, retry, clock=clock) as (client, _):
        await client.get_user("me")
        sandbox.revoke_tokens()
        await client.get_user("me")
    assert sandbox.refreshes == 1
    assert [r.status for r in sandbox.stats.requests if r.path == "/v2/users/me"] == [200, 401, 200]


async def test_not_signed_in_says_to_run_login(sandbox: Sandbox, store: FileGrantStore, retry: RetryPolicy) -> None:
    async with user_client(sandbox, store, retry) as (client, _):
        with pytest.raises(ZoomSignInRequired) as raised:
            await client.get_user("me")
    assert "not signed in" in str(raised.value)
    assert "zoom-mcp login" in str(raised.value)
    assert sandbox.stats.requests == []


async def test_signing_in_again_elsewhere_ends_the_grant_and_says_so(
    sandbox: Sandbox, store: FileGrantStore, retry: RetryPolicy, clock: FakeClock
) -> None:
    grant = await signed_in(sandbox, store, retry, clock)
    async with sandbox_http(sandbox, retry) as (http, browser):
        # The same person and app on another machine: Zoom keeps only the newest grant.
        await sign_in(oauth_client(sandbox, http, clock=clock), browser)
    clock.advance(grant.expires_at - clock.now)
    async with user_client(sandbox, store, retry, clock=clock) as (client, _):
        with pytest.raises(ZoomSignInRequired) as raised:
            await client.get_user("me")
        assert "signed in again somewhere else" in str(raised.value)
        assert "zoom-mcp login" in str(raised.value)
        assert await store.read() is None
        with pytest.raises(ZoomSignInRequired, match="not signed in"):
            await client.get_user("me")
    assert grant.refresh_token.get_secret_value() not in str(raised.value)


async def test_a_refresh_failure_is_shared_not_repeated(
    sandbox: Sandbox, store: FileGrantStore, retry: RetryPolicy, clock: FakeClock
) -> None:
    """A 5xx after the refresh was sent may have spent the token: waiting calls must not present it again."""
    grant = await signed_in(sandbox, store, retry, clock)
    clock.advance(grant.expires_at - clock.now)
    sandbox.inject(Fault(path="/oauth/token", status=503, times=1))
    failures: list[BaseException] = []
    async with user_client(sandbox, store, retry, clock=clock) as (client, _):

        async def call() -> None:
            try:
                await client.get_user("me")
            except ZoomServerError as error:
                failures.append(error)

        async with anyio.create_task_group() as group:
            for _ in range(20):
                group.start_soon(call)
        assert len(failures) == 20
        assert refresh_requests(sandbox) == 1
        # The next call tries again, and succeeds.
        await client.get_user("me")
    assert sandbox.refreshes == 1


async def test_a_grant_of_another_app_is_not_used(
    sandbox: Sandbox, store: FileGrantStore, retry: RetryPolicy, clock: FakeClock
) -> None:
    await signed_in(sandbox, store, retry, clock, public=True)
    async with user_client(sandbox, store, retry, clock=clock) as (client, _):
        with pytest.raises(ZoomSignInRequired, match="another Zoom app"):
            await client.get_user("me")


async def test_invalid_client_keeps_the_grant(
    sandbox: Sandbox, store: FileGrantStore, retry: RetryPolicy, clock: FakeClock
) -> None:
    grant = await signed_in(sandbox, store, retry, clock)
    clock.advance(grant.expires_at - clock.now)
    async with user_client(sandbox, store, retry, clock=clock, client_secret="wrong-secret") as (client, _):
        with pytest.raises(ZoomTokenError) as raised:
            await client.get_user("me")
    assert raised.value.error == "invalid_client"
    assert "wrong-secret" not in str(raised.value)
    assert await store.read() == grant
    assert sandbox.grant_is_valid(grant.refresh_token.get_secret_value())
