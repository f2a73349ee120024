"""Writes that do exactly what was asked, or say why not: through the protocol, against the sandbox.

Each table row is one way Zoom would silently ignore or alter a request: the server must refuse it before
sending, or catch it when re-reading, and never report success.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mcp import Client

from tests.conftest import RecordedSleeps, sandbox_settings
from tests.tool_calls.conftest import call_error, call_ok
from zoom_mcp.server.app import create_app
from zoom_mcp.server.sandbox import Fault, Sandbox
from zoom_mcp.server.zoom.retry import RetryPolicy

pytestmark = pytest.mark.anyio
WEEKLY_MONDAYS = {"type": "weekly", "weekly_days": [2], "end_times": 4}


def future(days: int, hour: int = 15) -> str:
    moment = (datetime.now(UTC) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sent(sandbox: Sandbox, method: str) -> list[Any]:
    return [request for request in sandbox.stats.requests if request.method == method and "/v2/" in request.path]


# -- refused before anything is sent ----------------------------------------------------------------------

REFUSED_CREATES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("past start", {"start_time": "2020-01-06T10:00:00Z"}, ["in the past", "type instant"]),
    ("past local start", {"start_time": "2020-01-06T10:00:00", "timezone": "Europe/Paris"}, ["in the past"]),
    ("start on an instant meeting", {"type": "instant", "start_time": future(3)}, ["not used by instant meetings"]),
    (
        "series without an end",
        {"start_time": future(3), "recurrence": {"type": "weekly", "weekly_days": [2]}},
        ["say how the series ends", "end_times", "end_date_time"],
    ),
    (
        "fixed-time series without an end",
        {"start_time": future(3), "recurrence": {"type": "daily", "end_times": 0}},
        ["needs an end", "end_times 1 to 60"],
    ),
    (
        "nonexistent local time (clocks go forward)",
        {"start_time": "2031-03-30T02:30:00", "timezone": "Europe/Berlin"},
        ["does not exist in Europe/Berlin", "2031-03-30T01:30:00+01:00", "2031-03-30T03:30:00+02:00"],
    ),
    (
        "ambiguous local time (clocks go back)",
        {"start_time": "2031-11-02T01:30:00", "timezone": "America/New_York"},
        ["happens twice in America/New_York", "2031-11-02T05:30:00Z", "2031-11-02T06:30:00Z"],
    ),
]


@pytest.mark.parametrize(("case", "arguments", "phrases"), REFUSED_CREATES, ids=[row[0] for row in REFUSED_CREATES])
async def test_create_refuses_what_zoom_would_silently_change(
    client: Client, sandbox: Sandbox, case: str, arguments: dict[str, Any], phrases: list[str]
) -> None:
    message = await call_error(client, "create_meeting", {"topic": case, **arguments})
    for phrase in phrases:
        assert phrase in message
    assert sent(sandbox, "POST") == []


async def test_an_open_ended_series_is_possible_when_asked_for(client: Client) -> None:
    created = await call_ok(
        client, "create_meeting", {"topic": "office hours", "recurrence": {"type": "daily", "end_times": 0}}
    )
    assert created["type"] == "recurring_no_fixed_time"
    assert created["recurrence"]["end_times"] == 0


async def test_every_monday_means_every_monday(client: Client, sandbox: Sandbox) -> None:
    created = await call_ok(
        client, "create_meeting", {"topic": "standup", "start_time": future(3), "recurrence": WEEKLY_MONDAYS}
    )
    assert len(created["occurrences"]) == 4
    assert sent(sandbox, "POST")[-1].json["recurrence"]["end_times"] == 4


async def create_single(client: Client, **arguments: Any) -> dict[str, Any]:
    return await call_ok(
        client,
        "create_meeting",
        {"topic": "single", "start_time": future(10), "timezone": "America/New_York", **arguments},
    )


async def create_series(client: Client) -> dict[str, Any]:
    return await call_ok(
        client,
        "create_meeting",
        {
            "topic": "series",
            "start_time": f"{future(10)[:10]}T10:00:00",
            "timezone": "America/New_York",
            "recurrence": {"type": "daily", "end_times": 5},
        },
    )


REFUSED_UPDATES: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]], list[str]]] = [
    ("past start", lambda meeting: {"start_time": "2020-01-06T10:00:00Z"}, ["cannot be moved into the past"]),
    ("past local start", lambda meeting: {"start_time": "2020-01-06T10:00:00"}, ["cannot be moved into the past"]),
    (
        "nonexistent local time in the meeting's zone",
        lambda meeting: {"start_time": "2031-03-09T02:30:00"},
        ["does not exist in America/New_York"],
    ),
    (
        "series without an end",
        lambda meeting: {"recurrence": {"type": "daily"}},
        ["say how the series ends"],
    ),
]


@pytest.mark.parametrize(("case", "arguments", "phrases"), REFUSED_UPDATES, ids=[row[0] for row in REFUSED_UPDATES])
async def test_update_refuses_what_zoom_would_silently_ignore(
    client: Client,
    sandbox: Sandbox,
    case: str,
    arguments: Callable[[dict[str, Any]], dict[str, Any]],
    phrases: list[str],
) -> None:
    meeting = await create_single(client)
    message = await call_error(client, "update_meeting", {"meeting_id": meeting["id"], **arguments(meeting)})
    for phrase in phrases:
        assert phrase in message
    assert sent(sandbox, "PATCH") == []


# -- local times mean the meeting's own zone ------------------------------------------------------------


async def test_a_local_time_moves_the_meeting_in_its_own_timezone(client: Client, sandbox: Sandbox) -> None:
    meeting = await create_single(client)
    day = future(12)[:10]
    updated = await call_ok(client, "update_meeting", {"meeting_id": meeting["id"], "start_time": f"{day}T09:00:00"})
    assert updated["start_time_local"].startswith(f"{day}T09:00:00-0")
    assert sent(sandbox, "PATCH")[-1].json["start_time"].endswith("Z")
    assert "timezone" not in sent(sandbox, "PATCH")[-1].json


async def test_one_occurrence_moves_in_the_series_timezone(client: Client) -> None:
    series = await create_series(client)
    occurrence_id, local_start = list(series["occurrences"].items())[1]
    day = local_start[:10]
    moved = await call_ok(
        client,
        "update_meeting",
        {"meeting_id": series["id"], "occurrence_id": occurrence_id, "start_time": f"{day}T16:00:00"},
    )
    assert moved["start_time_local"].startswith(f"{day}T16:00:00-0")


async def test_an_occurrence_refuses_a_timezone_without_suggesting_the_whole_series(client: Client) -> None:
    series = await create_series(client)
    occurrence = list(series["occurrences"])[1]
    arguments = {"meeting_id": series["id"], "occurrence_id": occurrence, "start_time": f"{future(11)[:10]}T16:00:00"}
    message = await call_error(client, "update_meeting", {**arguments, "timezone": "Europe/Paris"})
    assert "timezone belongs to the whole series" in message
    assert "meeting's own timezone" in message
    assert "occurrence_id" not in message
    assert "omit" not in message


# -- recurrence on a single meeting -----------------------------------------------------------------------


async def test_recurrence_on_a_single_meeting_makes_it_a_series(client: Client, sandbox: Sandbox) -> None:
    meeting = await create_single(client)
    updated = await call_ok(client, "update_meeting", {"meeting_id": meeting["id"], "recurrence": WEEKLY_MONDAYS})
    assert updated["type"] == "recurring_fixed_time"
    assert updated["recurrence"]["weekly_days"] == "2"
    assert len(updated["occurrences"]) == 4
    assert sent(sandbox, "PATCH")[-1].json["type"] == 8


# -- what Zoom holds is checked after the write ---------------------------------------------------------


def skewed(days: float) -> Sandbox:
    """A Zoom whose clock runs `days` ahead of the server's: a start the server sees as future is past to Zoom."""
    return Sandbox(seed=5, clock=lambda: datetime.now(UTC) + timedelta(days=days))


