"""Zoom's token pagination: opaque ``next_page_token`` values that expire after 15 minutes.

Tokens carry their own cursor, signed with a key derived from the seed, so that a token from one
sandbox process is honoured by another with the same seed: `zoom-mcp --sandbox` starts afresh for
every client session (the MCP Inspector's CLI spawns one per call), and paging must still work.
"""

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from zoom_mcp.server.sandbox.errors import ApiError, FieldError, validation_failed

T = TypeVar("T")
TOKEN_LIFETIME = timedelta(minutes=15)
DEFAULT_PAGE_SIZE = 30


@dataclass(frozen=True)
class _Cursor:
    listing: str
    offset: int
    issued_at: datetime


def page_size(query: Mapping[str, str], maximum: int) -> int:
    text = query.get("page_size")
    if text is None:
        return DEFAULT_PAGE_SIZE
    if not text.isdigit() or not 1 <= int(text) <= maximum:
        raise validation_failed([FieldError("page_size")])
    return int(text)


class Pager:
    def __init__(self, seed: int) -> None:
        self._key = hashlib.sha256(f"zoom-sandbox-page-tokens:{seed}".encode()).digest()

    def page(
        self, items: Sequence[T], size: int, token: str | None, listing: str, now: datetime
    ) -> tuple[list[T], str]:
        """One page of ``items`` and the token for the next ("" on the last page).

        ``listing`` names the query (endpoint and filters) so a token cannot be replayed on another one.
        """
        offset = 0
        if token:
            cursor = self._read(token)
            if (
                cursor is None
                or cursor.listing != listing
                or not timedelta(0) <= now - cursor.issued_at <= TOKEN_LIFETIME
            ):
                # Zoom's wording for a stale token is not documented; this message is the sandbox's own.
                raise ApiError(400, 300, "The next page token is invalid or expired.")
            offset = cursor.offset
        chunk = list(items[offset : offset + size])
        if offset + size >= len(items):
            return chunk, ""
        return chunk, self._write(_Cursor(listing, offset + size, now))

    def _write(self, cursor: _Cursor) -> str:
        payload = json.dumps([cursor.listing, cursor.offset, cursor.issued_at.isoformat()]).encode()
        signature = hmac.new(self._key, payload, hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(signature + payload).decode().rstrip("=")

    def _read(self, token: str) -> _Cursor | None:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            signature, payload = raw[:12], raw[12:]
            if not hmac.compare_digest(signature, hmac.new(self._key, payload, hashlib.sha256).digest()[:12]):
                return None
            listing, offset, issued_at = json.loads(payload)
            return _Cursor(str(listing), int(offset), datetime.fromisoformat(issued_at))
        except (ValueError, TypeError):
            return None
