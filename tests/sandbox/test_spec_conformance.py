"""Every success body the sandbox sends must fit Zoom's OpenAPI spec, with no invented keys."""

from urllib.parse import quote

import httpx2
import jsonschema
import pytest

from tests.spec_schemas import request_body_schema, validate_request_body, validate_response
from zoom_mcp.server.sandbox import Sandbox

pytestmark = pytest.mark.anyio


async def test_user(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    for user in sandbox.state.users:
        validate_response("user", 200, (await api.get(f"users/{user.id}")).json())


async def test_users(api: httpx2.AsyncClient) -> None:
    for status in ("active", "pending", "inactive"):
        validate_response("users", 200, (await api.get("users", params={"status": status})).json())


async def test_meetings_list(api: httpx2.AsyncClient) -> None:
    for kind in ("scheduled", "upcoming", "previous_meetings"):
        validate_response("meetings", 200, (await api.get("users/me/meetings", params={"type": kind})).json())


async def test_meeting_create_and_get(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    bodies = [
        {"topic": "Plain"},
        {"topic": "No passcode", "default_password": False, "tracking_fields": [{"field": "team", "value": "a"}]},
        {"type": 3, "recurrence": {"type": 1}},
        {
            "type": 8,
            "start_time": "2026-12-01T09:00:00",
            "timezone": "Europe/Paris",
            "recurrence": {"type": 2, "weekly_days": "2,4", "end_times": 6},
            "settings": {"waiting_room": True, "auto_recording": "cloud"},
        },
    ]
    for body in bodies:
        validate_request_body("meetingCreate", body)
        created = await api.post("users/me/meetings", json=body)
        validate_response("meetingCreate", 201, created.json())
    for meeting in list(sandbox.state.meetings.values()):
        validate_response("meeting", 200, (await api.get(f"meetings/{meeting.id}")).json())


async def test_recordings(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    listing = (await api.get("users/me/recordings", params={"from": "2026-11-01"})).json()
    validate_response("recordingsList", 200, listing)
    for instance in (held for held in sandbox.state.instances if held.files):
        encoded = quote(quote(instance.uuid, safe=""), safe="")
        params = {"include_fields": "download_access_token"}
        validate_response("recordingGet", 200, (await api.get(f"meetings/{encoded}/recordings", params=params)).json())


async def test_past_meeting_instances(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    for meeting_id in {i.meeting_id for i in sandbox.state.instances}:
        validate_response("pastMeetings", 200, (await api.get(f"past_meetings/{meeting_id}/instances")).json())


async def test_past_meeting_details_participants_and_summaries(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    summaries = 0
    for instance in sandbox.state.instances:
        encoded = quote(quote(instance.uuid, safe=""), safe="")
        validate_response("pastMeetingDetails", 200, (await api.get(f"past_meetings/{encoded}")).json())
        validate_response(
            "pastMeetingParticipants", 200, (await api.get(f"past_meetings/{encoded}/participants")).json()
        )
        answer = await api.get(f"meetings/{encoded}/meeting_summary")
        if answer.status_code == 200:
            validate_response("Getameetingsummary", 200, answer.json())
            summaries += 1
    assert summaries >= 4


async def test_checker_refuses_invented_keys(api: httpx2.AsyncClient) -> None:
    """The checker itself must be able to fail, at the top level and deep inside."""
    user = (await api.get("users/me")).json()
    with pytest.raises(jsonschema.ValidationError):
        validate_response("user", 200, {**user, "favourite_colour": "teal"})
    meeting = (await api.post("users/me/meetings", json={})).json()
    meeting["settings"]["hots_video"] = True
    with pytest.raises(jsonschema.ValidationError):
        validate_response("meetingCreate", 201, meeting)
    with pytest.raises(jsonschema.ValidationError):
        validate_response("meetings", 200, {"meetings": [{"id": "not-an-integer"}]})


def test_request_body_schema_is_strict() -> None:
    schema = request_body_schema("meetingCreate")
    assert schema["properties"]["topic"]["maxLength"] == 200
    with pytest.raises(jsonschema.ValidationError):
        validate_request_body("meetingCreate", {"topic": "t", "topc": "typo"})
    with pytest.raises(jsonschema.ValidationError):
        validate_request_body("meetingCreate", {"duration": 0})
