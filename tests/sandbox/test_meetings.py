from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest

from tests.sandbox.conftest import START, FakeClock
from zoom_mcp.server.sandbox import Sandbox

pytestmark = pytest.mark.anyio


async def create(api: httpx2.AsyncClient, **body: Any) -> httpx2.Response:
    return await api.post("users/me/meetings", json=body)


async def test_create_defaults(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    response = await create(api, topic="Planning")
    assert response.status_code == 201
    meeting = response.json()
    assert 10**10 <= meeting["id"] < 10**11
    assert meeting["type"] == 2
    assert meeting["duration"] == 60
    assert meeting["timezone"] == "America/New_York"
    assert meeting["start_time"] == "2026-11-26T15:00:00Z"
    assert meeting["host_id"] == sandbox.state.owner_id
    assert meeting["host_email"] == "owner@sandbox.example.com"
    assert meeting["status"] == "waiting"
    assert meeting["pre_schedule"] is False
    assert len(meeting["password"]) == 6
    assert meeting["password"].isalnum()
    assert meeting["h323_password"].isdigit()
    assert meeting["pstn_password"] == meeting["h323_password"]
    pwd = meeting["encrypted_password"]
    assert len(pwd) == 32
    assert pwd.endswith(".1")
    assert meeting["join_url"] == f"https://us05web.zoom.us/j/{meeting['id']}?pwd={pwd}"
    assert meeting["start_url"].startswith(f"https://us05web.zoom.us/s/{meeting['id']}?zak=")
    assert len(meeting["uuid"]) == 24
    assert meeting["uuid"].endswith("==")
    assert meeting["settings"]["waiting_room"] is False
    assert meeting["id"] in sandbox.state.meetings


async def test_create_without_default_password(api: httpx2.AsyncClient) -> None:
    meeting = (await create(api, topic="Open", default_password=False)).json()
    assert "password" not in meeting
    assert meeting["join_url"] == f"https://us05web.zoom.us/j/{meeting['id']}"
    # Zoom requires some protection: without a passcode the meeting gets a waiting room.
    assert meeting["settings"]["waiting_room"] is True


async def test_create_with_given_password_and_settings(api: httpx2.AsyncClient) -> None:
    meeting = (
        await create(api, password="123456", settings={"mute_upon_entry": True, "unknown": 1}, extra_field="x")
    ).json()
    assert meeting["password"] == meeting["h323_password"] == "123456"
    assert meeting["settings"]["mute_upon_entry"] is True
    assert "unknown" not in meeting["settings"]
    assert "extra_field" not in meeting


@pytest.mark.parametrize(
    ("start_time", "timezone", "expected_start"),
    [
        ("2026-12-01T09:00:00Z", None, "2026-12-01T09:00:00Z"),
        ("2026-12-01T09:00:00", "Europe/Paris", "2026-12-01T08:00:00Z"),
        ("2026-07-01T09:00:00", "Europe/Paris", "2026-11-26T15:00:00Z"),  # in the past: now
        ("2026-12-01T09:00:00", None, "2026-12-01T14:00:00Z"),  # the host's America/New_York
        ("2026-12-01T09:00:00Z", "Asia/Tokyo", "2026-12-01T09:00:00Z"),
    ],
)
async def test_create_start_times(
    api: httpx2.AsyncClient, start_time: str, timezone: str | None, expected_start: str
) -> None:
    body: dict[str, Any] = {"topic": "t", "start_time": start_time}
    if timezone:
        body["timezone"] = timezone
    meeting = (await create(api, **body)).json()
    assert meeting["start_time"] == expected_start
    assert meeting["timezone"] == (timezone or "America/New_York")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"topic": "x" * 201}, ["topic"]),
        ({"agenda": "x" * 2001}, ["agenda"]),
        ({"password": "12345678901"}, ["password"]),
        ({"duration": 0}, ["duration"]),
        ({"duration": 1441}, ["duration"]),
        ({"type": 4}, ["type"]),
        ({"start_time": "2026-12-01 09:00"}, ["start_time"]),
        ({"start_time": "2026-12-01T09:00:00+01:00"}, ["start_time"]),
        ({"timezone": "Mars/Olympus"}, ["timezone"]),
        ({"type": 8}, ["recurrence"]),
        ({"type": 8, "recurrence": {"type": 1, "repeat_interval": 100}}, ["recurrence.repeat_interval"]),
        ({"type": 8, "recurrence": {"type": 2, "weekly_days": "8"}}, ["recurrence.weekly_days"]),
        ({"type": 8, "recurrence": {"type": 3, "monthly_day": 32}}, ["recurrence.monthly_day"]),
        ({"type": 8, "recurrence": {"type": 1, "end_times": 61}}, ["recurrence.end_times"]),
        (
            {"type": 8, "recurrence": {"type": 1, "end_times": 2, "end_date_time": "2026-12-30T00:00:00Z"}},
            ["recurrence.end_date_time"],
        ),
        ({"type": 8, "recurrence": {"type": 5}}, ["recurrence.type"]),
        (
            {"topic": "x" * 201, "duration": 5000, "settings": {"audio": "pigeon"}},
            ["topic", "duration", "settings.audio"],
        ),
    ],
)
async def test_create_validation(
    api: httpx2.AsyncClient, sandbox: Sandbox, body: dict[str, Any], fields: list[str]
) -> None:
    before = len(sandbox.state.meetings)
    response = await create(api, **body)
    assert response.status_code == 400
    assert response.json() == {
        "code": 300,
        "message": "Validation Failed.",
        "errors": [{"field": f, "message": "Invalid field."} for f in fields],
    }
    assert len(sandbox.state.meetings) == before


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b""])
async def test_create_with_malformed_json(api: httpx2.AsyncClient, raw: bytes) -> None:
    response = await api.post("users/me/meetings", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"code": 300, "message": "Request Body should be a valid JSON object."}


