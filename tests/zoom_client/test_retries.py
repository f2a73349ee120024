"""The retry policy end to end: what is retried, how long it waits, and what is never repeated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx2
import pytest

from tests.conftest import RecordedSleeps
from tests.zoom_client.conftest import zoom_client
from zoom_mcp.server.sandbox import Fault, Sandbox
from zoom_mcp.server.zoom.errors import (
    ZoomBadRequest,
    ZoomInvalidResponse,
    ZoomNotFound,
    ZoomRateLimited,
    ZoomServerError,
    ZoomTimeout,
    ZoomTransportError,
)
from zoom_mcp.server.zoom.models import MeetingRequest
from zoom_mcp.server.zoom.retry import RetryPolicy

pytestmark = pytest.mark.anyio
MEETINGS = r"/v2/users/[^/]+/meetings"


def meeting_count(sandbox: Sandbox, topic: str) -> int:
    return sum(1 for meeting in sandbox.state.meetings.values() if meeting.topic == topic)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
async def test_reads_are_retried_on_transient_statuses(
    sandbox: Sandbox, retry: RetryPolicy, sleeps: RecordedSleeps, status: int
) -> None:
    sandbox.inject(Fault(method="GET", path="/v2/users/me", status=status, times=2))
    async with zoom_client(sandbox, retry) as (client, _):
        assert (await client.get_user("me")).id
    assert sleeps.waits == [0.5, 1.0]


async def test_reads_give_up_after_the_last_attempt(
    sandbox: Sandbox, retry: RetryPolicy, sleeps: RecordedSleeps
) -> None:
    sandbox.inject(Fault(method="GET", path="/v2/users/me", status=503, times=10))
    async with zoom_client(sandbox, retry) as (client, _):
        with pytest.raises(ZoomServerError) as raised:
            await client.get_user("me")
    assert raised.value.status == 503
    assert len(sleeps.waits) == retry.max_attempts - 1


async def test_retry_after_seconds_is_honoured(sandbox: Sandbox, retry: RetryPolicy, sleeps: RecordedSleeps) -> None:
    sandbox.inject(Fault(path="/v2/users/me", status=429, retry_after="7", rate_limit_type="QPS"))
    async with zoom_client(sandbox, retry) as (client, _):
        await client.get_user("me")
    assert sleeps.waits == [7.0]


async def test_a_retry_after_date_within_the_cap_is_waited_for(sandbox: Sandbox, sleeps: RecordedSleeps) -> None:
    now = datetime(2026, 11, 26, 23, 59, 50, tzinfo=UTC)
    retry = RetryPolicy(sleep=sleeps, jitter=lambda: 1.0, clock=lambda: now)
    sandbox.inject(Fault(path="/v2/users/me", status=429, retry_after="2026-11-26T23:59:55Z"))
    async with zoom_client(sandbox, retry) as (client, _):
        await client.get_user("me")
    assert sleeps.waits == [5.0]


async def test_a_daily_limit_fails_at_once_with_its_reset_time(sandbox: Sandbox, sleeps: RecordedSleeps) -> None:
    now = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    retry = RetryPolicy(sleep=sleeps, jitter=lambda: 1.0, clock=lambda: now)
    sandbox.inject(
        Fault(path="/v2/users/me", status=429, retry_after="2026-11-27T00:00:00Z", rate_limit_type="Daily-limit")
    )
    async with zoom_client(sandbox, retry) as (client, _):
        with pytest.raises(ZoomRateLimited) as raised:
            await client.get_user("me")
    assert sleeps.waits == []
    assert raised.value.is_daily
    assert raised.value.limit_type == "Daily-limit"
    assert raised.value.resets_at == now + timedelta(hours=9)


async def test_a_create_is_retried_on_429_and_makes_one_meeting(
    sandbox: Sandbox, retry: RetryPolicy, sleeps: RecordedSleeps
) -> None:
    sandbox.inject(Fault(method="POST", path=MEETINGS, status=429, retry_after="1"))
    async with zoom_client(sandbox, retry) as (client, _):
        await client.create_meeting("me", MeetingRequest(topic="after 429"))
    assert sleeps.waits == [1.0]
    assert meeting_count(sandbox, "after 429") == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_a_create_that_zoom_acted_on_is_never_repeated(
    sandbox: Sandbox, retry: RetryPolicy, sleeps: RecordedSleeps, status: int
) -> None:
    sandbox.inject(Fault(method="POST", path=MEETINGS, status=status, after_handling=True))
    async with zoom_client(sandbox, retry) as (client, _):
        with pytest.raises(ZoomServerError):
            await client.create_meeting("me", MeetingRequest(topic="answer lost"))
    assert sleeps.waits == []
    assert meeting_count(sandbox, "answer lost") == 1


async def test_a_create_that_timed_out_is_never_repeated(sandbox: Sandbox, retry: RetryPolicy) -> None:
    sandbox.inject(Fault(method="POST", path=MEETINGS, hang=True, after_handling=True))
    async with zoom_client(sandbox, retry, timeout_seconds=0.2) as (client, _):
        with pytest.raises(ZoomTimeout) as raised:
            await client.create_meeting("me", MeetingRequest(topic="timed out"))
    assert raised.value.request_sent
    assert meeting_count(sandbox, "timed out") == 1


class RefuseFirstConnections(httpx2.AsyncBaseTransport):
    """A transport whose first N connections fail before any byte is sent, then the sandbox answers."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, refusals: int) -> None:
        self._inner = inner
        self.refusals = refusals

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if self.refusals and request.url.path != "/oauth/token":
            self.refusals -= 1
            raise httpx2.ConnectError("connection refused", request=request)
        return await self._inner.handle_async_request(request)


