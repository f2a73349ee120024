"""list_meetings and create_meeting through the MCP protocol, against the sandbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from mcp import Client

from tests.tool_calls.conftest import ZoomDirect, call_error, call_ok, parse_local, text_of
from zoom_mcp.server.sandbox import Sandbox

pytestmark = pytest.mark.anyio


def in_days(days: int, hour: int = 15) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


async def test_list_meetings_pages_with_next_page_token(client: Client, zoom: ZoomDirect) -> None:
    everything = await zoom.get("/users/me/meetings", type="scheduled", page_size=300)
    assert everything["total_records"] >= 3, "the sandbox seeds several meetings"
    seen: list[int] = []
    arguments: dict[str, object] = {"type": "scheduled", "page_size": 2}
    while True:
        page = await call_ok(client, "list_meetings", arguments)
        assert page["total_records"] == everything["total_records"]
        assert len(page["meetings"]) <= 2
        seen += [meeting["id"] for meeting in page["meetings"]]
        if "next_page_token" not in page:
            break
        arguments = {"type": "scheduled", "page_size": 2, "next_page_token": page["next_page_token"]}
    assert seen == [meeting["id"] for meeting in everything["meetings"]]


async def test_listed_meetings_carry_local_times_of_zoom_s_utc_start(client: Client, zoom: ZoomDirect) -> None:
    page = await call_ok(client, "list_meetings", {"type": "upcoming"})
    zoom_starts = {
        meeting["id"]: meeting["start_time"]
        for meeting in (await zoom.get("/users/me/meetings", type="upcoming", page_size=300))["meetings"]
        if "start_time" in meeting
    }
    timed = [meeting for meeting in page["meetings"] if "start_time_local" in meeting]
    assert timed
    assert {meeting["id"] for meeting in timed} == set(zoom_starts)
    for meeting in timed:
        utc_start = datetime.fromisoformat(zoom_starts[meeting["id"]])
        local_start = parse_local(meeting["start_time_local"])
        assert local_start == utc_start
        assert local_start.utcoffset() == utc_start.astimezone(ZoneInfo(meeting["timezone"])).utcoffset()
        assert "start_url" not in meeting
        assert "join_url" not in meeting, "the join URL is get_meeting's"


@pytest.mark.parametrize("kind", ["previous_meetings", "live", "upcoming"])
async def test_list_meetings_passes_the_type_filter(client: Client, sandbox: Sandbox, kind: str) -> None:
    await call_ok(client, "list_meetings", {"type": kind})
    listed = [request for request in sandbox.stats.requests if request.path == "/v2/users/me/meetings"]
    assert listed[-1].query["type"] == kind


async def test_create_meeting_with_utc_time(client: Client, zoom: ZoomDirect) -> None:
    start = in_days(3)
    created = await call_ok(
        client,
        "create_meeting",
        {
            "topic": "Design review",
            "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration": 45,
            "agenda": "Walk through the new API",
            "waiting_room": True,
            "auto_recording": "cloud",
        },
    )
    assert created["topic"] == "Design review"
    assert created["start_time"] == start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert created["duration"] == 45
    assert created["type"] == "scheduled"
    assert created["settings"]["waiting_room"] is True
    assert created["settings"]["auto_recording"] == "cloud"
    assert created["passcode"]
    assert str(created["id"]) in created["join_url"]
    stored = await zoom.get(f"/meetings/{created['id']}")
    assert stored["topic"] == "Design review"
    assert stored["agenda"] == "Walk through the new API"


async def test_create_meeting_with_local_time_and_timezone(client: Client, sandbox: Sandbox) -> None:
    created = await call_ok(
        client,
        "create_meeting",
        {"topic": "Tokyo sync", "start_time": "2031-04-02T09:30:00", "timezone": "Asia/Tokyo", "duration": 30},
    )
    assert created["start_time"] == "2031-04-02T00:30:00Z"
    assert created["start_time_local"] == "2031-04-02T09:30:00+09:00 (Wed)"
    assert created["timezone"] == "Asia/Tokyo"
    sent = [request for request in sandbox.stats.requests if request.method == "POST" and "/meetings" in request.path]
    assert sent[-1].json == {
        "topic": "Tokyo sync",
        "type": 2,
        # Resolved here, DST included, and sent as one UTC instant: Zoom has nothing left to interpret.
        "start_time": "2031-04-02T00:30:00Z",
        "duration": 30,
        "timezone": "Asia/Tokyo",
    }


async def test_create_meeting_converts_an_offset_to_utc(client: Client, sandbox: Sandbox) -> None:
    created = await call_ok(client, "create_meeting", {"topic": "Offset", "start_time": "2031-01-10T10:00:00+02:00"})
    assert created["start_time"] == "2031-01-10T08:00:00Z"
    sent = [request for request in sandbox.stats.requests if request.method == "POST" and "/meetings" in request.path]
    assert sent[-1].json["start_time"] == "2031-01-10T08:00:00Z"


async def test_create_meeting_never_returns_the_start_url(client: Client, sandbox: Sandbox) -> None:
    result = await client.call_tool("create_meeting", {"topic": "Secret host link"})
    assert not result.is_error
    assert "start_url" not in json.dumps(result.structured_content)
    assert "/s/" not in text_of(result)


async def test_naive_start_time_without_timezone_is_refused_before_any_request(
    client: Client, sandbox: Sandbox
) -> None:
    message = await call_error(client, "create_meeting", {"topic": "Ambiguous", "start_time": "2031-01-10T10:00:00"})
    assert "timezone" in message
    assert not [request for request in sandbox.stats.requests if request.method == "POST"]


async def test_create_meeting_for_another_user(client: Client, zoom: ZoomDirect) -> None:
    owner = await zoom.get("/users/me")
    users = (await zoom.get("/users", status="active", page_size=300))["users"]
    member = next(user for user in users if user["id"] != owner["id"])
    created = await call_ok(client, "create_meeting", {"topic": "Their meeting", "user_id": member["email"]})
    assert created["host_id"] == member["id"]


async def test_daily_create_limit_is_reported_with_its_reset_time() -> None:
    from tests.conftest import RecordedSleeps, sandbox_settings
    from zoom_mcp.server.app import create_app
    from zoom_mcp.server.zoom.retry import RetryPolicy

    limited = Sandbox(seed=1, daily_create_update_limit=1)
    sleeps = RecordedSleeps()
    app = create_app(sandbox_settings(limited), transport=limited.transport(), retry=RetryPolicy(sleep=sleeps))
    async with Client(app) as connected:
        await call_ok(connected, "create_meeting", {"topic": "first"})
        message = await call_error(connected, "create_meeting", {"topic": "second"})
    assert "429" in message
    assert "daily" in message.lower()
    assert "00:00:00Z" in message
    assert sleeps.waits == [], "a daily limit is reported at once, not slept through"
