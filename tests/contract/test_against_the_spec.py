"""What the client sends and reads, checked against Zoom's own OpenAPI specs (skipped when they are absent)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from pydantic import AliasChoices, BaseModel

from tests.spec_schemas import SPEC_DIR, query_parameters, response_schema, validate_request_body
from tests.tool_calls.conftest import call_ok
from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.zoom import models
from zoom_mcp.server.zoom.timezones import ZOOM_TIMEZONES

pytestmark = pytest.mark.anyio

# The path of each operation as the sandbox records it (decoded), to find what the client sent.
OPERATIONS = [
    ("GET", r"^/v2/users/[^/]+$", "user"),
    ("GET", r"^/v2/users$", "users"),
    ("GET", r"^/v2/users/[^/]+/meetings$", "meetings"),
    ("POST", r"^/v2/users/[^/]+/meetings$", "meetingCreate"),
    ("GET", r"^/v2/meetings/\d+$", "meeting"),
    ("PATCH", r"^/v2/meetings/\d+$", "meetingUpdate"),
    ("DELETE", r"^/v2/meetings/\d+$", "meetingDelete"),
    ("GET", r"^/v2/users/[^/]+/recordings$", "recordingsList"),
    ("GET", r"^/v2/meetings/.+/recordings$", "recordingGet"),
    ("GET", r"^/v2/past_meetings/\d+/instances$", "pastMeetings"),
    ("GET", r"^/v2/past_meetings/[^/]+$", "pastMeetingDetails"),
    ("GET", r"^/v2/past_meetings/.+/participants$", "pastMeetingParticipants"),
    ("GET", r"^/v2/meetings/.+/meeting_summary$", "Getameetingsummary"),
]


async def exercise_every_tool(client: Client) -> None:
    """Drive every tool with as many optional fields as it takes."""
    await call_ok(client, "get_user_info", {})
    await call_ok(client, "list_users", {"status": "active", "page_size": 1})
    await call_ok(client, "list_meetings", {"type": "upcoming", "page_size": 1})
    full = await call_ok(
        client,
        "create_meeting",
        {
            "topic": "Contract",
            "type": "scheduled",
            "start_time": "2031-02-03T10:00:00",
            "timezone": "Europe/Berlin",
            "duration": 40,
            "agenda": "All fields",
            "password": "a1@_*-",
            "host_video": True,
            "participant_video": False,
            "join_before_host": True,
            "mute_upon_entry": True,
            "waiting_room": False,
            "auto_recording": "cloud",
        },
    )
    series = await call_ok(
        client,
        "create_meeting",
        {
            "topic": "Contract series",
            "start_time": "2031-02-03T10:00:00Z",
            "recurrence": {"type": "monthly", "monthly_week": -1, "monthly_week_day": 6, "end_times": 3},
        },
    )
    await call_ok(
        client,
        "create_meeting",
        {
            "topic": "Monthly by day",
            "recurrence": {
                "type": "monthly",
                "monthly_day": 15,
                "repeat_interval": 2,
                "end_date_time": "2031-12-31T00:00:00Z",
            },
        },
    )
    await call_ok(client, "get_meeting", {"meeting_id": series["id"]})
    calendar = await call_ok(
        client, "list_meetings", {"from_date": "2031-02-01", "to_date": "2031-02-28", "timezone": "Europe/Berlin"}
    )
    assert series["id"] in {meeting["id"] for meeting in calendar["meetings"]}
    await call_ok(client, "list_meetings", {"topic_contains": "contract", "type": "upcoming"})
    await call_ok(
        client,
        "update_meeting",
        {
            "meeting_id": full["id"],
            "topic": "Contract 2",
            "agenda": "changed",
            "waiting_room": True,
            "recurrence": {"type": "weekly", "weekly_days": [1, 7], "repeat_interval": 2, "end_times": 4},
        },
    )
    occurrence = next(iter(series["occurrences"]))
    await call_ok(client, "update_meeting", {"meeting_id": series["id"], "occurrence_id": occurrence, "duration": 15})
    await call_ok(
        client,
        "delete_meeting",
        {"meeting_id": series["id"], "occurrence_id": occurrence, "cancel_meeting_reminder": True},
    )
    await call_ok(client, "delete_meeting", {"meeting_id": full["id"]})
    held = await call_ok(client, "list_meetings", {"type": "previous_meetings", "topic_contains": "planning"})
    await call_ok(client, "get_meeting_summary", {"meeting_id_or_uuid": held["meetings"][0]["id"]})
    await call_ok(client, "list_meeting_participants", {"meeting_id_or_uuid": held["meetings"][0]["id"]})
    recordings = await call_ok(client, "list_recordings", {"page_size": 5})
    await call_ok(client, "get_meeting_transcript", {"meeting_id_or_uuid": recordings["meetings"][0]["uuid"]})


async def test_request_bodies_fit_the_spec(client: Client, sandbox: Sandbox) -> None:
    await exercise_every_tool(client)
    bodies = {"POST": "meetingCreate", "PATCH": "meetingUpdate"}
    checked = 0
    for request in sandbox.stats.requests:
        if request.path.startswith("/v2/") and request.method in bodies:
            validate_request_body(bodies[request.method], request.json)
            checked += 1
    assert checked >= 5


async def test_query_parameters_are_documented(client: Client, sandbox: Sandbox) -> None:
    import re

    await exercise_every_tool(client)
    seen: set[str] = set()
    for request in sandbox.stats.requests:
        operation = next(
            (op for method, path, op in OPERATIONS if request.method == method and re.match(path, request.path)), None
        )
        if operation is None:
            continue
        seen.add(operation)
        undocumented = set(request.query) - query_parameters(operation)
        assert not undocumented, f"{operation} got undocumented query parameters {undocumented}"
    assert seen == {operation for _, _, operation in OPERATIONS}


def field_names(model: type[BaseModel]) -> dict[tuple[str, ...], type[BaseModel] | None]:
    """Each field's possible wire names (a generic page's list has one per endpoint) and its nested model."""
    nested: dict[tuple[str, ...], type[BaseModel] | None] = {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        inner = getattr(annotation, "__args__", (annotation,))
        sub = next((arg for arg in inner if isinstance(arg, type) and issubclass(arg, BaseModel)), None)
        if sub is None:
            sub = next(
                (
                    a
                    for arg in inner
                    for a in getattr(arg, "__args__", ())
                    if isinstance(a, type) and issubclass(a, BaseModel)
                ),
                None,
            )
        choices = field.validation_alias
        names = tuple(str(choice) for choice in choices.choices) if isinstance(choices, AliasChoices) else ()
        nested[names or (field.alias or name,)] = sub
    return nested


def assert_fields_documented(model: type[BaseModel], schema: dict[str, Any], where: str) -> None:
    properties = schema.get("properties", {})
    for names, sub in field_names(model).items():
        name = next((name for name in names if name in properties), None)
        assert name is not None, f"{where}.{'/'.join(names)} is not in Zoom's spec"
        if sub is not None:
            child = properties[name]
            child = child.get("items", child)
            assert_fields_documented(sub, child, f"{where}.{name}")


@pytest.mark.parametrize(
    ("model", "operation", "status"),
    [
        (models.User, "user", 200),
        (models.Page[models.UserSummary], "users", 200),
        (models.Page[models.MeetingListItem], "meetings", 200),
        (models.Meeting, "meetingCreate", 201),
        (models.Meeting, "meeting", 200),
        (models.RecordingList, "recordingsList", 200),
        (models.RecordedMeeting, "recordingGet", 200),
        (models.PastInstances, "pastMeetings", 200),
        (models.PastMeeting, "pastMeetingDetails", 200),
        (models.Page[models.Participant], "pastMeetingParticipants", 200),
        (models.MeetingSummaryRecord, "Getameetingsummary", 200),
    ],
)
def test_wire_models_read_only_documented_fields(model: type[BaseModel], operation: str, status: int) -> None:
    schema = response_schema(operation, status, strict=False)
    assert_fields_documented(model, schema, model.__name__)


@pytest.mark.parametrize(("model", "operation"), [(models.MeetingRequest, "meetingCreate")])
def test_request_models_write_only_documented_fields(model: type[BaseModel], operation: str) -> None:
    from tests.spec_schemas import request_body_schema

    assert_fields_documented(model, request_body_schema(operation, strict=False), model.__name__)


def test_every_timezone_the_spec_shows_is_one_we_accept() -> None:
    """Meetings.json does not list Zoom's timezones: each `timezone` input links to the abbreviation list our
    table is taken from. The timezones the spec does show for inputs (examples, enums) must be in that table."""
    spec_path = SPEC_DIR / "Meetings.json"
    if not spec_path.is_file():
        pytest.skip("Zoom's OpenAPI spec is absent (reference data kept outside the repository)")
    shown: set[str] = set()
    links: list[str] = []

    def note(timezone: dict[str, Any]) -> None:
        shown.update(value for value in [timezone.get("example"), *timezone.get("enum", [])] if value)
        links.append(str(timezone.get("description", "")))

    def walk(node: object, in_input: bool) -> None:
        if isinstance(node, dict):
            if in_input and isinstance(node.get("timezone"), dict):
                note(node["timezone"])
            if in_input and node.get("name") == "timezone" and isinstance(node.get("schema"), dict):
                note({**node["schema"], "description": node.get("description", "")})
            for key, value in node.items():
                walk(value, in_input or key in {"requestBody", "parameters"})
        elif isinstance(node, list):
            for value in node:
                walk(value, in_input)

    walk(json.loads(spec_path.read_text(encoding="utf-8")), in_input=False)
    assert shown, "the spec shows no input timezone any more: recheck where Zoom lists them"
    assert shown <= set(ZOOM_TIMEZONES), sorted(shown - set(ZOOM_TIMEZONES))
    assert any("abbreviation" in link and "#timezones" in link for link in links)
