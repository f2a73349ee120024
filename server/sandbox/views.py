"""The JSON shapes Zoom answers with, built from the account model.

Only fields the OpenAPI spec names are emitted (the spec tests are strict about unknown keys), except
where real answers are known to differ from the spec; those spots say so.
"""

from datetime import datetime
from typing import Any

from zoom_mcp.server.sandbox.model import JsonObject, Meeting, Occurrence, PastInstance, RecordingFile, User
from zoom_mcp.server.sandbox.timeutil import format_utc

ZOOM_WEB = "https://us05web.zoom.us"
LIST_AGENDA_LENGTH = 250


def user_detail(user: User, account_id: str, now: datetime) -> JsonObject:
    body = user_list_item(user, now)
    del body["user_created_at"]
    body.update(
        {
            "role_name": user.role_name,
            "use_pmi": False,
            "personal_meeting_url": f"{ZOOM_WEB}/j/{user.pmi}?pwd={user.pmi_passcode_token}",
            "cms_user_id": "",
            "jid": f"{user.id.lower()}@xmpp.zoom.us",
            "account_id": account_id,
            "language": user.language,
            "phone_country": "",
            "phone_number": "",
            "job_title": user.job_title,
            "cost_center": "",
            "location": user.location,
            "login_types": [100],
            "cluster": "us05",
            "user_created_at": body["created_at"],
        }
    )
    return body


def user_list_item(user: User, now: datetime) -> JsonObject:
    # The spec: a pending user's created_at "shows the time of the API call".
    created_at = format_utc(now if user.status == "pending" else user.created_at)
    body: JsonObject = {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.display_name,
        "email": user.email,
        "type": user.type,
        "pmi": user.pmi,
        "timezone": user.timezone,
        "verified": user.verified,
        "dept": user.dept,
        "created_at": created_at,
        "user_created_at": created_at,
        "group_ids": [],
        "im_group_ids": [],
        "status": user.status,
        "role_id": user.role_id,
    }
    if user.last_login_time is not None:
        body["last_login_time"] = format_utc(user.last_login_time)
        body["last_client_version"] = user.last_client_version
    return body


def join_url(meeting: Meeting) -> str:
    url = f"{ZOOM_WEB}/j/{meeting.id}"
    return f"{url}?pwd={meeting.encrypted_password}" if meeting.password else url


def list_start_time(meeting: Meeting, now: datetime) -> datetime | None:
    """A recurring meeting is listed at its next live occurrence (its last one once all are over)."""
    available = [o for o in meeting.occurrences if o.status == "available"]
    upcoming = [o for o in available if o.start_time >= now]
    if upcoming:
        return upcoming[0].start_time
    return available[-1].start_time if available else meeting.start_time


def meeting_list_item(meeting: Meeting, now: datetime) -> JsonObject:
    body: JsonObject = {
        "uuid": meeting.uuid,
        "id": meeting.id,
        "host_id": meeting.host_id,
        "topic": meeting.topic,
        "type": meeting.type,
    }
    start = list_start_time(meeting, now)
    if start is not None and meeting.type != 3:
        body["start_time"] = format_utc(start)
    body["duration"] = meeting.duration
    body["timezone"] = meeting.timezone
    if meeting.agenda:
        body["agenda"] = meeting.agenda[:LIST_AGENDA_LENGTH]
    body["created_at"] = format_utc(meeting.created_at)
    body["join_url"] = join_url(meeting)
    return body


def _occurrence(occurrence: Occurrence) -> JsonObject:
    return {
        "occurrence_id": occurrence.occurrence_id,
        "start_time": format_utc(occurrence.start_time),
        "duration": occurrence.duration,
        "status": occurrence.status,
    }


def meeting_detail(
    meeting: Meeting,
    host: User,
    now: datetime,
    *,
    occurrence: Occurrence | None = None,
    show_previous_occurrences: bool = False,
) -> JsonObject:
    start = occurrence.start_time if occurrence is not None else meeting.start_time
    body: JsonObject = {
        "uuid": meeting.uuid,
        "id": meeting.id,
        "host_id": meeting.host_id,
        "host_email": host.email,
        "assistant_id": "",
        "topic": meeting.topic,
        "type": meeting.type,
        "status": meeting.status,
    }
    if start is not None and meeting.type != 3:
        body["start_time"] = format_utc(start)
    body["duration"] = occurrence.duration if occurrence is not None else meeting.duration
    body["timezone"] = meeting.timezone
    agenda = occurrence.agenda if occurrence is not None and occurrence.agenda is not None else meeting.agenda
    if agenda:
        body["agenda"] = agenda
    body["created_at"] = format_utc(meeting.created_at)
    body["start_url"] = f"{ZOOM_WEB}/s/{meeting.id}?zak={meeting.start_zak}"
    body["join_url"] = join_url(meeting)
    if meeting.password:
        body["password"] = meeting.password
        body["h323_password"] = meeting.numeric_password
        body["pstn_password"] = meeting.numeric_password
        body["encrypted_password"] = meeting.encrypted_password
    settings: dict[str, Any] = dict(meeting.settings)
    if occurrence is not None:
        settings.update(occurrence.settings)
    body["settings"] = settings
    body["pre_schedule"] = meeting.pre_schedule
    if meeting.recurrence is not None and meeting.type in (3, 8):
        body["recurrence"] = dict(meeting.recurrence)
    if meeting.type == 8:
        shown = [o for o in meeting.occurrences if show_previous_occurrences or o.start_time >= now or o is occurrence]
        body["occurrences"] = [_occurrence(o) for o in shown]
    if meeting.tracking_fields:
        body["tracking_fields"] = [{**f, "visible": True} for f in meeting.tracking_fields]
    body["creation_source"] = meeting.creation_source
    return body


def recording_file(instance: PastInstance, recording: RecordingFile, origin: str) -> JsonObject:
    body: JsonObject = {
        "id": recording.id,
        "meeting_id": instance.uuid,
        "recording_start": format_utc(recording.recording_start),
        "recording_end": format_utc(recording.recording_end),
        "file_type": recording.file_type,
        "file_extension": recording.file_extension,
        "file_size": recording.file_size,
    }
    if recording.file_type in ("MP4", "M4A"):
        body["play_url"] = f"{ZOOM_WEB}/rec/play/{instance.share_token}{recording.id[:8]}"
    body["download_url"] = f"{origin}/rec/download/{recording.id}"
    body["status"] = "completed"
    body["recording_type"] = recording.recording_type
    return body


def recording_meeting(
    instance: PastInstance, account_id: str, origin: str, *, with_timezone: bool = True
) -> JsonObject:
    # Real answers carry `type` as an integer plus `timezone` and `share_url`, none of which match the
    # spec (it declares `type` a string enum and omits the other two); the sandbox follows the wire,
    # and can leave `timezone` out as the spec does.
    body: JsonObject = {
        "uuid": instance.uuid,
        "id": instance.meeting_id,
        "account_id": account_id,
        "host_id": instance.host_id,
        "topic": instance.topic,
        "type": instance.type,
        "start_time": format_utc(instance.start_time),
        "timezone": instance.timezone,
        "duration": instance.duration,
        "total_size": instance.total_size,
        "recording_count": len(instance.files),
        "share_url": f"{ZOOM_WEB}/rec/share/{instance.share_token}",
        "recording_files": [recording_file(instance, f, origin) for f in instance.files],
        "recording_play_passcode": instance.play_passcode,
    }
    if not with_timezone:
        del body["timezone"]
    return body
