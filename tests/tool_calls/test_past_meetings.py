"""get_meeting_summary and list_meeting_participants through the protocol, against the sandbox's held meetings."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from mcp import Client

from tests.tool_calls.conftest import ZoomDirect, call_error, call_ok, parse_local
from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.sandbox.model import PastInstance

pytestmark = pytest.mark.anyio


def held(sandbox: Sandbox, topic: str) -> PastInstance:
    return max((i for i in sandbox.state.instances if i.topic == topic), key=lambda i: i.start_time)


async def test_summary_of_the_latest_instance_by_meeting_id(client: Client, sandbox: Sandbox) -> None:
    instance = held(sandbox, "Quarterly planning")
    notes = await call_ok(client, "get_meeting_summary", {"meeting_id_or_uuid": instance.meeting_id})
    assert instance.summary is not None
    assert notes["uuid"] == instance.uuid
    assert notes["topic"] == "Quarterly planning"
    assert notes["summary"] == instance.summary.content
    assert "## Next steps" in notes["summary"]
    assert "overview" not in notes, "the Markdown already holds the recap: nothing twice"
    assert notes["timezone"] == "America/New_York"
    assert parse_local(notes["start_time_local"]).utcoffset() == ZoneInfo("America/New_York").utcoffset(
        parse_local(notes["start_time_local"]).replace(tzinfo=None)
    )
    assert notes["start_time"].endswith("Z")


async def test_summary_of_a_given_instance_uuid_needing_double_encoding(client: Client, sandbox: Sandbox) -> None:
    instance = held(sandbox, "Quarterly planning")
    assert instance.uuid.startswith("/"), "the seed gives this meeting a uuid Zoom wants double-encoded"
    notes = await call_ok(client, "get_meeting_summary", {"meeting_id_or_uuid": instance.uuid})
    assert notes["uuid"] == instance.uuid
    path = next(r.path for r in reversed(sandbox.stats.requests) if r.path.endswith("/meeting_summary"))
    # Recorded as the sandbox sees it, decoded once: still encoded, so it was sent encoded twice.
    assert path == f"/v2/meetings/{quote(instance.uuid, safe='')}/meeting_summary"


async def test_a_series_offers_its_earlier_instances(client: Client, sandbox: Sandbox) -> None:
    standups = sorted((i for i in sandbox.state.instances if i.topic == "Team standup"), key=lambda i: i.start_time)
    notes = await call_ok(client, "get_meeting_summary", {"meeting_id_or_uuid": standups[-1].meeting_id})
    assert notes["uuid"] == standups[-1].uuid
    assert [i["uuid"] for i in notes["earlier_instances"]] == [i.uuid for i in reversed(standups[:-1])]
    assert all(i["start_time_local"].endswith(")") for i in notes["earlier_instances"])
    earlier = await call_ok(client, "get_meeting_summary", {"meeting_id_or_uuid": standups[0].uuid})
    assert earlier["uuid"] == standups[0].uuid
    assert "earlier_instances" not in earlier


async def test_summary_disabled_for_the_host(client: Client, sandbox: Sandbox) -> None:
    instance = held(sandbox, "Candidate interview")
    message = await call_error(client, "get_meeting_summary", {"meeting_id_or_uuid": instance.meeting_id})
    assert "code 3000" in message
    assert "Meeting Summary with AI Companion" in message
    assert "get_meeting_transcript" in message


async def test_no_summary_for_a_held_meeting(client: Client, sandbox: Sandbox) -> None:
    instance = held(sandbox, "1:1 Avery / Mia")
    assert instance.summary is None
    message = await call_error(client, "get_meeting_summary", {"meeting_id_or_uuid": instance.meeting_id})
    assert "no AI Companion summary" in message
    assert "get_meeting_transcript" in message


async def test_no_summary_before_the_meeting_ends(client: Client, zoom: ZoomDirect) -> None:
    upcoming = await zoom.get("/users/me/meetings", type="upcoming")
    meeting = next(m for m in upcoming["meetings"] if m["topic"] == "Product sync prep")
    message = await call_error(client, "get_meeting_summary", {"meeting_id_or_uuid": meeting["id"]})
    assert "has not taken place and ended" in message


async def test_participants_merge_a_rejoin(client: Client, sandbox: Sandbox) -> None:
    instance = held(sandbox, "Quarterly planning")
    rejoined = [r for r in instance.participants if sum(o.id == r.id for o in instance.participants) > 1]
    assert len(rejoined) == 2, "the seed has one person drop out and come back"
    assert rejoined[0].user_id != rejoined[1].user_id, "Zoom gives each join its own per-meeting user_id"
    page = await call_ok(client, "list_meeting_participants", {"meeting_id_or_uuid": instance.meeting_id})
    people = {person["name"]: person for person in page["participants"]}
    assert page["total_people"] == len({r.id for r in instance.participants}) == len(page["participants"])
    person = people[rejoined[0].name]
    assert person["joins"] == 2
    seconds = sum(int((r.leave_time - r.join_time).total_seconds()) for r in rejoined)
    assert person["minutes"] == round(seconds / 60)
    assert person["join_time"] == rejoined[0].join_time.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert person["leave_time"] == rejoined[1].leave_time.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert person["email"] == rejoined[0].email
    assert person["join_time_local"].startswith(
        rejoined[0].join_time.astimezone(ZoneInfo("America/New_York")).strftime("%Y-%m-%dT%H:%M")
    )
    assert all("joins" not in p for name, p in people.items() if name != rejoined[0].name)
    assert page["topic"] == "Quarterly planning"


async def test_guests_have_no_email(client: Client, sandbox: Sandbox) -> None:
    instance = held(sandbox, "Vendor demo")
    page = await call_ok(client, "list_meeting_participants", {"meeting_id_or_uuid": instance.uuid})
    guests = [p for p in page["participants"] if p["name"] in {"Dana Whitfield (Acme)", "Sam Ortiz"}]
    assert len(guests) == 2
    assert all("email" not in guest for guest in guests)


async def test_participants_page_by_person(client: Client, sandbox: Sandbox) -> None:
    instance = held(sandbox, "Vendor demo")
    names: list[str] = []
    arguments: dict[str, Any] = {"meeting_id_or_uuid": instance.uuid, "page_size": 2}
    while True:
        page = await call_ok(client, "list_meeting_participants", arguments)
        names += [p["name"] for p in page["participants"]]
        if "next_page_token" not in page:
            break
        arguments["next_page_token"] = page["next_page_token"]
    assert len(names) == len(set(names)) == page["total_people"] >= 4


async def test_a_meeting_held_alone_has_no_participant_list(client: Client, sandbox: Sandbox) -> None:
    instance = held(sandbox, "Focus block")
    page = await call_ok(client, "list_meeting_participants", {"meeting_id_or_uuid": instance.meeting_id})
    assert page["participants"] == []
    assert page["total_people"] == 0
    assert "only one person" in page["note"]


async def test_participants_of_a_meeting_not_held(client: Client, zoom: ZoomDirect) -> None:
    upcoming = await zoom.get("/users/me/meetings", type="upcoming")
    meeting = next(m for m in upcoming["meetings"] if m["topic"] == "Design review: onboarding flow")
    message = await call_error(client, "list_meeting_participants", {"meeting_id_or_uuid": meeting["id"]})
    assert "not taken place and ended" in message
    unknown = await call_error(client, "list_meeting_participants", {"meeting_id_or_uuid": "A" * 22 + "=="})
    assert "3001" in unknown
    assert "not ended yet or the id/uuid is wrong" in unknown


async def test_a_foreign_page_token_is_refused(client: Client, sandbox: Sandbox) -> None:
    instance = held(sandbox, "Vendor demo")
    message = await call_error(
        client, "list_meeting_participants", {"meeting_id_or_uuid": instance.uuid, "next_page_token": "xyz"}
    )
    assert "next_page_token" in message


async def test_attendance_of_an_earlier_instance_of_a_series(client: Client, sandbox: Sandbox) -> None:
    standups = sorted((i for i in sandbox.state.instances if i.topic == "Team standup"), key=lambda i: i.start_time)
    latest = await call_ok(client, "list_meeting_participants", {"meeting_id_or_uuid": standups[-1].meeting_id})
    assert latest["uuid"] == standups[-1].uuid
    assert [i["uuid"] for i in latest["earlier_instances"]] == [i.uuid for i in reversed(standups[:-1])]
    chosen = latest["earlier_instances"][0]["uuid"]
    earlier = await call_ok(client, "list_meeting_participants", {"meeting_id_or_uuid": chosen})
    assert earlier["uuid"] == chosen
    assert {p["name"] for p in earlier["participants"]} == {r.name for r in standups[-2].participants}
