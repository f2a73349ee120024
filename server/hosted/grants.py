"""Each person's Zoom grant in the shared state store, encrypted, refreshed once across every replica.

The rotation-safe refresh itself is `UserOAuth` (zoom_mcp.server.zoom.grant): read the stored grant, and only
under the store's exclusive lock refresh it, save the rotated grant, then use it. Here that lock and that
storage are the hosted state store, so "exclusive" spans every process and every replica sharing it. One grant
per person (keyed by their Zoom user id), shared by all their MCP clients: a new authorization of the same Zoom
app revokes the person's older grant (Zoom error 4741), so a second one could never coexist anyway.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from mcp.server.auth.middleware.auth_context import get_access_token
from pydantic import SecretStr

from zoom_mcp.server.hosted.challenge import report_grant_lost
from zoom_mcp.server.hosted.settings import MAKE_STATE_KEY
from zoom_mcp.server.hosted.state import StateStore
from zoom_mcp.server.zoom.errors import TokenHolder, ZoomConfigError, ZoomSignInRequired
from zoom_mcp.server.zoom.grant import Grant, GrantRefresher, LockedGrant, UserOAuth

logger = logging.getLogger(__name__)

# Longer than one refresh can take (one token request, bounded by the Zoom timeout): a holder that dies
# mid-refresh frees the lock after this.
REFRESH_LOCK_SECONDS = 120.0


class SignInAgain(ZoomConfigError):
    """The person's Zoom grant is gone: their MCP client has to go through authorization again."""


def grant_key(subject: str) -> str:
    return f"grant:{subject}"


class GrantVault:
    """Fernet encryption of grants at rest. Several comma-separated keys rotate: the first encrypts, all decrypt."""

    def __init__(self, keys: SecretStr) -> None:
        parts = [key.strip() for key in keys.get_secret_value().split(",") if key.strip()]
        if not parts:
            raise ValueError(f"ZOOM_MCP_STATE_KEY is empty. Make one with: {MAKE_STATE_KEY}")
        try:
            self._fernet = MultiFernet([Fernet(key.encode()) for key in parts])
        except ValueError:
            raise ValueError(
                f"ZOOM_MCP_STATE_KEY is not a Fernet key (32 url-safe base64-encoded bytes). Make one with: "
                f"{MAKE_STATE_KEY}"
            ) from None

    def __repr__(self) -> str:
        return "GrantVault()"

    def seal(self, grant: Grant) -> bytes:
        return self._fernet.encrypt(grant.to_json().encode())

    def open(self, sealed: bytes) -> Grant | None:
        try:
            return Grant.from_json(self._fernet.decrypt(sealed).decode())
        except (InvalidToken, ValueError, UnicodeDecodeError):
            logger.warning("A stored Zoom grant could not be decrypted or read (was ZOOM_MCP_STATE_KEY changed?)")
            return None


class _Slot:
    def __init__(self, store: StoredGrant, grant: Grant | None) -> None:
        self._store = store
        self._grant = grant

    @property
    def grant(self) -> Grant | None:
        return self._grant

    async def save(self, grant: Grant) -> None:
        await self._store.save(grant)
        self._grant = grant

    async def delete(self) -> None:
        await self._store.delete()
        self._grant = None


class StoredGrant:
    """One person's grant as a `GrantStore`: an encrypted value in the state store, locked there."""

    def __init__(self, state: StateStore, vault: GrantVault, subject: str) -> None:
        self._state = state
        self._vault = vault
        self.subject = subject

    @property
    def location(self) -> str:
        return f"{self._state.location}, Zoom user {self.subject}"

    async def read(self) -> Grant | None:
        sealed = await self._state.get(grant_key(self.subject))
        return None if sealed is None else self._vault.open(sealed)

    async def save(self, grant: Grant) -> None:
        await self._state.put(grant_key(self.subject), self._vault.seal(grant))

    async def delete(self) -> None:
        await self._state.delete(grant_key(self.subject))

    @asynccontextmanager
    async def locked(self) -> AsyncIterator[LockedGrant]:
        async with self._state.lock(grant_key(self.subject), ttl_seconds=REFRESH_LOCK_SECONDS):
            yield _Slot(self, await self.read())


class PersonalTokens:
    """The TokenProvider of a hosted server in `oauth` mode: Zoom tokens of whoever made this MCP request.

    The person comes from the MCP access token the SDK's bearer middleware verified (its `subject`, their
    Zoom user id). Each person gets one `UserOAuth` per process, over their grant in the shared store.
    """

    can_refresh = True
    holder: TokenHolder = "hosted_user"

    def __init__(self, state: StateStore, vault: GrantVault, refresher: GrantRefresher, *, client_id: str) -> None:
        self._state = state
        self._vault = vault
        self._refresher = refresher
        self._client_id = client_id
        self._people: dict[str, UserOAuth] = {}

    def __repr__(self) -> str:
        return f"PersonalTokens({len(self._people)} people)"

    def person(self, subject: str) -> UserOAuth:
        tokens = self._people.get(subject)
        if tokens is None:
            tokens = UserOAuth(
                StoredGrant(self._state, self._vault, subject), self._refresher, client_id=self._client_id
            )
            self._people[subject] = tokens
        return tokens

    def _current(self) -> UserOAuth:
        access = get_access_token()
        if access is None or not access.subject:
            raise ZoomConfigError("This request carries no signed-in person, so there is no Zoom account to act as.")
        return self.person(access.subject)

    @property
    def refreshes(self) -> int:
        return sum(tokens.refreshes for tokens in self._people.values())

    async def token(self) -> str:
        try:
            return await self._current().token()
        except ZoomSignInRequired as error:
            # The grant is gone (and deleted): this request is answered with our 401 challenge (challenge.py).
            report_grant_lost()
            raise SignInAgain(
                f"{error.what_happened} Reconnect this server in your MCP client to sign in to Zoom again."
            ) from None

    def invalidate(self, rejected: str) -> None:
        self._current().invalidate(rejected)
