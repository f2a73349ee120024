"""The hosted server's shared state: registered clients, pending authorizations, issued tokens, Zoom grants.

`ZOOM_MCP_STATE_URL` picks the store: an embedded SQLite file (the default, in the user data directory: one
host, any number of processes) or `redis://...` (several replicas). Both offer the same small interface:
values with an optional lifetime, an atomic take for single-use values (codes, states), and a lock that
excludes every other holder in every process sharing the store, released by its holder or by its lifetime
when the holder dies.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import anyio

logger = logging.getLogger(__name__)

REDIS_PREFIX = "zoom-mcp:"
DEFAULT_LOCK_WAIT_SECONDS = 60.0


class StateLockTimeout(Exception):
    """Another holder kept a lock for longer than the wait allowed."""


class StateStore(Protocol):
    @property
    def location(self) -> str:
        """Where the state lives, without credentials (for logs and status)."""
        ...

    async def put(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def take(self, key: str) -> bytes | None:
        """Read and delete in one step: of two concurrent takers, exactly one gets the value."""
        ...

    async def delete(self, key: str) -> None: ...

    def lock(
        self, name: str, *, ttl_seconds: float, wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS
    ) -> AbstractAsyncContextManager[None]: ...

    async def ping(self) -> None: ...

    async def aclose(self) -> None: ...


def open_state_store(url: str | None) -> StateStore:
    """`redis://` / `rediss://` / `unix://` for Redis; `sqlite:///path` or a plain path for SQLite; None: default."""
    if url is None or not url.strip():
        return SQLiteStateStore(default_sqlite_path())
    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss", "unix"):
        return RedisStateStore(url)
    if parts.scheme == "sqlite":
        return SQLiteStateStore(Path(parts.path))
    if parts.scheme == "":
        return SQLiteStateStore(Path(url).expanduser())
    raise ValueError(f"ZOOM_MCP_STATE_URL: unknown scheme {parts.scheme!r} (use redis://... or sqlite:///path)")


def default_sqlite_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("zoom-mcp", appauthor=False)) / "hosted-state.sqlite3"


class SQLiteStateStore:
    """One SQLite file (WAL), shared by the processes of one host. Calls run in a worker thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._connection = sqlite3.connect(path, timeout=10.0, check_same_thread=False, isolation_level=None)
        path.chmod(0o600)
        self._guard = threading.Lock()
        with self._guard:
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value BLOB NOT NULL, expires_at REAL)"
            )
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS locks "
                "(name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at REAL NOT NULL)"
            )

    def __repr__(self) -> str:
        return f"SQLiteStateStore({str(self.path)!r})"

    @property
    def location(self) -> str:
        return f"sqlite {self.path}"

    async def _run(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[Any]:
        def run() -> list[Any]:
            with self._guard:
                return self._connection.execute(sql, parameters).fetchall()

        return await anyio.to_thread.run_sync(run)

    async def put(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> None:
        expires_at = None if ttl_seconds is None else time.time() + ttl_seconds
        await self._run(
            "INSERT INTO state (key, value, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
            (key, value, expires_at),
        )

    async def get(self, key: str) -> bytes | None:
        rows = await self._run(
            "SELECT value FROM state WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)", (key, time.time())
        )
        return bytes(rows[0][0]) if rows else None

    async def take(self, key: str) -> bytes | None:
        rows = await self._run("DELETE FROM state WHERE key = ? RETURNING value, expires_at", (key,))
        if not rows or (rows[0][1] is not None and rows[0][1] <= time.time()):
            return None
        return bytes(rows[0][0])

    async def delete(self, key: str) -> None:
        await self._run("DELETE FROM state WHERE key = ?", (key,))

    @asynccontextmanager
    async def lock(
        self, name: str, *, ttl_seconds: float, wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS
    ) -> AsyncIterator[None]:
        owner = secrets.token_hex(16)

        def try_acquire() -> bool:
            now = time.time()
            with self._guard:
                self._connection.execute("BEGIN IMMEDIATE")
                try:
                    self._connection.execute("DELETE FROM locks WHERE name = ? AND expires_at <= ?", (name, now))
                    inserted = self._connection.execute(
                        "INSERT OR IGNORE INTO locks (name, owner, expires_at) VALUES (?, ?, ?)",
                        (name, owner, now + ttl_seconds),
                    ).rowcount
                finally:
                    self._connection.execute("COMMIT")
            return inserted == 1

        await _poll_until(lambda: anyio.to_thread.run_sync(try_acquire), name, wait_seconds)
        try:
            yield
        finally:
            with anyio.CancelScope(shield=True):
                await self._run("DELETE FROM locks WHERE name = ? AND owner = ?", (name, owner))

    async def ping(self) -> None:
        await self._run("SELECT 1")

    async def purge_expired(self) -> None:
        await self._run("DELETE FROM state WHERE expires_at IS NOT NULL AND expires_at <= ?", (time.time(),))

    async def aclose(self) -> None:
        with self._guard:
            self._connection.close()


class RedisStateStore:
    """Redis (or Valkey), shared by every replica. Keys live under the `zoom-mcp:` prefix."""

    def __init__(self, url: str) -> None:
        import redis.asyncio

        self._url = url
        self._redis = redis.asyncio.Redis.from_url(url)

    def __repr__(self) -> str:
        return f"RedisStateStore({self.location!r})"

    @property
    def location(self) -> str:
        parts = urlsplit(self._url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}{parts.path}"  # never the password

    async def put(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> None:
        milliseconds = None if ttl_seconds is None else max(1, int(ttl_seconds * 1000))
        await self._redis.set(REDIS_PREFIX + key, value, px=milliseconds)

    async def get(self, key: str) -> bytes | None:
        return _bytes(await self._redis.get(REDIS_PREFIX + key))

    async def take(self, key: str) -> bytes | None:
        return _bytes(await self._redis.getdel(REDIS_PREFIX + key))

    async def delete(self, key: str) -> None:
        await self._redis.delete(REDIS_PREFIX + key)

    @asynccontextmanager
    async def lock(
        self, name: str, *, ttl_seconds: float, wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS
    ) -> AsyncIterator[None]:
        key = REDIS_PREFIX + "lock:" + name
        owner = secrets.token_hex(16)
        milliseconds = max(1, int(ttl_seconds * 1000))

        async def try_acquire() -> bool:
            return bool(await self._redis.set(key, owner, nx=True, px=milliseconds))

        await _poll_until(try_acquire, name, wait_seconds)
        try:
            yield
        finally:
            with anyio.CancelScope(shield=True):
                # Delete only our own lock: after its lifetime ran out, another holder may have it.
                await self._redis.eval(_RELEASE, 1, key, owner)

    async def ping(self) -> None:
        await self._redis.ping()

    async def aclose(self) -> None:
        await self._redis.aclose()


def _bytes(value: bytes | str | None) -> bytes | None:
    if value is None:
        return None
    return value.encode() if isinstance(value, str) else bytes(value)


_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class _Acquire(Protocol):
    def __call__(self) -> Any: ...


async def _poll_until(try_acquire: _Acquire, name: str, wait_seconds: float) -> None:
    """Retry `try_acquire` with a growing pause (2 ms to 50 ms) until it succeeds or the wait runs out."""
    delay = 0.002
    try:
        with anyio.fail_after(wait_seconds):
            while not await try_acquire():
                await anyio.sleep(delay)
                delay = min(delay * 2, 0.05)
    except TimeoutError:
        raise StateLockTimeout(f"the state lock {name!r} was held for over {wait_seconds:g} s") from None
