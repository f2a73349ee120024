import re
from typing import Any
from urllib.parse import quote

import httpx2
import pytest

from tests.sandbox.conftest import FakeClock
from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Sandbox
from zoom_mcp.server.sandbox.model import PastInstance

pytestmark = pytest.mark.anyio
CUE = re.compile(r"(\d+)\n(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})\n([^:\n]+): (.+)")


def instance(sandbox: Sandbox, topic: str) -> PastInstance:
    return next(i for i in sandbox.state.instances if i.topic == topic)


async def test_default_range_is_today(api: httpx2.AsyncClient) -> None:
    body = (await api.get("users/me/recordings")).json()
    assert (body["from"], body["to"]) == ("2026-11-26", "2026-11-27")
    assert {m["topic"] for m in body["meetings"]} == {"Vendor demo", "Team standup"}
    assert body["total_records"] == 2
    assert body["next_page_token"] == ""


async def test_list_range_paging_and_files(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    seen: list[dict[str, Any]] = []
    token = ""
    while True:
        params: dict[str, str | int] = {
            "from": "2026-11-01",
            "to": "2026-11-26",
            "page_size": 2,
            **({"next_page_token": token} if token else {}),
        }
        body = (await api.get("users/me/recordings", params=params)).json()
        seen += body["meetings"]
        token = body["next_page_token"]
        if not token:
            break
    owner_instances = [i for i in sandbox.state.instances if i.host_id == sandbox.state.owner_id and i.files]
    assert body["total_records"] == len(seen) == len(owner_instances) == 6
    for meeting in seen:
        files = meeting["recording_files"]
        assert isinstance(files, list)
        assert meeting["recording_count"] == len(files)
        assert {"MP4", "M4A", "TRANSCRIPT"} <= {f["file_type"] for f in files}
        assert all(f["download_url"].startswith(f"{SANDBOX_ORIGIN}/rec/download/") for f in files)
        assert all(f["meeting_id"] == meeting["uuid"] for f in files)
        assert "download_access_token" not in meeting
    assert any(f["file_type"] == "CHAT" for m in seen for f in m["recording_files"])


async def test_other_users_recordings_are_separate(api: httpx2.AsyncClient) -> None:
    body = (await api.get("users/mia+zoom@sandbox.example.com/recordings", params={"from": "2026-11-20"})).json()
    assert [m["topic"] for m in body["meetings"]] == ["Candidate interview"]


@pytest.mark.parametrize(
    "params",
    [{"from": "26-11-2026"}, {"from": "2026-11-10", "to": "2026-11-01"}, {"from": "2026-01-01", "to": "2026-11-01"}],
)
async def test_list_bad_dates(api: httpx2.AsyncClient, params: dict[str, str]) -> None:
    response = await api.get("users/me/recordings", params=params)
    assert response.status_code == 400
    assert response.json()["code"] == 300


async def test_get_by_numeric_id_is_latest_instance(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    standup = [i for i in sandbox.state.instances if i.topic == "Team standup"]
    latest = max(standup, key=lambda i: i.start_time)
    body = (await api.get(f"meetings/{latest.meeting_id}/recordings")).json()
    assert body["uuid"] == latest.uuid
    assert "download_access_token" not in body


@pytest.mark.parametrize("topic", ["Quarterly planning", "1:1 Avery / Mia", "All-hands"])
async def test_get_by_uuid(api: httpx2.AsyncClient, sandbox: Sandbox, topic: str) -> None:
    uuid = instance(sandbox, topic).uuid
    needs_double = uuid.startswith("/") or "//" in uuid
    # A client double-encodes a uuid that starts with "/" or contains "//", and may do so for any uuid.
    encoded = quote(quote(uuid, safe=""), safe="")
    response = await api.get(f"meetings/{encoded}/recordings")
    assert response.status_code == 200, response.text
    assert response.json()["uuid"] == uuid
    single = await api.get(f"meetings/{quote(uuid, safe='')}/recordings")
    if needs_double:
        assert single.status_code == 404
    else:
        assert single.json()["uuid"] == uuid


def test_seed_has_uuids_that_need_double_encoding(sandbox: Sandbox) -> None:
    uuids = [i.uuid for i in sandbox.state.instances]
    assert any(u.startswith("/") for u in uuids)
    assert any("//" in u for u in uuids)


async def test_get_missing_recording(api: httpx2.AsyncClient) -> None:
    for meeting_id in ("12345678901", quote(quote("/nope==", safe=""), safe="")):
        response = await api.get(f"meetings/{meeting_id}/recordings")
        assert response.status_code == 404
        assert response.json() == {"code": 3301, "message": "There is no recording for this meeting."}


async def test_download_access_token_only_on_request(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    planning = instance(sandbox, "Quarterly planning")
    body = (
        await api.get(f"meetings/{planning.meeting_id}/recordings", params={"include_fields": "download_access_token"})
    ).json()
    assert body["download_access_token"] == planning.download_access_token


async def test_transcript_download(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    planning = instance(sandbox, "Quarterly planning")
    body = (await api.get(f"meetings/{planning.meeting_id}/recordings")).json()
    transcript = next(f for f in body["recording_files"] if f["file_type"] == "TRANSCRIPT")
    assert (transcript["file_extension"], transcript["recording_type"]) == ("VTT", "audio_transcript")
    response = await api.get(transcript["download_url"], follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/vtt")
    text = response.text
    assert text.startswith("WEBVTT\n\n1\n00:00:01.000 --> ")
    cues = CUE.findall(text)
    assert len(cues) >= 300
    assert [int(c[0]) for c in cues] == list(range(1, len(cues) + 1))
    assert len({c[3] for c in cues}) >= 2
    assert transcript["file_size"] == len(response.content)

    # Like Zoom, a refused download is a 200 sign-in page, not an error status.
    anonymous = await api.get(transcript["download_url"], headers={"Authorization": ""})
    assert anonymous.status_code == 200
    assert anonymous.headers["content-type"].startswith("text/html")
    assert "Only the host can download" in anonymous.text
    sandbox.revoke_tokens()
    revoked = await api.get(transcript["download_url"])
    assert (revoked.status_code, revoked.headers["content-type"][:9]) == (200, "text/html")
    with_download_token = await api.get(
        transcript["download_url"], headers={"Authorization": f"Bearer {planning.download_access_token}"}
    )
    assert with_download_token.status_code == 302


async def test_download_urls_follow_the_request_origin(sandbox: Sandbox) -> None:
    async with httpx2.AsyncClient(transport=sandbox.transport(), base_url="http://elsewhere.test:8080") as client:
        from tests.sandbox.conftest import fetch_token

        client.headers["Authorization"] = f"Bearer {await fetch_token(client)}"
        body = (await client.get("/v2/users/me/recordings")).json()
        url = body["meetings"][0]["recording_files"][0]["download_url"]
        assert url.startswith("http://elsewhere.test:8080/rec/download/")
        assert (await client.get(url, follow_redirects=True)).status_code == 200


async def test_a_download_redirects_to_a_signed_storage_url_like_zoom(
    api: httpx2.AsyncClient, sandbox: Sandbox, clock: FakeClock
) -> None:
    """Zoom's download_url answers 302 to a pre-signed URL; the signature, not a token, grants access."""
    planning = instance(sandbox, "Quarterly planning")
    body = (await api.get(f"meetings/{planning.meeting_id}/recordings")).json()
    transcript = next(f for f in body["recording_files"] if f["file_type"] == "TRANSCRIPT")
    sandbox.storage_origin = "https://storage.example.net"
    redirected = await api.get(transcript["download_url"])
    assert redirected.status_code == 302
    location = redirected.headers["location"]
    assert location.startswith(f"https://storage.example.net/rec/storage/{transcript['id']}?Expires=")
    async with httpx2.AsyncClient(transport=sandbox.transport()) as anonymous:
        stored = await anonymous.get(location)
        assert stored.status_code == 200
        assert stored.text.startswith("WEBVTT")
        assert (await anonymous.get(location.replace("Signature=", "Signature=0"))).status_code == 403
        clock.advance(minutes=6)
        assert (await anonymous.get(location)).status_code == 403
    seen = [request for request in sandbox.stats.requests if request.path.startswith("/rec/storage/")]
    assert seen[0].host == "storage.example.net"
    assert not seen[0].authorized


async def test_recordings_can_come_without_a_timezone_as_in_the_spec(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    planning = instance(sandbox, "Quarterly planning")
    assert "timezone" in (await api.get(f"meetings/{planning.meeting_id}/recordings")).json()
    sandbox.recordings_carry_timezone = False
    assert "timezone" not in (await api.get(f"meetings/{planning.meeting_id}/recordings")).json()
