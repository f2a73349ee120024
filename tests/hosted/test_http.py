"""`zoom-mcp serve --http` over real HTTP on 127.0.0.1, driven by the SDK's own client in both protocol eras."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.hosted.conftest import RunningServer, hosted_server, mcp_headers, post_initialize, run_refused
from tests.tool_calls.conftest import call_ok

pytestmark = [pytest.mark.anyio, pytest.mark.http]

API_KEY = "k3y-for-tests-" + "x" * 32
OTHER_KEY = "second-key-for-tests-" + "y" * 32


@pytest.fixture
async def open_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    async with hosted_server(tmp_path) as server:
        yield server


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_tools_over_http_in_both_protocol_eras(open_server: RunningServer, mode: str) -> None:
    async with Client(open_server.mcp_url, mode=mode) as client:  # type: ignore[arg-type]
        user = await call_ok(client, "get_user_info", {})
        created = await call_ok(
            client, "create_meeting", {"topic": f"over http ({mode})", "start_time": "2031-03-01T10:00:00Z"}
        )
        fetched = await call_ok(client, "get_meeting", {"meeting_id": created["id"]})
        era = client.protocol_version
    assert user["sandbox"] is True
    assert fetched["topic"] == f"over http ({mode})"
    assert (era == "2026-07-28") == (mode == "auto"), era


async def test_stateless_no_session_id_is_issued(open_server: RunningServer) -> None:
    response = await post_initialize(open_server.mcp_url)
    assert response.status_code == 200, response.text
    assert "mcp-session-id" not in response.headers
    assert response.json()["result"]["serverInfo"]["name"] == "zoom-mcp"


async def test_healthz(open_server: RunningServer) -> None:
    async with httpx2.AsyncClient() as http:
        response = await http.get(f"{open_server.origin}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_foreign_host_and_origin_are_refused(open_server: RunningServer) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host and Origin."""
    foreign_host = await post_initialize(open_server.mcp_url, Host="evil.example")
    foreign_origin = await post_initialize(open_server.mcp_url, Origin="http://evil.example")
    loopback_origin = await post_initialize(open_server.mcp_url, Origin="http://localhost:3000")
    assert foreign_host.status_code == 421
    assert foreign_origin.status_code == 403
    assert loopback_origin.status_code == 200


async def test_request_bodies_over_the_limit_are_refused_before_parsing(tmp_path: Path) -> None:
    env = {"ZOOM_MCP_MAX_BODY_BYTES": "4096"}
    async with hosted_server(tmp_path, env=env) as server, httpx2.AsyncClient() as http:
        big = await http.post(server.mcp_url, content=b"[" + b" " * 5000 + b"]", headers=mcp_headers())
        chunked = await http.post(server.mcp_url, content=_chunks(b" " * 1000, 6), headers=mcp_headers())
        other_route = await http.post(f"{server.origin}/healthz", content=b" " * 5000)
        small = await post_initialize(server.mcp_url)
    assert big.status_code == 413
    assert chunked.status_code == 413  # no Content-Length to trust: counted as it arrives
    assert other_route.status_code == 413
    assert small.status_code == 200


async def _chunks(chunk: bytes, count: int) -> AsyncIterator[bytes]:
    for _ in range(count):
        yield chunk


async def test_bearer_mode_needs_one_of_the_keys_and_never_logs_them(tmp_path: Path) -> None:
    env = {"ZOOM_MCP_AUTH": "bearer", "ZOOM_MCP_API_KEYS": f"{API_KEY}, {OTHER_KEY}"}
    async with hosted_server(tmp_path, env=env) as server:
        missing = await post_initialize(server.mcp_url)
        wrong = await post_initialize(server.mcp_url, Authorization=f"Bearer {API_KEY[:-1]}z")
        right = await post_initialize(server.mcp_url, Authorization=f"Bearer {OTHER_KEY}")
        headers = {"Authorization": f"Bearer {API_KEY}"}
        async with (
            httpx2.AsyncClient(headers=headers) as http,
            Client(streamable_http_client(server.mcp_url, http_client=http)) as client,
        ):
            user = await call_ok(client, "get_user_info", {})
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer ")
    assert wrong.status_code == 401
    assert right.status_code == 200
    assert user["sandbox"] is True
    for key in (API_KEY, OTHER_KEY):
        assert key not in server.log
        assert key[:16] not in server.log


