"""list_recordings and get_meeting_transcript through the MCP protocol, against the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from mcp import Client

from tests.tool_calls.conftest import ZoomDirect, call_error, call_ok
from zoom_mcp.server.sandbox import Sandbox

pytestmark = pytest.mark.anyio


async def recorded(client: Client) -> list[dict[str, object]]:
    page = await call_ok(client, "list_recordings", {"page_size": 300})
    return list(page["meetings"])


async def test_list_recordings_names_file_types_and_lists_files_on_request(client: Client) -> None:
    page = await call_ok(client, "list_recordings", {})
    detailed = await call_ok(client, "list_recordings", {"include_files": True})
    assert [meeting["id"] for meeting in page["meetings"]] == [meeting["id"] for meeting in detailed["meetings"]]
    for brief, full in zip(page["meetings"], detailed["meetings"], strict=True):
        assert "files" not in brief
        assert "share_url" not in brief
        assert brief["file_types"] == list(dict.fromkeys(file["file_type"] for file in full["files"]))
        assert brief["has_transcript"] == ("TRANSCRIPT" in brief["file_types"])
        assert full["share_url"].startswith("https://")
        assert full["total_size"] == sum(file["file_size"] for file in full["files"])


async def test_list_recordings_shows_files_but_never_download_tokens(client: Client, sandbox: Sandbox) -> None:
    result = await client.call_tool("list_recordings", {"include_files": True})
    assert not result.is_error
    page = result.structured_content
    assert page is not None
    assert page["meetings"]
    for meeting in page["meetings"]:
        assert meeting["files"]
        assert meeting["start_time_local"]
        assert {file["file_type"] for file in meeting["files"]} >= {"MP4"}
        for file in meeting["files"]:
            start, end = (datetime.fromisoformat(file[key]) for key in ("recording_start", "recording_end"))
            assert file["duration_seconds"] == (end - start).total_seconds() > 0
    text = str(result.content)
    assert "download_access_token" not in text
    assert "download_url" not in text
    assert "/rec/download/" not in text
    for token in sandbox.issued_tokens:
        assert token not in text


async def test_list_recordings_defaults_to_the_last_thirty_days(client: Client, sandbox: Sandbox) -> None:
    page = await call_ok(client, "list_recordings", {})
    today = datetime.now(UTC).date()
    assert page["to_date"] == today.isoformat()
    assert page["from_date"] == (today - timedelta(days=30)).isoformat()
    sent = [request for request in sandbox.stats.requests if request.path.endswith("/recordings")][-1]
    assert sent.query["from"] == page["from_date"]


async def test_list_recordings_pages(client: Client) -> None:
    everything = await recorded(client)
    seen: list[str] = []
    arguments: dict[str, object] = {"page_size": 2}
    while True:
        page = await call_ok(client, "list_recordings", arguments)
        seen += [str(meeting["uuid"]) for meeting in page["meetings"]]
        if "next_page_token" not in page:
            break
        arguments = {"page_size": 2, "next_page_token": page["next_page_token"]}
    assert seen == [meeting["uuid"] for meeting in everything]


@pytest.mark.parametrize(
    ("from_date", "to_date", "complaint"),
    [("2026-01-01", "2026-03-01", "at most 30 days"), ("2026-02-10", "2026-02-01", "after"), ("2026-02-30", None, "")],
)
async def test_bad_date_ranges_are_refused_before_any_request(
    client: Client, sandbox: Sandbox, from_date: str, to_date: str | None, complaint: str
) -> None:
    arguments = {"from_date": from_date} | ({"to_date": to_date} if to_date else {})
    message = await call_error(client, "list_recordings", arguments)
    assert complaint in message
    assert not [request for request in sandbox.stats.requests if request.path.endswith("/recordings")]


async def test_transcript_by_uuid_has_speakers_timestamps_and_cues(client: Client, zoom: ZoomDirect) -> None:
    meeting = next(meeting for meeting in await recorded(client) if meeting["has_transcript"])
    transcript = await call_ok(
        client, "get_meeting_transcript", {"meeting_id_or_uuid": meeting["uuid"], "include_cues": True}
    )
    assert transcript["uuid"] == meeting["uuid"]
    assert transcript["topic"] == meeting["topic"]
    assert transcript["speakers"]
    first = transcript["cues"][0]
    assert first["start"] == "00:00:01"
    assert first["speaker"] in transcript["speakers"]
    assert transcript["text"].splitlines()[0] == f"[{first['start']}] {first['speaker']}: {first['text']}"
    assert "WEBVTT" not in transcript["text"]
    assert "-->" not in transcript["text"]


@pytest.mark.parametrize("shape", ["starts with /", "contains //"])
async def test_transcript_of_uuids_that_zoom_wants_double_encoded(client: Client, shape: str) -> None:
    meetings = await recorded(client)
    pick = {
        "starts with /": lambda uuid: uuid.startswith("/"),
        "contains //": lambda uuid: "//" in uuid,
    }[shape]
    meeting = next(meeting for meeting in meetings if pick(str(meeting["uuid"])))
    transcript = await call_ok(client, "get_meeting_transcript", {"meeting_id_or_uuid": meeting["uuid"]})
    assert transcript["uuid"] == meeting["uuid"]
    assert transcript["total_cues"] > 0


async def test_transcript_by_meeting_id_uses_the_latest_recorded_instance(client: Client, zoom: ZoomDirect) -> None:
    meeting = next(meeting for meeting in await recorded(client) if meeting["has_transcript"])
    latest = await zoom.get(f"/meetings/{meeting['id']}/recordings")
    for meeting_id in (meeting["id"], str(meeting["id"])):
        transcript = await call_ok(client, "get_meeting_transcript", {"meeting_id_or_uuid": meeting_id})
        assert transcript["uuid"] == latest["uuid"]


async def test_long_transcripts_are_paged_not_truncated(client: Client) -> None:
    longest = None
    for meeting in await recorded(client):
        if meeting["has_transcript"]:
            first = await call_ok(client, "get_meeting_transcript", {"meeting_id_or_uuid": meeting["uuid"]})
            if longest is None or first["total_cues"] > longest["total_cues"]:
                longest = first
    assert longest is not None
    assert longest["total_cues"] >= 300, "the sandbox seeds one long transcript"
    cues: list[dict[str, object]] = []
    offset = 0
    while True:
        page = await call_ok(
            client,
            "get_meeting_transcript",
            {"meeting_id_or_uuid": longest["uuid"], "offset": offset, "max_cues": 100, "include_cues": True},
        )
        assert page["offset"] == offset
        assert len(page["text"].splitlines()) == len(page["cues"])
        cues += page["cues"]
        if "next_offset" not in page:
            break
        offset = page["next_offset"]
    assert len(cues) == longest["total_cues"]


async def test_a_transcript_page_carries_its_lines_once_unless_cues_are_asked_for(client: Client) -> None:
    meeting = next(meeting for meeting in await recorded(client) if meeting["has_transcript"])
    plain = await call_ok(client, "get_meeting_transcript", {"meeting_id_or_uuid": meeting["uuid"], "max_cues": 5})
    both = await call_ok(
        client, "get_meeting_transcript", {"meeting_id_or_uuid": meeting["uuid"], "max_cues": 5, "include_cues": True}
    )
    assert "cues" not in plain
    assert plain["text"] == both["text"]
    assert [f"[{cue['start']}] {cue['speaker']}: {cue['text']}" for cue in both["cues"]] == plain["text"].splitlines()


async def test_missing_recording_is_an_actionable_error(client: Client) -> None:
    message = await call_error(client, "get_meeting_transcript", {"meeting_id_or_uuid": "98765432109"})
    assert "3301" in message
    assert "list_recordings" in message
    assert message.lower().count("no recording") + message.lower().count("no cloud recording") == 1, message


async def test_offset_past_the_end_is_refused(client: Client) -> None:
    meeting = next(meeting for meeting in await recorded(client) if meeting["has_transcript"])
    message = await call_error(
        client, "get_meeting_transcript", {"meeting_id_or_uuid": meeting["uuid"], "offset": 100000}
    )
    assert "past the end" in message
