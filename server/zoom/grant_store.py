"""Keeping a person's grant on their machine: the OS credential store, else a 0600 JSON file.

Both take one exclusive lock file (an OS lock: it is released when its holder dies, however it dies) around
read-refresh-write, so every zoom-mcp process of this user agrees on who refreshes. The file is replaced
atomically (write a temporary file, fsync, rename), so a process killed mid-write leaves the old grant or the
new one, never half of one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO, Any

import anyio

from zoom_mcp.server.zoom.errors import ZoomConfigError
from zoom_mcp.server.zoom.grant import Grant, GrantStore, LockedGrant

logger = logging.getLogger(__name__)

APP_NAME = "zoom-mcp"
KEYRING_SERVICE = "zoom-mcp"
GRANT_FILE_NAME = "zoom-grant.json"
LOCK_FILE_NAME = "zoom-grant.lock"
# How long to wait for another process's refresh (one token request, itself bounded by the timeout).
DEFAULT_LOCK_TIMEOUT_SECONDS = 60.0


class GrantLockTimeout(ZoomConfigError):
    """Another process held the grant's lock for longer than a refresh can take."""


def _try_lock(handle: IO[bytes]) -> bool:
    """Take the exclusive lock without blocking; False when another holder has it."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(handle: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@asynccontextmanager
async def exclusive_lock(path: Path, *, timeout_seconds: float = DEFAULT_LOCK_TIMEOUT_SECONDS) -> AsyncIterator[None]:
    """An exclusive OS lock on `path`, across processes. Polled, so waiting can be cancelled like any await."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # A local lock file opens in microseconds; a thread would cost more than it saves.
    handle = open(path, "a+b")  # noqa: ASYNC230, SIM115 (held across the yield)
    try:
        os.chmod(path, 0o600)
        try:
            with anyio.fail_after(timeout_seconds):
                delay = 0.002
                while not _try_lock(handle):
                    await anyio.sleep(delay)
                    delay = min(delay * 2, 0.05)
        except TimeoutError:
            raise GrantLockTimeout(
                f"Another zoom-mcp process has held the sign-in lock ({path}) for over {timeout_seconds:g} s. "
                "If no zoom-mcp is running, delete that file and try again."
            ) from None
        try:
            yield
        finally:
            _unlock(handle)
    finally:
        handle.close()


def write_private_file(path: Path, text: str) -> None:
    """Replace `path` atomically with `text`, readable by the owner only (0600) from its first byte."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file 0600 already; chmod again in case of an unusual umask or platform.
        os.chmod(temporary, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); not possible, nor needed, on Windows."""
    if sys.platform == "win32":
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class _Slot:
    """The store's content while the lock is held."""

    def __init__(
        self,
        grant: Grant | None,
        save: Callable[[Grant], None],
        delete: Callable[[], None],
    ) -> None:
        self._grant = grant
        self._save = save
        self._delete = delete

    @property
    def grant(self) -> Grant | None:
        return self._grant

    async def save(self, grant: Grant) -> None:
        await anyio.to_thread.run_sync(self._save, grant)
        self._grant = grant

    async def delete(self) -> None:
        await anyio.to_thread.run_sync(self._delete)
        self._grant = None


class FileGrantStore:
    """The grant as a JSON file, mode 0600, with a lock file beside it."""

    def __init__(self, path: Path, *, lock_timeout_seconds: float = DEFAULT_LOCK_TIMEOUT_SECONDS) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self._lock_timeout_seconds = lock_timeout_seconds

    def __repr__(self) -> str:
        return f"FileGrantStore({str(self.path)!r})"

    @property
    def location(self) -> str:
        return f"file {self.path}"

    async def read(self) -> Grant | None:
        return self._read()

    @asynccontextmanager
    async def locked(self) -> AsyncIterator[LockedGrant]:
        async with exclusive_lock(self.lock_path, timeout_seconds=self._lock_timeout_seconds):
            yield _Slot(self._read(), self._write, self._delete)

    def _read(self) -> Grant | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            return Grant.from_json(text)
        except ValueError as error:
            logger.warning("Ignoring the stored Zoom grant in %s: %s", self.path, error)
            return None

    def _write(self, grant: Grant) -> None:
        write_private_file(self.path, grant.to_json())

    def _delete(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class KeyringGrantStore:
    """The grant in the OS credential store (macOS Keychain, Windows Credential Manager, Secret Service).

    The keyring has no lock of its own, so a lock file in the user config directory stands beside it.
    One entry per Zoom app: service `zoom-mcp`, user name = the client id.
    """

    def __init__(
        self,
        keyring: Any,
        *,
        client_id: str,
        lock_path: Path,
        lock_timeout_seconds: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
    ) -> None:
        self._keyring = keyring
        self._client_id = client_id
        self.lock_path = lock_path
        self._lock_timeout_seconds = lock_timeout_seconds

    def __repr__(self) -> str:
        return f"KeyringGrantStore({self.location!r})"

    @property
    def location(self) -> str:
        backend = type(self._keyring).__name__
        return f"OS credential store ({backend}), service {KEYRING_SERVICE!r}, entry {self._client_id!r}"

    async def read(self) -> Grant | None:
        return await anyio.to_thread.run_sync(self._read)

    @asynccontextmanager
    async def locked(self) -> AsyncIterator[LockedGrant]:
        async with exclusive_lock(self.lock_path, timeout_seconds=self._lock_timeout_seconds):
            yield _Slot(await self.read(), self._write, self._delete)

    def _read(self) -> Grant | None:
        text = self._keyring.get_password(KEYRING_SERVICE, self._client_id)
        if text is None:
            return None
        try:
            return Grant.from_json(text)
        except ValueError as error:
            logger.warning("Ignoring the stored Zoom grant in the OS credential store: %s", error)
            return None

    def _write(self, grant: Grant) -> None:
        self._keyring.set_password(KEYRING_SERVICE, self._client_id, grant.to_json())

    def _delete(self) -> None:
        import keyring.errors

        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            self._keyring.delete_password(KEYRING_SERVICE, self._client_id)


def user_config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def usable_keyring() -> Any | None:
    """The OS keyring backend, or None where there is none (headless Linux, containers)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None
    # The chainer wraps real backends; with none inside it, it is as good as the fail backend.
    if type(backend).__name__ == "ChainerBackend" and not getattr(backend, "backends", None):
        return None
    return backend


def default_grant_store(*, client_id: str, token_file: Path | None) -> GrantStore:
    """ZOOM_MCP_TOKEN_FILE if set; else the OS keyring when there is one; else a file in the user config dir."""
    if token_file is not None:
        return FileGrantStore(token_file.expanduser())
    config_dir = user_config_dir()
    keyring = usable_keyring()
    if keyring is not None:
        return KeyringGrantStore(keyring, client_id=client_id, lock_path=config_dir / LOCK_FILE_NAME)
    return FileGrantStore(config_dir / GRANT_FILE_NAME)
