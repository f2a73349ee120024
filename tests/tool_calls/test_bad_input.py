"""Bad input never reaches Zoom: every row is refused with a message naming the problem, and no request is sent."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from tests.tool_calls.conftest import call_error
from zoom_mcp.server.sandbox import Sandbox

pytestmark = pytest.mark.anyio
TOPIC = {"topic": "ok"}

BAD_INPUT: list[tuple[str, dict[str, Any], str]] = [
    ("get_user_info", {"user_id": "a/b"}, "user_id"),
    ("get_user_info", {"user_id": ".."}, "user_id"),
    ("get_user_info", {"user_id": "."}, "user_id"),
    ("get_user_info", {"user_id": "../meetings"}, "user_id"),
    ("get_user_info", {"user_id": "me?type=live"}, "user_id"),
    ("get_user_info", {"user_id": "me#fragment"}, "user_id"),
    ("get_user_info", {"user_id": "jane doe@example.com"}, "user_id"),
    ("get_user_info", {"user_id": "me\r\nX-Injected: 1"}, "user_id"),
    ("get_user_info", {"user_id": "me\x00"}, "user_id"),
    ("get_user_info", {"user_id": "me\x7f"}, "user_id"),
    ("get_user_info", {"user_id": "me%2F..%2Fusers"}, "user_id"),
    ("get_user_info", {"user_id": "a" * 10_000}, "user_id"),
    ("get_user_info", {"user_id": ""}, "user_id"),
    ("list_meetings", {"user_id": "me/../../users"}, "user_id"),
    ("list_meetings", {"page_size": 0}, "page_size"),
    ("list_meetings", {"page_size": 301}, "page_size"),
    ("list_meetings", {"type": "tomorrow"}, "type"),
    ("create_meeting", {}, "topic"),
    ("create_meeting", {"topic": ""}, "topic"),
    ("create_meeting", {"topic": "x" * 201}, "topic"),
    ("create_meeting", {**TOPIC, "agenda": "x" * 2001}, "agenda"),
    ("create_meeting", {**TOPIC, "password": "x" * 11}, "password"),
    ("create_meeting", {**TOPIC, "password": "pass word"}, "password"),
    ("create_meeting", {**TOPIC, "duration": 0}, "duration"),
    ("create_meeting", {**TOPIC, "duration": -5}, "duration"),
    ("create_meeting", {**TOPIC, "duration": 1441}, "duration"),
    ("create_meeting", {**TOPIC, "start_time": "next tuesday"}, "start_time"),
    ("create_meeting", {**TOPIC, "start_time": "2030-13-01T00:00:00"}, "start_time"),
    ("create_meeting", {**TOPIC, "start_time": "2030-02-30T10:00:00Z"}, "start_time"),
    ("create_meeting", {**TOPIC, "start_time": "2030-02-01"}, "start_time"),
    ("create_meeting", {**TOPIC, "timezone": "Mars/Olympus"}, "timezone"),
    ("create_meeting", {**TOPIC, "timezone": "../../etc/passwd"}, "timezone"),
    ("create_meeting", {**TOPIC, "type": "webinar"}, "type"),
    ("create_meeting", {**TOPIC, "type": 2}, "type"),
    ("create_meeting", {**TOPIC, "auto_recording": "youtube"}, "auto_recording"),
    ("create_meeting", {**TOPIC, "user_id": "a?b"}, "user_id"),
    ("get_meeting", {"meeting_id": 0}, "meeting_id"),
    ("get_meeting", {"meeting_id": "85746065; DROP"}, "meeting_id"),
    ("get_meeting", {"meeting_id": 123, "occurrence_id": "../1"}, "occurrence_id"),
    ("update_meeting", {"meeting_id": 123, "duration": 1441}, "duration"),
    ("delete_meeting", {"meeting_id": -1}, "meeting_id"),
    ("list_users", {"status": "deleted"}, "status"),
    ("list_recordings", {"from_date": "yesterday"}, "from_date"),
    ("get_meeting_transcript", {"meeting_id_or_uuid": "../../users/me"}, "meeting_id_or_uuid"),
    ("get_meeting_transcript", {"meeting_id_or_uuid": "85746065", "max_cues": 0}, "max_cues"),
    ("list_meetings", {"from_date": "tomorrow"}, "from_date"),
    ("list_meetings", {"from_date": "2030-05-01", "timezone": "Mars/Olympus"}, "timezone"),
    ("list_meetings", {"topic_contains": ""}, "topic_contains"),
    ("get_meeting_summary", {"meeting_id_or_uuid": "../../users/me"}, "meeting_id_or_uuid"),
    ("get_meeting_summary", {}, "meeting_id_or_uuid"),
    ("list_meeting_participants", {"meeting_id_or_uuid": "a/b"}, "meeting_id_or_uuid"),
    ("list_meeting_participants", {"meeting_id_or_uuid": "85746065123", "page_size": 301}, "page_size"),
    # Past the schema, the tools' own checks speak with the same voice.
    ("update_meeting", {"meeting_id": 123}, "Nothing to change"),
    ("update_meeting", {"meeting_id": 123, "occurrence_id": "1", "topic": "x"}, "topic"),
    ("create_meeting", {**TOPIC, "start_time": "2030-05-01T15:00:00"}, "start_time"),
    ("create_meeting", {**TOPIC, "type": "recurring_fixed_time"}, "recurrence"),
    ("create_meeting", {**TOPIC, "type": "scheduled", "recurrence": {"type": "daily"}}, "recurrence"),
    ("list_recordings", {"from_date": "2030-02-30"}, "from_date"),
    ("list_recordings", {"from_date": "2030-05-02", "to_date": "2030-05-01"}, "from_date"),
    ("list_recordings", {"from_date": "2030-01-01", "to_date": "2030-05-01"}, "from_date"),
    ("list_meetings", {"from_date": "2030-02-30"}, "from_date"),
    ("list_meetings", {"to_date": "2030-05-01"}, "from_date"),
    ("list_meetings", {"from_date": "2030-01-01", "to_date": "2030-05-01"}, "31 days"),
    ("list_meeting_participants", {"meeting_id_or_uuid": "85746065123", "next_page_token": "x"}, "next_page_token"),
]


@pytest.mark.parametrize(
    ("tool", "arguments", "field"),
    BAD_INPUT,
    ids=[f"{tool}-{field}-{index}" for index, (tool, _, field) in enumerate(BAD_INPUT)],
)
async def test_bad_input_is_refused_before_any_request(
    client: Client, sandbox: Sandbox, tool: str, arguments: dict[str, Any], field: str
) -> None:
    message = await call_error(client, tool, arguments)
    assert f"Invalid arguments for {tool}" in message
    assert "nothing was sent to Zoom" in message
    assert field in message
    assert len(message) < 1000, "the refused value is not echoed back"
    assert sandbox.stats.requests == []


@pytest.mark.parametrize("email", ["jill+zoom@example.com", "zoë@example.com", "o'brien@example.com"])
async def test_unusual_but_valid_emails_are_accepted_and_sent(client: Client, sandbox: Sandbox, email: str) -> None:
    result = await client.call_tool("get_user_info", {"user_id": email})
    assert "Invalid arguments" not in str(result.content)
    user_requests = [request for request in sandbox.stats.requests if request.path.startswith("/v2/users/")]
    assert user_requests[-1].path == f"/v2/users/{email}"