async def test_create_for_unknown_or_inactive_user(api: httpx2.AsyncClient) -> None:
    assert (await api.post("users/ghost@x.example/meetings", json={})).json()["code"] == 1001
    inactive = await api.post("users/jonas.berg@sandbox.example.com/meetings", json={})
    assert inactive.status_code == 400
    assert inactive.json()["code"] == 3161


async def test_daily_create_update_limit(clock: FakeClock) -> None:
    sandbox = Sandbox(seed=1, clock=clock, daily_create_update_limit=3)
    async with httpx2.AsyncClient(transport=sandbox.transport(), base_url="http://zoom.sandbox") as client:
        from tests.sandbox.conftest import fetch_token

        client.headers["Authorization"] = f"Bearer {await fetch_token(client)}"
        created = (await client.post("/v2/users/me/meetings", json={"topic": "a"})).json()
        await client.post("/v2/users/me/meetings", json={"topic": "b"})
        assert (await client.patch(f"/v2/meetings/{created['id']}", json={"topic": "c"})).status_code == 204
        refused = await client.post("/v2/users/me/meetings", json={"topic": "d"})
        assert refused.status_code == 429
        assert refused.json() == {
            "code": 429,
            "message": "You have exceeded the daily rate limit (3) of Meeting Create/Update API requests permitted "
            "for this particular user. You may resume these requests at GMT 00:00:00.",
        }
        assert refused.headers["X-RateLimit-Type"] == "Daily-limit"
        assert refused.headers["Retry-After"] == "2026-11-27T00:00:00Z"
        assert (await client.patch(f"/v2/meetings/{created['id']}", json={"topic": "e"})).status_code == 429
        # Other hosts have their own allowance, and the next UTC day starts afresh.
        assert (await client.post("/v2/users/mia+zoom@sandbox.example.com/meetings", json={})).status_code == 201
        clock.now = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)
        client.headers["Authorization"] = f"Bearer {await fetch_token(client)}"
        assert (await client.post("/v2/users/me/meetings", json={"topic": "f"})).status_code == 201


