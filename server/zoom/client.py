"""ZoomClient: one typed async method per Zoom endpoint, over one shared httpx2 client."""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import quote, urljoin, urlsplit

import httpx2
from pydantic import BaseModel, ValidationError

from zoom_mcp.server.zoom.auth import BearerAuth, TokenProvider, token_of
from zoom_mcp.server.zoom.errors import ZoomAPIError, ZoomInvalidResponse
from zoom_mcp.server.zoom.http import ZoomHTTP
from zoom_mcp.server.zoom.models import (
    Meeting,
    MeetingListItem,
    MeetingRequest,
    MeetingSummaryRecord,
    Page,
    Participant,
    PastInstances,
    PastMeeting,
    RecordedMeeting,
    RecordingList,
    User,
    UserSummary,
)

_ModelT = TypeVar("_ModelT", bound=BaseModel)


def path_segment(value: str) -> str:
    """Percent-encode `value` as exactly one path segment, so no input can address another endpoint."""
    if value in {"", ".", ".."}:
        raise ValueError(f"{value!r} cannot be used as a path segment")
    return quote(value, safe="")


def meeting_uuid_segment(meeting_uuid: str) -> str:
    """Zoom requires UUIDs that start with '/' or contain '//' to be percent-encoded twice."""
    once = path_segment(meeting_uuid)
    if meeting_uuid.startswith("/") or "//" in meeting_uuid:
        return quote(once, safe="")
    return once


# Zoom redirects a download once, to its storage host; a few more hops are tolerated, never a loop.
MAX_DOWNLOAD_REDIRECTS = 5
# A transcript is text: ten hours of speech is about 1 MB of WebVTT. Anything far larger is not one.
MAX_DOWNLOAD_BYTES = 20_000_000


