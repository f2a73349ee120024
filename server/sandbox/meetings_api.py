"""``/v2/users/{userId}/meetings``, ``/v2/meetings/{meetingId}`` and past meeting instances."""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from zoom_mcp.server.sandbox.backend import Backend
from zoom_mcp.server.sandbox.errors import (
    ApiError,
    FieldError,
    hosting_not_allowed,
    invalid_parameter,
    meeting_not_found,
    validation_failed,
)
from zoom_mcp.server.sandbox.exchange import Call, Reply
from zoom_mcp.server.sandbox.meeting_input import MeetingDefaults, check_meeting_body
from zoom_mcp.server.sandbox.model import Meeting, Occurrence, User
from zoom_mcp.server.sandbox.paging import page_size
from zoom_mcp.server.sandbox.scheduling import new_meeting, update_meeting, update_occurrence
from zoom_mcp.server.sandbox.timeutil import format_utc, parse_date, zone
from zoom_mcp.server.sandbox.views import list_start_time, meeting_detail, meeting_list_item

MAX_PAGE_SIZE = 300
# The fields PATCH may change on a single occurrence of a recurring meeting.
OCCURRENCE_FIELDS = ("agenda", "start_time", "duration", "settings")


def _ended(meeting: Meeting, now: datetime) -> bool:
    end = meeting.end_time()
    return end is not None and end <= now


def _has_future_occurrence(meeting: Meeting, now: datetime) -> bool:
    return any(
        o.status == "available" and o.start_time + timedelta(minutes=o.duration) > now for o in meeting.occurrences
    )


def _is_upcoming(meeting: Meeting, now: datetime) -> bool:
    if meeting.type == 8:
        return _has_future_occurrence(meeting, now)
    return meeting.type == 3 or not _ended(meeting, now)


def _is_previous(meeting: Meeting, now: datetime) -> bool:
    if meeting.type == 8:
        return any(o.start_time < now for o in meeting.occurrences)
    return meeting.type == 2 and _ended(meeting, now)


_LIST_FILTERS: dict[str, Callable[[Meeting, datetime], bool]] = {
    "scheduled": lambda meeting, now: True,
    "live": lambda meeting, now: meeting.status == "started",
    "upcoming": _is_upcoming,
    "upcoming_meetings": _is_upcoming,
    "previous_meetings": _is_previous,
}
# Instant (1) and screen-share-only (10) meetings are not "scheduled", so no list shows them.
_LISTED_TYPES = (2, 3, 8)


def _date_filter(call: Call, host: User) -> Callable[[Meeting, datetime], bool]:
    """``from``/``to`` (dates, inclusive) read in ``timezone``, applied to the start a meeting is listed at.

    The spec says no more than "the start date", "the end date" and "the timezone to assign to the from
    and to value": comparing the listed start (a series' next occurrence) and defaulting to the host's
    timezone are the sandbox's reading. A meeting with no fixed time has no start, so no date matches it.
    """
    if "from" not in call.query and "to" not in call.query:
        return lambda meeting, now: True
    first = parse_date(call.query["from"]) if "from" in call.query else date.min
    if first is None:
        raise validation_failed([FieldError("from")])
    last = parse_date(call.query["to"]) if "to" in call.query else date.max
    if last is None:
        raise validation_failed([FieldError("to")])
    timezone = zone(call.query.get("timezone") or host.timezone or "UTC")
    if timezone is None:
        raise validation_failed([FieldError("timezone")])

    def within(meeting: Meeting, now: datetime) -> bool:
        start = list_start_time(meeting, now)
        return meeting.type != 3 and start is not None and first <= start.astimezone(timezone).date() <= last

    return within


def list_meetings(backend: Backend, call: Call) -> Reply:
    host = backend.user(call.params["userId"], call.token_user_id)
    kind = call.query.get("type", "scheduled")
    if kind not in _LIST_FILTERS:
        raise validation_failed([FieldError("type")])
    size = page_size(call.query, MAX_PAGE_SIZE)
    keep, dated = _LIST_FILTERS[kind], _date_filter(call, host)
    matching = sorted(
        (
            m
            for m in backend.state.meetings_of(host.id)
            if m.type in _LISTED_TYPES and keep(m, call.now) and dated(m, call.now)
        ),
        key=lambda m: (list_start_time(m, call.now) or m.created_at, m.id),
    )
    listing = ":".join(["meetings", host.id, kind, *(call.query.get(name, "") for name in ("from", "to", "timezone"))])
    meetings, next_token = backend.pager.page(matching, size, call.query.get("next_page_token"), listing, call.now)
    return Reply(
        200,
        {
            "page_size": size,
            "total_records": len(matching),
            "next_page_token": next_token,
            "meetings": [meeting_list_item(m, call.now) for m in meetings],
        },
    )


