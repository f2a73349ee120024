"""Where a grant is kept: the 0600 file (atomic, locked) and the OS keyring (a fake in-memory backend)."""

from __future__ import annotations

import os
import stat
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import anyio
import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest
from pydantic import SecretStr

from zoom_mcp.server.zoom import grant_store
from zoom_mcp.server.zoom.grant import Grant, SignedInUser
from zoom_mcp.server.zoom.grant_store import (
    FileGrantStore,
    GrantLockTimeout,
    KeyringGrantStore,
    default_grant_store,
    exclusive_lock,
    usable_keyring,
)

pytestmark = pytest.mark.anyio


def a_grant(refresh: str = "refresh-1") -> Grant:
    return Grant(
        client_id="client",
        access_token=SecretStr("access-" + refresh),
        refresh_token=SecretStr(refresh),
        issued_at=1000.0,
        expires_at=4599.0,
        scope="meeting:read user:read",
        api_url="https://api.zoom.us",
        user=SignedInUser("u1", "ada@example.com", "Ada Lovelace"),
    )


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def names_in(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def test_a_grant_survives_its_json_and_hides_its_tokens() -> None:
    grant = a_grant()
    assert Grant.from_json(grant.to_json()) == grant
    assert "refresh-1" not in repr(grant)


@pytest.mark.parametrize("text", ["", "{", "[]", '{"version": 1}', '{"version": 2, "client_id": "c"}'])
def test_anything_else_is_not_a_grant(text: str) -> None:
    with pytest.raises(ValueError, match="the stored grant") as raised:
        Grant.from_json(text)
    assert text not in str(raised.value) or not text


async def test_the_file_is_private_and_replaced_atomically(tmp_path: Path) -> None:
    store = FileGrantStore(tmp_path / "config" / "grant.json")
    async with store.locked() as slot:
        assert slot.grant is None
        await slot.save(a_grant("refresh-1"))
    first_inode = store.path.stat().st_ino
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.lock_path.stat().st_mode) == 0o600
    async with store.locked() as slot:
        assert slot.grant == a_grant("refresh-1")
        await slot.save(a_grant("refresh-2"))
    assert store.path.stat().st_ino != first_inode  # a new file renamed over the old one
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert await store.read() == a_grant("refresh-2")
    assert names_in(store.path.parent) == ["grant.json", "grant.json.lock"]


async def test_a_failed_write_leaves_the_old_grant_and_no_debris(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileGrantStore(tmp_path / "grant.json")
    async with store.locked() as slot:
        await slot.save(a_grant("refresh-1"))

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        async with store.locked() as slot:
            await slot.save(a_grant("refresh-2"))
    monkeypatch.undo()
    assert await store.read() == a_grant("refresh-1")
    assert names_in(tmp_path) == ["grant.json", "grant.json.lock"]


async def test_a_stray_temporary_file_or_a_damaged_grant_leaves_the_store_usable(tmp_path: Path) -> None:
    store = FileGrantStore(tmp_path / "grant.json")
    (tmp_path / ".grant.json.abc.tmp").write_text('{"version": 1, "client_id"')  # a write killed midway
    store.path.write_text("not json")
    assert await store.read() is None
    async with store.locked() as slot:
        assert slot.grant is None
        await slot.save(a_grant())
    assert await store.read() == a_grant()


async def test_delete(tmp_path: Path) -> None:
    store = FileGrantStore(tmp_path / "grant.json")
    async with store.locked() as slot:
        await slot.save(a_grant())
    async with store.locked() as slot:
        await slot.delete()
        assert slot.grant is None
    assert await store.read() is None
    async with store.locked() as slot:
        await slot.delete()  # deleting nothing is fine


async def test_the_lock_excludes_a_second_holder_in_the_process(tmp_path: Path) -> None:
    lock = tmp_path / "grant.lock"
    async with exclusive_lock(lock):
        with pytest.raises(GrantLockTimeout) as raised:
            async with exclusive_lock(lock, timeout_seconds=0.05):
                pass
        assert str(lock) in str(raised.value)
    async with exclusive_lock(lock, timeout_seconds=0.05):
        pass


HOLD_LOCK = textwrap.dedent(
    """
    import fcntl, sys
    handle = open(sys.argv[1], "a+b")
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
    print("locked", flush=True)
    sys.stdin.read()
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="the helper process uses fcntl")
async def test_the_lock_excludes_other_processes_and_dies_with_its_holder(tmp_path: Path) -> None:
    lock = tmp_path / "grant.lock"
    async with await anyio.open_process([sys.executable, "-c", HOLD_LOCK, str(lock)]) as holder:
        assert holder.stdout is not None
        assert (await holder.stdout.receive()).startswith(b"locked")
        with pytest.raises(GrantLockTimeout):
            async with exclusive_lock(lock, timeout_seconds=0.1):
                pass
        holder.kill()  # killed while holding the lock: the OS releases it
        await holder.wait()
        with anyio.fail_after(5):
            async with exclusive_lock(lock):
                pass


async def test_keyring_store(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    store = KeyringGrantStore(memory_keyring, client_id="client", lock_path=tmp_path / "grant.lock")
    assert await store.read() is None
    async with store.locked() as slot:
        await slot.save(a_grant())
    assert await store.read() == a_grant()
    assert Grant.from_json(memory_keyring.entries[("zoom-mcp", "client")]) == a_grant()
    assert "MemoryKeyring" in store.location
    assert "refresh" not in store.location
    async with store.locked() as slot:
        await slot.delete()
        await slot.delete()
    assert memory_keyring.entries == {}
    assert names_in(tmp_path) == ["grant.lock"]


def test_the_store_is_chosen_by_token_file_then_keyring_then_config_dir(
    memory_keyring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(grant_store, "user_config_dir", lambda: tmp_path / "config")
    forced = default_grant_store(client_id="c", token_file=tmp_path / "forced.json")
    assert isinstance(forced, FileGrantStore)
    assert forced.path == tmp_path / "forced.json"
    in_keyring = default_grant_store(client_id="c", token_file=None)
    assert isinstance(in_keyring, KeyringGrantStore)
    assert in_keyring.lock_path.parent == tmp_path / "config"
    keyring.set_keyring(keyring.backends.fail.Keyring())
    assert usable_keyring() is None
    in_file = default_grant_store(client_id="c", token_file=None)
    assert isinstance(in_file, FileGrantStore)
    assert in_file.path.parent == tmp_path / "config"
    assert Path.cwd() not in in_file.path.parents
