"""The installed `zoom-mcp` on the raw stdio wire: bytes in, JSON-RPC lines out, no client library in between.

Malformed lines get the JSON-RPC error the spec gives (and the session goes on); SIGINT and SIGTERM end the
process at once and quietly, idle or with a tool call in flight.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.abc
import pytest
from anyio.streams.buffered import BufferedByteReceiveStream
from mcp_types import CONNECTION_CLOSED, INVALID_PARAMS, INVALID_REQUEST, PARSE_ERROR
from mcp_types.version import LATEST_HANDSHAKE_VERSION

from tests.conftest import ZOOM_MCP
from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.sandbox.faults import Fault
from zoom_mcp.server.sandbox.http import serve_sandbox

pytestmark = [pytest.mark.anyio, pytest.mark.stdio]

# Bounds, not expectations: an answer takes milliseconds and an exit well under a second on an idle machine.
START_SECONDS = 30.0
ANSWER_SECONDS = 10.0
EXIT_SECONDS = 10.0
MESSAGE_LIMIT = 120
LINE_LIMIT = 16 * 1024 * 1024  # tools/list answers carry every schema on one line
MARK = "zz-raw-input"  # inside the malformed lines: it must never come back


@dataclass
class RawStdio:
    process: anyio.abc.Process
    answers: BufferedByteReceiveStream
    stderr_path: Path
    next_id: int = 1000

    async def send(self, line: str | bytes) -> None:
        assert self.process.stdin is not None
        await self.process.stdin.send((line.encode() if isinstance(line, str) else line) + b"\n")

    async def receive(self, seconds: float = ANSWER_SECONDS) -> dict[str, Any]:
        with anyio.fail_after(seconds):
            line = await self.answers.receive_until(b"\n", LINE_LIMIT)
        answer: dict[str, Any] = json.loads(line)
        return answer

    async def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a well-formed request; its answer must be the next line."""
        self.next_id += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            message["params"] = params
        await self.send(json.dumps(message))
        answer = await self.receive()
        assert answer["id"] == self.next_id, answer
        return answer

    async def initialize(self) -> None:
        params = {
            "protocolVersion": LATEST_HANDSHAKE_VERSION,
            "capabilities": {},
            "clientInfo": {"name": "raw-wire-test", "version": "0"},
        }
        self.next_id += 1
        await self.send(json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": "initialize", "params": params}))
        answer = await self.receive(START_SECONDS)
        assert "result" in answer, answer
        await self.send(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))

    async def exit_code(self) -> int:
        with anyio.fail_after(EXIT_SECONDS):
            return await self.process.wait()

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")


