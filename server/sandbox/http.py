"""Serving the sandbox on a real TCP socket with uvicorn, for out-of-process clients and the CLI."""

import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio
import uvicorn

from zoom_mcp.server.sandbox.emulator import Sandbox

logger = logging.getLogger(__name__)


class ListeningServer(uvicorn.Server):
    """A uvicorn server that says when it listens and at which address (tests serve their own apps on it too)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = anyio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.listening.set()

    def origin(self) -> str:
        host, port = self.servers[0].sockets[0].getsockname()[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _server(sandbox: Sandbox, host: str, port: int) -> ListeningServer:
    # uvicorn binds the port itself (no pre-bound sockets): asyncio then sets TCP_NODELAY on every
    # accepted connection, without which each loopback request waits ~40 ms for delayed ACKs.
    config = uvicorn.Config(
        sandbox.app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        interface="asgi3",
        timeout_graceful_shutdown=1,
    )
    return ListeningServer(config)


async def _run(server: ListeningServer) -> None:
    try:
        await server.serve()
    except SystemExit:
        # uvicorn exits the process when it cannot bind; a library reports it instead (server.started stays False).
        logger.debug("uvicorn exited before listening on %s:%s", server.config.host, server.config.port)
    finally:
        server.listening.set()


def _not_listening(host: str, port: int) -> OSError:
    return OSError(f"the Zoom sandbox could not listen on {host}:{port} (is the port in use? port 0 picks a free one)")


@asynccontextmanager
async def serve_sandbox(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Serve the sandbox with uvicorn on a real socket; yields the origin, e.g. "http://127.0.0.1:54321"."""
    server = _server(sandbox, host, port)
    async with anyio.create_task_group() as group:
        group.start_soon(_run, server)
        await server.listening.wait()
        if not server.started:
            raise _not_listening(host, port)
        try:
            yield server.origin()
        finally:
            sandbox.release_hung_requests()
            server.should_exit = True


def _check_port_free(host: str, port: int) -> None:
    """Fail before uvicorn does: it would log its own bind error to stderr ahead of our message."""
    if port == 0:
        return
    try:
        # create_server sets SO_REUSEADDR on POSIX, as uvicorn does, so a port in TIME_WAIT still counts as free.
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        reason = os.strerror(error.errno).lower() if error.errno else str(error)
        raise OSError(
            f"the Zoom sandbox could not listen on {host}:{port}: {reason} (port 0 picks a free one)"
        ) from None


def run_sandbox_forever(sandbox: Sandbox, host: str, port: int, on_ready: Callable[[str], None]) -> None:
    """Serve until interrupted (Ctrl-C / SIGTERM); ``on_ready`` gets the origin once listening."""
    _check_port_free(host, port)

    async def serve() -> None:
        server = _server(sandbox, host, port)
        async with anyio.create_task_group() as group:
            group.start_soon(_run, server)
            await server.listening.wait()
            if server.started:
                origin = server.origin()
                logger.info("Zoom sandbox listening on %s", origin)
                on_ready(origin)
        # Raised outside the task group, so callers get the OSError itself rather than an exception group.
        if not server.started:
            raise _not_listening(host, port)

    # uvicorn shuts down gracefully on the signal, then re-raises it; that ending is the normal one.
    with contextlib.suppress(KeyboardInterrupt):
        anyio.run(serve)
