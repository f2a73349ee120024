"""Serving MCP over stdio: the SDK's server on a transport that answers every request and stops on a signal.

It does what the SDK's `stdio_server` does (fd 0 and 1 reserved for the wire, one JSON-RPC message per line,
UTF-8 with undecodable bytes replaced), with two differences:

- A line the SDK cannot read is answered with the JSON-RPC error the spec gives (see `jsonrpc_lines`); the SDK
  drops it, and the client waits for an answer until its own timeout.
- SIGINT or SIGTERM stops the server at once, as if stdin had closed: requests in flight are answered
  "Connection closed", the lifespan ends, and the process exits 0. The SDK reads stdin with a blocking
  `readline` on an AnyIO worker thread, which no cancellation reaches, so Ctrl+C waited for stdin to close.
  Here stdin is read on a daemon thread that nothing waits for.

Exit status 0 after a signal: for a server, being told to stop is how it ends (MCP's stdio shutdown sends
SIGTERM; `zoom-mcp serve --http` under uvicorn also exits 0 on Ctrl+C).
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import anyio
import anyio.abc
import anyio.from_thread
import anyio.lowlevel
import anyio.to_thread
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.server.lowlevel import Server

# The SDK's own context-carrying stream, as its stdio_server uses: handlers run in the reader's context.
from mcp.shared._context_streams import ContextSendStream, create_context_streams
from mcp.shared.message import SessionMessage

from zoom_mcp.server.jsonrpc_lines import read_line

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# After a stop signal, how long the server may take to finish as at end of input before it is cancelled.
GRACE_SECONDS = 5.0
_READ_SIZE = 64 * 1024


async def serve_stdio(server: Server[Any]) -> None:
    """Run `server` on this process's stdin and stdout until stdin closes or a stop signal arrives."""
    with _wire() as (wire_in, wire_out):
        messages, read_stream = create_context_streams[SessionMessage | Exception](0)
        write_stream, outgoing = anyio.create_memory_object_stream[SessionMessage](0)
        lines_in, lines = anyio.create_memory_object_stream[str](0)
        reading = anyio.CancelScope()
        _start_reading(wire_in, lines_in)
        async with anyio.create_task_group() as transport:
            transport.start_soon(_write_messages, outgoing, wire_out, reading)
            transport.start_soon(_read_messages, lines, messages, write_stream.clone(), reading)
            async with anyio.create_task_group() as serving:
                serving.start_soon(_stop_on_signal, reading, transport.cancel_scope)
                try:
                    await server.run(read_stream, write_stream, server.create_initialization_options())
                finally:
                    reading.cancel()
                    serving.cancel_scope.cancel()


@contextlib.contextmanager
def _wire() -> Iterator[tuple[int, BinaryIO]]:
    """Private copies of fd 0 and 1 for the wire; meanwhile fd 0 reads /dev/null and fd 1 writes to stderr.

    So a child process or a stray print can neither take the client's input nor corrupt the wire.
    """
    wire_in, wire_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    out = open(wire_out, "wb")  # noqa: SIM115 - closed below, once fd 1 is the wire again
    try:
        yield wire_in, out
    finally:
        with contextlib.suppress(Exception):  # a stray print still buffered belongs on stderr, not on the wire
            sys.stdout.flush()
        os.dup2(wire_in, 0)
        os.dup2(wire_out, 1)
        out.close()
        # wire_in stays open: the reader thread may still be blocked on it.


def _start_reading(fd: int, lines: MemoryObjectSendStream[str]) -> None:
    """Read `fd` on a daemon thread, handing each line to the event loop; the stream closes at end of input."""
    token = anyio.lowlevel.current_token()

    def deliver(line: str) -> None:
        anyio.from_thread.run(lines.send, line, token=token)

    def run() -> None:
        # Exceptions here mean the loop has finished or nobody listens any more: nothing is left to tell.
        with contextlib.suppress(Exception):
            try:
                _read_lines(fd, deliver)
            except OSError:
                logger.debug("stdin could not be read; treating it as closed", exc_info=True)
            anyio.from_thread.run_sync(lines.close, token=token)

    threading.Thread(target=run, name="zoom-mcp stdin", daemon=True).start()


def _read_lines(fd: int, deliver: Callable[[str], None]) -> None:
    """Each line of `fd`, decoded as the SDK's transport does: UTF-8, bad bytes as U+FFFD, universal newlines."""
    decoder = io.IncrementalNewlineDecoder(codecs.getincrementaldecoder("utf-8")(errors="replace"), translate=True)
    partial: list[str] = []
    while True:
        chunk = os.read(fd, _READ_SIZE)
        *complete, rest = decoder.decode(chunk, final=not chunk).split("\n")
        for piece in complete:
            partial.append(piece)
            deliver("".join(partial) + "\n")
            partial.clear()
        if rest:
            partial.append(rest)
        if not chunk:
            break
    if partial:
        deliver("".join(partial))


async def _read_messages(
    lines: MemoryObjectReceiveStream[str],
    messages: ContextSendStream[SessionMessage | Exception],
    answers: MemoryObjectSendStream[SessionMessage],
    scope: anyio.CancelScope,
) -> None:
    """Hand each well-formed message to the server; answer a malformed request here, in line order."""
    with scope:
        async with lines, messages, answers:
            async for line in lines:
                read = read_line(line)
                if isinstance(read, SessionMessage):
                    await messages.send(read)
                elif read is not None:
                    await answers.send(SessionMessage(read))


async def _write_messages(
    outgoing: MemoryObjectReceiveStream[SessionMessage], wire: BinaryIO, reading: anyio.CancelScope
) -> None:
    """Write each message as one line; if the client has gone, stop reading and discard the rest."""
    connected = True
    async with outgoing:
        async for item in outgoing:
            if not connected:
                continue
            line = item.message.model_dump_json(by_alias=True, exclude_unset=True) + "\n"
            try:
                await anyio.to_thread.run_sync(_write_line, wire, line.encode("utf-8"))
            except OSError:
                logger.debug("stdout is closed; ending the session")
                connected = False
                reading.cancel()


def _write_line(wire: BinaryIO, data: bytes) -> None:
    wire.write(data)
    wire.flush()


async def _stop_on_signal(reading: anyio.CancelScope, everything: anyio.CancelScope) -> None:
    """First stop signal: end as at end of input. A second one, or the grace period running out: cancel all."""
    if sys.platform == "win32":  # no signal receivers there: Ctrl+C keeps Python's default behaviour
        return
    with anyio.open_signal_receiver(*STOP_SIGNALS) as signals:
        async for received in signals:
            logger.info("%s received: stopping", received.name)
            break
        reading.cancel()
        with anyio.move_on_after(GRACE_SECONDS):
            async for _ in signals:
                break
        everything.cancel()
