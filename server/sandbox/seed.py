"""The account a new sandbox starts with, laid out relative to the sandbox clock's "now"."""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from zoom_mcp.server.sandbox.ids import IdFactory
from zoom_mcp.server.sandbox.model import AccountState, Attendance, Meeting, PastInstance, RecordingFile, User
from zoom_mcp.server.sandbox.scheduling import new_meeting, refresh_occurrences
from zoom_mcp.server.sandbox.summaries import meeting_summary
from zoom_mcp.server.sandbox.timeutil import whole_seconds
from zoom_mcp.server.sandbox.transcripts import chat_log, webvtt

OWNER_EMAIL = "owner@sandbox.example.com"
LONG_TRANSCRIPT_CUES = 360


@dataclass(frozen=True)
class _Person:
    first_name: str
    last_name: str
    email: str
    type: int
    status: str
    timezone: str
    role_id: str
    role_name: str


_PEOPLE = (
    _Person("Avery", "Chen", OWNER_EMAIL, 2, "active", "America/New_York", "0", "Owner"),
    _Person("Mia", "Okafor", "mia+zoom@sandbox.example.com", 2, "active", "Europe/London", "1", "Admin"),
    _Person("Zoë", "Lambert", "zoë@sandbox.example.com", 1, "active", "Europe/Paris", "2", "Member"),
    _Person("Ravi", "Patel", "ravi.patel@sandbox.example.com", 1, "pending", "Asia/Kolkata", "2", "Member"),
    _Person("Jonas", "Berg", "jonas.berg@sandbox.example.com", 1, "inactive", "Europe/Berlin", "2", "Member"),
)


def build_account(ids: IdFactory, account_id: str, now: datetime) -> AccountState:
    users = [_user(ids, person, now, days_ago=400 - 60 * index) for index, person in enumerate(_PEOPLE)]
    state = AccountState(account_id=account_id, owner_id=users[0].id, users=users)
    _schedule(state, ids, now)
    return state


def _user(ids: IdFactory, person: _Person, now: datetime, days_ago: int) -> User:
    created = whole_seconds(now - timedelta(days=days_ago, hours=ids.rng.randint(0, 23)))
    return User(
        id=ids.user_id(),
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        type=person.type,
        status=person.status,
        timezone=person.timezone,
        pmi=ids.pmi(),
        role_id=person.role_id,
        role_name=person.role_name,
        created_at=created,
        last_login_time=None
        if person.status == "pending"
        else whole_seconds(now - timedelta(hours=ids.rng.randint(2, 90))),
        last_client_version="6.2.11.54831(mac)" if person.status != "pending" else "",
        pmi_passcode_token=ids.encrypted_passcode(),
    )


