"""Checking a create/update meeting body the way Zoom does: every bad field named in one 400."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from zoom_mcp.server.sandbox.backend import PastStartOnUpdate
from zoom_mcp.server.sandbox.errors import FieldError, validation_failed
from zoom_mcp.server.sandbox.model import JsonObject
from zoom_mcp.server.sandbox.recurrence import check_recurrence
from zoom_mcp.server.sandbox.timeutil import parse_request_time, whole_seconds, zone

MEETING_TYPES = {1, 2, 3, 8, 10}
RECURRING_FIXED_TIME = 8
RECURRING_NO_FIXED_TIME = 3
# PATCH documents a stricter passcode alphabet than create does.
_UPDATE_PASSCODE = re.compile(r"[A-Za-z0-9@_*-]*")


def _boolean(value: object) -> bool:
    return isinstance(value, bool)


def _integer_in(*allowed: int) -> Callable[[object], bool]:
    return lambda value: isinstance(value, int) and not isinstance(value, bool) and value in allowed


def _one_of(*allowed: str) -> Callable[[object], bool]:
    return lambda value: value in allowed


def _text(max_length: int = 10_000) -> Callable[[object], bool]:
    return lambda value: isinstance(value, str) and len(value) <= max_length


def _object(value: object) -> bool:
    return isinstance(value, dict)


def _array(value: object) -> bool:
    return isinstance(value, list)


_BOOLEAN_SETTINGS = [
    "allow_multiple_devices",
    "alternative_hosts_email_notification",
    "alternative_host_update_polls",
    "alternative_host_manage_meeting_summary",
    "alternative_host_manage_cloud_recording",
    "close_registration",
    "cn_meeting",
    "email_notification",
    "focus_mode",
    "host_video",
    "in_meeting",
    "join_before_host",
    "meeting_authentication",
    "mute_upon_entry",
    "participant_video",
    "private_meeting",
    "registrants_confirmation_email",
    "registrants_email_notification",
    "show_share_button",
    "show_join_info",
    "use_pmi",
    "waiting_room",
    "watermark",
    "host_save_video_order",
    "internal_meeting",
    "participant_focused_meeting",
    "push_change_to_calendar",
    "auto_start_meeting_summary",
    "auto_start_ai_companion_questions",
    "device_testing",
    "request_permission_to_unmute_participants",
    "allow_host_control_participant_mute_state",
    "disable_participant_video",
    "email_in_attendee_report",
]

SETTINGS_RULES: dict[str, Callable[[object], bool]] = {
    **dict.fromkeys(_BOOLEAN_SETTINGS, _boolean),
    "approval_type": _integer_in(0, 1, 2),
    "registration_type": _integer_in(1, 2, 3),
    "jbh_time": _integer_in(0, 5, 10, 15),
    "calendar_type": _integer_in(1, 2),
    "who_will_receive_summary": _integer_in(1, 2, 3, 4),
    "who_can_ask_questions": _integer_in(1, 2, 3, 4, 5),
    "audio": _one_of("both", "telephony", "voip", "thirdParty"),
    "auto_recording": _one_of("local", "cloud", "none"),
    "encryption_type": _one_of("enhanced_encryption", "e2ee"),
    "alternative_hosts": _text(),
    "authentication_option": _text(),
    "authentication_domains": _text(),
    "authentication_name": _text(),
    "contact_name": _text(),
    "contact_email": _text(),
    "audio_conference_info": _text(2048),
    "summary_template_id": _text(),
    "approved_or_denied_countries_or_regions": _object,
    "breakout_room": _object,
    "continuous_meeting_chat": _object,
    "language_interpretation": _object,
    "sign_language_interpretation": _object,
    "waiting_room_options": _object,
    "question_and_answer": _object,
    "auto_add_recording_to_video_management": _object,
    "meeting_invitees": _array,
    "authentication_exception": _array,
    "global_dial_in_countries": _array,
    "resources": _array,
}


@dataclass(frozen=True)
class MeetingDefaults:
    """What an omitted field falls back to: the meeting's current values, or the host's on create."""

    type: int
    timezone: str
    recurrence: JsonObject | None
    start_time: datetime | None


def check_meeting_body(
    body: JsonObject,
    defaults: MeetingDefaults,
    now: datetime,
    *,
    is_update: bool,
    past_start_on_update: PastStartOnUpdate = "ignore",
) -> dict[str, Any]:
    """The body's recognised fields, normalised; raises Zoom's ``Validation Failed.`` 400 otherwise.

    Unknown keys are dropped, as Zoom ignores them.
    """
    errors: list[FieldError] = []
    changes: dict[str, Any] = {}

    def accept(name: str, is_valid: bool) -> None:
        if not is_valid:
            errors.append(FieldError(name))
        else:
            changes[name] = body[name]

    if "topic" in body:
        accept("topic", _text(200)(body["topic"]))
    if "type" in body:
        accept("type", _integer_in(*MEETING_TYPES)(body["type"]))
    if "agenda" in body:
        accept("agenda", _text(2000)(body["agenda"]))
    if "password" in body:
        password = body["password"]
        valid = isinstance(password, str) and len(password) <= 10
        if is_update and isinstance(password, str):
            valid = valid and _UPDATE_PASSCODE.fullmatch(password) is not None
        accept("password", valid)
    if "default_password" in body and not is_update:
        accept("default_password", _boolean(body["default_password"]))
    if "duration" in body:
        duration = body["duration"]
        accept("duration", isinstance(duration, int) and not isinstance(duration, bool) and 1 <= duration <= 1440)
    if "pre_schedule" in body:
        accept("pre_schedule", _boolean(body["pre_schedule"]))

    timezone_name = defaults.timezone
    if "timezone" in body:
        given = body["timezone"]
        accept("timezone", isinstance(given, str) and zone(given) is not None)
        if "timezone" in changes:
            timezone_name = given
    timezone = zone(timezone_name) or ZoneInfo("UTC")

    start_time = defaults.start_time
    if "start_time" in body:
        text = body["start_time"]
        parsed = parse_request_time(text, timezone) if isinstance(text, str) else None
        if parsed is None:
            errors.append(FieldError("start_time"))
        elif parsed > now:
            start_time = changes["start_time"] = parsed
        elif is_update and past_start_on_update == "reject":
            errors.append(FieldError("start_time"))
        elif is_update and past_start_on_update == "alter":
            start_time = changes["start_time"] = whole_seconds(now)
        # Otherwise a past start is ignored on update, and means "now" on create (documented).
    if start_time is None or (not is_update and start_time <= now):
        start_time = whole_seconds(now)
        if not is_update:
            changes["start_time"] = start_time

    meeting_type = changes.get("type", defaults.type)
    if "recurrence" in body and meeting_type in (RECURRING_FIXED_TIME, RECURRING_NO_FIXED_TIME):
        recurrence, recurrence_errors = check_recurrence(body["recurrence"], meeting_type, start_time)
        errors += recurrence_errors
        if recurrence is not None:
            changes["recurrence"] = recurrence
    elif meeting_type == RECURRING_FIXED_TIME and defaults.recurrence is None:
        errors.append(FieldError("recurrence"))

    if "settings" in body:
        errors += _check_settings(body["settings"], changes)
    if "tracking_fields" in body:
        errors += _check_tracking_fields(body["tracking_fields"], changes)

    if errors:
        raise validation_failed(errors)
    return changes


def _check_settings(raw: object, changes: dict[str, Any]) -> list[FieldError]:
    if not isinstance(raw, dict):
        return [FieldError("settings")]
    errors = [
        FieldError(f"settings.{key}") for key, rule in SETTINGS_RULES.items() if key in raw and not rule(raw[key])
    ]
    changes["settings"] = {key: raw[key] for key in SETTINGS_RULES if key in raw}
    return errors


def _check_tracking_fields(raw: object, changes: dict[str, Any]) -> list[FieldError]:
    if not isinstance(raw, list):
        return [FieldError("tracking_fields")]
    fields: list[JsonObject] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("field"), str):
            return [FieldError("tracking_fields.field")]
        value = item.get("value", "")
        if not isinstance(value, str):
            return [FieldError("tracking_fields.value")]
        fields.append({"field": item["field"], "value": value})
    changes["tracking_fields"] = fields
    return []