async def walk(api: httpx2.AsyncClient, path: str, key: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    token = ""
    total = -1
    while True:
        query = {**params, **({"next_page_token": token} if token else {})}
        response = await api.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body[key]) <= body["page_size"]
        total = body["total_records"]
        items += body[key]
        token = body["next_page_token"]
        if not token:
            return items, total


async def test_list_meetings_walks_every_page(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    for n in range(7):
        await create(api, topic=f"extra {n}", start_time=f"2026-12-1{n}T10:00:00Z")
    owned = [m for m in sandbox.state.meetings.values() if m.host_id == sandbox.state.owner_id]
    meetings, total = await walk(api, "users/me/meetings", "meetings", page_size=3)
    assert total == len(owned) == len(meetings)
    assert {m["id"] for m in meetings} == {m.id for m in owned}
    assert all(
        set(m)
        <= {
            "uuid",
            "id",
            "host_id",
            "topic",
            "type",
            "start_time",
            "duration",
            "timezone",
            "agenda",
            "created_at",
            "join_url",
            "pmi",
        }
        for m in meetings
    )
    assert all(len(m.get("agenda", "")) <= 250 for m in meetings)
    assert any(len(m.agenda) > 250 for m in owned)


async def test_list_meeting_types(api: httpx2.AsyncClient) -> None:
    upcoming, _ = await walk(api, "users/me/meetings", "meetings", type="upcoming")
    previous, _ = await walk(api, "users/me/meetings", "meetings", type="previous_meetings")
    live, _ = await walk(api, "users/me/meetings", "meetings", type="live")
    assert live == []
    assert {m["topic"] for m in previous} >= {"Quarterly planning", "All-hands"}
    assert "Quarterly planning" not in {m["topic"] for m in upcoming}
    assert {"Product sync prep", "Team standup", "Open office hours"} <= {m["topic"] for m in upcoming}


@pytest.mark.parametrize("params", [{"type": "past"}, {"page_size": "301"}, {"page_size": "0"}, {"page_size": "x"}])
async def test_list_meetings_bad_query(api: httpx2.AsyncClient, params: dict[str, str]) -> None:
    response = await api.get("users/me/meetings", params=params)
    assert response.status_code == 400
    assert response.json()["code"] == 300


async def test_stale_page_token(api: httpx2.AsyncClient, clock: FakeClock) -> None:
    token = (await api.get("users/me/meetings", params={"page_size": 1})).json()["next_page_token"]
    clock.advance(minutes=16)
    response = await api.get("users/me/meetings", params={"page_size": 1, "next_page_token": token})
    assert response.status_code == 400


async def test_get_patch_delete(api: httpx2.AsyncClient) -> None:
    meeting = (await create(api, topic="Before", agenda="a")).json()
    fetched = await api.get(f"meetings/{meeting['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == meeting
    patched = await api.patch(
        f"meetings/{meeting['id']}",
        json={"topic": "After", "duration": 30, "settings": {"host_video": True}, "start_time": "2026-12-03T10:00:00Z"},
    )
    assert patched.status_code == 204
    assert patched.content == b""
    after = (await api.get(f"meetings/{meeting['id']}")).json()
    assert (after["topic"], after["duration"], after["start_time"]) == ("After", 30, "2026-12-03T10:00:00Z")
    assert after["settings"]["host_video"] is True
    assert after["agenda"] == "a"
    bad = await api.patch(f"meetings/{meeting['id']}", json={"duration": 0, "password": "a b"})
    assert [e["field"] for e in bad.json()["errors"]] == ["password", "duration"]
    assert (await api.delete(f"meetings/{meeting['id']}")).status_code == 204
    gone = await api.get(f"meetings/{meeting['id']}")
    assert gone.status_code == 404
    assert gone.json() == {"code": 3001, "message": f"Meeting does not exist: {meeting['id']}."}
    assert (await api.delete(f"meetings/{meeting['id']}")).status_code == 404
    assert (await api.patch(f"meetings/{meeting['id']}", json={})).status_code == 404


async def test_non_numeric_meeting_id(api: httpx2.AsyncClient) -> None:
    response = await api.get("meetings/abc")
    assert response.status_code == 400
    assert response.json()["code"] == 300


async def test_recurring_meeting_occurrences(api: httpx2.AsyncClient) -> None:
    meeting = (
        await create(
            api,
            topic="Weekly",
            type=8,
            start_time="2026-12-01T09:00:00",
            timezone="Europe/Paris",
            recurrence={"type": 2, "weekly_days": "4,2", "end_times": 4},
        )
    ).json()
    assert meeting["recurrence"] == {"type": 2, "repeat_interval": 1, "weekly_days": "2,4", "end_times": 4}
    starts = [o["start_time"] for o in meeting["occurrences"]]
    # 1 = Sunday, so "2,4" is Monday and Wednesday; 09:00 in Paris is 08:00 UTC in winter.
    assert starts == ["2026-12-02T08:00:00Z", "2026-12-07T08:00:00Z", "2026-12-09T08:00:00Z", "2026-12-14T08:00:00Z"]
    assert meeting["start_time"] == starts[0]
    first = meeting["occurrences"][0]
    assert first["occurrence_id"] == str(int(datetime(2026, 12, 2, 8, tzinfo=UTC).timestamp() * 1000))
    assert {o["status"] for o in meeting["occurrences"]} == {"available"}

    second_id = meeting["occurrences"][1]["occurrence_id"]
    response = await api.patch(
        f"meetings/{meeting['id']}", params={"occurrence_id": second_id}, json={"duration": 90, "topic": "ignored"}
    )
    assert response.status_code == 204
    one = (await api.get(f"meetings/{meeting['id']}", params={"occurrence_id": second_id})).json()
    assert one["duration"] == 90
    assert one["topic"] == "Weekly"
    assert one["start_time"] == starts[1]

    assert (await api.delete(f"meetings/{meeting['id']}", params={"occurrence_id": second_id})).status_code == 204
    after = (await api.get(f"meetings/{meeting['id']}")).json()
    assert [o["status"] for o in after["occurrences"]] == ["available", "deleted", "available", "available"]
    bad = await api.delete(f"meetings/{meeting['id']}", params={"occurrence_id": "123"})
    assert bad.status_code == 400
    assert bad.json() == {"code": 300, "message": "Invalid parameter: occurrence_id."}
    assert (
        await api.delete(f"meetings/{meeting['id']}", params={"cancel_meeting_reminder": "true"})
    ).status_code == 204
    assert (await api.get(f"meetings/{meeting['id']}")).status_code == 404


@pytest.mark.parametrize(
    ("recurrence", "expected"),
    [
        ({"type": 1, "repeat_interval": 2, "end_times": 3}, ["2026-12-01", "2026-12-03", "2026-12-05"]),
        ({"type": 3, "monthly_day": 31, "end_times": 3}, ["2026-12-31", "2027-01-31", "2027-03-31"]),
        ({"type": 3, "monthly_week": -1, "monthly_week_day": 6, "end_times": 2}, ["2026-12-25", "2027-01-29"]),
        ({"type": 1, "end_date_time": "2026-12-03T23:00:00Z"}, ["2026-12-01", "2026-12-02", "2026-12-03"]),
    ],
)
async def test_recurrence_kinds(api: httpx2.AsyncClient, recurrence: dict[str, Any], expected: list[str]) -> None:
    response = await create(api, type=8, start_time="2026-12-01T10:00:00Z", timezone="UTC", recurrence=recurrence)
    assert response.status_code == 201, response.text
    assert [o["start_time"][:10] for o in response.json()["occurrences"]] == expected


async def test_type_3_has_no_start_or_occurrences(api: httpx2.AsyncClient) -> None:
    meeting = (await create(api, type=3)).json()
    assert "start_time" not in meeting
    assert "occurrences" not in meeting


async def test_seeded_recurring_meeting_hides_previous_occurrences(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    standup = next(m for m in sandbox.state.meetings.values() if m.type == 8)
    current = (await api.get(f"meetings/{standup.id}")).json()["occurrences"]
    everything = (await api.get(f"meetings/{standup.id}", params={"show_previous_occurrences": "true"})).json()
    assert len(everything["occurrences"]) == 20 > len(current)
    assert all(o["start_time"] >= START.strftime("%Y-%m-%dT%H:%M:%SZ") for o in current)


async def test_past_meeting_instances(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    standup = next(m for m in sandbox.state.meetings.values() if m.type == 8)
    body = (await api.get(f"past_meetings/{standup.id}/instances")).json()
    assert len(body["meetings"]) == 2
    assert all(set(i) == {"uuid", "start_time"} for i in body["meetings"])
    assert (await api.get("past_meetings/12345678901/instances")).json()["code"] == 3001


async def test_list_meetings_date_filter_reads_the_listed_start_in_the_timezone(api: httpx2.AsyncClient) -> None:
    # 23:30 in New York on 1 December is 04:30 UTC on the 2nd.
    late = (await create(api, topic="Late", start_time="2026-12-01T23:30:00", timezone="America/New_York")).json()
    everything = (await api.get("users/me/meetings", params={"page_size": 300})).json()["meetings"]
    assert late["id"] in {m["id"] for m in everything}

    async def listed(**params: str) -> set[int]:
        response = await api.get("users/me/meetings", params={"page_size": 300, **params})
        assert response.status_code == 200, response.text
        return {m["id"] for m in response.json()["meetings"]}

    assert late["id"] in await listed(**{"from": "2026-12-01", "to": "2026-12-01", "timezone": "America/New_York"})
    assert late["id"] not in await listed(**{"from": "2026-12-01", "to": "2026-12-01", "timezone": "UTC"})
    assert late["id"] in await listed(**{"from": "2026-12-02", "timezone": "UTC"})
    without_time = {m["id"] for m in everything if m["type"] == 3}
    assert without_time
    assert not without_time & await listed(**{"from": "2020-01-01"})


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "tomorrow"}, "to"),
        ({"from": "2026-12-01", "timezone": "Mars/Base"}, "timezone"),
    ],
)
async def test_list_meetings_date_filter_rejects_bad_values(
    api: httpx2.AsyncClient, params: dict[str, str], field: str
) -> None:
    response = await api.get("users/me/meetings", params=params)
    assert response.status_code == 400
    assert response.json()["code"] == 300
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize(
    ("behaviour", "status", "held"),
    [("ignore", 204, "2026-12-03T10:00:00Z"), ("alter", 204, "2026-11-26T15:00:00Z"), ("reject", 400, None)],
)
async def test_a_past_start_on_update_is_ignored_altered_or_rejected_as_switched(
    api: httpx2.AsyncClient, sandbox: Sandbox, behaviour: str, status: int, held: str | None
) -> None:
    """The spec says PATCH ignores a past start_time; real Zoom is unverified, so each behaviour can be played."""
    sandbox.past_start_on_update = behaviour  # type: ignore[assignment]
    meeting = (await create(api, topic="move me", start_time="2026-12-03T10:00:00Z")).json()
    patched = await api.patch(f"meetings/{meeting['id']}", json={"start_time": "2026-11-20T10:00:00Z"})
    assert patched.status_code == status
    after = (await api.get(f"meetings/{meeting['id']}")).json()
    if held is None:
        assert [error["field"] for error in patched.json()["errors"]] == ["start_time"]
        assert after["start_time"] == "2026-12-03T10:00:00Z"
    else:
        assert after["start_time"] == held
