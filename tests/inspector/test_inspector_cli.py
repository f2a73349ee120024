"""zoom-mcp as the MCP Inspector CLI sees it: `inspector --cli zoom-mcp --sandbox --method ...`.

Each run is a fresh Inspector process that spawns a fresh `zoom-mcp --sandbox`, so nothing carries over from one
run to the next except what the sandbox seeds (the same users, meetings and recordings every start).
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from tests.inspector.conftest import (
    COMMAND_OVERRIDE,
    EXIT_TOOL_ERROR,
    IN_CI,
    ZOOM_MCP,
    Inspector,
    InspectorRun,
    JsonObject,
    pinned_version,
)

pytestmark = pytest.mark.inspector

CORE_TOOLS = {"get_user_info", "list_meetings", "create_meeting"}
READ_TOOLS = {
    "get_user_info",
    "list_meetings",
    "get_meeting",
    "list_users",
    "list_recordings",
    "get_meeting_transcript",
}
WRITE_TOOLS = {"create_meeting", "update_meeting", "delete_meeting"}
LONG_TOPIC = "x" * 201


def ok(run: InspectorRun) -> JsonObject:
    """A successful sandbox tool result: its structuredContent, checked against its text twin."""
    assert run.returncode == 0, run.describe()
    result = run.result()
    assert result.get("isError") is False, run.describe()
    structured = result.get("structuredContent")
    assert isinstance(structured, dict), run.describe()
    texts = [block["text"] for block in result["content"] if block.get("type") == "text"]
    assert texts, run.describe()
    assert json.loads(texts[0]) == structured, "the text content is not the same JSON as structuredContent"
    assert structured.get("sandbox") is True, run.describe()
    assert "start_url" not in run.stdout + run.stderr, run.describe()
    return structured


def tool_error(run: InspectorRun) -> str:
    """An isError tool result: the Inspector exits 5 and says so on stderr; returns the result's text."""
    assert run.returncode == EXIT_TOOL_ERROR, run.describe()
    assert run.error_envelope()["code"] == "tool_is_error", run.describe()
    result = run.result()
    assert result.get("isError") is True, run.describe()
    text = "\n".join(block["text"] for block in result["content"] if block.get("type") == "text")
    assert text.strip(), run.describe()
    return text


def tools_by_name(run: InspectorRun) -> dict[str, JsonObject]:
    tools: list[JsonObject] = run.result()["tools"]
    return {tool["name"]: tool for tool in tools}


@pytest.fixture(scope="module")
def catalogue(inspector: Inspector) -> InspectorRun:
    return inspector.cli("--method", "tools/list", "--strict")


@pytest.fixture(scope="module")
def first_page(inspector: Inspector) -> JsonObject:
    return ok(inspector.call("list_meetings", "type=scheduled", "page_size=2"))


@pytest.fixture(scope="module")
def recordings(inspector: Inspector) -> JsonObject:
    return ok(inspector.call("list_recordings"))


def test_the_pinned_inspector_runs(inspector: Inspector) -> None:
    if COMMAND_OVERRIDE and not IN_CI:
        pytest.skip("ZOOM_MCP_INSPECTOR_CMD replaces the pinned runner")
    run = inspector.run("--cli", "--version")
    assert run.returncode == 0, run.describe()
    assert run.stdout.strip() == pinned_version()


def test_initialize_names_the_server_and_says_sandbox(inspector: Inspector) -> None:
    run = inspector.cli("--method", "initialize")
    assert run.returncode == 0, run.describe()
    result = run.result()
    version = subprocess.run([ZOOM_MCP, "--version"], capture_output=True, text=True, check=True).stdout.split()[-1]
    assert result["serverInfo"]["name"] == "zoom-mcp"
    assert result["serverInfo"]["version"] == version
    assert "tools" in result["capabilities"]
    assert "SANDBOX" in result["instructions"]


