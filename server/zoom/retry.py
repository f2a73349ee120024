"""The one retry policy: what is safe to retry, how long to wait, and when not to wait at all."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import anyio
import httpx2

from zoom_mcp.server.zoom.errors import ZoomTimeout, ZoomTransportError, error_from_response

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
# Failures that happen before a single byte of the request left: Zoom cannot have acted.
_NOT_SENT_ERRORS = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """When Zoom says to come back: `Retry-After` as seconds, an HTTP date, or an ISO 8601 date.

    Zoom sends seconds for per-second limits and an ISO date (`2026-11-27T00:00:00Z`) for daily ones.
    Unparseable values give None, so the caller falls back to its own backoff.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return now + timedelta(seconds=int(text))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


@dataclass(frozen=True)
class RetryPolicy:
    """Capped exponential backoff with full jitter; clock, sleep and randomness are injectable."""

    max_attempts: int = 4
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 8.0
    # A Retry-After further away than this (a daily limit) fails the call at once instead of blocking it.
    max_wait_seconds: float = 30.0
    sleep: Callable[[float], Awaitable[None]] = field(default=anyio.sleep, repr=False)
    jitter: Callable[[], float] = field(default=random.random, repr=False)
    clock: Callable[[], datetime] = field(default=utc_now, repr=False)

    def may_retry_status(self, status: int, *, idempotent: bool) -> bool:
        """A write is retried only on 429: Zoom did not act. A 5xx after a sent write may have acted."""
        if status == 429:
            return True
        return idempotent and status in RETRYABLE_STATUSES

    def backoff_seconds(self, attempt: int) -> float:
        """Delay before retry number `attempt` (1-based): full jitter over a capped exponential."""
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * 2.0 ** (attempt - 1))
        return ceiling * self.jitter()

    def wait_seconds(self, attempt: int, retry_at: datetime | None) -> float:
        if retry_at is None:
            return self.backoff_seconds(attempt)
        return max(0.0, (retry_at - self.clock()).total_seconds())


async def send_with_retries(
    send: Callable[[], Awaitable[httpx2.Response]],
    *,
    method: str,
    idempotent: bool,
    policy: RetryPolicy,
    timeout_seconds: float,
    url: str = "",
    redirects_ok: bool = False,
) -> httpx2.Response:
    """Send, retrying what the policy allows; returns a successful response.

    Raises the `ZoomError` for the last answer when it is not a success (its `Retry-After` parsed once,
    here), or `ZoomTransportError`/`ZoomTimeout` when no answer came back and no retry is allowed.
    The deadline covers each attempt whatever the transport (an in-process one has no timeouts).
    """
    attempt = 1
    while True:
        try:
            with anyio.fail_after(timeout_seconds):
                response = await send()
        except TimeoutError:
            failure: ZoomTransportError = ZoomTimeout(
                f"Zoom did not answer within {timeout_seconds:g} s", method=method, request_sent=True, url=url
            )
        except httpx2.TransportError as error:
            timed_out = isinstance(error, httpx2.TimeoutException)
            failure = (ZoomTimeout if timed_out else ZoomTransportError)(
                f"{'Zoom did not answer in time' if timed_out else 'could not reach Zoom'} ({type(error).__name__})",
                method=method,
                request_sent=not isinstance(error, _NOT_SENT_ERRORS),
                url=url,
            )
        else:
            if response.is_success or (redirects_ok and response.is_redirect):
                return response
            retry_at = parse_retry_after(response.headers.get("retry-after"), policy.clock())
            if attempt < policy.max_attempts and policy.may_retry_status(response.status_code, idempotent=idempotent):
                wait = policy.wait_seconds(attempt, retry_at)
                if wait <= policy.max_wait_seconds:
                    await response.aclose()
                    await policy.sleep(wait)
                    attempt += 1
                    continue
            raise error_from_response(response, resets_at=retry_at)
        if attempt >= policy.max_attempts or (failure.request_sent and not idempotent):
            raise failure
        await policy.sleep(policy.backoff_seconds(attempt))
        attempt += 1
