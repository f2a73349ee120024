"""Shared fixtures: an isolated environment, the Zoom sandbox, and the MCP server wired to it."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from mcp import Client
from pydantic import SecretStr

from zoom_mcp.server.app import create_app
from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Sandbox
from zoom_mcp.server.settings import Settings
from zoom_mcp.server.zoom.retry import RetryPolicy

# The console script installed beside this interpreter: what an assistant launches.
ZOOM_MCP = str(Path(sys.executable).parent / "zoom-mcp")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No ZOOM_* variable or .env of the developer's machine leaks into a test."""
    import os

    for name in list(os.environ):
        if name.startswith("ZOOM_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@dataclass
class RecordedSleeps:
    """An injected sleep: records each wait and returns at once."""

    waits: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> RecordedSleeps:
    return RecordedSleeps()


FROZEN_NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def retry(sleeps: RecordedSleeps) -> RetryPolicy:
    """Retries that never sleep for real, with the jitter at its ceiling and a frozen wall clock."""
    return RetryPolicy(sleep=sleeps, jitter=lambda: 1.0, clock=lambda: FROZEN_NOW)


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(seed=7)


def sandbox_settings(sandbox: Sandbox, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "account_id": sandbox.credentials.account_id,
        "client_id": sandbox.credentials.client_id,
        "client_secret": SecretStr(sandbox.credentials.client_secret),
        "api_base_url": f"{SANDBOX_ORIGIN}/v2",
        "oauth_token_url": f"{SANDBOX_ORIGIN}/oauth/token",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def settings(sandbox: Sandbox) -> Settings:
    return sandbox_settings(sandbox)


@pytest.fixture
async def client(settings: Settings, sandbox: Sandbox, retry: RetryPolicy) -> AsyncIterator[Client]:
    """An MCP client connected in memory to the server, whose Zoom is the sandbox."""
    async with Client(create_app(settings, transport=sandbox.transport(), retry=retry)) as connected:
        yield connected


class FakeClock:
    """A monotonic clock that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