@asynccontextmanager
async def raw_stdio(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> AsyncIterator[RawStdio]:
    stderr_path = tmp_path / "stderr.txt"
    with stderr_path.open("wb") as stderr:
        process = await anyio.open_process(
            [ZOOM_MCP, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=os.environ | (env or {}),
        )
    assert process.stdout is not None
    try:
        yield RawStdio(process, BufferedByteReceiveStream(process.stdout), stderr_path)
    finally:
        if process.returncode is None:
            process.kill()
        with anyio.CancelScope(shield=True):
            await process.aclose()


DEEP = '{"a":' * 200 + "1" + "}" * 200

# (what is wrong, the line, the error code, the id the answer carries)
ANSWERED: list[tuple[str, str, int, int | str | None]] = [
    ("params a list", '{"jsonrpc":"2.0","id":11,"method":"tools/call","params":["zz-raw-input"]}', INVALID_PARAMS, 11),
    ("params a number", '{"jsonrpc":"2.0","id":"twelve","method":"tools/call","params":5}', INVALID_PARAMS, "twelve"),
    (
        "lone surrogate",
        '{"jsonrpc":"2.0","id":13,"method":"tools/call",'
        '"params":{"name":"create_meeting","arguments":{"topic":"zz-raw-input \\ud800"}}}',
        INVALID_PARAMS,
        13,
    ),
    (
        "nested 200 deep",
        '{"jsonrpc":"2.0","id":14,"method":"tools/call",'
        f'"params":{{"name":"get_user_info","arguments":{{"zz-raw-input":{DEEP}}}}}}}',
        INVALID_PARAMS,
        14,
    ),
    ("unparseable", '{"jsonrpc":"2.0","id":15,"method":"zz-raw-input', PARSE_ERROR, None),
    ('"jsonrpc": "1.0"', '{"jsonrpc":"1.0","id":17,"method":"zz-raw-input"}', INVALID_REQUEST, 17),
    ("no method", '{"jsonrpc":"2.0","id":18,"params":{"zz-raw-input":1}}', INVALID_REQUEST, 18),
    ("method not a string", '{"jsonrpc":"2.0","id":19,"method":["zz-raw-input"]}', INVALID_REQUEST, 19),
    ("fractional id", '{"jsonrpc":"2.0","id":1.5,"method":"zz-raw-input"}', INVALID_REQUEST, None),
    ("boolean id", '{"jsonrpc":"2.0","id":true,"method":"ping"}', INVALID_REQUEST, None),
    ("id with a lone surrogate", '{"jsonrpc":"2.0","id":"zz-raw-input\\udc00","method":"ping"}', INVALID_REQUEST, None),
    ("a batch", '[{"jsonrpc":"2.0","id":20,"method":"ping"}]', INVALID_REQUEST, None),
    ("no id and no method", '{"jsonrpc":"2.0","zz-raw-input":1}', INVALID_REQUEST, None),
]

# Lines nobody waits for an answer to: the spec says to answer nothing.
SILENT: list[tuple[str, str]] = [
    ("malformed notification", '{"jsonrpc":"2.0","method":"notifications/progress","params":["zz-raw-input"]}'),
    ("notification with a lone surrogate", '{"jsonrpc":"2.0","method":"notifications/x","params":{"x":"\\udc00"}}'),
    ("malformed response", '{"jsonrpc":"2.0","id":21,"result":"zz-raw-input"}'),
    ("blank line", "   "),
]


async def test_each_malformed_line_gets_the_spec_error_and_the_session_goes_on(tmp_path: Path) -> None:
    seen: dict[str, tuple[int, int | str | None] | None] = {}
    problems: list[str] = []
    async with raw_stdio(tmp_path, "--sandbox") as server:
        await server.initialize()
        for name, line, _, _ in ANSWERED:
            await server.send(line)
            answer = await server.receive()
            error = answer.get("error") or {}
            seen[name] = (error.get("code"), answer.get("id"))
            raw = json.dumps(answer)
            if MARK in raw or len(error.get("message", "")) > MESSAGE_LIMIT or "data" in error:
                problems.append(f"{name}: {raw[:300]}")
            # The next request is served as if nothing had happened.
            assert (await server.request("ping"))["result"] == {}
        for name, line in SILENT:
            await server.send(line)
            seen[name] = None
            assert (await server.request("ping"))["result"] == {}, name
        called = await server.request("tools/call", {"name": "get_user_info", "arguments": {}})
        await server.process.stdin.aclose()  # type: ignore[union-attr]
        assert await server.exit_code() == 0
    assert seen == {name: (code, request_id) for name, _, code, request_id in ANSWERED} | dict.fromkeys(
        name for name, _ in SILENT
    )
    assert problems == []
    assert called["result"]["isError"] is False
    assert "Traceback" not in server.stderr()


async def test_framing_is_as_before_whatever_the_writes(tmp_path: Path) -> None:
    """Lines split or joined across writes, CRLF, lines longer than one read, bytes that are not UTF-8."""
    big = "x" * 300_000
    async with raw_stdio(tmp_path, "--sandbox") as server:
        await server.initialize()
        await server.send(
            b'{"jsonrpc":"2.0","id":31,"method":"tools/call","params":[]}\r\n{"jsonrpc":"2.0","id":32,"method":"ping"}'
        )
        first, second = await server.receive(), await server.receive()
        await server.send(b'{"jsonrpc":"2.0","id":33,"method":"ping","params":{"_meta":{"x":"\xff\xfe"}}}')
        not_utf8 = await server.receive()
        await server.send(json.dumps({"jsonrpc": "2.0", "id": 34, "method": "ping", "params": {"_meta": {"x": big}}}))
        long_line = await server.receive()
    assert (first["id"], first["error"]["code"]) == (31, INVALID_PARAMS)
    assert (second["id"], second["result"]) == (32, {})
    assert (not_utf8["id"], not_utf8["result"]) == (33, {})
    assert (long_line["id"], long_line["result"]) == (34, {})


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
async def test_a_stop_signal_ends_an_idle_session_at_once_and_quietly(tmp_path: Path, stop: signal.Signals) -> None:
    """stdin stays open: the old transport's uncancellable readline kept the process alive until it closed."""
    async with raw_stdio(tmp_path, "--sandbox") as server:
        await server.initialize()
        server.process.send_signal(stop)
        code = await server.exit_code()
    assert code == 0
    assert "Traceback" not in server.stderr()
    assert "KeyboardInterrupt" not in server.stderr()


async def test_sigint_during_a_tool_call_answers_it_and_exits(tmp_path: Path) -> None:
    """The call hangs in Zoom (the sandbox holds it); Ctrl+C still ends the process, and the call gets its answer."""
    sandbox = Sandbox(seed=7)
    sandbox.inject(Fault(method="GET", path="/v2/users/me", hang=True))
    credentials = sandbox.credentials
    async with serve_sandbox(sandbox) as origin:
        env = {
            "ZOOM_ACCOUNT_ID": credentials.account_id,
            "ZOOM_CLIENT_ID": credentials.client_id,
            "ZOOM_CLIENT_SECRET": credentials.client_secret,
            "ZOOM_API_BASE_URL": f"{origin}/v2",
            "ZOOM_OAUTH_TOKEN_URL": f"{origin}/oauth/token",
        }
        async with raw_stdio(tmp_path, env=env) as server:
            await server.initialize()
            await server.send('{"jsonrpc":"2.0","id":41,"method":"tools/call","params":{"name":"get_user_info"}}')
            with anyio.fail_after(ANSWER_SECONDS):
                # Polling: the request comes from another process, and the sandbox has no event for it.
                while not any(request.path == "/v2/users/me" for request in sandbox.stats.requests):  # noqa: ASYNC110
                    await anyio.sleep(0.01)
            server.process.send_signal(signal.SIGINT)
            answer = await server.receive()
            code = await server.exit_code()
    assert answer["id"] == 41
    assert answer["error"]["code"] == CONNECTION_CLOSED
    assert code == 0
    assert "Traceback" not in server.stderr()