@pytest.mark.parametrize(
    ("behaviour", "phrases"),
    [
        ("ignore", ["did not apply it as asked", "start_time: asked"]),
        ("alter", ["did not apply it as asked", "start_time: asked"]),
        ("reject", ["Zoom answered 400 (code 300)", "start_time"]),
    ],
)
async def test_a_start_zoom_sees_as_past_is_never_reported_as_moved(
    retry: RetryPolicy, behaviour: str, phrases: list[str]
) -> None:
    zoom = skewed(days=2)
    zoom.past_start_on_update = behaviour  # type: ignore[assignment]
    async with Client(create_app(sandbox_settings(zoom), transport=zoom.transport(), retry=retry)) as client:
        meeting = await create_single(client)
        target = future(1)
        message = await call_error(client, "update_meeting", {"meeting_id": meeting["id"], "start_time": target})
        held = await call_ok(client, "get_meeting", {"meeting_id": meeting["id"]})
    for phrase in phrases:
        assert phrase in message
    assert held["start_time"] != target
    if behaviour != "reject":
        assert f"asked {target}, Zoom holds {held['start_time']}" in message


async def test_a_create_zoom_moves_to_now_is_reported_with_the_meeting_id(retry: RetryPolicy) -> None:
    zoom = skewed(days=2)
    async with Client(create_app(sandbox_settings(zoom), transport=zoom.transport(), retry=retry)) as client:
        message = await call_error(client, "create_meeting", {"topic": "tomorrow", "start_time": future(1)})
    created = [meeting for meeting in zoom.state.meetings.values() if meeting.topic == "tomorrow"]
    assert len(created) == 1
    assert f"Zoom created meeting {created[0].id}, but not as asked: start_time: asked {future(1)}" in message
    assert "Do not create it again" in message


