"""The sandbox's own request/answer types, kept apart from ASGI so handlers stay plain functions."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from zoom_mcp.server.sandbox.errors import ApiError, invalid_json_body


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    params: Mapping[str, str]
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    origin: str
    now: datetime
    # The user a user-level token belongs to (what `me` means); None for Server-to-Server tokens.
    token_user_id: str | None = None

    def json_object(self) -> dict[str, object]:
        """The body as a JSON object, or Zoom's 400 for anything else."""
        try:
            parsed = json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise invalid_json_body() from None
        if not isinstance(parsed, dict):
            raise invalid_json_body()
        return parsed


@dataclass
class Reply:
    status: int
    body: object | None = None
    raw: bytes | None = None
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    def content(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.body is None:
            return b""
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_error(cls, error: ApiError) -> "Reply":
        return cls(error.status, error.body(), headers=dict(error.headers))
