"""A real redis-server for the replica tests: started on a free port, with no persistence, stopped afterwards.

.ci/run installs it (`apt-get install redis-server`); without it the tests skip on a developer's machine and fail
under CI=true.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import pytest

from tests.hosted.conftest import free_port

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def redis_binary() -> str:
    found = shutil.which("redis-server") or shutil.which("valkey-server")
    if found is None:
        reason = "redis-server is not installed (apt-get install -y redis-server; .ci/run does this)"
        if IN_CI:
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    return found


@asynccontextmanager
async def redis_server(directory: Path) -> AsyncIterator[str]:
    """Yields the URL of a fresh redis-server, e.g. redis://127.0.0.1:6390/0."""
    binary = redis_binary()
    port = free_port()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = await anyio.open_process(
        [*argv, "--dir", str(directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        with anyio.fail_after(20):
            while True:
                try:
                    stream = await anyio.connect_tcp("127.0.0.1", port)
                except OSError:
                    await anyio.sleep(0.05)
                    continue
                async with stream:
                    await stream.send(b"PING\r\n")
                    if (await stream.receive()).startswith(b"+PONG"):
                        break
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        with anyio.fail_after(10):
            await process.wait()
