"""Faults seen through the tools: what the model is told, and what is (never) repeated."""

from __future__ import annotations

import time

import anyio
import pytest
from mcp import Client

from tests.conftest import sandbox_settings
from tests.tool_calls.conftest import call_error, call_ok
from zoom_mcp.server.app import create_app
from zoom_mcp.server.sandbox import Fault, Sandbox
from zoom_mcp.server.sandbox.http import serve_sandbox
from zoom_mcp.server.settings import Settings
from zoom_mcp.server.zoom.retry import RetryPolicy

pytestmark = pytest.mark.anyio
MEETINGS = r"/v2/users/[^/]+/meetings"


def topics(sandbox: Sandbox, topic: str) -> int:
    return sum(1 for meeting in sandbox.state.meetings.values() if meeting.topic == topic)


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_create_after_a_5xx_says_the_outcome_is_unknown_and_leaves_one_meeting(
    client: Client, sandbox: Sandbox, status: int
) -> None:
    sandbox.inject(Fault(method="POST", path=MEETINGS, status=status, after_handling=True))
    message = await call_error(client, "create_meeting", {"topic": "maybe created"})
    assert "unknown whether it was made" in message
    assert "list_meetings" in message
    assert topics(sandbox, "maybe created") == 1
    listed = await call_ok(client, "list_meetings", {"page_size": 300})
    assert [meeting["topic"] for meeting in listed["meetings"]].count("maybe created") == 1


async def test_create_whose_success_answer_cannot_be_read_says_the_outcome_is_unknown(
    client: Client, sandbox: Sandbox
) -> None:
    sandbox.inject(Fault(method="POST", path=MEETINGS, malformed=True, after_handling=True))
    message = await call_error(client, "create_meeting", {"topic": "created, answer cut"})
    assert "outcome is unknown" in message
    assert "list_meetings" in message
    assert "Try again later" not in message
    assert len(message) < 500
    assert topics(sandbox, "created, answer cut") == 1


async def test_a_read_whose_answer_cannot_be_read_says_try_again(client: Client, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(method="GET", path="/v2/users/me", malformed=True))
    message = await call_error(client, "get_user_info", {})
    assert "could not be read" in message
    assert "outcome is unknown" not in message


async def test_create_after_a_timeout_says_the_outcome_is_unknown(sandbox: Sandbox, retry: RetryPolicy) -> None:
    sandbox.inject(Fault(method="POST", path=MEETINGS, hang=True, after_handling=True))
    app = create_app(sandbox_settings(sandbox, timeout_seconds=0.2), transport=sandbox.transport(), retry=retry)
    async with Client(app) as client:
        message = await call_error(client, "create_meeting", {"topic": "timed out"})
    assert "did not answer in time" in message
    assert "unknown whether the change was made" in message
    assert topics(sandbox, "timed out") == 1


async def test_reads_recover_from_transient_faults_transparently(client: Client, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(method="GET", path="/v2/users/me", status=503, times=2))
    sandbox.inject(Fault(method="GET", path="/v2/users/me", status=429, retry_after="1", rate_limit_type="QPS"))
    profile = await call_ok(client, "get_user_info", {})
    assert profile["id"]


async def test_a_persistent_outage_is_reported_as_temporary(client: Client, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(method="GET", path="/v2/users/me", status=502, times=10))
    message = await call_error(client, "get_user_info", {})
    assert "502" in message
    assert "temporary failure" in message


async def test_per_second_limits_that_persist_say_to_wait(client: Client, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(path="/v2/users/me", status=429, rate_limit_type="QPS", times=10))
    message = await call_error(client, "get_user_info", {})
    assert "per-second rate limit" in message
    assert "wait a few seconds" in message


async def test_a_daily_limit_names_the_limit_and_its_reset(client: Client, sandbox: Sandbox) -> None:
    sandbox.inject(
        Fault(path="/v2/users/me", status=429, rate_limit_type="Daily-limit", retry_after="2026-11-27T00:00:00Z")
    )
    message = await call_error(client, "get_user_info", {})
    assert "daily rate limit" in message
    assert "until 2026-11-27T00:00:00Z" in message


async def test_a_rejected_static_token_says_how_to_get_a_new_one(sandbox: Sandbox, retry: RetryPolicy) -> None:
    settings = Settings(_env_file=None, access_token="stale-token", api_base_url=sandbox_settings(sandbox).api_base_url)
    async with Client(create_app(settings, transport=sandbox.transport(), retry=retry)) as client:
        message = await call_error(client, "get_user_info", {})
    assert "401" in message
    assert "124" in message
    assert "zoom-mcp token" in message
    assert "stale-token" not in message


async def test_wrong_client_secret_names_the_variables_without_echoing_them(
    sandbox: Sandbox, retry: RetryPolicy
) -> None:
    settings = sandbox_settings(sandbox, client_secret="definitely-wrong")
    async with Client(create_app(settings, transport=sandbox.transport(), retry=retry)) as client:
        message = await call_error(client, "get_user_info", {})
    assert "invalid_client" in message
    assert "ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET" in message
    assert "definitely-wrong" not in message
    assert sandbox.stats.token_requests == 1


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_cancelled_tool_call_cancels_its_http_request(
    settings: Settings, sandbox: Sandbox, retry: RetryPolicy, mode: str
) -> None:
    """In legacy mode the call crosses JSON-RPC streams, so only `notifications/cancelled` can stop it."""
    sandbox.inject(Fault(method="GET", path="/v2/users/me", hang=True))
    async with Client(create_app(settings, transport=sandbox.transport(), retry=retry), mode=mode) as client:  # type: ignore[arg-type]
        await call_ok(client, "list_meetings", {})  # a token first, so the hang is the only request in flight
        with anyio.move_on_after(0.5):
            await client.call_tool("get_user_info", {})
        with anyio.fail_after(5):
            await anyio.wait_all_tasks_blocked()
        assert sandbox.stats.in_flight == 0
    hung = [request for request in sandbox.stats.requests if request.path == "/v2/users/me"]
    assert len(hung) == 1
    assert hung[0].status is None


async def test_two_hundred_concurrent_calls_share_one_token_and_a_bounded_pool(
    sandbox: Sandbox, retry: RetryPolicy
) -> None:
    async with serve_sandbox(sandbox) as origin:
        settings = sandbox_settings(sandbox, api_base_url=f"{origin}/v2", oauth_token_url=f"{origin}/oauth/token")
        async with Client(create_app(settings, retry=retry)) as client:
            results = []

            async def call() -> None:
                results.append(await client.call_tool("get_user_info", {}))

            started = time.perf_counter()
            async with anyio.create_task_group() as group:
                for _ in range(200):
                    group.start_soon(call)
            elapsed = time.perf_counter() - started
    assert len(results) == 200
    assert not [result for result in results if result.is_error]
    assert sandbox.stats.token_requests == 1
    assert 1 <= len(sandbox.stats.client_addresses) <= 20
    print(
        f"200 concurrent get_user_info calls over 127.0.0.1: {elapsed:.2f} s, "
        f"{len(sandbox.stats.client_addresses)} connections"
    )
