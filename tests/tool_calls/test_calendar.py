"""list_meetings as a calendar and get_user_info's "now", through the protocol, on a sandbox with a set clock.

The user lives in Pacific/Auckland (UTC+12, +13 from the last Sunday of September): far from UTC, so a
local day and a UTC day differ, and "tomorrow" below is the 23-hour day on which daylight saving starts.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from mcp import Client

from tests.conftest import sandbox_settings
from tests.tool_calls.conftest import call_error, call_ok, parse_local, start_utc
from zoom_mcp.server.app import create_app
from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.settings import Settings
from zoom_mcp.server.zoom.retry import RetryPolicy

pytestmark = pytest.mark.anyio

AUCKLAND = ZoneInfo("Pacific/Auckland")
# Saturday 26 September 2026, 10:00 in Auckland; tomorrow (Sunday 27th) clocks go from 02:00 to 03:00.
NOW = datetime(2026, 9, 26, 10, 0, tzinfo=AUCKLAND).astimezone(UTC)
TOMORROW = date(2026, 9, 27)


@dataclass
class SetClock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def wall_clock() -> SetClock:
    return SetClock()


@pytest.fixture
def sandbox(wall_clock: SetClock) -> Sandbox:
    sandbox = Sandbox(seed=7, clock=wall_clock)
    sandbox.state.users[0].timezone = "Pacific/Auckland"
    return sandbox


@pytest.fixture
async def client(
    settings: Settings, sandbox: Sandbox, retry: RetryPolicy, wall_clock: SetClock
) -> AsyncIterator[Client]:
    app = create_app(settings, transport=sandbox.transport(), retry=retry, clock=wall_clock)
    async with Client(app) as connected:
        yield connected


async def schedule(client: Client, topic: str, local_start: str, **extra: Any) -> dict[str, Any]:
    return await call_ok(
        client, "create_meeting", {"topic": topic, "start_time": local_start, "timezone": "Pacific/Auckland", **extra}
    )


def expected_from_the_sandbox(sandbox: Sandbox, first: date, last: date, zone: ZoneInfo) -> list[tuple[int, str]]:
    """The oracle: (meeting id, UTC start) of everything the owner hosts that starts within the days."""
    start = datetime.combine(first, time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    found = []
    for meeting in sandbox.state.meetings_of(sandbox.state.owner_id):
        if meeting.type == 8:
            instants = [o.start_time for o in meeting.occurrences if o.status == "available"]
        elif meeting.type == 2 and meeting.start_time is not None:
            instants = [meeting.start_time]
        else:
            instants = []
        found += [(meeting.id, i.strftime("%Y-%m-%dT%H:%M:%SZ")) for i in instants if start <= i < end]
    return sorted(found, key=lambda item: (item[1], item[0]))


async def test_get_user_info_gives_now_in_the_users_timezone(client: Client, zoom: Any) -> None:
    me = await call_ok(client, "get_user_info", {})
    assert me["timezone"] == "Pacific/Auckland"
    assert me["current_time_local"] == "2026-09-26T10:00:00+12:00 (Sat)"
    assert "Server-to-Server" in me["me_is"]
    owner = await zoom.get("/users/me")
    users = (await zoom.get("/users", status="active"))["users"]
    other = next(user for user in users if user["id"] != owner["id"])
    them = await call_ok(client, "get_user_info", {"user_id": other["email"]})
    assert "me_is" not in them
    assert parse_local(them["current_time_local"]) == NOW


async def test_tomorrow_across_midnight_and_a_dst_change(client: Client, sandbox: Sandbox) -> None:
    inside = [
        await schedule(client, "Just after midnight", "2026-09-27T00:30:00"),  # 26th 12:30 UTC: a UTC day earlier
        await schedule(client, "Late Sunday", "2026-09-27T23:30:00"),  # after the change: +13:00
    ]
    outside = [
        await schedule(client, "Saturday night", "2026-09-26T23:45:00"),
        await schedule(client, "Monday early", "2026-09-28T00:15:00"),
    ]
    weekend = {"type": "weekly", "weekly_days": [7, 1], "end_times": 6}
    # Listed by Zoom at today's occurrence; tomorrow's is the one asked for.
    series = await schedule(client, "Weekend check-in", "2026-09-26T18:00:00", recurrence=weekend)
    mondays = await schedule(
        client,
        "Monday planning",
        "2026-09-28T09:00:00",
        recurrence={"type": "weekly", "weekly_days": [2], "end_times": 4},
    )
    monthly_27th = await schedule(
        client,
        "Monthly review",
        "2026-09-27T12:00:00",
        recurrence={"type": "monthly", "monthly_day": 27, "end_times": 3},
    )
    monthly_28th = await schedule(
        client,
        "Monthly budget",
        "2026-09-28T12:00:00",
        recurrence={"type": "monthly", "monthly_day": 28, "end_times": 3},
    )

    page = await call_ok(client, "list_meetings", {"from_date": TOMORROW.isoformat()})

    assert (page["from_date"], page["to_date"], page["timezone"]) == ("2026-09-27", "2026-09-27", "Pacific/Auckland")
    listed = [(meeting["id"], start_utc(meeting)) for meeting in page["meetings"]]
    assert listed == expected_from_the_sandbox(sandbox, TOMORROW, TOMORROW, AUCKLAND)
    ids = {meeting["id"] for meeting in page["meetings"]}
    assert {m["id"] for m in inside} <= ids
    assert not {m["id"] for m in outside} & ids
    assert series["id"] in ids
    assert monthly_27th["id"] in ids
    assert mondays["id"] not in ids
    assert monthly_28th["id"] not in ids
    by_topic = {meeting["topic"]: meeting for meeting in page["meetings"]}
    assert start_utc(by_topic["Just after midnight"]) == "2026-09-26T12:30:00Z"
    assert by_topic["Just after midnight"]["start_time_local"] == "2026-09-27T00:30:00+12:00 (Sun)"
    assert by_topic["Late Sunday"]["start_time_local"] == "2026-09-27T23:30:00+13:00 (Sun)"
    check_in = by_topic["Weekend check-in"]
    assert check_in["start_time_local"] == "2026-09-27T18:00:00+13:00 (Sun)"
    assert check_in["occurrence_id"] in set(series["occurrences"])
    starts = [parse_local(meeting["start_time_local"]) for meeting in page["meetings"]]
    assert starts == sorted(starts)
    assert all(start.astimezone(AUCKLAND).date() == TOMORROW for start in starts)


async def test_a_future_range_shows_later_occurrences_of_series_listed_earlier(
    client: Client, sandbox: Sandbox
) -> None:
    monthly = await schedule(
        client,
        "Monthly review",
        "2026-09-27T12:00:00",
        recurrence={"type": "monthly", "monthly_day": 27, "end_times": 3},
    )
    weekly = await schedule(
        client,
        "Thursday sync",
        "2026-10-01T09:00:00",
        recurrence={"type": "weekly", "weekly_days": [5], "end_times": 3},
    )
    page = await call_ok(client, "list_meetings", {"from_date": "2026-10-25", "to_date": "2026-10-31"})
    listed = [(meeting["id"], start_utc(meeting)) for meeting in page["meetings"]]
    assert listed == expected_from_the_sandbox(sandbox, date(2026, 10, 25), date(2026, 10, 31), AUCKLAND)
    assert [m["start_time_local"] for m in page["meetings"] if m["id"] == monthly["id"]] == [
        "2026-10-27T12:00:00+13:00 (Tue)"
    ]
    assert weekly["id"] not in {m["id"] for m in page["meetings"]}, "its three Thursdays end on 15 October"
    sent = [r for r in sandbox.stats.requests if r.path == "/v2/users/me/meetings"][-1].query
    assert sent["timezone"] == "Pacific/Auckland"
    assert sent["from"] <= "2026-09-26"
    assert sent["to"] >= "2026-10-31"


async def test_a_past_day_shows_the_occurrences_held_then(client: Client, sandbox: Sandbox) -> None:
    standup = next(m for m in sandbox.state.meetings.values() if m.topic == "Team standup")
    held = [o for o in standup.occurrences if o.start_time < NOW]
    day = held[-1].start_time.astimezone(AUCKLAND).date()
    page = await call_ok(client, "list_meetings", {"from_date": day.isoformat()})
    assert [(m["id"], start_utc(m)) for m in page["meetings"]] == expected_from_the_sandbox(sandbox, day, day, AUCKLAND)
    assert held[-1].occurrence_id in {m.get("occurrence_id") for m in page["meetings"]}


async def test_dates_read_in_another_timezone(client: Client, sandbox: Sandbox) -> None:
    await schedule(client, "Just after midnight", "2026-09-27T00:30:00")  # 26 September in New York
    new_york = ZoneInfo("America/New_York")
    page = await call_ok(client, "list_meetings", {"from_date": "2026-09-26", "timezone": "America/New_York"})
    assert page["timezone"] == "America/New_York"
    assert [(m["id"], start_utc(m)) for m in page["meetings"]] == expected_from_the_sandbox(
        sandbox, date(2026, 9, 26), date(2026, 9, 26), new_york
    )
    assert "Just after midnight" in {m["topic"] for m in page["meetings"]}
    assert all(m["start_time_local"].endswith("(Sat)") for m in page["meetings"])


async def test_topic_filter_without_and_with_a_range(client: Client, sandbox: Sandbox) -> None:
    found = await call_ok(client, "list_meetings", {"topic_contains": "STANDUP"})
    assert [m["topic"] for m in found["meetings"]] == ["Team standup"]
    assert found["total_records"] == 1
    standup = next(m for m in sandbox.state.meetings.values() if m.topic == "Team standup")
    week = await call_ok(
        client, "list_meetings", {"topic_contains": "standup", "from_date": "2026-09-28", "to_date": "2026-10-04"}
    )
    assert {m["topic"] for m in week["meetings"]} == {"Team standup"}
    assert [start_utc(m) for m in week["meetings"]] == [
        s
        for _, s in expected_from_the_sandbox(sandbox, date(2026, 9, 28), date(2026, 10, 4), AUCKLAND)
        if _ == standup.id
    ]
    none = await call_ok(client, "list_meetings", {"topic_contains": "no such topic"})
    assert none["meetings"] == []
    assert none["total_records"] == 0


async def test_a_cut_answer_says_so(client: Client, sandbox: Sandbox) -> None:
    page = await call_ok(client, "list_meetings", {"from_date": "2026-09-20", "to_date": "2026-10-10", "page_size": 2})
    total = len(expected_from_the_sandbox(sandbox, date(2026, 9, 20), date(2026, 10, 10), AUCKLAND))
    assert total > 2
    assert len(page["meetings"]) == 2
    assert page["total_records"] == total
    assert f"first 2 of {total}" in page["note"]


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"from_date": "2026-10-02", "to_date": "2026-10-01"}, "before"),
        ({"from_date": "2026-10-01", "to_date": "2026-11-15"}, "31 days"),
        ({"from_date": "2026-02-30"}, "real dates"),
        ({"from_date": "2026-10-01", "next_page_token": "abc"}, "next_page_token"),
        ({"to_date": "2026-10-01"}, "needs from_date"),
    ],
)
async def test_bad_ranges_are_refused(client: Client, sandbox: Sandbox, arguments: dict[str, Any], words: str) -> None:
    message = await call_error(client, "list_meetings", arguments)
    assert words in message
    assert "nothing was sent to Zoom" in message
    assert not [r for r in sandbox.stats.requests if r.path.startswith("/v2/")]


async def test_the_catalogue_does_not_depend_on_the_clock(sandbox: Sandbox) -> None:
    def at(instant: datetime) -> Client:
        app = create_app(sandbox_settings(sandbox), transport=sandbox.transport(), clock=lambda: instant)
        return Client(app)

    catalogues, nows = [], []
    for instant in (NOW, NOW + timedelta(days=40, hours=7, minutes=13)):
        async with at(instant) as connected:
            tools = (await connected.list_tools()).tools
            catalogues.append(json.dumps([tool.model_dump(mode="json") for tool in tools], sort_keys=True))
            nows.append((await call_ok(connected, "get_user_info", {}))["current_time_local"])
    assert catalogues[0] == catalogues[1]
    assert nows[0] != nows[1], "the clock was really injected"


async def test_the_instructions_say_how_to_learn_today_and_who_me_is(client: Client) -> None:
    instructions = client.instructions or ""
    assert "get_user_info" in instructions
    assert "today's date" in instructions
    assert "'me' is the Zoom user these credentials act as" in instructions