class ZoomClient:
    """Zoom REST API v2. Knows nothing of MCP: it takes and returns Zoom's own shapes."""

    def __init__(self, http: ZoomHTTP, *, api_base_url: str, tokens: TokenProvider) -> None:
        self._http = http
        self._api_base_url = api_base_url.rstrip("/")
        self._tokens = tokens
        self._auth = BearerAuth(tokens)

    async def get_user(self, user_id: str) -> User:
        return await self._get(f"/users/{path_segment(user_id)}", User)

    async def list_users(self, *, status: str, page_size: int, next_page_token: str | None) -> Page[UserSummary]:
        params = {"status": status, "page_size": page_size, "next_page_token": next_page_token}
        return await self._get("/users", Page[UserSummary], params)

    async def list_meetings(
        self,
        user_id: str,
        *,
        type: str,
        page_size: int,
        next_page_token: str | None,
        from_date: str | None = None,
        to_date: str | None = None,
        timezone: str | None = None,
    ) -> Page[MeetingListItem]:
        """`from_date`/`to_date` (yyyy-mm-dd) are read by Zoom in `timezone`."""
        params = {
            "type": type,
            "page_size": page_size,
            "next_page_token": next_page_token,
            "from": from_date,
            "to": to_date,
            "timezone": timezone,
        }
        return await self._get(f"/users/{path_segment(user_id)}/meetings", Page[MeetingListItem], params)

    async def create_meeting(self, user_id: str, body: MeetingRequest) -> Meeting:
        response = await self._send("POST", f"/users/{path_segment(user_id)}/meetings", json=body.wire())
        return _parse(response, Meeting)

    async def get_meeting(
        self, meeting_id: int, *, occurrence_id: str | None = None, show_previous_occurrences: bool = False
    ) -> Meeting:
        params = {
            "occurrence_id": occurrence_id,
            "show_previous_occurrences": "true" if show_previous_occurrences else None,
        }
        return await self._get(f"/meetings/{meeting_id}", Meeting, params)

    async def update_meeting(self, meeting_id: int, body: MeetingRequest, *, occurrence_id: str | None) -> None:
        # A PATCH sets absolute values, so sending it twice leaves the meeting as sending it once.
        await self._send(
            "PATCH",
            f"/meetings/{meeting_id}",
            params={"occurrence_id": occurrence_id},
            json=body.wire(),
            idempotent=True,
        )

    async def delete_meeting(
        self, meeting_id: int, *, occurrence_id: str | None, cancel_meeting_reminder: bool
    ) -> None:
        params = {
            "occurrence_id": occurrence_id,
            "cancel_meeting_reminder": "true" if cancel_meeting_reminder else "false",
        }
        await self._send("DELETE", f"/meetings/{meeting_id}", params=params, idempotent=True)

    async def list_recordings(
        self, user_id: str, *, from_date: str, to_date: str, page_size: int, next_page_token: str | None
    ) -> RecordingList:
        params = {
            "from": from_date,
            "to": to_date,
            "page_size": page_size,
            "next_page_token": next_page_token,
        }
        return await self._get(f"/users/{path_segment(user_id)}/recordings", RecordingList, params)

    async def get_meeting_recordings(self, meeting_id_or_uuid: str) -> RecordedMeeting:
        return await self._get(f"/meetings/{_meeting_segment(meeting_id_or_uuid)}/recordings", RecordedMeeting)

    async def list_past_instances(self, meeting_id: int) -> PastInstances:
        return await self._get(f"/past_meetings/{meeting_id}/instances", PastInstances)

    async def get_past_meeting(self, meeting_id_or_uuid: str) -> PastMeeting:
        return await self._get(f"/past_meetings/{_meeting_segment(meeting_id_or_uuid)}", PastMeeting)

    async def list_past_participants(
        self, meeting_id_or_uuid: str, *, page_size: int, next_page_token: str | None
    ) -> Page[Participant]:
        params = {"page_size": page_size, "next_page_token": next_page_token}
        path = f"/past_meetings/{_meeting_segment(meeting_id_or_uuid)}/participants"
        return await self._get(path, Page[Participant], params)

    async def get_meeting_summary(self, meeting_uuid: str) -> MeetingSummaryRecord:
        """Zoom reads summaries by instance uuid (see list_past_instances), not by meeting id."""
        return await self._get(f"/meetings/{meeting_uuid_segment(meeting_uuid)}/meeting_summary", MeetingSummaryRecord)

    async def download_text(self, url: str, *, expected_bytes: int | None = None) -> str:
        """Fetch a recording file (a transcript), following Zoom's redirect to its signed storage URL.

        The bearer token goes only to Zoom's own hosts, checked on every hop: a hop elsewhere (a signed
        storage URL needs no token) is fetched without it, and only over https. `expected_bytes` is the
        file's `file_size` as Zoom lists it: a download of another size was cut short (or is not that file).
        """
        if expected_bytes is not None and expected_bytes > MAX_DOWNLOAD_BYTES:
            raise ZoomInvalidResponse(
                f"the recording file is {expected_bytes:,} bytes; this server reads files of at most "
                f"{MAX_DOWNLOAD_BYTES:,} bytes"
            )
        if not self._is_zoom_host(url):
            raise ZoomInvalidResponse("a recording download URL did not point at Zoom; refusing to send the token")
        response = await self._send("GET", url, idempotent=True, absolute=True, redirects_ok=True)
        hops = 0
        while response.is_redirect:
            hops += 1
            if hops > MAX_DOWNLOAD_REDIRECTS:
                raise ZoomInvalidResponse(f"a recording download redirected more than {MAX_DOWNLOAD_REDIRECTS} times")
            url = urljoin(url, response.headers.get("location", ""))
            if self._is_zoom_host(url):
                response = await self._send("GET", url, idempotent=True, absolute=True, redirects_ok=True)
            elif urlsplit(url).scheme == "https":
                response = await self._http.send("GET", url, idempotent=True, redirects_ok=True)
            else:
                raise ZoomInvalidResponse("a recording download redirected to a non-https address; not followed")
        if response.headers.get("content-type", "").startswith("text/html"):
            # Zoom answers a download it refuses with a 200 sign-in page, not an error status.
            raise ZoomInvalidResponse("Zoom answered the recording download with a sign-in page, not the file")
        if expected_bytes is not None and len(response.content) != expected_bytes:
            raise ZoomInvalidResponse(
                f"the recording download gave {len(response.content):,} bytes where Zoom lists {expected_bytes:,} "
                "for the file (cut short on the way, or not that file); try again"
            )
        return response.text

    def _is_zoom_host(self, url: str) -> bool:
        """The bearer token's allow-list: https on zoom.us or a subdomain of it, or the configured API's origin."""
        parts, api = urlsplit(url), urlsplit(self._api_base_url)
        host = (parts.hostname or "").lower()
        same_origin = (parts.scheme, parts.netloc) == (api.scheme, api.netloc)
        return same_origin or (parts.scheme == "https" and (host == "zoom.us" or host.endswith(".zoom.us")))

    async def _get(self, path: str, model: type[_ModelT], params: dict[str, Any] | None = None) -> _ModelT:
        response = await self._send("GET", path, params=params, idempotent=True)
        return _parse(response, model)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, object] | None = None,
        idempotent: bool = False,
        absolute: bool = False,
        redirects_ok: bool = False,
    ) -> httpx2.Response:
        url = path if absolute else self._api_base_url + path
        # No `params` at all unless there are some: an empty mapping would drop a signed URL's own query.
        query = {key: value for key, value in (params or {}).items() if value is not None} or None
        # The token first, outside the API request's deadline: a slow token endpoint is a token failure
        # (nothing was sent to the API), never "the change may have been made". BearerAuth finds it cached.
        await token_of(self._tokens)
        try:
            return await self._http.send(
                method, url, idempotent=idempotent, redirects_ok=redirects_ok, params=query, json=json, auth=self._auth
            )
        except ZoomAPIError as error:
            error.token_holder = self._tokens.holder
            raise


def _meeting_segment(meeting_id_or_uuid: str) -> str:
    """A meeting id as it is; an instance uuid encoded by Zoom's rule (twice when it needs it)."""
    return meeting_id_or_uuid if meeting_id_or_uuid.isdigit() else meeting_uuid_segment(meeting_id_or_uuid)


def _parse(response: httpx2.Response, model: type[_ModelT]) -> _ModelT:
    try:
        return model.model_validate_json(response.content)
    except ValidationError as error:
        # Field names only, at most five: a hostile or broken body must not make the message long.
        places = dict.fromkeys((".".join(str(part) for part in item["loc"]) or "body")[:40] for item in error.errors())
        problems = ", ".join(list(places)[:5]) + (", ..." if len(places) > 5 else "")
        raise ZoomInvalidResponse(
            f"Zoom answered {response.status_code} with a body we could not read ({problems})",
            status=response.status_code,
            method=response.request.method,
        ) from None
