"""A minimal MCP client over raw stdio: newline-delimited JSON-RPC to a subprocess, nothing of the SDK.

The benchmark speaks the wire itself so that what it times is the server, not a client library.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from mcp_types.version import LATEST_HANDSHAKE_VERSION

PROTOCOL_VERSION = LATEST_HANDSHAKE_VERSION
CLIENT_INFO = {"name": "zoom-mcp-bench", "version": "0"}
# tools/list answers carry every schema on one line: far beyond asyncio's 64 KiB default line limit.
LINE_LIMIT_BYTES = 16 * 1024 * 1024
EXIT_TIMEOUT_SECONDS = 5.0


class RpcError(RuntimeError):
    """The server answered with a JSON-RPC error, or a tool call came back with isError."""


class StdioSession:
    """One server subprocess and the JSON-RPC requests in flight to it (answered by id, in any order)."""

    def __init__(self, process: asyncio.subprocess.Process, stderr: IO[bytes]) -> None:
        self.process = process
        self._stderr = stderr
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reader = asyncio.create_task(self._read_answers())

    @classmethod
    async def spawn(cls, argv: Sequence[str], env: Mapping[str, str], cwd: Path, stderr: IO[bytes]) -> StdioSession:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            env=dict(env),
            cwd=cwd,
            limit=LINE_LIMIT_BYTES,
        )
        return cls(process, stderr)

    @property
    def pid(self) -> int:
        return self.process.pid

    async def request(self, method: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Send one request and wait for its answer's `result`."""
        self._next_id += 1
        request_id = self._next_id
        answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = answer
        await self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": dict(params or {})})
        message = await answer
        if "error" in message:
            raise RpcError(f"{method}: {message['error']}")
        result: dict[str, Any] = message["result"]
        return result

    async def notify(self, method: str) -> None:
        await self._send({"jsonrpc": "2.0", "method": method})

    async def handshake(self) -> dict[str, Any]:
        """initialize, notifications/initialized, tools/list: what every MCP client does first."""
        await self.request(
            "initialize",
            {"protocolVersion": PROTOCOL_VERSION, "capabilities": {}, "clientInfo": CLIENT_INFO},
        )
        await self.notify("notifications/initialized")
        return await self.request("tools/list")

    async def call_tool(self, name: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
        result = await self.request("tools/call", {"name": name, "arguments": dict(arguments)})
        if result.get("isError"):
            raise RpcError(f"{name} failed: {result.get('content')}")
        return result

    async def timed_call(self, name: str, arguments: Mapping[str, Any]) -> float:
        """One tool call's round trip in milliseconds."""
        started = time.perf_counter()
        await self.call_tool(name, arguments)
        return (time.perf_counter() - started) * 1000

    async def close(self) -> None:
        """EOF on stdin ends a stdio server; a server that ignores it is killed after a bounded wait."""
        if self.process.stdin is not None and not self.process.stdin.is_closing():
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), EXIT_TIMEOUT_SECONDS)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader

    async def _send(self, message: Mapping[str, Any]) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
        await stdin.drain()

    async def _read_answers(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            while line := await stdout.readline():
                self._dispatch(json.loads(line))
        finally:
            self._fail_pending()

    def _dispatch(self, message: dict[str, Any]) -> None:
        request_id = message.get("id")
        if "method" in message or not isinstance(request_id, int):
            return  # a notification or a server-to-client request: the benchmark needs neither
        answer = self._pending.pop(request_id, None)
        if answer is not None and not answer.done():
            answer.set_result(message)

    def _fail_pending(self) -> None:
        self._stderr.flush()
        for answer in self._pending.values():
            if not answer.done():
                answer.set_exception(RpcError(f"the server (pid {self.process.pid}) closed stdout"))
        self._pending.clear()
