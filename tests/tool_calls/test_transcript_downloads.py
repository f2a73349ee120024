"""Transcripts the way Zoom serves them: download_url answers 302 to a signed storage URL.

The redirect is followed; the bearer token goes to Zoom's own hosts only, checked on every hop.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from mcp import Client
from pydantic import SecretStr

from tests.conftest import sandbox_settings
from tests.tool_calls.conftest import call_error, call_ok
from zoom_mcp.server.app import create_app
from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Sandbox
from zoom_mcp.server.sandbox.faults import Fault
from zoom_mcp.server.sandbox.model import RecordingFile
from zoom_mcp.server.zoom.auth import StaticToken
from zoom_mcp.server.zoom.client import MAX_DOWNLOAD_BYTES, MAX_DOWNLOAD_REDIRECTS, ZoomClient
from zoom_mcp.server.zoom.errors import ZoomInvalidResponse
from zoom_mcp.server.zoom.http import ZoomHTTP
from zoom_mcp.server.zoom.retry import RetryPolicy

pytestmark = pytest.mark.anyio


async def a_recorded_uuid(client: Client) -> str:
    listed = await call_ok(client, "list_recordings", {"page_size": 30})
    return next(meeting["uuid"] for meeting in listed["meetings"] if meeting["has_transcript"])


def hops(sandbox: Sandbox) -> list[Any]:
    return [request for request in sandbox.stats.requests if request.path.startswith("/rec/")]


@pytest.mark.parametrize(
    ("storage", "token_at_storage"),
    [
        (None, True),  # the sandbox's own origin, which is the configured API's: a Zoom host
        ("https://ssrweb.zoom.us", True),  # Zoom's storage host
        ("https://storage.example.net", False),  # anywhere else gets no token
        ("https://zoom.us.storage.example.net", False),  # a look-alike is not zoom.us
        ("https://evilzoom.us", False),
    ],
)
async def test_the_redirect_is_followed_and_the_token_stays_on_zoom_hosts(
    client: Client, sandbox: Sandbox, storage: str | None, token_at_storage: bool
) -> None:
    sandbox.storage_origin = storage
    transcript = await call_ok(client, "get_meeting_transcript", {"meeting_id_or_uuid": await a_recorded_uuid(client)})
    assert transcript["total_cues"] > 0
    download, stored = hops(sandbox)
    assert (download.path.split("/")[2], download.status, download.authorized) == ("download", 302, True)
    assert (stored.path.split("/")[2], stored.status) == ("storage", 200)
    assert stored.authorized is token_at_storage
    if storage is not None:
        assert stored.host == storage.removeprefix("https://")


async def test_a_redirect_to_plain_http_is_not_followed(client: Client, sandbox: Sandbox) -> None:
    sandbox.storage_origin = "http://storage.example.net"
    message = await call_error(client, "get_meeting_transcript", {"meeting_id_or_uuid": await a_recorded_uuid(client)})
    assert "non-https" in message
    assert [request.path.split("/")[2] for request in hops(sandbox)] == ["download"]


async def test_a_download_url_off_zoom_is_refused_before_sending(retry: RetryPolicy) -> None:
    seen: list[httpx2.Request] = []
    async with ZoomHTTP(timeout_seconds=5, retry=retry, transport=httpx2.MockTransport(seen.append)) as http:
        zoom = ZoomClient(http, api_base_url="https://api.zoom.us/v2", tokens=StaticToken(SecretStr("secret")))
        with pytest.raises(ZoomInvalidResponse, match="did not point at Zoom"):
            await zoom.download_text("https://files.example.net/rec/download/x")
    assert seen == []


async def test_a_redirect_loop_is_cut_off(retry: RetryPolicy) -> None:
    seen: list[httpx2.Request] = []

    def again(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(302, headers={"Location": f"/rec/download/hop{len(seen)}"})

    async with ZoomHTTP(timeout_seconds=5, retry=retry, transport=httpx2.MockTransport(again)) as http:
        zoom = ZoomClient(http, api_base_url="https://api.zoom.us/v2", tokens=StaticToken(SecretStr("secret")))
        with pytest.raises(ZoomInvalidResponse, match="redirected more than"):
            await zoom.download_text("https://us06web.zoom.us/rec/download/start")
    assert len(seen) == MAX_DOWNLOAD_REDIRECTS + 1


async def test_a_sign_in_page_instead_of_the_file_is_an_error(retry: RetryPolicy) -> None:
    def sign_in(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200, text="<html>Only the host can download</html>", headers={"Content-Type": "text/html"}
        )

    async with ZoomHTTP(timeout_seconds=5, retry=retry, transport=httpx2.MockTransport(sign_in)) as http:
        zoom = ZoomClient(http, api_base_url="https://api.zoom.us/v2", tokens=StaticToken(SecretStr("secret")))
        with pytest.raises(ZoomInvalidResponse, match="sign-in page"):
            await zoom.download_text("https://zoom.us/rec/download/x")


@pytest.mark.parametrize("tool", ["list_recordings", "get_meeting_transcript"])
async def test_recordings_without_a_timezone_are_shown_in_the_hosts(
    sandbox: Sandbox, retry: RetryPolicy, zoom: Any, tool: str
) -> None:
    sandbox.recordings_carry_timezone = False
    host_zone = (await zoom.get("/users/me"))["timezone"]
    async with Client(create_app(sandbox_settings(sandbox), transport=sandbox.transport(), retry=retry)) as client:
        uuid = await a_recorded_uuid(client)
        if tool == "list_recordings":
            listed = await call_ok(client, "list_recordings", {"page_size": 30})
            shown = next(meeting for meeting in listed["meetings"] if meeting["uuid"] == uuid)
        else:
            shown = await call_ok(client, "get_meeting_transcript", {"meeting_id_or_uuid": uuid})
    assert shown["timezone"] == host_zone
    assert shown["timezone_is_hosts"] is True
    assert shown["start_time_local"].startswith("20")
    assert "+" in shown["start_time_local"][10:] or "-" in shown["start_time_local"][10:]


async def test_a_recording_with_its_own_timezone_says_nothing_about_the_host(client: Client) -> None:
    listed = await call_ok(client, "list_recordings", {"page_size": 30})
    assert all("timezone_is_hosts" not in meeting for meeting in listed["meetings"])
    assert all(meeting["timezone"] for meeting in listed["meetings"])


def test_the_sandbox_origin_is_the_api_origin() -> None:
    """The first row above relies on it: the sandbox's download host is the configured API's own origin."""
    assert sandbox_settings(Sandbox()).api_base_url.startswith(SANDBOX_ORIGIN)


def transcript_file_of(sandbox: Sandbox, uuid: str) -> RecordingFile:
    instance = next(instance for instance in sandbox.state.instances if instance.uuid == uuid)
    return next(file for file in instance.files if file.file_type == "TRANSCRIPT")


async def test_a_download_cut_short_is_an_error_not_a_shorter_transcript(client: Client, sandbox: Sandbox) -> None:
    uuid = await a_recorded_uuid(client)
    listed_size = transcript_file_of(sandbox, uuid).file_size
    sandbox.inject(Fault(method="GET", path="/rec/storage/.*", cut_short=True))
    message = await call_error(client, "get_meeting_transcript", {"meeting_id_or_uuid": uuid})
    assert f"{listed_size // 2:,} bytes where Zoom lists {listed_size:,}" in message
    assert "try again" in message
    # Nothing was cut the second time: the same call answers the whole transcript.
    assert (await call_ok(client, "get_meeting_transcript", {"meeting_id_or_uuid": uuid}))["total_cues"] > 0


async def test_a_file_too_large_to_be_a_transcript_is_not_downloaded(client: Client, sandbox: Sandbox) -> None:
    uuid = await a_recorded_uuid(client)
    transcript_file_of(sandbox, uuid).file_size = MAX_DOWNLOAD_BYTES + 1
    message = await call_error(client, "get_meeting_transcript", {"meeting_id_or_uuid": uuid})
    assert f"at most {MAX_DOWNLOAD_BYTES:,} bytes" in message
    assert hops(sandbox) == []


async def test_the_sandbox_refuses_a_download_like_zoom_and_the_client_says_so(
    client: Client, sandbox: Sandbox, retry: RetryPolicy
) -> None:
    """Zoom refuses a download with a 200 sign-in page: a token it does not take must not read as the file."""
    file = transcript_file_of(sandbox, await a_recorded_uuid(client))
    api_base_url = sandbox_settings(sandbox).api_base_url
    async with ZoomHTTP(timeout_seconds=5, retry=retry, transport=sandbox.transport()) as http:
        zoom = ZoomClient(http, api_base_url=api_base_url, tokens=StaticToken(SecretStr("not-a-zoom-token")))
        with pytest.raises(ZoomInvalidResponse, match="sign-in page"):
            await zoom.download_text(f"{SANDBOX_ORIGIN}/rec/download/{file.id}", expected_bytes=int(file.file_size))
    assert [(hop.path.split("/")[2], hop.status) for hop in hops(sandbox)] == [("download", 200)]