@pytest.mark.parametrize(
    ("env", "serve_args", "expected"),
    [
        ({}, ("--host", "0.0.0.0", "--port", "0"), "without authentication"),
        ({"ZOOM_MCP_AUTH": "none"}, ("--host", "::", "--port", "0"), "without authentication"),
        ({"ZOOM_MCP_AUTH": "bearer"}, ("--port", "0"), "ZOOM_MCP_AUTH=bearer needs ZOOM_MCP_API_KEYS"),
        ({"ZOOM_MCP_AUTH": "bearer", "ZOOM_MCP_API_KEYS": "short"}, ("--port", "0"), "at least 32 characters"),
        (
            {"ZOOM_MCP_AUTH": "bearer", "ZOOM_MCP_API_KEYS": API_KEY},
            ("--host", "0.0.0.0", "--port", "0"),
            "needs ZOOM_MCP_PUBLIC_URL",
        ),
        (
            {"ZOOM_MCP_AUTH": "bearer", "ZOOM_MCP_API_KEYS": API_KEY, "ZOOM_MCP_PUBLIC_URL": "http://mcp.example"},
            ("--host", "0.0.0.0", "--port", "0"),
            "must use https://",
        ),
        ({"ZOOM_MCP_AUTH": "basic"}, ("--port", "0"), "ZOOM_MCP_AUTH"),
    ],
)
def test_unsafe_configurations_refuse_to_start(
    tmp_path: Path, env: dict[str, str], serve_args: tuple[str, ...], expected: str
) -> None:
    finished = run_refused(tmp_path, env, *serve_args)
    assert finished.returncode != 0
    assert expected in finished.stderr, finished.stderr
    assert "serving MCP" not in finished.stderr
    assert "Traceback" not in finished.stderr
    assert "short" not in finished.stderr.replace("ZOOM_MCP", "")


async def test_a_public_address_with_bearer_keys_and_a_public_url_starts(tmp_path: Path) -> None:
    env = {"ZOOM_MCP_AUTH": "bearer", "ZOOM_MCP_API_KEYS": API_KEY, "ZOOM_MCP_PUBLIC_URL": "https://mcp.example"}
    async with hosted_server(tmp_path, env=env, serve_args=("--host", "0.0.0.0", "--port", "0")) as server:
        port = server.origin.rsplit(":", 1)[1]
        url = f"http://127.0.0.1:{port}/mcp"
        auth = {"Authorization": f"Bearer {API_KEY}"}
        as_public_name = await post_initialize(url, Host="mcp.example", Origin="https://mcp.example", **auth)
        as_ip = await post_initialize(url, **auth)
    assert as_public_name.status_code == 200, as_public_name.text
    assert as_ip.status_code == 421  # only the public name is a valid Host once the server is public


async def test_any_process_answers_any_request(tmp_path: Path) -> None:
    """Stateless: a handshake-era client whose every request goes to the other of two processes."""
    async with hosted_server(tmp_path) as first, hosted_server(tmp_path) as second:
        transport = RoundRobin([first.origin, second.origin])
        async with (
            httpx2.AsyncClient(transport=transport) as http,
            Client(streamable_http_client(first.mcp_url, http_client=http), mode="legacy") as client,
        ):
            await call_ok(client, "get_user_info", {})
            await call_ok(client, "list_meetings", {"type": "scheduled"})
    assert transport.sent_to == {first.origin, second.origin}


class RoundRobin(httpx2.AsyncBaseTransport):
    """Sends each request to the next origin in turn, as a load balancer without affinity would."""

    def __init__(self, origins: list[str]) -> None:
        self._origins = [httpx2.URL(origin) for origin in origins]
        self._next = 0
        self._inner = httpx2.AsyncHTTPTransport()
        self.sent_to: set[str] = set()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        target = self._origins[self._next % len(self._origins)]
        self._next += 1
        request.url = request.url.copy_with(host=target.host, port=target.port)
        request.headers["Host"] = f"{target.host}:{target.port}"
        self.sent_to.add(f"http://{target.host}:{target.port}")
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
