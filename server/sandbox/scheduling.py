"""Creating and changing meetings once their input has been checked."""

import copy
from datetime import datetime
from typing import Any

from zoom_mcp.server.sandbox.ids import IdFactory
from zoom_mcp.server.sandbox.meeting_input import RECURRING_FIXED_TIME, RECURRING_NO_FIXED_TIME
from zoom_mcp.server.sandbox.model import JsonObject, Meeting, Occurrence, User
from zoom_mcp.server.sandbox.recurrence import expand
from zoom_mcp.server.sandbox.timeutil import whole_seconds, zone

DEFAULT_SETTINGS: JsonObject = {
    "host_video": False,
    "participant_video": False,
    "cn_meeting": False,
    "in_meeting": False,
    "join_before_host": False,
    "jbh_time": 0,
    "mute_upon_entry": False,
    "watermark": False,
    "use_pmi": False,
    "approval_type": 2,
    "audio": "voip",
    "auto_recording": "none",
    "enforce_login": False,
    "enforce_login_domains": "",
    "alternative_hosts": "",
    "alternative_hosts_email_notification": True,
    "close_registration": False,
    "show_share_button": False,
    "allow_multiple_devices": False,
    "registrants_confirmation_email": True,
    "waiting_room": False,
    "request_permission_to_unmute_participants": False,
    "registrants_email_notification": True,
    "meeting_authentication": False,
    "encryption_type": "enhanced_encryption",
    "approved_or_denied_countries_or_regions": {"enable": False},
    "breakout_room": {"enable": False},
    "internal_meeting": False,
    "continuous_meeting_chat": {"enable": True, "auto_add_invited_external_users": False},
    "participant_focused_meeting": False,
    "push_change_to_calendar": False,
    "resources": [],
    "auto_start_meeting_summary": False,
    "auto_start_ai_companion_questions": False,
    "device_testing": False,
    "email_notification": True,
    "host_save_video_order": False,
    "sign_language_interpretation": {"enable": False},
    "email_in_attendee_report": False,
    "show_join_info": False,
    "disable_participant_video": False,
    "global_dial_in_countries": ["US"],
    "global_dial_in_numbers": [
        {"country_name": "US", "city": "New York", "number": "+1 646 931 3860", "type": "toll", "country": "US"},
        {"country_name": "US", "number": "+1 309 205 3325", "type": "toll", "country": "US"},
    ],
}


def new_meeting(
    ids: IdFactory, host: User, fields: dict[str, Any], now: datetime, *, creation_source: str = "open_api"
) -> Meeting:
    """A meeting from checked create fields (see ``meeting_input.check_meeting_body``)."""
    meeting_type = fields.get("type", 2)
    password = fields.get("password") or ""
    if not password and fields.get("default_password", True):
        password = ids.passcode()
    meeting = Meeting(
        id=ids.meeting_id(),
        uuid=ids.meeting_uuid(),
        host_id=host.id,
        topic=fields.get("topic", f"{host.display_name}'s Zoom Meeting"),
        type=meeting_type,
        start_time=fields.get("start_time", whole_seconds(now)),
        duration=fields.get("duration", 60),
        timezone=fields.get("timezone") or host.timezone or "UTC",
        agenda=fields.get("agenda", ""),
        created_at=whole_seconds(now),
        password="",
        encrypted_password="",
        numeric_password="",
        start_zak=ids.zak(),
        settings=copy.deepcopy(DEFAULT_SETTINGS),
        recurrence=fields.get("recurrence")
        if meeting_type in (RECURRING_FIXED_TIME, RECURRING_NO_FIXED_TIME)
        else None,
        tracking_fields=fields.get("tracking_fields", []),
        pre_schedule=fields.get("pre_schedule", False),
        creation_source=creation_source,
    )
    set_password(meeting, password, ids)
    meeting.settings.update(fields.get("settings", {}))
    _require_some_security(meeting)
    refresh_occurrences(meeting)
    return meeting


def set_password(meeting: Meeting, password: str, ids: IdFactory) -> None:
    meeting.password = password
    meeting.encrypted_password = ids.encrypted_passcode() if password else ""
    meeting.numeric_password = (password if password.isdigit() else ids.numeric_passcode()) if password else ""


def _require_some_security(meeting: Meeting) -> None:
    # Zoom insists on a passcode, a waiting room or authentication; lacking all, it adds a waiting room.
    if not meeting.password and not meeting.settings.get("meeting_authentication"):
        meeting.settings["waiting_room"] = True


def refresh_occurrences(meeting: Meeting) -> None:
    """Recompute a fixed-time recurring meeting's occurrences, keeping deletions."""
    if meeting.type != RECURRING_FIXED_TIME or meeting.recurrence is None or meeting.start_time is None:
        meeting.occurrences = []
        return
    deleted = {o.occurrence_id for o in meeting.occurrences if o.status == "deleted"}
    timezone = zone(meeting.timezone)
    assert timezone is not None, "meeting time zones are checked on input"
    occurrences = expand(meeting.recurrence, meeting.start_time, timezone, meeting.duration)
    for occurrence in occurrences:
        if occurrence.occurrence_id in deleted:
            occurrence.status = "deleted"
    meeting.occurrences = occurrences
    if occurrences:
        meeting.start_time = occurrences[0].start_time


def update_meeting(meeting: Meeting, changes: dict[str, Any], ids: IdFactory) -> None:
    for name in ("topic", "agenda", "duration", "timezone", "type", "pre_schedule", "tracking_fields", "start_time"):
        if name in changes:
            setattr(meeting, name, changes[name])
    if "password" in changes:
        set_password(meeting, changes["password"], ids)
    meeting.settings.update(changes.get("settings", {}))
    if meeting.type in (RECURRING_FIXED_TIME, RECURRING_NO_FIXED_TIME):
        meeting.recurrence = changes.get("recurrence", meeting.recurrence)
    else:
        meeting.recurrence = None
    _require_some_security(meeting)
    refresh_occurrences(meeting)


def update_occurrence(occurrence: Occurrence, changes: dict[str, Any]) -> None:
    """PATCH with ``occurrence_id`` only reaches an occurrence's agenda, start, duration and settings."""
    if "start_time" in changes:
        occurrence.start_time = changes["start_time"]
    if "duration" in changes:
        occurrence.duration = changes["duration"]
    if "agenda" in changes:
        occurrence.agenda = changes["agenda"]
    occurrence.settings.update(changes.get("settings", {}))
