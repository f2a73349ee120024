"""The URL table: which handler answers which path, and under which rate-limit label."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from zoom_mcp.server.sandbox import meetings_api, oauth, oauth_pages, past_meetings_api, recordings_api, users_api
from zoom_mcp.server.sandbox.backend import Backend
from zoom_mcp.server.sandbox.exchange import Call, Reply

Handler = Callable[[Backend, Call], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    # The endpoint's "Rate Limit Label" from the spec; None for routes outside the REST API.
    category: str | None

    @property
    def needs_api_token(self) -> bool:
        return self.category is not None


def _route(method: str, template: str, handler: Handler, category: str | None) -> Route:
    pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return Route(method, re.compile(pattern), handler, category)


ROUTES = (
    _route("POST", "/oauth/token", oauth.issue_token, None),
    _route("POST", "/oauth/revoke", oauth.revoke_token, None),
    _route("POST", "/oauth/devicecode", oauth.device_code, None),
    _route("GET", "/oauth/authorize", oauth_pages.authorize_page, None),
    _route("POST", "/oauth/authorize", oauth_pages.authorize_decision, None),
    _route("GET", "/oauth_device", oauth_pages.device_entry_page, None),
    _route("GET", "/oauth/device/complete/{userCode}", oauth_pages.device_complete_page, None),
    _route("POST", "/oauth/device/complete/{userCode}", oauth_pages.device_decision, None),
    _route("GET", "/v2/users", users_api.list_users, "Medium"),
    _route("GET", "/v2/users/{userId}", users_api.get_user, "Light"),
    _route("GET", "/v2/users/{userId}/meetings", meetings_api.list_meetings, "Medium"),
    _route("POST", "/v2/users/{userId}/meetings", meetings_api.create_meeting, "Light"),
    _route("GET", "/v2/meetings/{meetingId}", meetings_api.get_meeting, "Light"),
    _route("PATCH", "/v2/meetings/{meetingId}", meetings_api.patch_meeting, "Light"),
    _route("DELETE", "/v2/meetings/{meetingId}", meetings_api.delete_meeting, "Light"),
    _route("GET", "/v2/past_meetings/{meetingId}/instances", meetings_api.past_instances, "Medium"),
    _route("GET", "/v2/past_meetings/{meetingId}", past_meetings_api.past_meeting, "Light"),
    _route("GET", "/v2/past_meetings/{meetingId}/participants", past_meetings_api.participants, "Medium"),
    _route("GET", "/v2/meetings/{meetingId}/meeting_summary", past_meetings_api.meeting_summary, "Light"),
    _route("GET", "/v2/users/{userId}/recordings", recordings_api.list_recordings, "Medium"),
    _route("GET", "/v2/meetings/{meetingId}/recordings", recordings_api.get_recording, "Light"),
    _route("GET", "/rec/download/{fileId}", recordings_api.download_file, None),
    _route("GET", "/rec/storage/{fileId}", recordings_api.stored_file, None),
)


@dataclass(frozen=True)
class Match:
    route: Route | None
    params: dict[str, str]
    # True when the path exists but not for this method.
    wrong_method: bool = False


def resolve(method: str, raw_path: str) -> Match:
    """Match the still-encoded path; parameters come back percent-decoded once, as Zoom reads them."""
    path_exists = False
    for route in ROUTES:
        found = route.pattern.fullmatch(raw_path)
        if found is None:
            continue
        if route.method == method:
            return Match(route, {name: unquote(value) for name, value in found.groupdict().items()})
        path_exists = True
    return Match(None, {}, wrong_method=path_exists)