def _local(now: datetime, zone: str, days: int, at: time) -> datetime:
    """``at`` o'clock in ``zone``, ``days`` days from today there, as UTC."""
    tz = ZoneInfo(zone)
    day = now.astimezone(tz).date() + timedelta(days=days)
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _schedule(state: AccountState, ids: IdFactory, now: datetime) -> None:
    owner, mia, zoe = state.users[0], state.users[1], state.users[2]
    tz = owner.timezone
    long_agenda = (
        "Walk through the new onboarding flow end to end: sign-up, workspace creation, inviting teammates "
        "and the first-meeting checklist. Bring screenshots of the current drop-off points. We will decide "
        "which of the three proposed variants goes to the beta cohort and who owns the copy changes."
    )
    upcoming = [
        (owner, "Product sync prep", _local(now, tz, 1, time(10, 0)), 45, ""),
        (owner, "Design review: onboarding flow", _local(now, tz, 3, time(14, 0)), 60, long_agenda),
        (owner, "Customer call: Acme Corp", _local(now, tz, 6, time(11, 30)), 30, "Renewal and roadmap questions."),
        (mia, "Hiring loop debrief", _local(now, mia.timezone, 2, time(16, 0)), 30, ""),
    ]
    for host, topic, start, duration, agenda in upcoming:
        _add(state, ids, host, now, topic=topic, start_time=start, duration=duration, agenda=agenda)
    _add(state, ids, owner, now, topic="Open office hours", type=3, agenda="Drop in with any question.")

    standup = _add(
        state,
        ids,
        owner,
        now - timedelta(days=22),
        topic="Team standup",
        type=8,
        start_time=_local(now, tz, -21, time(9, 30)),
        duration=15,
        recurrence={"type": 2, "repeat_interval": 1, "weekly_days": "3,5", "end_times": 20},
    )
    held = [o for o in standup.occurrences if o.start_time + timedelta(minutes=o.duration) <= now]
    for occurrence in held[-2:]:
        _hold(state, ids, standup, occurrence.start_time, [owner, mia, zoe], cues=40)

    # Mia has not turned on AI Companion summaries, so her meetings have none to read.
    mia.meeting_summary_enabled = False
    past = [
        (owner, "Quarterly planning", _local(now, tz, -2, time(14, 0)), 55, "/", False, LONG_TRANSCRIPT_CUES),
        (owner, "1:1 Avery / Mia", _local(now, tz, -5, time(11, 0)), 30, "", True, 60),
        (owner, "Vendor demo", now - timedelta(minutes=95), 30, "", False, 45),
        (owner, "All-hands", _local(now, tz, -12, time(10, 0)), 50, "", False, 80),
        (mia, "Candidate interview", _local(now, mia.timezone, -1, time(15, 0)), 45, "", False, 50),
    ]
    for host, topic, start, duration, uuid_prefix, uuid_infix, cues in past:
        meeting = _add(state, ids, host, start - timedelta(days=7), topic=topic, start_time=start, duration=duration)
        meeting.uuid = ids.meeting_uuid(force_prefix=uuid_prefix, force_infix=uuid_infix)
        instance = _hold(state, ids, meeting, start, [host, *(u for u in (owner, mia, zoe) if u is not host)], cues)
        _attend(instance, state, **_ATTENDANCE.get(topic, {}))
    for instance in state.instances:
        if instance.topic == "Team standup":
            _attend(instance, state)

    # Held alone: Zoom lists no participants for a meeting with only one.
    solo_start = _local(now, tz, -3, time(9, 0))
    solo = _add(state, ids, owner, solo_start - timedelta(days=1), topic="Focus block", start_time=solo_start)
    state.instances.append(_instance(ids, solo, solo_start, solo.duration, files=[]))
    _attend(state.instances[-1], state, people=1, summary=False)


# Who came and what Zoom recorded, per held meeting: a person who dropped out and came back (a second join
# record), guests from outside the account (no user id, no email), a meeting nobody summarised.
_ATTENDANCE: dict[str, dict[str, Any]] = {
    "Quarterly planning": {"rejoins": 1},
    "Vendor demo": {"guests": ("Dana Whitfield (Acme)", "Sam Ortiz")},
    "1:1 Avery / Mia": {"summary": False},
}


def _attend(
    instance: PastInstance,
    state: AccountState,
    *,
    people: int | None = None,
    guests: tuple[str, ...] = (),
    rejoins: int = 0,
    summary: bool = True,
) -> None:
    """Add who joined (and when) and an AI Companion summary, with a random source of their own.

    Seeded from the instance uuid rather than the shared source, so adding them left every id as it was.
    """
    rng = random.Random(instance.uuid)
    speakers = _speakers(instance) if people is None else []
    by_name = {user.display_name: user for user in state.users}
    attendees = [by_name[name] for name in speakers] or [state.user_by_id(instance.host_id)][: people or 1]
    end = instance.end_time
    records: list[Attendance] = []

    def join(user: User | None, name: str, start: timedelta, stop: timedelta) -> None:
        records.append(
            Attendance(
                user_id=str(rng.randint(16_000_000, 34_000_000)),
                id=user.id if user else "",
                name=name,
                email=user.email if user else "",
                join_time=whole_seconds(instance.start_time + start),
                leave_time=whole_seconds(min(end, instance.start_time + stop)),
                internal_user=user is not None,
            )
        )

    length = end - instance.start_time
    for index, user in enumerate(attendees):
        late = timedelta(0) if index == 0 else timedelta(seconds=rng.randint(10, 240))
        early = timedelta(0) if index == 0 else timedelta(seconds=rng.randint(0, 90))
        if index == 1 and rejoins:
            dropped = length * 0.4
            join(user, user.display_name, late, dropped)
            join(user, user.display_name, dropped + timedelta(seconds=rng.randint(60, 180)), length - early)
        else:
            join(user, user.display_name, late, length - early)
    for guest in guests:
        join(None, guest, timedelta(seconds=rng.randint(30, 300)), length - timedelta(seconds=rng.randint(0, 60)))
    instance.participants = sorted(records, key=lambda record: record.join_time)
    if summary and state.user_by_id(instance.host_id).meeting_summary_enabled:
        names = [user.display_name for user in attendees] + list(guests)
        instance.summary = meeting_summary(instance.topic, names, end + timedelta(minutes=2), rng)