async def test_a_create_whose_connection_never_opened_is_retried(
    sandbox: Sandbox, retry: RetryPolicy, sleeps: RecordedSleeps
) -> None:
    transport = RefuseFirstConnections(sandbox.transport(), refusals=2)
    async with zoom_client(sandbox, retry, transport=transport) as (client, _):
        await client.create_meeting("me", MeetingRequest(topic="after refusals"))
    assert sleeps.waits == [0.5, 1.0]
    assert meeting_count(sandbox, "after refusals") == 1


async def test_unreachable_zoom_is_a_transport_error(sandbox: Sandbox, retry: RetryPolicy) -> None:
    transport = RefuseFirstConnections(sandbox.transport(), refusals=100)
    async with zoom_client(sandbox, retry, transport=transport) as (client, _):
        with pytest.raises(ZoomTransportError) as raised:
            await client.get_user("me")
    assert not raised.value.request_sent


async def test_a_hanging_read_times_out_and_is_retried(sandbox: Sandbox, retry: RetryPolicy) -> None:
    sandbox.inject(Fault(method="GET", path="/v2/users/me", hang=True))
    async with zoom_client(sandbox, retry, timeout_seconds=0.2) as (client, _):
        assert (await client.get_user("me")).id


async def test_malformed_json_is_an_invalid_response(sandbox: Sandbox, retry: RetryPolicy) -> None:
    sandbox.inject(Fault(method="GET", path="/v2/users/me", malformed=True))
    async with zoom_client(sandbox, retry) as (client, _):
        with pytest.raises(ZoomInvalidResponse):
            await client.get_user("me")


async def test_zoom_errors_carry_status_code_message_and_tracking_id(sandbox: Sandbox, retry: RetryPolicy) -> None:
    async with zoom_client(sandbox, retry) as (client, _):
        with pytest.raises(ZoomNotFound) as raised:
            await client.get_meeting(12345678901)
    assert raised.value.status == 404
    assert raised.value.code == 3001
    assert raised.value.message == "Meeting does not exist: 12345678901."
    assert raised.value.tracking_id


async def test_zoom_validation_errors_carry_the_field_list(sandbox: Sandbox, retry: RetryPolicy) -> None:
    async with zoom_client(sandbox, retry) as (client, _):
        with pytest.raises(ZoomBadRequest) as raised:
            await client.create_meeting("me", MeetingRequest(topic="x" * 201, duration=5000))
    assert raised.value.code == 300
    assert raised.value.message == "Validation Failed."
    assert {error.field for error in raised.value.field_errors} == {"topic", "duration"}


async def test_requests_identify_the_client_and_ask_for_json(sandbox: Sandbox, retry: RetryPolicy) -> None:
    seen: list[httpx2.Request] = []

    class Spy(httpx2.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            seen.append(request)
            return await sandbox.transport().handle_async_request(request)

    async with zoom_client(sandbox, retry, transport=Spy()) as (client, _):
        with pytest.raises(ZoomNotFound):
            await client.get_user("a+b/../c@example.com")
    api_request = seen[-1]
    assert api_request.url.raw_path == b"/v2/users/a%2Bb%2F..%2Fc%40example.com"
    assert api_request.headers["accept"] == "application/json"
    assert api_request.headers["user-agent"].startswith("zoom-mcp/")
    assert api_request.headers["authorization"].startswith("Bearer ")


async def test_an_update_is_retried_after_a_5xx_because_it_is_idempotent(
    sandbox: Sandbox, retry: RetryPolicy, sleeps: RecordedSleeps
) -> None:
    async with zoom_client(sandbox, retry) as (client, _):
        meeting = await client.create_meeting("me", MeetingRequest(topic="to rename"))
        sandbox.inject(Fault(method="PATCH", path=r"/v2/meetings/\d+", status=502, after_handling=True))
        await client.update_meeting(meeting.id, MeetingRequest(topic="renamed"), occurrence_id=None)
        assert (await client.get_meeting(meeting.id)).topic == "renamed"
    assert sleeps.waits == [0.5]
    assert [r.status for r in sandbox.stats.requests if r.method == "PATCH"] == [502, 204]
