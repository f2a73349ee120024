"""Held meetings: ``/v2/past_meetings/{meetingId}`` and its participants, and AI Companion summaries."""

from collections.abc import Callable
from urllib.parse import unquote

from zoom_mcp.server.sandbox.backend import Backend
from zoom_mcp.server.sandbox.errors import ApiError, meeting_not_found
from zoom_mcp.server.sandbox.exchange import Call, Reply
from zoom_mcp.server.sandbox.model import Attendance, PastInstance
from zoom_mcp.server.sandbox.paging import page_size
from zoom_mcp.server.sandbox.timeutil import format_utc

MAX_PAGE_SIZE = 300
SUMMARY_DISABLED = (
    "Meeting summary disabled. To enable this feature, enable the **Meeting Summary with AI Companion** setting "
    "in the Zoom web portal's **Settings** interface."
)


def held_instance(
    backend: Backend, meeting_id: str, keep: Callable[[PastInstance], bool] = lambda instance: True
) -> PastInstance | None:
    """A numeric id means the meeting's latest held instance; anything else is an instance uuid.

    ``meeting_id`` has been percent-decoded once. A "%" left in it means the client double-encoded the
    uuid (base64 has no "%"), so it is decoded again. Zoom requires that double encoding for a uuid that
    starts with "/" or contains "//"; sent singly encoded such a uuid does not reach the instance.
    """
    instances = [instance for instance in backend.state.instances if keep(instance)]
    if meeting_id.isdigit():
        candidates = [i for i in instances if i.meeting_id == int(meeting_id)]
    elif "%" in meeting_id:
        candidates = [i for i in instances if i.uuid == unquote(meeting_id)]
    elif meeting_id.startswith("/") or "//" in meeting_id:
        candidates = []
    else:
        candidates = [i for i in instances if i.uuid == meeting_id]
    return max(candidates, key=lambda i: i.start_time) if candidates else None


def _ended_instance(backend: Backend, meeting_id: str) -> PastInstance:
    instance = held_instance(backend, meeting_id)
    if instance is not None:
        return instance
    if meeting_id.isdigit() and int(meeting_id) in backend.state.meetings:
        # Zoom's words when a meeting exists but has not been held and ended yet.
        raise ApiError(404, 3001, "Meeting ID is invalid or not end.")
    raise meeting_not_found(meeting_id)


def past_meeting(backend: Backend, call: Call) -> Reply:
    instance = _ended_instance(backend, call.params["meetingId"])
    host = backend.state.user_by_id(instance.host_id)
    people = {record.id or record.name for record in instance.participants}
    minutes = sum(int((r.leave_time - r.join_time).total_seconds() // 60) for r in instance.participants)
    return Reply(
        200,
        {
            "id": instance.meeting_id,
            "uuid": instance.uuid,
            "duration": instance.duration,
            "start_time": format_utc(instance.start_time),
            "end_time": format_utc(instance.end_time),
            "host_id": instance.host_id,
            "dept": host.dept,
            "participants_count": len(people),
            "source": "Zoom",
            "topic": instance.topic,
            "total_minutes": minutes,
            "type": instance.type,
            "user_email": host.email,
            "user_name": host.display_name,
            "has_meeting_summary": instance.summary is not None,
        },
    )


def _participant(record: Attendance) -> dict[str, object]:
    return {
        "id": record.id,
        "name": record.name,
        "user_id": record.user_id,
        "user_email": record.email,
        "join_time": format_utc(record.join_time),
        "leave_time": format_utc(record.leave_time),
        "duration": int((record.leave_time - record.join_time).total_seconds()),
        "failover": False,
        "status": "in_meeting",
        "internal_user": record.internal_user,
    }


def participants(backend: Backend, call: Call) -> Reply:
    instance = _ended_instance(backend, call.params["meetingId"])
    size = page_size(call.query, MAX_PAGE_SIZE)
    # "The API doesn't return results if there's only one participant in a meeting."
    people = {record.id or record.name for record in instance.participants}
    records = instance.participants if len(people) > 1 else []
    listing = f"participants:{instance.uuid}"
    chunk, next_token = backend.pager.page(records, size, call.query.get("next_page_token"), listing, call.now)
    return Reply(
        200,
        {
            "next_page_token": next_token,
            "page_count": max(1, -(-len(records) // size)),
            "page_size": size,
            "total_records": len(records),
            "participants": [_participant(record) for record in chunk],
        },
    )


def meeting_summary(backend: Backend, call: Call) -> Reply:
    """The path takes an instance uuid only (the spec: "The meeting's universally unique ID")."""
    text = call.params["meetingId"]
    instance = None if text.isdigit() else held_instance(backend, text)
    if instance is None:
        raise meeting_not_found(text)
    host = backend.state.user_by_id(instance.host_id)
    if not host.meeting_summary_enabled:
        # Documented for the summaries list endpoint; the single summary is taken to answer alike.
        raise ApiError(400, 3000, SUMMARY_DISABLED)
    summary = instance.summary
    if summary is None:
        # Undocumented: Zoom's answer for a held meeting without a summary is taken to be its 404.
        raise meeting_not_found(instance.uuid)
    created = format_utc(summary.created_at)
    return Reply(
        200,
        {
            "meeting_host_id": host.id,
            "meeting_host_email": host.email,
            "meeting_uuid": instance.uuid,
            "meeting_id": instance.meeting_id,
            "meeting_topic": instance.topic,
            "meeting_start_time": format_utc(instance.start_time),
            "meeting_end_time": format_utc(instance.end_time),
            "summary_start_time": format_utc(instance.start_time),
            "summary_end_time": format_utc(instance.end_time),
            "summary_created_time": created,
            "summary_last_modified_time": created,
            "summary_title": summary.title,
            "summary_overview": summary.overview,
            "summary_details": [{"label": label, "summary": text} for label, text in summary.details],
            "next_steps": summary.next_steps,
            "summary_content": summary.content,
        },
    )
