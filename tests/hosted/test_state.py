"""The state store both backends share (SQLite file, real Redis) and the grant vault, tested directly."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from tests.hosted.redis_server import redis_server
from zoom_mcp.server.hosted.grants import GrantVault, StoredGrant
from zoom_mcp.server.hosted.state import StateLockTimeout, StateStore, open_state_store
from zoom_mcp.server.zoom.grant import Grant

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["sqlite", "redis"])
async def state(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StateStore]:
    if request.param == "sqlite":
        store = open_state_store(f"sqlite:///{tmp_path}/state.sqlite3")
        yield store
        await store.aclose()
        return
    async with redis_server(tmp_path) as url:
        store = open_state_store(url)
        yield store
        await store.aclose()


async def test_values_expire_and_a_take_succeeds_once(state: StateStore) -> None:
    await state.put("code:a", b"one", ttl_seconds=0.05)
    await state.put("code:b", b"two", ttl_seconds=60)
    await state.put("client:c", b"three")
    taken = []

    async def take() -> None:
        taken.append(await state.take("code:b"))

    async with anyio.create_task_group() as group:
        for _ in range(20):
            group.start_soon(take)
    deadline = time.monotonic() + 5
    while await state.get("code:a") is not None:
        assert time.monotonic() < deadline, "a value outlived its lifetime"
        await anyio.sleep(0.01)
    assert [value for value in taken if value is not None] == [b"two"]
    assert await state.take("code:a") is None
    assert await state.get("client:c") == b"three"
    await state.delete("client:c")
    assert await state.get("client:c") is None


async def test_the_lock_excludes_and_a_dead_holder_frees_it_after_its_lifetime(state: StateStore) -> None:
    inside, most = 0, 0

    async def hold() -> None:
        nonlocal inside, most
        async with state.lock("grant:x", ttl_seconds=10):
            inside += 1
            most = max(most, inside)
            await anyio.sleep(0.01)
            inside -= 1

    async with anyio.create_task_group() as group:
        for _ in range(10):
            group.start_soon(hold)
    assert most == 1

    # A holder that never releases (a crashed replica): the next one waits out the lifetime, then gets it.
    abandoned = state.lock("grant:y", ttl_seconds=0.3)
    await abandoned.__aenter__()
    with pytest.raises(StateLockTimeout):
        async with state.lock("grant:y", ttl_seconds=10, wait_seconds=0.05):
            pass
    started = time.monotonic()
    async with state.lock("grant:y", ttl_seconds=10, wait_seconds=5):
        waited = time.monotonic() - started
        # The holder that "died" comes back and releases late: that must not free the current holder's lock.
        await abandoned.__aexit__(None, None, None)
        with pytest.raises(StateLockTimeout):
            async with state.lock("grant:y", ttl_seconds=10, wait_seconds=0.05):
                pass
    assert waited < 5


async def test_grants_are_encrypted_at_rest_and_unreadable_with_another_key(state: StateStore) -> None:
    key, other = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    grant = Grant(
        client_id="app",
        access_token=SecretStr("zoom-access-token-value"),
        refresh_token=SecretStr("zoom-refresh-token-value"),
        issued_at=1.0,
        expires_at=3601.0,
        scope="meeting:read",
    )
    await StoredGrant(state, GrantVault(SecretStr(key)), "user-1").save(grant)
    raw = await state.get("grant:user-1")
    assert raw is not None
    assert b"zoom-refresh-token-value" not in raw
    assert b"zoom-access-token-value" not in raw
    assert await StoredGrant(state, GrantVault(SecretStr(key)), "user-1").read() == grant
    assert await StoredGrant(state, GrantVault(SecretStr(other)), "user-1").read() is None
    # Key rotation: the new key first, the old one still decrypts.
    assert await StoredGrant(state, GrantVault(SecretStr(f"{other},{key}")), "user-1").read() == grant


def test_a_bad_state_key_says_how_to_make_one() -> None:
    with pytest.raises(ValueError, match=r"Fernet\.generate_key"):
        GrantVault(SecretStr("not-a-key"))
