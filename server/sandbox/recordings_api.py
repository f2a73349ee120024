"""Cloud recordings: the two listing endpoints and the file downloads they point at."""

import hashlib
import hmac
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
SIGNED_URL_LIFETIME = timedelta(minutes=5)
# What Zoom serves for a download it refuses: a 200 sign-in page, not an error status (zoom-api-notes §10).
SIGN_IN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Zoom</title></head><body><p>Only the host can download this recording. "
    b"Please sign in to download.</p></body></html>"
)
# Signs the sandbox's storage URLs; a fake's key, not a secret.
_SIGNING_KEY = b"zoom-mcp-sandbox-storage"


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
            "meetings": [_recording(backend, i, call) for i in instances],
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
    body = _recording(backend, instance, call)
    body["password"] = ""
    include = {f.strip() for f in call.query.get("include_fields", "").split(",")}
    if "download_access_token" in include:
        body["download_access_token"] = instance.download_access_token
    return Reply(200, body)


def _recording(backend: Backend, instance: PastInstance, call: Call) -> dict[str, object]:
    return recording_meeting(
        instance, backend.state.account_id, call.origin, with_timezone=backend.recordings_carry_timezone
    )


def download_file(backend: Backend, call: Call) -> Reply:
    """``/rec/download/{fileId}``: needs the API bearer token or the recording's download_access_token.

    Like Zoom, it answers 302 to a pre-signed URL on the storage host, which needs no token.
    """
    file_id = call.params["fileId"]
    found = backend.state.recording_file(file_id)
    token = bearer_token(call.headers.get("authorization"))
    if found is None or token is None or token != found[0].download_access_token:
        try:
            backend.tokens.check(token, call.now)
        except ApiError:
            return Reply(200, raw=SIGN_IN_PAGE, content_type="text/html; charset=utf-8")
    if found is None:
        raise ApiError(404, 3301, "This recording does not exist.")
    expires = int((call.now + SIGNED_URL_LIFETIME).timestamp())
    origin = backend.storage_origin or call.origin
    location = f"{origin}/rec/storage/{file_id}?Expires={expires}&Signature={_signature(file_id, expires)}"
    return Reply(302, raw=b"", content_type="text/plain", headers={"Location": location})


def stored_file(backend: Backend, call: Call) -> Reply:
    """``/rec/storage/{fileId}``: the pre-signed URL a download redirects to; the signature is the access."""
    file_id = call.params["fileId"]
    found = backend.state.recording_file(file_id)
    try:
        expires = int(call.query.get("Expires", ""))
    except ValueError:
        expires = 0
    signed = hmac.compare_digest(call.query.get("Signature", ""), _signature(file_id, expires))
    if found is None or not signed or expires < call.now.timestamp():
        return Reply(403, raw=b"<Error><Code>AccessDenied</Code></Error>", content_type="application/xml")
    return Reply(200, raw=found[1].content, content_type=found[1].media_type)


def _signature(file_id: str, expires: int) -> str:
    return hmac.new(_SIGNING_KEY, f"{file_id}:{expires}".encode(), hashlib.sha256).hexdigest()
