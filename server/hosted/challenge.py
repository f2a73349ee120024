"""A Zoom grant that ends during a request answers that request with 401, not with a tool error.

Our access tokens are only as good as the person's Zoom grant behind them. A grant can end at any time (the
person removed the app, an admin revoked it); we learn it when Zoom refuses a refresh (`invalid_grant`),
which happens in the middle of a tool call. Answering that call with a tool error would leave the client
holding a token it believes valid, and the person stuck until the next request. Instead:

- `PersonalTokens` (grants.py) calls `report_grant_lost()` when the person's grant is gone, and the grant is
  deleted from the state store (so our tokens for it are refused from then on, by every replica);
- `ChallengeOnLostGrant`, around /mcp, sees the report when the response starts and replaces the whole
  response with 401 `WWW-Authenticate: Bearer error="invalid_token", ..., resource_metadata="..."`, the same
  challenge as for any invalid token; nothing of the tool's answer is sent. The client goes back through
  authorization, then repeats the request.

This works because hosted mode answers each POST with one JSON response (`json_response=True`), which starts
only after the tool has finished. (An SSE response could have started before the tool ran.)

The report travels in a context variable holding a mutable holder: the SDK runs the tool in tasks started from
the request's context, which copy the variable and so share the holder.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOST_GRANT_DESCRIPTION = "The Zoom sign-in behind this token has ended. Authorize again."


@dataclass
class _Report:
    grant_lost: bool = False


_current: ContextVar[_Report | None] = ContextVar("zoom_mcp_grant_report", default=None)


def report_grant_lost() -> None:
    """Called during a request when the person's Zoom grant turned out to be gone."""
    report = _current.get()
    if report is not None:
        report.grant_lost = True


class ChallengeOnLostGrant:
    """Wraps the /mcp endpoint: a request during which the grant was lost gets our 401 challenge instead."""

    def __init__(self, app: ASGIApp, *, path: str, resource_metadata_url: str) -> None:
        self.app = app
        self.path = path
        challenge = (
            f'Bearer error="invalid_token", error_description="{LOST_GRANT_DESCRIPTION}", '
            f'resource_metadata="{resource_metadata_url}"'
        )
        self._body = json.dumps({"error": "invalid_token", "error_description": LOST_GRANT_DESCRIPTION}).encode()
        self._headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(self._body)).encode()),
            (b"www-authenticate", challenge.encode()),
            (b"cache-control", b"no-store"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != self.path:
            await self.app(scope, receive, send)
            return
        report = _Report()
        token = _current.set(report)
        replaced = False

        async def challenge_if_lost(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and report.grant_lost:
                replaced = True
                await send({"type": "http.response.start", "status": 401, "headers": self._headers})
                await send({"type": "http.response.body", "body": self._body})
                return
            if replaced:
                return  # the tool's answer is dropped, whatever it said
            await send(message)

        try:
            await self.app(scope, receive, challenge_if_lost)
        finally:
            _current.reset(token)
