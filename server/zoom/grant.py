"""A person's user-level OAuth grant, where it is kept, and refreshing it safely when several processes share it.

Zoom rotates refresh tokens: each refresh returns a new refresh token and spends the old one, and presenting a
spent one can cost the whole grant. So a refresh happens only under the store's exclusive lock, after reading
the latest grant from the store, and the new grant is written back before its access token is used. Where the
grant lives (a file, the OS keyring, a per-person row in a hosted server's database) is the `GrantStore`'s
business; `UserOAuth` knows only the interface.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from typing import Protocol

import anyio
from pydantic import SecretStr

from zoom_mcp.server.zoom.errors import TokenHolder, ZoomSignInRequired, ZoomTokenError

# Refresh this long before expiry so a token never expires between our check and Zoom's.
REFRESH_MARGIN_SECONDS = 60.0
GRANT_FORMAT_VERSION = 1

NOT_SIGNED_IN = "You are not signed in to Zoom."
GRANT_GONE = (
    "Zoom no longer accepts the stored sign-in (it answered invalid_grant): it was revoked, the app was removed, "
    "or you signed in again somewhere else, which makes Zoom drop the older sign-in."
)
OTHER_APP = "The stored sign-in belongs to another Zoom app (a different ZOOM_CLIENT_ID)."


@dataclass(frozen=True)
class SignedInUser:
    """Who the grant belongs to, as `GET /users/me` answered at sign-in (for `zoom-mcp auth status`)."""

    id: str
    email: str
    display_name: str


@dataclass(frozen=True)
class Grant:
    """One user's tokens for one Zoom app. Times are Unix seconds: they must mean the same in every process."""

    client_id: str
    access_token: SecretStr = field(repr=False)
    refresh_token: SecretStr = field(repr=False)
    issued_at: float
    expires_at: float
    scope: str
    api_url: str | None = None
    user: SignedInUser | None = None

    @property
    def refresh_at(self) -> float:
        margin = min(REFRESH_MARGIN_SECONDS, max(0.0, self.expires_at - self.issued_at) / 2)
        return self.expires_at - margin

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()

    def rotated(self, refreshed: Grant) -> Grant:
        """The refreshed tokens, keeping who signed in (a refresh answer does not say)."""
        return replace(refreshed, user=refreshed.user or self.user)

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": GRANT_FORMAT_VERSION,
                "client_id": self.client_id,
                "access_token": self.access_token.get_secret_value(),
                "refresh_token": self.refresh_token.get_secret_value(),
                "issued_at": self.issued_at,
                "expires_at": self.expires_at,
                "scope": self.scope,
                "api_url": self.api_url,
                "user": None if self.user is None else vars(self.user),
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Grant:
        """Parse a stored grant; ValueError for anything that is not one (never echoing the content)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            raise ValueError("the stored grant is not JSON") from None
        if not isinstance(data, dict) or data.get("version") != GRANT_FORMAT_VERSION:
            raise ValueError("the stored grant has an unknown format")
        try:
            user = data.get("user")
            return cls(
                client_id=_text(data, "client_id"),
                access_token=SecretStr(_text(data, "access_token")),
                refresh_token=SecretStr(_text(data, "refresh_token")),
                issued_at=float(data["issued_at"]),
                expires_at=float(data["expires_at"]),
                scope=str(data.get("scope") or ""),
                api_url=data["api_url"] if isinstance(data.get("api_url"), str) else None,
                user=SignedInUser(_text(user, "id"), str(user["email"]), str(user["display_name"]))
                if isinstance(user, dict)
                else None,
            )
        except (KeyError, TypeError, ValueError):
            raise ValueError("the stored grant is missing a field") from None


def _text(data: Mapping[str, object], key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value:
        raise ValueError(key)
    return value


class LockedGrant(Protocol):
    """The store's content while its exclusive lock is held: read it, then save or delete it."""

    @property
    def grant(self) -> Grant | None: ...

    async def save(self, grant: Grant) -> None: ...

    async def delete(self) -> None: ...