def _speakers(instance: PastInstance) -> list[str]:
    """The people who speak in the instance's transcript: the ones who were there."""
    transcript = next((f for f in instance.files if f.file_type == "TRANSCRIPT"), None)
    if transcript is None:
        return []
    found: list[str] = []
    for line in transcript.content.decode().splitlines():
        name, colon, _ = line.partition(": ")
        if colon and "-->" not in line and name not in found:
            found.append(name)
    return found


def _add(state: AccountState, ids: IdFactory, host: User, created: datetime, **fields: object) -> Meeting:
    # Seeded meetings may lie in the past, which the create path would move to "now".
    start = fields.pop("start_time", None)
    meeting = new_meeting(ids, host, dict(fields), created, creation_source="web_portal")
    if start is not None:
        assert isinstance(start, datetime)
        meeting.start_time = whole_seconds(start)
        refresh_occurrences(meeting)
    state.meetings[meeting.id] = meeting
    return meeting


def _hold(
    state: AccountState, ids: IdFactory, meeting: Meeting, start: datetime, people: list[User], cues: int
) -> PastInstance:
    """Record that ``meeting`` took place at ``start`` with a cloud recording."""
    start = whole_seconds(start + timedelta(seconds=ids.rng.randint(0, 90)))
    # Every held instance of a recurring meeting gets a uuid of its own.
    uuid = ids.meeting_uuid() if meeting.type == 8 else meeting.uuid
    names = [p.display_name for p in people[: 2 + ids.rng.randint(0, len(people) - 2)]]
    rec_start = start + timedelta(seconds=ids.rng.randint(3, 20))
    rec_end = start + timedelta(minutes=meeting.duration, seconds=-ids.rng.randint(0, 120))
    minutes = max(1, int((rec_end - rec_start).total_seconds() // 60))
    transcript = webvtt(ids.rng, names, cues).encode()
    files = [
        _file(
            ids, "MP4", "MP4", "shared_screen_with_speaker_view", rec_start, rec_end, minutes * 1_450_000, "video/mp4"
        ),
        _file(ids, "M4A", "M4A", "audio_only", rec_start, rec_end, minutes * 480_000, "audio/mp4"),
        _file(ids, "TRANSCRIPT", "VTT", "audio_transcript", rec_start, rec_end, 0, "text/vtt", transcript),
    ]
    if ids.rng.random() < 0.7:
        chat = chat_log(ids.rng, names, ids.rng.randint(3, 12)).encode()
        files.append(_file(ids, "CHAT", "TXT", "chat_file", rec_start, rec_end, 0, "text/plain", chat))
    instance = _instance(ids, meeting, start, max(1, int((rec_end - start).total_seconds() // 60)), files, uuid)
    state.instances.append(instance)
    return instance


def _instance(
    ids: IdFactory,
    meeting: Meeting,
    start: datetime,
    duration: int,
    files: list[RecordingFile],
    uuid: str | None = None,
) -> PastInstance:
    return PastInstance(
        uuid=uuid or meeting.uuid,
        meeting_id=meeting.id,
        host_id=meeting.host_id,
        topic=meeting.topic,
        type=meeting.type,
        start_time=start,
        duration=duration,
        timezone=meeting.timezone,
        share_token=ids.base62(64) + "." + ids.base62(16),
        play_passcode=ids.base62(32),
        download_access_token=ids.base62(120),
        files=files,
    )


def _file(
    ids: IdFactory,
    file_type: str,
    extension: str,
    recording_type: str,
    start: datetime,
    end: datetime,
    size: int,
    media_type: str,
    content: bytes = b"",
) -> RecordingFile:
    # Media files are stand-ins: their bytes are a short placeholder, not `size` bytes of video.
    body = content or f"sandbox placeholder {file_type} recording\n".encode()
    return RecordingFile(
        id=ids.file_id(),
        file_type=file_type,
        file_extension=extension,
        recording_type=recording_type,
        recording_start=start,
        recording_end=end,
        file_size=size or len(body),
        content=body,
        media_type=media_type,
    )
