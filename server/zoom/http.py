"""The process's one HTTP client to Zoom, with the retry policy and the per-attempt deadline.

Every request, to the API and to the token endpoint, goes through `ZoomHTTP.send`: success comes back,
anything else is raised as the one exception the status (or the missing answer) maps to.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx2

from zoom_mcp.server import __version__
from zoom_mcp.server.zoom.retry import RetryPolicy, send_with_retries

USER_AGENT = f"zoom-mcp/{__version__}"


class ZoomHTTP:
    """Pooled connections, JSON, an identifying User-Agent, no redirects followed by default."""

    def __init__(
        self,
        *,
        timeout_seconds: float,
        retry: RetryPolicy | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        max_connections: int = 20,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.timeout_seconds = timeout_seconds
        self._client = httpx2.AsyncClient(
            transport=transport,
            timeout=httpx2.Timeout(timeout_seconds, connect=min(10.0, timeout_seconds)),
            limits=httpx2.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
            follow_redirects=False,
        )

    async def send(
        self, method: str, url: str, *, idempotent: bool, redirects_ok: bool = False, **request: Any
    ) -> httpx2.Response:
        """Send with the retries the policy allows; a 2xx answer (or a 3xx with `redirects_ok`, for the caller
        to follow), or the ZoomError for what came back."""
        return await send_with_retries(
            lambda: self._client.request(method, url, **request),
            method=method,
            idempotent=idempotent,
            policy=self.retry,
            timeout_seconds=self.timeout_seconds,
            url=url.split("?", 1)[0],
            redirects_ok=redirects_ok,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> ZoomHTTP:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()
