"""Several replicas for real: 3 server processes sharing one real Redis behind a round-robin "load balancer",
and the SQLite default with one process. A Zoom access-token expiry in the middle of 100 concurrent tool calls:
every call succeeds and Zoom sees exactly one refresh, in strict rotation (a reused refresh token would revoke
the whole grant)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.hosted.conftest import free_port
from tests.hosted.oauth_harness import Browser, MemoryTokens, new_state_key, oauth_provider, oauth_server
from tests.hosted.redis_server import redis_server
from tests.hosted.test_http import RoundRobin
from tests.tool_calls.conftest import text_of
from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.sandbox.http import serve_sandbox

pytestmark = [pytest.mark.anyio, pytest.mark.http]

CONCURRENT_CALLS = 100


class Balancer(RoundRobin):
    """Round-robin for requests to the public address only; everything else (the Zoom sandbox) goes direct."""

    def __init__(self, public: str, origins: list[str]) -> None:
        super().__init__(origins)
        self._public = httpx2.URL(public)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if (request.url.host, request.url.port) != (self._public.host, self._public.port):
            return await self._inner.handle_async_request(request)
        return await super().handle_async_request(request)


@pytest.mark.parametrize("store", ["redis", "sqlite"])
async def test_an_expiry_under_100_concurrent_calls_costs_one_refresh_across_replicas(
    tmp_path: Path, store: str
) -> None:
    sandbox = Sandbox(seed=5)
    sandbox.strict_rotation = True
    async with AsyncExitStack() as stack:
        origin = await stack.enter_async_context(serve_sandbox(sandbox))
        if store == "redis":
            state_url = await stack.enter_async_context(redis_server(tmp_path))
            replicas = 3
        else:
            state_url, replicas = f"sqlite:///{tmp_path}/state.sqlite3", 1
        key, public_port = new_state_key(), free_port()
        public = f"http://127.0.0.1:{public_port}"
        servers = []
        for index in range(replicas):
            cwd = tmp_path / f"replica-{index}"
            cwd.mkdir()
            servers.append(
                await stack.enter_async_context(
                    oauth_server(cwd, sandbox, origin, state_url=state_url, key=key, port=None, public_url=public)
                )
            )
        balancer = Balancer(public, [server.origin for server in servers])
        browser, storage = Browser(transport=balancer), MemoryTokens()
        stack.push_async_callback(browser.aclose)
        http = await stack.enter_async_context(
            httpx2.AsyncClient(transport=balancer, auth=oauth_provider(f"{public}/mcp", browser, storage), timeout=60)
        )
        client = await stack.enter_async_context(Client(streamable_http_client(f"{public}/mcp", http_client=http)))

        first = await client.call_tool("get_user_info", {})
        assert not first.is_error, text_of(first)
        refreshes_before = sandbox.refreshes
        sandbox.expire_tokens()  # every Zoom access token issued so far now answers 401 (code 124)

        results = []

        async def call(index: int) -> None:
            tool = "list_meetings" if index % 2 else "get_user_info"
            arguments = {"type": "scheduled"} if index % 2 else {}
            results.append(await client.call_tool(tool, arguments))

        async with anyio.create_task_group() as group:
            for index in range(CONCURRENT_CALLS):
                group.start_soon(call, index)

        logs = [server.log for server in servers]
    failures = [text_of(result) for result in results if result.is_error]
    assert not failures, failures[:3]
    assert len(results) == CONCURRENT_CALLS
    assert sandbox.refreshes - refreshes_before == 1
    assert sandbox.live_user_grants == 1  # strict rotation never saw a spent refresh token
    assert balancer.sent_to == {server.origin for server in servers}
    assert all("Traceback" not in log for log in logs), next(log for log in logs if "Traceback" in log)
