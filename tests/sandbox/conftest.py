"""Fixtures for driving the sandbox in-process through httpx2, with a hand-moved clock."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx2
import pytest

from zoom_mcp.server.sandbox import SANDBOX_CREDENTIALS, SANDBOX_ORIGIN, Sandbox

START = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sandbox(clock: FakeClock) -> Sandbox:
    return Sandbox(seed=7, clock=clock)


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(transport=sandbox.transport(), base_url=SANDBOX_ORIGIN) as http:
        yield http


async def fetch_token(client: httpx2.AsyncClient) -> str:
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "account_credentials", "account_id": SANDBOX_CREDENTIALS.account_id},
        auth=(SANDBOX_CREDENTIALS.client_id, SANDBOX_CREDENTIALS.client_secret),
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture
async def api(client: httpx2.AsyncClient) -> httpx2.AsyncClient:
    """The client with a valid bearer token and the /v2 base URL."""
    client.headers["Authorization"] = f"Bearer {await fetch_token(client)}"
    client.base_url = httpx2.URL(f"{SANDBOX_ORIGIN}/v2/")
    return client