def test_tools_list_describes_each_tool(catalogue: InspectorRun) -> None:
    tools = tools_by_name(catalogue)
    assert set(tools) >= CORE_TOOLS, catalogue.describe()
    for name, tool in tools.items():
        assert tool["inputSchema"]["type"] == "object", name
        assert tool["outputSchema"]["type"] == "object", name
        # Results in sandbox mode carry `sandbox: true`, undeclared: the schema leaves extra fields open.
        assert tool["outputSchema"].get("additionalProperties", True) is not False, name
        assert tool.get("description"), name
        hints: dict[str, Any] = tool["annotations"]
        assert isinstance(hints.get("readOnlyHint"), bool), name
        if name in READ_TOOLS:
            assert hints["readOnlyHint"] is True, name
        if name in WRITE_TOOLS:
            assert hints["readOnlyHint"] is False, name
    assert tools["create_meeting"]["inputSchema"]["required"] == ["topic"]
    assert {"id", "join_url", "topic"} <= set(tools["create_meeting"]["outputSchema"]["properties"])
    assert {"id", "email"} <= set(tools["get_user_info"]["outputSchema"]["properties"])
    assert {"meetings", "total_records"} <= set(tools["list_meetings"]["outputSchema"]["properties"])
    assert "page_size" in tools["list_meetings"]["inputSchema"]["properties"]
    assert tools["create_meeting"]["annotations"].get("destructiveHint") is False
    if "delete_meeting" in tools:
        assert tools["delete_meeting"]["annotations"].get("destructiveHint") is True
    assert "start_url" not in catalogue.stdout


def test_tool_schemas_pass_the_inspectors_portability_check(catalogue: InspectorRun) -> None:
    assert catalogue.returncode == 0, catalogue.describe()
    assert "Schema portability" not in catalogue.stderr, catalogue.describe()


def test_read_only_lists_no_write_tool(inspector: Inspector) -> None:
    run = inspector.cli("--method", "tools/list", server=("--sandbox", "--read-only"))
    assert run.returncode == 0, run.describe()
    tools = tools_by_name(run)
    assert {"get_user_info", "list_meetings"} <= set(tools)
    assert not set(tools) & WRITE_TOOLS
    assert all(tool["annotations"]["readOnlyHint"] is True for tool in tools.values()), run.describe()


def test_read_only_server_has_no_create_meeting_to_call(inspector: Inspector) -> None:
    run = inspector.call("create_meeting", "topic=refused", server=("--sandbox", "--read-only"))
    assert run.returncode == EXIT_TOOL_ERROR, run.describe()
    assert run.error_envelope()["code"] == "tool_not_found", run.describe()


def test_get_user_info(inspector: Inspector) -> None:
    user = ok(inspector.call("get_user_info", "user_id=me"))
    assert isinstance(user["id"], str)
    assert user["id"]
    assert "@" in user["email"]
    assert user["timezone"]


def test_list_meetings(first_page: JsonObject) -> None:
    meetings: list[JsonObject] = first_page["meetings"]
    assert 1 <= len(meetings) <= 2
    assert first_page["page_size"] == 2
    assert first_page["total_records"] >= len(meetings)
    if first_page["total_records"] > len(meetings):
        assert first_page["next_page_token"]
    for meeting in meetings:
        assert isinstance(meeting["id"], int)
        assert meeting["topic"]
        assert meeting["start_time_local"]


def test_create_meeting(inspector: Inspector) -> None:
    created = ok(
        inspector.call(
            "create_meeting",
            "topic=Inspector check-in",
            "start_time=2031-03-01T10:00:00Z",
            "duration=30",
            "timezone=Europe/Paris",
        )
    )
    assert isinstance(created["id"], int)
    assert created["join_url"].startswith("https://")
    assert created["topic"] == "Inspector check-in"
    assert created["start_time"] == "2031-03-01T10:00:00Z"
    assert created["start_time_local"] == "2031-03-01T11:00:00+01:00 (Sat)"
    assert created["timezone"] == "Europe/Paris"
    assert created["duration"] == 30


def test_get_meeting(inspector: Inspector, first_page: JsonObject) -> None:
    listed = first_page["meetings"][0]
    meeting = ok(inspector.call("get_meeting", f"meeting_id={listed['id']}"))
    assert meeting["id"] == listed["id"]
    assert meeting["topic"] == listed["topic"]
    assert meeting["join_url"].startswith("https://")


