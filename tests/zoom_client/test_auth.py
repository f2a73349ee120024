"""Server-to-Server OAuth and static tokens against the sandbox, with an injected clock."""

from __future__ import annotations

import anyio
import pytest

from tests.conftest import FakeClock, RecordedSleeps
from tests.zoom_client.conftest import zoom_client
from zoom_mcp.server.sandbox import Fault, Sandbox
from zoom_mcp.server.zoom.errors import ZoomAuthenticationError, ZoomTokenError
from zoom_mcp.server.zoom.retry import RetryPolicy

pytestmark = pytest.mark.anyio


async def test_one_token_serves_every_call(sandbox: Sandbox, retry: RetryPolicy, clock: FakeClock) -> None:
    async with zoom_client(sandbox, retry, clock=clock) as (client, _):
        for _ in range(5):
            await client.get_user("me")
    assert sandbox.stats.token_requests == 1
    assert len(sandbox.issued_tokens) == 1


@pytest.mark.parametrize(("ttl", "refresh_after"), [(3599, 3599 - 60), (600, 540), (60, 30)])
async def test_refresh_happens_shortly_before_the_returned_expiry(
    retry: RetryPolicy, clock: FakeClock, ttl: int, refresh_after: float
) -> None:
    sandbox = Sandbox(seed=7, token_ttl_seconds=ttl)
    async with zoom_client(sandbox, retry, clock=clock) as (client, _):
        await client.get_user("me")
        clock.advance(refresh_after - 1)
        await client.get_user("me")
        assert sandbox.stats.token_requests == 1
        clock.advance(1)
        await client.get_user("me")
        assert sandbox.stats.token_requests == 2


async def test_concurrent_calls_on_a_cold_client_share_one_token_request(
    sandbox: Sandbox, retry: RetryPolicy, clock: FakeClock
) -> None:
    async with zoom_client(sandbox, retry, clock=clock) as (client, _), anyio.create_task_group() as group:
        for _ in range(40):
            group.start_soon(client.get_user, "me")
    assert sandbox.stats.token_requests == 1
    assert len([r for r in sandbox.stats.requests if r.path == "/v2/users/me"]) == 40


async def test_a_revoked_token_is_refreshed_once_and_the_call_replayed(
    sandbox: Sandbox, retry: RetryPolicy, clock: FakeClock
) -> None:
    async with zoom_client(sandbox, retry, clock=clock) as (client, _):
        await client.get_user("me")
        sandbox.revoke_tokens()
        user = await client.get_user("me")
    assert user.id
    assert sandbox.stats.token_requests == 2
    statuses = [r.status for r in sandbox.stats.requests if r.path == "/v2/users/me"]
    assert statuses == [200, 401, 200]


async def test_an_expired_token_is_refreshed_under_concurrency_with_one_request(
    sandbox: Sandbox, retry: RetryPolicy, clock: FakeClock
) -> None:
    async with zoom_client(sandbox, retry, clock=clock) as (client, _):
        await client.get_user("me")
        sandbox.expire_tokens()
        async with anyio.create_task_group() as group:
            for _ in range(20):
                group.start_soon(client.get_user, "me")
    assert sandbox.stats.token_requests == 2


async def test_single_token_mode_where_a_new_token_invalidates_the_old_one(
    sandbox: Sandbox, retry: RetryPolicy, clock: FakeClock
) -> None:
    sandbox.single_token_mode = True
    async with (
        zoom_client(sandbox, retry, clock=clock) as (first, _),
        zoom_client(sandbox, retry, clock=clock) as (
            second,
            _,
        ),
    ):
        await first.get_user("me")
        await second.get_user("me")  # its token revokes first's
        await first.get_user("me")  # 401/124, one refresh, replay: revokes second's
        await second.get_user("me")
    assert sandbox.stats.token_requests == 4
    assert [r.status for r in sandbox.stats.requests if r.path == "/v2/users/me"] == [200, 200, 401, 200, 401, 200]


async def test_a_401_after_refresh_is_not_retried_again(sandbox: Sandbox, retry: RetryPolicy, clock: FakeClock) -> None:
    sandbox.inject(Fault(path="/v2/users/me", status=401, times=5))
    async with zoom_client(sandbox, retry, clock=clock) as (client, _):
        with pytest.raises(ZoomAuthenticationError) as raised:
            await client.get_user("me")
    assert raised.value.code == 124
    assert len([r for r in sandbox.stats.requests if r.path == "/v2/users/me"]) == 2
    assert sandbox.stats.token_requests == 2


async def test_bad_credentials_fail_once_without_looping(
    sandbox: Sandbox, retry: RetryPolicy, clock: FakeClock
) -> None:
    async with zoom_client(sandbox, retry, clock=clock, client_secret="wrong-secret") as (client, _):
        with pytest.raises(ZoomTokenError) as raised:
            await client.get_user("me")
        assert raised.value.error == "invalid_client"
        assert "wrong-secret" not in str(raised.value)
        assert "wrong-secret" not in repr(raised.value)
    assert sandbox.stats.token_requests == 1


async def test_bad_credentials_under_concurrency_send_one_token_request(
    sandbox: Sandbox, retry: RetryPolicy, clock: FakeClock
) -> None:
    failures: list[BaseException] = []

    async with zoom_client(sandbox, retry, clock=clock, client_secret="wrong-secret") as (client, _):

        async def call() -> None:
            try:
                await client.get_user("me")
            except ZoomTokenError as error:
                failures.append(error)

        async with anyio.create_task_group() as group:
            for _ in range(40):
                group.start_soon(call)
    assert len(failures) == 40
    assert sandbox.stats.token_requests == 1


async def test_token_endpoint_outages_are_retried_with_backoff(
    sandbox: Sandbox, sleeps: RecordedSleeps, retry: RetryPolicy, clock: FakeClock
) -> None:
    sandbox.inject(Fault(path="/oauth/token", status=503, times=2))
    async with zoom_client(sandbox, retry, clock=clock) as (client, _):
        user = await client.get_user("me")
    assert user.id
    assert sandbox.stats.token_requests == 3
    assert sleeps.waits == [0.5, 1.0]


async def test_a_static_token_is_used_as_is(sandbox: Sandbox, retry: RetryPolicy) -> None:
    async with zoom_client(sandbox, retry) as (_, oauth):
        token = await oauth.token()
    async with zoom_client(sandbox, retry, static_token=token) as (client, _):
        assert (await client.get_user("me")).id
    assert sandbox.stats.token_requests == 1


async def test_a_rejected_static_token_is_not_refreshed(sandbox: Sandbox, retry: RetryPolicy) -> None:
    async with zoom_client(sandbox, retry, static_token="not-a-zoom-token") as (client, _):
        with pytest.raises(ZoomAuthenticationError) as raised:
            await client.get_user("me")
    assert raised.value.code == 124
    assert sandbox.stats.token_requests == 0
    assert len([r for r in sandbox.stats.requests if r.path == "/v2/users/me"]) == 1