def _schedulable_host(backend: Backend, user: User) -> User:
    if user.status != "active":
        raise hosting_not_allowed()
    return user


def create_meeting(backend: Backend, call: Call) -> Reply:
    host = _schedulable_host(backend, backend.user(call.params["userId"], call.token_user_id))
    body = call.json_object()
    if "schedule_for" in body:
        scheduled_for = body["schedule_for"]
        found = (
            backend.state.find_user(scheduled_for, backend.state.owner_id) if isinstance(scheduled_for, str) else None
        )
        if found is None:
            raise ApiError(400, 300, "The value that you entered in the schedule_for field is invalid.")
        host = _schedulable_host(backend, found)
    backend.limits.spend_create_update(host.id, call.now)
    defaults = MeetingDefaults(type=2, timezone=host.timezone or "UTC", recurrence=None, start_time=None)
    changes = check_meeting_body(body, defaults, call.now, is_update=False)
    meeting = new_meeting(backend.ids, host, changes, call.now)
    backend.state.meetings[meeting.id] = meeting
    return Reply(201, meeting_detail(meeting, host, call.now, show_previous_occurrences=True))


def _meeting(backend: Backend, call: Call) -> Meeting:
    text = call.params["meetingId"]
    if not text.isdigit():
        # The spec types meetingId as int64, so anything else fails validation rather than lookup.
        raise validation_failed([FieldError("meetingId")])
    meeting = backend.state.meetings.get(int(text))
    if meeting is None:
        raise meeting_not_found(text)
    return meeting


def _occurrence(meeting: Meeting, occurrence_id: str) -> Occurrence:
    for occurrence in meeting.occurrences:
        if occurrence.occurrence_id == occurrence_id:
            return occurrence
    raise invalid_parameter("occurrence_id")


def get_meeting(backend: Backend, call: Call) -> Reply:
    meeting = _meeting(backend, call)
    occurrence_id = call.query.get("occurrence_id")
    occurrence = _occurrence(meeting, occurrence_id) if occurrence_id else None
    body = meeting_detail(
        meeting,
        backend.state.user_by_id(meeting.host_id),
        call.now,
        occurrence=occurrence,
        show_previous_occurrences=call.query.get("show_previous_occurrences", "").lower() == "true",
    )
    return Reply(200, body)


def patch_meeting(backend: Backend, call: Call) -> Reply:
    meeting = _meeting(backend, call)
    backend.limits.spend_create_update(meeting.host_id, call.now)
    body = call.json_object()
    occurrence_id = call.query.get("occurrence_id")
    if occurrence_id:
        occurrence = _occurrence(meeting, occurrence_id)
        defaults = MeetingDefaults(meeting.type, meeting.timezone, meeting.recurrence, occurrence.start_time)
        occurrence_body = {k: v for k, v in body.items() if k in OCCURRENCE_FIELDS}
        changes = check_meeting_body(
            occurrence_body, defaults, call.now, is_update=True, past_start_on_update=backend.past_start_on_update
        )
        update_occurrence(occurrence, changes)
    else:
        defaults = MeetingDefaults(meeting.type, meeting.timezone, meeting.recurrence, meeting.start_time)
        changes = check_meeting_body(
            body, defaults, call.now, is_update=True, past_start_on_update=backend.past_start_on_update
        )
        update_meeting(meeting, changes, backend.ids)
    return Reply(204)


def delete_meeting(backend: Backend, call: Call) -> Reply:
    meeting = _meeting(backend, call)
    occurrence_id = call.query.get("occurrence_id")
    if occurrence_id:
        _occurrence(meeting, occurrence_id).status = "deleted"
    else:
        del backend.state.meetings[meeting.id]
    return Reply(204)


def past_instances(backend: Backend, call: Call) -> Reply:
    text = call.params["meetingId"]
    if not text.isdigit():
        raise validation_failed([FieldError("meetingId")])
    instances = sorted((i for i in backend.state.instances if i.meeting_id == int(text)), key=lambda i: i.start_time)
    if not instances and int(text) not in backend.state.meetings:
        raise meeting_not_found(text)
    return Reply(200, {"meetings": [{"uuid": i.uuid, "start_time": format_utc(i.start_time)} for i in instances]})