def test_update_meeting(inspector: Inspector, first_page: JsonObject) -> None:
    listed = first_page["meetings"][0]
    updated = ok(
        inspector.call("update_meeting", f"meeting_id={listed['id']}", "topic=Renamed by the Inspector", "duration=45")
    )
    assert updated["id"] == listed["id"]
    assert updated["topic"] == "Renamed by the Inspector"
    assert updated["duration"] == 45


def test_delete_meeting(inspector: Inspector, first_page: JsonObject) -> None:
    listed = first_page["meetings"][0]
    deleted = ok(inspector.call("delete_meeting", f"meeting_id={listed['id']}"))
    assert deleted["meeting_id"] == listed["id"]
    assert deleted["deleted"]
    assert listed["topic"] in deleted["summary"]


def test_list_users(inspector: Inspector) -> None:
    page = ok(inspector.call("list_users", "page_size=2"))
    users: list[JsonObject] = page["users"]
    assert 1 <= len(users) <= 2
    assert page["total_records"] >= len(users)
    assert all(user["id"] and "@" in user["email"] for user in users)


def test_list_recordings(recordings: JsonObject) -> None:
    assert recordings["meetings"]
    assert recordings["total_records"] >= len(recordings["meetings"])
    assert recordings["from_date"] <= recordings["to_date"]
    for meeting in recordings["meetings"]:
        assert isinstance(meeting["id"], int)
        assert meeting["uuid"]
        assert isinstance(meeting["has_transcript"], bool)


def test_get_meeting_transcript(inspector: Inspector, recordings: JsonObject) -> None:
    recorded = next(meeting for meeting in recordings["meetings"] if meeting["has_transcript"])
    transcript = ok(
        inspector.call(
            "get_meeting_transcript",
            json_args={"meeting_id_or_uuid": recorded["uuid"], "max_cues": 3, "include_cues": True},
        )
    )
    assert transcript["uuid"] == recorded["uuid"]
    # The Inspector sends digits as a JSON number, as a model copying `id` from list_recordings would.
    by_id = ok(inspector.call("get_meeting_transcript", f"meeting_id_or_uuid={recorded['id']}", "max_cues=3"))
    assert by_id["meeting_id"] == recorded["id"]
    assert transcript["speakers"]
    assert 1 <= len(transcript["cues"]) <= 3
    assert transcript["total_cues"] >= len(transcript["cues"])
    assert transcript["text"]


@pytest.mark.parametrize(
    ("tool", "pair", "field"),
    [
        ("create_meeting", f"topic={LONG_TOPIC}", "topic"),
        ("list_meetings", "page_size=0", "page_size"),
    ],
    ids=["create_meeting-topic-201-chars", "list_meetings-page_size-0"],
)
def test_invalid_arguments_are_a_tool_error_naming_the_field(
    inspector: Inspector, tool: str, pair: str, field: str
) -> None:
    message = tool_error(inspector.call(tool, pair))
    assert field in message
    assert tool in message


def test_a_zoom_error_is_a_tool_error(inspector: Inspector) -> None:
    message = tool_error(inspector.call("get_meeting", "meeting_id=1"))
    assert "does not exist" in message.lower()
    assert "start_url" not in message


def test_without_credentials_the_error_names_the_variables(inspector: Inspector) -> None:
    message = tool_error(inspector.call("get_user_info", server=()))
    for variable in ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_ACCESS_TOKEN", "--sandbox"):
        assert variable in message


def test_modern_protocol_era(inspector: Inspector) -> None:
    run = inspector.cli("--method", "tools/call", "--tool-name", "get_user_info", "--protocol-era", "modern")
    user = ok(run)
    assert user["id"]


def test_paging_across_sandbox_sessions(inspector: Inspector) -> None:
    """Each Inspector CLI call starts a new `zoom-mcp --sandbox`: its page tokens must still work."""
    first = ok(inspector.call("list_meetings", "page_size=1"))
    second = ok(inspector.call("list_meetings", "page_size=1", f"next_page_token={first['next_page_token']}"))
    assert second["meetings"]
    assert second["meetings"][0]["id"] != first["meetings"][0]["id"]
