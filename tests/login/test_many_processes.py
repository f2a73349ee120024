"""One person's grant shared by several server processes (Claude Desktop, Claude Code, an editor...).

Zoom rotates refresh tokens; the sandbox here is in strict rotation (presenting a spent refresh token revokes
the whole grant), so a single refresh token presented twice would fail the test at once.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest

from tests.bench.stdio_rpc import RpcError, StdioSession
from tests.conftest import ZOOM_MCP
from tests.login.conftest import Served, follow_sign_in_link
from zoom_mcp.server.login import browser_login
from zoom_mcp.server.sandbox import Fault
from zoom_mcp.server.zoom.grant import Grant
from zoom_mcp.server.zoom.http import ZoomHTTP

pytestmark = [pytest.mark.anyio, pytest.mark.stdio]
PROCESSES = 4
CALLS_PER_PROCESS = 50


async def sign_in(served: Served) -> Grant:
    async with ZoomHTTP(timeout_seconds=10.0) as http, anyio.create_task_group() as group:
        return await browser_login(
            served.oauth(http),
            served.store,
            redirect_uri=served.redirect_uri,
            identify=served.identify,
            show_url=lambda url: group.start_soon(follow_sign_in_link, url),
        )


@asynccontextmanager
async def servers(served: Served, count: int, tmp_path: Path) -> AsyncIterator[list[StdioSession]]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("ZOOM_")}
    env |= served.environment()
    sessions: list[StdioSession] = []
    with open(tmp_path / "servers.stderr", "wb") as stderr:  # noqa: ASYNC230 (a local file, opened once)
        try:
            for _ in range(count):
                sessions.append(await StdioSession.spawn([ZOOM_MCP], env, tmp_path, stderr))
            for session in sessions:
                await session.handshake()
            yield sessions
        finally:
            for session in sessions:
                await session.close()


async def call_everywhere(sessions: list[StdioSession], calls_each: int) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []

    async def call(session: StdioSession) -> None:
        results.append(await session.call_tool("get_user_info", {}))

    async with anyio.create_task_group() as group:
        for session in sessions:
            for _ in range(calls_each):
                group.start_soon(call, session)
    return results


def refresh_token_of(grant: Grant | None) -> str:
    assert grant is not None
    return grant.refresh_token.get_secret_value()


async def test_four_processes_fifty_calls_each_across_expiries_refresh_once_per_expiry(
    served: Served, tmp_path: Path
) -> None:
    signed_in = await sign_in(served)
    assert signed_in.user is not None
    async with servers(served, PROCESSES, tmp_path) as sessions:
        warm = await call_everywhere(sessions, CALLS_PER_PROCESS)
        assert served.sandbox.refreshes == 0
        for expiry, expire_after in enumerate((1, 37, 120), start=1):
            # The access token expires part-way through a burst of 200 concurrent calls.
            served.sandbox.expire_tokens_after(api_requests=expire_after)
            seen_before = len(served.sandbox.stats.requests)
            results = await call_everywhere(sessions, CALLS_PER_PROCESS)
            statuses = [r.status for r in served.sandbox.stats.requests[seen_before:] if r.path.startswith("/v2/")]
            assert 401 in statuses  # the expiry really struck calls in flight; each got one refresh and a replay
            assert len(results) == PROCESSES * CALLS_PER_PROCESS
            assert all(r["structuredContent"]["id"] == signed_in.user.id for r in results)
            assert served.sandbox.refreshes == expiry
    assert len(warm) == PROCESSES * CALLS_PER_PROCESS
    stored = refresh_token_of(await served.store.read())
    assert stored != refresh_token_of(signed_in)
    assert served.sandbox.grant_is_valid(stored)
    assert served.sandbox.live_user_grants == 1


async def wait_for_refresh_in_flight(served: Served) -> None:
    # The sandbox offers no event for "a request is hanging": poll that condition, bounded.
    with anyio.fail_after(30):
        while not refresh_in_flight(served):  # noqa: ASYNC110
            await anyio.sleep(0.01)


def refresh_in_flight(served: Served) -> bool:
    return any(r.path == "/oauth/token" and r.status is None for r in served.sandbox.stats.requests)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("zoom_rotated", [False, True], ids=["before-zoom-answered", "after-zoom-rotated"])
async def test_a_process_killed_mid_refresh_leaves_a_usable_store(
    served: Served, tmp_path: Path, zoom_rotated: bool
) -> None:
    await sign_in(served)
    async with servers(served, 2, tmp_path) as (doomed, survivor):
        served.sandbox.expire_tokens()
        # The refresh reaches the sandbox and never returns; with after_handling, Zoom has rotated already.
        served.sandbox.inject(Fault(path="/oauth/token", hang=True, after_handling=zoom_rotated))
        async with anyio.create_task_group() as group:

            async def doomed_call() -> None:
                with pytest.raises(RpcError):
                    await doomed.call_tool("get_user_info", {})

            group.start_soon(doomed_call)
            await wait_for_refresh_in_flight(served)
            doomed.process.kill()  # SIGKILL while holding the grant's lock, mid-refresh
        served.sandbox.release_hung_requests()
        if not zoom_rotated:
            # The lock died with its holder and the grant is intact: the next process refreshes and works.
            result = await survivor.call_tool("get_user_info", {})
            assert result["structuredContent"]["id"]
            assert served.sandbox.grant_is_valid(refresh_token_of(await served.store.read()))
            return
        # Zoom spent the refresh token but the answer died with the process: the grant is lost at Zoom (strict
        # rotation revokes it when the stored token is presented). The store still works: the survivor says
        # what happened and a new sign-in recovers.
        with pytest.raises(RpcError, match="zoom-mcp login"):
            await survivor.call_tool("get_user_info", {})
        assert await served.store.read() is None
        await sign_in(served)
        result = await survivor.call_tool("get_user_info", {})
        assert result["structuredContent"]["id"]