class GrantStore(Protocol):
    """Where one person's grant lives. `locked()` excludes every other holder, in this process and in others."""

    @property
    def location(self) -> str:
        """Where the grant is kept, in words for `zoom-mcp auth status` (a path or a keyring name, no secret)."""
        ...

    async def read(self) -> Grant | None:
        """The grant as last saved, without the lock (a save is atomic, so this never sees half of one)."""
        ...

    def locked(self) -> AbstractAsyncContextManager[LockedGrant]: ...


class GrantRefresher(Protocol):
    async def refresh(self, grant: Grant) -> Grant:
        """Spend `grant`'s refresh token at Zoom's token endpoint; raises ZoomTokenError when Zoom refuses."""
        ...


class UserOAuth:
    """Bearer tokens from a person's stored grant; the TokenProvider for user-level OAuth.

    Single flight in the process (one lock, waiters share a failure instead of re-presenting the same refresh
    token), and across processes (the store's lock around read-refresh-write). The access token of the last
    grant read is kept in memory until it is due for a refresh or Zoom rejects it.
    """

    can_refresh = True
    holder: TokenHolder = "signed_in_user"

    def __init__(
        self,
        store: GrantStore,
        refresher: GrantRefresher,
        *,
        client_id: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._refresher = refresher
        self._client_id = client_id
        self._clock = clock
        self._lock = anyio.Lock()
        self._cached: Grant | None = None
        self._rejected: str | None = None
        self._attempts = 0
        self._last_failure: Exception | None = None
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"UserOAuth(store={self._store.location!r}, client_id={self._client_id!r})"

    async def token(self) -> str:
        if self._usable(self._cached):
            assert self._cached is not None
            return self._cached.access_token.get_secret_value()
        attempts_before_waiting = self._attempts
        async with self._lock:
            if self._usable(self._cached):
                assert self._cached is not None
                return self._cached.access_token.get_secret_value()
            if self._attempts != attempts_before_waiting and self._last_failure is not None:
                # Another caller tried for us while we waited, and failed: share its answer rather than
                # present the same refresh token again (Zoom may have spent it before the failure).
                raise self._last_failure
            self._attempts += 1
            try:
                grant = await self._current_grant()
            except Exception as error:
                self._last_failure = error
                raise
            self._last_failure = None
            self._cached = grant
            return grant.access_token.get_secret_value()

    def invalidate(self, rejected: str) -> None:
        if self._cached is not None and self._cached.access_token.get_secret_value() == rejected:
            self._cached = None
            self._rejected = rejected

    def _usable(self, grant: Grant | None) -> bool:
        return (
            grant is not None
            and grant.client_id == self._client_id
            and grant.access_token.get_secret_value() != self._rejected
            and self._clock() < grant.refresh_at
        )

    async def _current_grant(self) -> Grant:
        # Another process may have refreshed already: a plain read is enough to find out, and cheap.
        stored = await self._store.read()
        if self._usable(stored):
            assert stored is not None
            return stored
        async with self._store.locked() as slot:
            grant = slot.grant
            if grant is None:
                raise ZoomSignInRequired(NOT_SIGNED_IN)
            if grant.client_id != self._client_id:
                raise ZoomSignInRequired(OTHER_APP)
            if self._usable(grant):
                return grant
            try:
                refreshed = grant.rotated(await self._refresher.refresh(grant))
            except ZoomTokenError as error:
                if error.error != "invalid_grant":
                    raise
                # The grant is gone at Zoom: keeping it would only make every process fail the same way.
                await slot.delete()
                raise ZoomSignInRequired(GRANT_GONE) from None
            self.refreshes += 1
            # Saved before anyone uses it: the old refresh token is spent now, the new one must not be lost.
            await slot.save(refreshed)
            return refreshed
