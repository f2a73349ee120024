"""Every argument means exactly what it says: no JSON pre-parsing, no coercion, no unknown names, no
value outside what Zoom accepts, and every refusal short and free of the refused value."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from tests.tool_calls.conftest import ZoomDirect, call_error, call_ok
from zoom_mcp.server.arguments import ecma_regex
from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.zoom.timezones import ZOOM_TIMEZONES

pytestmark = pytest.mark.anyio
WEEKLY = {"type": "weekly", "weekly_days": [2, 4], "end_times": 6}
ARABIC_INDIC_DIGITS = "".join(chr(0x0660 + (digit + 1) % 10) for digit in range(10))  # "1234567890"
FULLWIDTH_2030 = "\uff12\uff10\uff13\uff10"
BOUND = 600  # a few hundred characters, plus the field list when an argument name is unknown


async def series(client: Client) -> dict[str, Any]:
    return await call_ok(
        client, "create_meeting", {"topic": "Series", "start_time": "2031-06-03T15:00:00Z", "recurrence": WEEKLY}
    )


async def refused(client: Client, sandbox: Sandbox, tool: str, arguments: dict[str, Any], field: str) -> str:
    before = len(sandbox.stats.requests)
    message = await call_error(client, tool, arguments)
    assert f"Invalid arguments for {tool}" in message
    assert field in message
    assert len(sandbox.stats.requests) == before, "nothing may reach Zoom"
    return message


@pytest.mark.parametrize("tool", ["delete_meeting", "update_meeting", "get_meeting"])
async def test_the_text_null_is_not_an_omitted_occurrence_id(
    client: Client, sandbox: Sandbox, zoom: ZoomDirect, tool: str
) -> None:
    created = await series(client)
    extra = {"agenda": "moved"} if tool == "update_meeting" else {}
    await refused(
        client, sandbox, tool, {"meeting_id": created["id"], "occurrence_id": "null", **extra}, "occurrence_id"
    )
    stored = await zoom.get(f"/meetings/{created['id']}")
    assert stored.get("agenda") != "moved"
    assert len([o for o in stored["occurrences"] if o.get("status") != "deleted"]) == 6


async def test_the_text_null_is_not_an_omitted_start_time(client: Client, sandbox: Sandbox) -> None:
    await refused(client, sandbox, "create_meeting", {"topic": "x", "start_time": "null"}, "start_time")


@pytest.mark.parametrize("text", ["[]", "[1, 2]", "null", "{}", "true", '{"a": 1}'])
async def test_json_looking_text_stays_text(client: Client, zoom: ZoomDirect, text: str) -> None:
    created = await call_ok(client, "create_meeting", {"topic": text, "agenda": text})
    stored = await zoom.get(f"/meetings/{created['id']}")
    assert stored["topic"] == stored["agenda"] == text
    updated = await call_ok(
        client, "update_meeting", {"meeting_id": created["id"], "topic": text + "!", "agenda": text}
    )
    assert updated["topic"] == text + "!"
    assert updated["agenda"] == text


@pytest.mark.parametrize(
    ("tool", "arguments", "field", "expected"),
    [
        ("create_meeting", {"topic": "x", "recurrence": '{"type": "daily"}'}, "recurrence", "RecurrenceParam"),
        ("get_meeting", {"meeting_id": True}, "meeting_id", "integer"),
        ("get_meeting", {"meeting_id": 85746065.0}, "meeting_id", "integer"),
        (
            "delete_meeting",
            {"meeting_id": 85746065, "cancel_meeting_reminder": "true"},
            "cancel_meeting_reminder",
            "boolean",
        ),
        (
            "delete_meeting",
            {"meeting_id": 85746065, "cancel_meeting_reminder": 1},
            "cancel_meeting_reminder",
            "boolean",
        ),
        ("create_meeting", {"topic": "x", "waiting_room": "false"}, "waiting_room", "boolean"),
        ("create_meeting", {"topic": 123}, "topic", "string"),
        (
            "create_meeting",
            {"topic": "x", "recurrence": {"type": "daily", "end_times": "3"}},
            "recurrence.end_times",
            "integer",
        ),
        (
            "create_meeting",
            {"topic": "x", "recurrence": {"type": "weekly", "weekly_days": [True]}},
            "weekly_days",
            "integer",
        ),
        # Decision: a number given as numeric text is refused like any other wrong type; the schema says integer.
        ("list_meetings", {"page_size": "30"}, "page_size", "integer"),
        ("get_meeting_transcript", {"meeting_id_or_uuid": True}, "meeting_id_or_uuid", "integer"),
    ],
)
async def test_wrong_types_are_refused_naming_the_expected_type(
    client: Client, sandbox: Sandbox, tool: str, arguments: dict[str, Any], field: str, expected: str
) -> None:
    message = await refused(client, sandbox, tool, arguments, field)
    assert expected in message


async def test_a_misspelt_argument_is_refused_not_ignored(client: Client, sandbox: Sandbox, zoom: ZoomDirect) -> None:
    created = await series(client)
    occurrence = list(created["occurrences"])[1]
    message = await refused(
        client, sandbox, "delete_meeting", {"meeting_id": created["id"], "occurence_id": occurrence}, "occurence_id"
    )
    assert "unknown argument" in message
    assert "occurrence_id" in message, "the names the tool takes are listed"
    stored = await zoom.get(f"/meetings/{created['id']}")
    assert stored["id"] == created["id"]


@pytest.mark.parametrize(
    ("tool", "arguments", "field"),
    [
        ("get_meeting", {"meeting_id": 85746065, "occurrence_id": "\u0661\u0662\u0663"}, "occurrence_id"),
        ("get_meeting", {"meeting_id": 85746065, "occurrence_id": "\uff11\uff12\uff13"}, "occurrence_id"),
        ("get_meeting", {"meeting_id": 85746065, "occurrence_id": "123\n"}, "occurrence_id"),
        ("get_user_info", {"user_id": "\ufeffme"}, "user_id"),
        ("get_user_info", {"user_id": "me\u200b"}, "user_id"),
        ("get_user_info", {"user_id": "me\u00a0x"}, "user_id"),
        ("get_user_info", {"user_id": "me\ufffd"}, "user_id"),
        ("get_user_info", {"user_id": "me" + chr(0xD800)}, "user_id"),
        ("create_meeting", {"topic": "caf\ufffd"}, "topic"),
        (
            "create_meeting",
            {"topic": "x", "recurrence": {"type": "daily", "end_date_time": FULLWIDTH_2030 + "-01-01T00:00:00Z"}},
            "end_date_time",
        ),
        ("list_recordings", {"from_date": "\u0662\u0660\u0663\u0660-01-01"}, "from_date"),
        ("get_meeting_transcript", {"meeting_id_or_uuid": ARABIC_INDIC_DIGITS}, "meeting_id_or_uuid"),
        ("get_meeting_transcript", {"meeting_id_or_uuid": "857460651\n"}, "meeting_id_or_uuid"),
    ],
)
async def test_the_schema_pattern_is_the_rule_the_server_runs(
    client: Client, sandbox: Sandbox, tool: str, arguments: dict[str, Any], field: str
) -> None:
    await refused(client, sandbox, tool, arguments, field)


@pytest.mark.parametrize(
    "start_time",
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "999-06-01T10:00:00Z",
        "0999-06-01T10:00:00Z",
        "1999-12-31T23:59:59Z",
        "2100-01-01T00:00:00Z",
        "2030-02-30T10:00:00Z",
        "2030-05-01T15:00:00+24:00",
        "2030-05-01",
    ],
)
async def test_start_times_outside_what_zoom_accepts_are_refused(
    client: Client, sandbox: Sandbox, start_time: str
) -> None:
    message = await refused(client, sandbox, "create_meeting", {"topic": "x", "start_time": start_time}, "start_time")
    assert "Error executing tool" not in message


async def test_the_latest_valid_start_time_is_sent_with_a_four_digit_year(client: Client, sandbox: Sandbox) -> None:
    await call_ok(client, "create_meeting", {"topic": "edge", "start_time": "2099-12-31T23:59:59-14:00"})
    post = [request for request in sandbox.stats.requests if request.method == "POST"][-1]
    assert isinstance(post.json, dict)
    assert post.json["start_time"] == "2100-01-01T13:59:59Z"


async def test_the_schema_states_the_date_bounds(client: Client) -> None:
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    start_time = tools["create_meeting"].input_schema["properties"]["start_time"]
    assert "2000-2099" in start_time["description"]
    pattern = start_time["pattern"] if "pattern" in start_time else start_time["anyOf"][0]["pattern"]
    read_as_ecma = ecma_regex(pattern)
    assert read_as_ecma.search("2000-01-01T00:00Z")
    assert read_as_ecma.search("2099-12-31T23:59:59.999999-14:00")
    assert not read_as_ecma.search("1999-12-31T23:59:59Z")
    assert not read_as_ecma.search("2100-01-01T00:00:00Z")


@pytest.mark.parametrize(
    ("timezone", "suggestion"),
    [
        ("posixrules", None),
        ("posix/Europe/Paris", "Europe/Paris"),
        ("right/UTC", "UTC"),
        ("EST", "America/New_York"),
        ("PST", "America/Los_Angeles"),
        ("europe/paris", "Europe/Paris"),
        ("Europe/Kyiv", "Europe/Kiev"),
        ("Mars/Olympus", None),
    ],
)
async def test_only_zooms_timezones_are_accepted_with_the_nearest_suggested(
    client: Client, sandbox: Sandbox, timezone: str, suggestion: str | None
) -> None:
    message = await refused(client, sandbox, "create_meeting", {"topic": "x", "timezone": timezone}, "timezone")
    quoted = message.split("the nearest is '", 1)[1].split("'", 1)[0]
    assert quoted in ZOOM_TIMEZONES
    if suggestion is not None:
        assert quoted == suggestion


async def test_a_refused_timezone_is_never_echoed(client: Client, sandbox: Sandbox) -> None:
    message = await refused(client, sandbox, "create_meeting", {"topic": "x", "timezone": "Qx/Marker_zq"}, "timezone")
    assert "Marker" not in message


@pytest.mark.parametrize("timezone", ["UTC", "Europe/Paris", "America/New_York", "Asia/Calcutta", "CET"])
async def test_zooms_listed_timezones_are_accepted(client: Client, zoom: ZoomDirect, timezone: str) -> None:
    created = await call_ok(client, "create_meeting", {"topic": "tz", "timezone": timezone})
    assert (await zoom.get(f"/meetings/{created['id']}"))["timezone"] == timezone


async def test_ten_thousand_unknown_recurrence_keys_give_a_short_message(client: Client, sandbox: Sandbox) -> None:
    recurrence = {f"key_{index}": index for index in range(10_000)}
    message = await refused(client, sandbox, "create_meeting", {"topic": "x", "recurrence": recurrence}, "recurrence")
    assert len(message) < BOUND
    assert "key_9999" not in message


async def test_a_huge_unknown_argument_name_is_not_echoed(client: Client, sandbox: Sandbox) -> None:
    message = await refused(client, sandbox, "get_user_info", {"z" * 100_000: 1}, "unknown argument")
    assert "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz" not in message
    assert len(message) < BOUND


async def test_a_one_megabyte_unknown_tool_name_is_not_echoed(client: Client) -> None:
    try:
        result = await client.call_tool("x" * 1_000_000, {})
    except Exception as error:  # a JSON-RPC error is also an acceptable answer
        answer = str(error)
    else:
        assert result.is_error
        answer = str(result.content)
    assert len(answer) < BOUND
    assert "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" not in answer
