"""The sandbox's held meetings: past meeting details, participants and AI Companion summaries, Zoom's way."""

from urllib.parse import quote

import httpx2
import pytest

from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.sandbox.model import PastInstance

pytestmark = pytest.mark.anyio


def held(sandbox: Sandbox, topic: str) -> PastInstance:
    return max((i for i in sandbox.state.instances if i.topic == topic), key=lambda i: i.start_time)


def twice(uuid: str) -> str:
    return quote(quote(uuid, safe=""), safe="")


async def test_summary_by_instance_uuid(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    instance = held(sandbox, "Quarterly planning")
    body = (await api.get(f"meetings/{twice(instance.uuid)}/meeting_summary")).json()
    assert body["meeting_uuid"] == instance.uuid
    assert body["meeting_id"] == instance.meeting_id
    assert body["summary_content"].startswith("## Quick recap\n")
    assert body["summary_overview"] in body["summary_content"]
    assert all(step in body["summary_content"] for step in body["next_steps"])


async def test_summary_needs_the_uuid_double_encoded_when_it_has_a_slash(
    api: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    instance = held(sandbox, "Quarterly planning")
    assert instance.uuid.startswith("/")
    once = await api.get(f"meetings/{quote(instance.uuid, safe='')}/meeting_summary")
    assert (once.status_code, once.json()["code"]) == (404, 3001)


@pytest.mark.parametrize(
    ("topic", "status", "code"),
    [("Candidate interview", 400, 3000), ("1:1 Avery / Mia", 404, 3001), ("Focus block", 404, 3001)],
)
async def test_summary_disabled_or_absent(
    api: httpx2.AsyncClient, sandbox: Sandbox, topic: str, status: int, code: int
) -> None:
    answer = await api.get(f"meetings/{twice(held(sandbox, topic).uuid)}/meeting_summary")
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    if code == 3000:
        assert "Meeting Summary with AI Companion" in answer.json()["message"]


async def test_summary_is_not_read_by_meeting_number(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    answer = await api.get(f"meetings/{held(sandbox, 'Quarterly planning').meeting_id}/meeting_summary")
    assert (answer.status_code, answer.json()["code"]) == (404, 3001)


async def test_participants_record_every_join(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    instance = held(sandbox, "Quarterly planning")
    body = (await api.get(f"past_meetings/{instance.meeting_id}/participants", params={"page_size": 300})).json()
    records = body["participants"]
    assert body["total_records"] == len(records) == len(instance.participants)
    by_person: dict[str, list[dict[str, object]]] = {}
    for record in records:
        by_person.setdefault(str(record["id"]), []).append(record)
    rejoined = [joins for joins in by_person.values() if len(joins) > 1]
    assert len(rejoined) == 1
    assert len({join["user_id"] for join in rejoined[0]}) == 2


async def test_participants_page_with_tokens(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    instance = held(sandbox, "Vendor demo")
    seen, token = [], ""
    while True:
        params = {"page_size": 2, **({"next_page_token": token} if token else {})}
        body = (await api.get(f"past_meetings/{twice(instance.uuid)}/participants", params=params)).json()
        seen += body["participants"]
        token = body["next_page_token"]
        if not token:
            break
    assert len(seen) == len(instance.participants) >= 5
    assert sum(1 for record in seen if record["user_email"] == "" and record["id"] == "") == 2


async def test_one_participant_means_no_list(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    body = (await api.get(f"past_meetings/{held(sandbox, 'Focus block').meeting_id}/participants")).json()
    assert (body["total_records"], body["participants"]) == (0, [])


async def test_a_meeting_not_yet_held(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    upcoming = next(m for m in sandbox.state.meetings.values() if m.topic == "Product sync prep")
    for path in (f"past_meetings/{upcoming.id}/participants", f"past_meetings/{upcoming.id}"):
        answer = await api.get(path)
        assert (answer.status_code, answer.json()) == (
            404,
            {"code": 3001, "message": "Meeting ID is invalid or not end."},
        )
    instances = (await api.get(f"past_meetings/{upcoming.id}/instances")).json()
    assert instances == {"meetings": []}


async def test_past_meeting_details(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    instance = held(sandbox, "1:1 Avery / Mia")
    body = (await api.get(f"past_meetings/{twice(instance.uuid)}")).json()
    assert (body["uuid"], body["topic"], body["has_meeting_summary"]) == (instance.uuid, instance.topic, False)
    assert body["participants_count"] == 2
