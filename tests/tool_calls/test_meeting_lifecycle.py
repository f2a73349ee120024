"""get_meeting, update_meeting, delete_meeting and recurring meetings through the MCP protocol."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from mcp import Client

from tests.conftest import RecordedSleeps, sandbox_settings
from tests.tool_calls.conftest import ZoomDirect, call_error, call_ok, parse_local
from zoom_mcp.server.app import create_app
from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.zoom.retry import RetryPolicy

pytestmark = pytest.mark.anyio
WEEKLY = {"type": "weekly", "weekly_days": [2, 4], "end_times": 6}


async def create(client: Client, **arguments: Any) -> dict[str, Any]:
    return await call_ok(client, "create_meeting", {"topic": "Lifecycle", **arguments})


async def test_get_meeting_matches_what_zoom_holds(client: Client, zoom: ZoomDirect) -> None:
    created = await create(client, start_time="2031-05-05T14:00:00Z", timezone="Europe/Paris", agenda="Plan")
    fetched = await call_ok(client, "get_meeting", {"meeting_id": created["id"]})
    stored = await zoom.get(f"/meetings/{created['id']}")
    assert fetched["topic"] == stored["topic"] == "Lifecycle"
    assert fetched["start_time"] == stored["start_time"] == "2031-05-05T14:00:00Z"
    assert fetched["start_time_local"] == "2031-05-05T16:00:00+02:00 (Mon)"
    assert fetched["passcode"] == stored["password"]
    assert "start_url" not in fetched


async def test_update_sends_only_the_given_fields_and_returns_the_new_state(client: Client, sandbox: Sandbox) -> None:
    created = await create(client, start_time="2031-05-05T14:00:00Z", duration=30, agenda="Old agenda")
    updated = await call_ok(
        client,
        "update_meeting",
        {"meeting_id": created["id"], "start_time": "2031-05-07T09:00:00-04:00", "duration": 50},
    )
    patch = [request for request in sandbox.stats.requests if request.method == "PATCH"][-1]
    assert patch.json == {"start_time": "2031-05-07T13:00:00Z", "duration": 50}
    assert updated["start_time"] == "2031-05-07T13:00:00Z"
    assert updated["duration"] == 50
    assert updated["agenda"] == "Old agenda"
    assert updated["topic"] == "Lifecycle"


async def test_update_with_nothing_to_change_is_refused(client: Client, sandbox: Sandbox) -> None:
    created = await create(client)
    message = await call_error(client, "update_meeting", {"meeting_id": created["id"]})
    assert "Nothing to change" in message
    assert not [request for request in sandbox.stats.requests if request.method == "PATCH"]


async def test_delete_a_single_meeting(client: Client, zoom: ZoomDirect) -> None:
    created = await create(client)
    deleted = await call_ok(client, "delete_meeting", {"meeting_id": created["id"]})
    assert deleted["deleted"] == "meeting"
    assert "Lifecycle" in deleted["summary"]
    message = await call_error(client, "get_meeting", {"meeting_id": created["id"]})
    assert "3001" in message
    assert "list_meetings" in message


async def test_recurring_weekly_meeting_has_occurrences(client: Client, sandbox: Sandbox) -> None:
    created = await create(client, start_time="2031-06-03T15:00:00Z", recurrence=WEEKLY)
    assert created["type"] == "recurring_fixed_time"
    assert created["recurrence"] == {"type": "weekly", "repeat_interval": 1, "weekly_days": "2,4", "end_times": 6}
    assert len(created["occurrences"]) == 6
    sent = [request for request in sandbox.stats.requests if request.method == "POST"][-1]
    assert sent.json["type"] == 8
    assert sent.json["recurrence"] == {"type": 2, "weekly_days": "2,4", "end_times": 6}


async def test_recurrence_without_start_time_is_a_no_fixed_time_series(client: Client, sandbox: Sandbox) -> None:
    created = await create(client, recurrence={"type": "daily", "repeat_interval": 2, "end_times": 3})
    assert created["type"] == "recurring_no_fixed_time"
    assert [request for request in sandbox.stats.requests if request.method == "POST"][-1].json["type"] == 3


async def test_delete_one_occurrence_keeps_the_series(client: Client) -> None:
    created = await create(client, start_time="2031-06-03T15:00:00Z", recurrence=WEEKLY)
    second, second_start = list(created["occurrences"].items())[1]
    deleted = await call_ok(client, "delete_meeting", {"meeting_id": created["id"], "occurrence_id": second})
    assert deleted["deleted"] == "occurrence"
    assert datetime.fromisoformat(deleted["start_time"]) == parse_local(second_start)
    assert "series remains" in deleted["summary"]
    after = await call_ok(client, "get_meeting", {"meeting_id": created["id"]})
    assert second not in after["occurrences"]
    assert after.get("deleted_occurrences", {second: second_start}) == {second: second_start}
    assert len(after["occurrences"]) == len(created["occurrences"]) - 1


async def test_delete_the_whole_series(client: Client) -> None:
    created = await create(client, start_time="2031-06-03T15:00:00Z", recurrence=WEEKLY)
    deleted = await call_ok(client, "delete_meeting", {"meeting_id": created["id"]})
    assert deleted["deleted"] == "series"
    assert "whole recurring series" in deleted["summary"]
    await call_error(client, "get_meeting", {"meeting_id": created["id"]})


async def test_update_one_occurrence(client: Client) -> None:
    created = await create(client, start_time="2031-06-03T15:00:00Z", recurrence=WEEKLY, duration=30)
    third = list(created["occurrences"])[2]
    updated = await call_ok(
        client, "update_meeting", {"meeting_id": created["id"], "occurrence_id": third, "duration": 90}
    )
    assert updated["duration"] == 90
    assert list(updated["occurrences"]) == [third], "the result shows the one occurrence changed"
    series = await call_ok(client, "get_meeting", {"meeting_id": created["id"]})
    assert series["duration"] == 30
    refused = await call_error(
        client, "update_meeting", {"meeting_id": created["id"], "occurrence_id": third, "topic": "renamed"}
    )
    assert "topic belongs to the whole series" in refused
    assert "occurrence_id" not in refused, "no message suggests dropping occurrence_id"


@pytest.mark.parametrize(
    ("recurrence", "complaint"),
    [
        ({"type": "weekly", "end_times": 3}, "weekly recurrence needs weekly_days"),
        ({"type": "daily", "repeat_interval": 100}, "at most 99"),
        ({"type": "weekly", "weekly_days": [2], "repeat_interval": 51}, "at most 50"),
        ({"type": "monthly", "repeat_interval": 11, "monthly_day": 1}, "at most 10"),
        ({"type": "monthly"}, "monthly_day, or monthly_week"),
        ({"type": "monthly", "monthly_day": 3, "monthly_week": 1, "monthly_week_day": 2}, "monthly_day, or"),
        ({"type": "monthly", "monthly_week": 1}, "go together"),
        ({"type": "daily", "weekly_days": [1]}, "only for weekly"),
        ({"type": "daily", "end_times": 3, "end_date_time": "2031-07-01T00:00:00Z"}, "not both"),
        ({"type": "daily", "end_times": 61}, "less than or equal to 60"),
        ({"type": "weekly", "weekly_days": [8]}, "less than or equal to 7"),
        ({"type": "yearly"}, "type"),
    ],
)
async def test_invalid_recurrences_are_refused_before_any_request(
    client: Client, sandbox: Sandbox, recurrence: dict[str, Any], complaint: str
) -> None:
    message = await call_error(client, "create_meeting", {"topic": "bad series", "recurrence": recurrence})
    assert complaint in message
    assert not [request for request in sandbox.stats.requests if request.method == "POST" and "/v2" in request.path]


async def test_recurrence_with_a_single_meeting_type_is_refused(client: Client) -> None:
    message = await call_error(
        client, "create_meeting", {"topic": "x", "type": "scheduled", "recurrence": {"type": "daily", "end_times": 2}}
    )
    assert "recurrence cannot be used with type scheduled" in message


async def test_updates_count_against_the_daily_limit_and_say_when_it_resets() -> None:
    limited = Sandbox(seed=2, daily_create_update_limit=2)
    sleeps = RecordedSleeps()
    app = create_app(sandbox_settings(limited), transport=limited.transport(), retry=RetryPolicy(sleep=sleeps))
    async with Client(app) as client:
        created = await call_ok(client, "create_meeting", {"topic": "limited"})
        await call_ok(client, "update_meeting", {"meeting_id": created["id"], "duration": 20})
        message = await call_error(client, "update_meeting", {"meeting_id": created["id"], "duration": 25})
    assert "daily rate limit (2) of Meeting Create/Update API requests" in message
    assert "daily rate limit on meeting create/update requests for this host is used up until" in message
    assert "Light" not in message
    assert "00:00:00Z" in message
    assert sleeps.waits == []


@pytest.mark.parametrize("tool", ["create_meeting", "update_meeting"])
async def test_zoom_validation_errors_list_the_fields_zoom_refused(client: Client, tool: str) -> None:
    series = {"type": "weekly", "weekly_days": [2], "end_date_time": "2020-01-01T00:00:00Z"}
    arguments: dict[str, Any] = {"start_time": "2031-06-03T15:00:00Z", "recurrence": series}
    if tool == "update_meeting":
        created = await create(client, start_time="2031-06-03T15:00:00Z", recurrence=WEEKLY)
        arguments["meeting_id"] = created["id"]
    else:
        arguments["topic"] = "ends before it starts"
    message = await call_error(client, tool, arguments)
    assert "Zoom answered 400 (code 300): Validation Failed." in message
    assert "Invalid fields: recurrence.end_date_time (Invalid field)." in message


@pytest.mark.parametrize(
    ("tool", "extra"), [("get_meeting", {}), ("update_meeting", {"duration": 30}), ("delete_meeting", {})]
)
async def test_unknown_meetings_say_how_to_find_the_right_one(
    client: Client, sandbox: Sandbox, tool: str, extra: dict[str, Any]
) -> None:
    message = await call_error(client, tool, {"meeting_id": 98765432109, **extra})
    assert "Zoom answered 404 (code 3001): Meeting does not exist: 98765432109." in message
    assert "list_meetings" in message
    sent = {request.method for request in sandbox.stats.requests if request.path.startswith("/v2/meetings/")}
    # Writes read the meeting first (its timezone and type; what a delete removes), so a missing one is
    # never sent a PATCH or DELETE.
    assert sent == {"GET"}
