"""Zoom's token pagination: opaque ``next_page_token`` values that expire after 15 minutes."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from .errors import ApiError, FieldError, validation_failed
from .ids import IdFactory

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
    def __init__(self, ids: IdFactory) -> None:
        self._ids = ids
        self._cursors: dict[str, _Cursor] = {}

    def page(
        self, items: Sequence[T], size: int, token: str | None, listing: str, now: datetime
    ) -> tuple[list[T], str]:
        """One page of ``items`` and the token for the next ("" on the last page).

        ``listing`` names the query (endpoint and filters) so a token cannot be replayed on another one.
        """
        offset = 0
        if token:
            cursor = self._cursors.get(token)
            if cursor is None or cursor.listing != listing or now - cursor.issued_at > TOKEN_LIFETIME:
                # Zoom's wording for a stale token is not documented; this message is the sandbox's own.
                raise ApiError(400, 300, "The next page token is invalid or expired.")
            offset = cursor.offset
        chunk = list(items[offset : offset + size])
        if offset + size >= len(items):
            return chunk, ""
        next_token = self._ids.base62(32)
        self._cursors[next_token] = _Cursor(listing, offset + size, now)
        return chunk, next_token
