"""Hosted-mode servers as real processes: `zoom-mcp --sandbox serve --http` on 127.0.0.1, spoken to over HTTP."""

from __future__ import annotations

import os
import re
import socket
import subprocess
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import anyio
import httpx2
from anyio.abc import Process
from anyio.streams.text import TextReceiveStream

from tests.conftest import ZOOM_MCP

START_TIMEOUT_SECONDS = 30
LOG_TIMEOUT_SECONDS = 10
ANNOUNCED = re.compile(r"serving MCP over Streamable HTTP at (http://\S+)/mcp")


@dataclass
class RunningServer:
    """One `zoom-mcp serve --http` process; `stderr` holds everything it logged so far."""

    process: Process
    origin: str = ""
    stderr: list[str] = field(default_factory=list)
    started: anyio.Event = field(default_factory=anyio.Event)
    # Set (and replaced) whenever more output arrives: what `logged` waits on.
    more_output: anyio.Event = field(default_factory=anyio.Event)

    @property
    def mcp_url(self) -> str:
        return f"{self.origin}/mcp"

    @property
    def log(self) -> str:
        return "".join(self.stderr)

    async def logged(self, *texts: str) -> str:
        """The log once every one of `texts` is in it: a line about a request may arrive after its answer."""
        with anyio.fail_after(LOG_TIMEOUT_SECONDS):
            while not all(text in self.log for text in texts):
                await self.more_output.wait()
        return self.log


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_environment(env: Mapping[str, str] | None) -> dict[str, str]:
    clean = {name: value for name, value in os.environ.items() if not name.startswith("ZOOM_")}
    clean.update(env or {})
    return clean


@asynccontextmanager
async def hosted_server(
    cwd: Path,
    *,
    env: Mapping[str, str] | None = None,
    args: Sequence[str] = ("--sandbox",),
    serve_args: Sequence[str] = ("--port", "0"),
) -> AsyncIterator[RunningServer]:
    """Start the server, wait for its announcement, yield it; stop it (SIGTERM) on the way out."""
    command = [ZOOM_MCP, "--log-level", "INFO", *args, "serve", "--http", *serve_args]
    process = await anyio.open_process(command, env=server_environment(env), cwd=cwd, stdin=subprocess.DEVNULL)
    server = RunningServer(process)

    async def drain() -> None:
        assert process.stderr is not None
        buffered = ""
        async for chunk in TextReceiveStream(process.stderr):
            server.stderr.append(chunk)
            server.more_output.set()
            server.more_output = anyio.Event()
            buffered += chunk
            found = ANNOUNCED.search(buffered)
            if found and not server.started.is_set():
                server.origin = found.group(1)
                server.started.set()
        server.started.set()

    async with anyio.create_task_group() as group:
        group.start_soon(drain)
        try:
            with anyio.fail_after(START_TIMEOUT_SECONDS):
                await server.started.wait()
            assert server.origin, f"the server did not start:\n{server.log}"
            yield server
        finally:
            if process.returncode is None:
                process.terminate()
            with anyio.fail_after(15):
                await process.wait()
            group.cancel_scope.cancel()


def run_refused(
    cwd: Path, env: Mapping[str, str], *serve_args: str, args: Sequence[str] = ("--sandbox",)
) -> subprocess.CompletedProcess[str]:
    """Run a server that must refuse to start: it exits at once, listening on nothing."""
    return subprocess.run(
        [ZOOM_MCP, *args, "serve", "--http", *serve_args],
        env=server_environment(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def mcp_headers(**extra: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "Accept": "application/json, text/event-stream", **extra}


INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
}


async def post_initialize(url: str, **headers: str) -> httpx2.Response:
    async with httpx2.AsyncClient() as http:
        return await http.post(url, json=INITIALIZE, headers=mcp_headers(**headers))