# -- annotations match behaviour --------------------------------------------------------------------------


async def test_update_is_destructive_and_a_second_delete_changes_nothing(client: Client, sandbox: Sandbox) -> None:
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert tools["update_meeting"].annotations is not None
    assert tools["update_meeting"].annotations.destructive_hint is True
    assert tools["delete_meeting"].annotations is not None
    assert tools["delete_meeting"].annotations.idempotent_hint is True
    meeting = await create_single(client)
    before = len(sandbox.state.meetings)
    await call_ok(client, "delete_meeting", {"meeting_id": meeting["id"]})
    again = await call_error(client, "delete_meeting", {"meeting_id": meeting["id"]})
    assert "404 (code 3001)" in again
    assert len(sandbox.state.meetings) == before - 1
    assert len(sent(sandbox, "DELETE")) == 1


async def test_daily_limit_counts_only_writes(sleeps: RecordedSleeps) -> None:
    """Reading before and after a write costs reads, never a create/update request from the daily 100."""
    limited = Sandbox(seed=2, daily_create_update_limit=2)
    app = create_app(sandbox_settings(limited), transport=limited.transport(), retry=RetryPolicy(sleep=sleeps))
    async with Client(app) as client:
        meeting = await create_single(client)
        await call_ok(client, "update_meeting", {"meeting_id": meeting["id"], "duration": 20})


# -- "outcome unknown" comes from the request that failed -------------------------------------------------

MEETING = r"/v2/meetings/\d+"
CREATE = r"/v2/users/[^/]+/meetings"
UNKNOWN = "unknown whether"

