"""Cloud recordings: the two listing endpoints and the file downloads they point at."""

from datetime import date, timedelta

from zoom_mcp.server.sandbox.backend import Backend
from zoom_mcp.server.sandbox.errors import ApiError, FieldError, recording_not_found, validation_failed
from zoom_mcp.server.sandbox.exchange import Call, Reply
from zoom_mcp.server.sandbox.model import PastInstance
from zoom_mcp.server.sandbox.paging import page_size
from zoom_mcp.server.sandbox.past_meetings_api import held_instance
from zoom_mcp.server.sandbox.timeutil import parse_date
from zoom_mcp.server.sandbox.tokens import bearer_token
from zoom_mcp.server.sandbox.views import recording_meeting

MAX_PAGE_SIZE = 300
MAX_RANGE = timedelta(days=31)


def list_recordings(backend: Backend, call: Call) -> Reply:
    user = backend.user(call.params["userId"], call.token_user_id)
    start, end = _date_range(call)
    size = page_size(call.query, MAX_PAGE_SIZE)
    matching = sorted(
        (i for i in backend.state.instances if i.files and i.host_id == user.id and start <= i.start_date() <= end),
        key=lambda i: i.start_time,
        reverse=True,
    )
    listing = f"recordings:{user.id}:{start}:{end}"
    instances, next_token = backend.pager.page(matching, size, call.query.get("next_page_token"), listing, call.now)
    return Reply(
        200,
        {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "page_size": size,
            "total_records": len(matching),
            "next_page_token": next_token,
            "meetings": [recording_meeting(i, backend.state.account_id, call.origin) for i in instances],
        },
    )


def _date_range(call: Call) -> tuple[date, date]:
    """``from``/``to``; by default from = today and to = tomorrow (the spec's example for a bare call)."""
    today = call.now.date()
    start = parse_date(call.query["from"]) if "from" in call.query else today
    if start is None:
        raise validation_failed([FieldError("from")])
    end = parse_date(call.query["to"]) if "to" in call.query else today + timedelta(days=1)
    # "The maximum range can be a month."
    if end is None or end < start or end - start > MAX_RANGE:
        raise validation_failed([FieldError("to")])
    return start, end


def _instance(backend: Backend, meeting_id: str) -> PastInstance:
    instance = held_instance(backend, meeting_id, lambda held: bool(held.files))
    if instance is None:
        raise recording_not_found()
    return instance


def get_recording(backend: Backend, call: Call) -> Reply:
    instance = _instance(backend, call.params["meetingId"])
    body = recording_meeting(instance, backend.state.account_id, call.origin)
    body["password"] = ""
    include = {f.strip() for f in call.query.get("include_fields", "").split(",")}
    if "download_access_token" in include:
        body["download_access_token"] = instance.download_access_token
    return Reply(200, body)


def download_file(backend: Backend, call: Call) -> Reply:
    """``/rec/download/{fileId}``: needs the API bearer token or the recording's download_access_token."""
    found = backend.state.recording_file(call.params["fileId"])
    token = bearer_token(call.headers.get("authorization"))
    if found is not None and token is not None and token == found[0].download_access_token:
        return Reply(200, raw=found[1].content, content_type=found[1].media_type)
    backend.tokens.check(token, call.now)
    if found is None:
        raise ApiError(404, 3301, "This recording does not exist.")
    return Reply(200, raw=found[1].content, content_type=found[1].media_type)
