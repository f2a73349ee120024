"""Page tokens are self-contained: another sandbox with the same seed honours them, nothing else does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2
import pytest

from tests.sandbox.conftest import FakeClock, fetch_token
from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Sandbox

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def api_of(sandbox: Sandbox) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(transport=sandbox.transport(), base_url=SANDBOX_ORIGIN) as http:
        http.headers["Authorization"] = f"Bearer {await fetch_token(http)}"
        http.base_url = httpx2.URL(f"{SANDBOX_ORIGIN}/v2/")
        yield http


async def first_page_token(sandbox: Sandbox) -> tuple[str, list[int]]:
    async with api_of(sandbox) as api:
        every = (await api.get("users/me/meetings", params={"page_size": 300})).json()["meetings"]
        first = (await api.get("users/me/meetings", params={"page_size": 1})).json()
    return first["next_page_token"], [meeting["id"] for meeting in every]


async def second_page(sandbox: Sandbox, token: str, **query: object) -> httpx2.Response:
    async with api_of(sandbox) as api:
        return await api.get("users/me/meetings", params={"page_size": 1, "next_page_token": token, **query})


async def test_a_token_from_one_process_works_in_another_with_the_same_seed(clock: FakeClock) -> None:
    token, ids = await first_page_token(Sandbox(seed=3, clock=clock))
    answer = await second_page(Sandbox(seed=3, clock=clock), token)
    assert answer.status_code == 200
    assert [meeting["id"] for meeting in answer.json()["meetings"]] == ids[1:2]


@pytest.mark.parametrize("change", ["other seed", "tampered", "other listing", "expired"])
async def test_foreign_tampered_replayed_or_stale_tokens_are_refused(clock: FakeClock, change: str) -> None:
    token, _ = await first_page_token(Sandbox(seed=3, clock=clock))
    query: dict[str, object] = {}
    seed = 3
    if change == "other seed":
        seed = 4
    elif change == "tampered":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif change == "other listing":
        query["type"] = "upcoming"
    else:
        clock.advance(minutes=16)
    answer = await second_page(Sandbox(seed=seed, clock=clock), token, **query)
    assert answer.status_code == 400
    assert answer.json() == {"code": 300, "message": "The next page token is invalid or expired."}