OUTCOMES: list[tuple[str, str, Fault, list[str], list[str]]] = [
    (
        "5xx on the PATCH: may have been made",
        "update",
        Fault(method="PATCH", path=MEETING, status=503, times=4, after_handling=True),
        [UNKNOWN, "PATCH"],
        [],
    ),
    (
        "5xx re-reading after the PATCH: it was made",
        "update",
        Fault(method="GET", path=MEETING, status=503, times=4, skip=1),
        ["Zoom accepted the change (PATCH answered 204), but reading it back failed"],
        [UNKNOWN],
    ),
    (
        "5xx on the GET before a DELETE: nothing was sent",
        "delete",
        Fault(method="GET", path=MEETING, status=503, times=4),
        ["temporary failure"],
        [UNKNOWN],
    ),
    (
        "5xx on the DELETE: may have been made",
        "delete",
        Fault(method="DELETE", path=MEETING, status=503, times=4, after_handling=True),
        [UNKNOWN, "DELETE"],
        [],
    ),
    (
        "5xx on the POST: may have been made",
        "create",
        Fault(method="POST", path=CREATE, status=502, after_handling=True),
        [UNKNOWN, "POST"],
        [],
    ),
]


@pytest.mark.parametrize(("case", "tool", "fault", "present", "absent"), OUTCOMES, ids=[row[0] for row in OUTCOMES])
async def test_outcome_unknown_only_when_the_failed_request_was_a_write_that_reached_zoom(
    client: Client, sandbox: Sandbox, case: str, tool: str, fault: Fault, present: list[str], absent: list[str]
) -> None:
    meeting = await create_single(client)
    arguments: dict[str, Any] = {"meeting_id": meeting["id"]}
    sandbox.inject(fault)
    if tool == "create":
        message = await call_error(client, "create_meeting", {"topic": "faulty"})
    elif tool == "update":
        message = await call_error(client, "update_meeting", {**arguments, "duration": 45})
    else:
        message = await call_error(client, "delete_meeting", arguments)
    for phrase in present:
        assert phrase in message
    for phrase in absent:
        assert phrase not in message


async def test_a_hanging_token_endpoint_is_a_token_failure_not_an_unknown_write(
    sandbox: Sandbox, retry: RetryPolicy
) -> None:
    sandbox.inject(Fault(method="POST", path="/oauth/token", hang=True, times=10))
    app = create_app(sandbox_settings(sandbox, timeout_seconds=0.2), transport=sandbox.transport(), retry=retry)
    async with Client(app) as client:
        message = await call_error(client, "create_meeting", {"topic": "never sent"})
    assert "token endpoint did not answer in time" in message
    assert "nothing was sent to the Zoom API" in message
    assert UNKNOWN not in message
    assert sent(sandbox, "POST") == []


# -- meeting ids as people paste them ---------------------------------------------------------------------

PASTED_IDS: list[tuple[str, Callable[[int], object], bool]] = [
    ("a JSON number", lambda id_: id_, True),
    ("digits as a string", str, True),
    ("grouped with spaces", lambda id_: f"{str(id_)[:3]} {str(id_)[3:7]} {str(id_)[7:]}", True),
    ("grouped with dashes", lambda id_: f"{str(id_)[:3]}-{str(id_)[3:7]}-{str(id_)[7:]}", True),
    ("a join link", lambda id_: f"https://us05web.zoom.us/j/{id_}?pwd=aBc.1", True),
    ("a boolean", lambda id_: True, False),
    ("a float", lambda id_: float(id_), False),
    ("a join link off Zoom", lambda id_: f"https://zoom.us.example.net/j/{id_}", False),
    ("words", lambda id_: f"meeting {id_}", False),
]


@pytest.mark.parametrize(("case", "form", "accepted"), PASTED_IDS, ids=[row[0] for row in PASTED_IDS])
async def test_meeting_ids_as_people_paste_them(
    client: Client, sandbox: Sandbox, case: str, form: Callable[[int], object], accepted: bool
) -> None:
    meeting = await create_single(client)
    arguments = {"meeting_id": form(meeting["id"])}
    if accepted:
        assert (await call_ok(client, "get_meeting", arguments))["id"] == meeting["id"]
    else:
        message = await call_error(client, "get_meeting", arguments)
        assert "meeting_id" in message
        assert "85222310696" in message, "the refusal shows a valid example"
        assert sent(sandbox, "GET") == []
