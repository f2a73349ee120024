"""The timezone names Zoom accepts, and the nearest of them to a name it does not.

The names are those of Zoom's "Abbreviation lists" page (developers.zoom.us/docs/api/references/abbreviations/
#timezones), which Meetings.json links to from every `timezone` field instead of listing them. Kept: the
names that are IANA time zones (SST, listed there for the Solomon Islands, is not one, so no local time can
be computed for it). Anything else, however valid for the tz database (posixrules, right/UTC, EST,
Europe/Kyiv), is not a name Zoom documents.
"""

from __future__ import annotations

import difflib
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ZOOM_TIMEZONES: tuple[str, ...] = (
    "Pacific/Midway",
    "Pacific/Pago_Pago",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Vancouver",
    "America/Los_Angeles",
    "America/Tijuana",
    "America/Edmonton",
    "America/Denver",
    "America/Phoenix",
    "America/Mazatlan",
    "America/Winnipeg",
    "America/Regina",
    "America/Chicago",
    "America/Mexico_City",
    "America/Guatemala",
    "America/El_Salvador",
    "America/Managua",
    "America/Costa_Rica",
    "America/Tegucigalpa",
    "America/Montreal",
    "America/New_York",
    "America/Indianapolis",
    "America/Panama",
    "America/Bogota",
    "America/Lima",
    "America/Halifax",
    "America/Puerto_Rico",
    "America/Caracas",
    "America/Santiago",
    "America/St_Johns",
    "America/Montevideo",
    "America/Araguaina",
    "America/Argentina/Buenos_Aires",
    "America/Godthab",
    "America/Sao_Paulo",
    "Atlantic/Azores",
    "Canada/Atlantic",
    "Atlantic/Cape_Verde",
    "UTC",
    "Etc/Greenwich",
    "Europe/Belgrade",
    "CET",
    "Atlantic/Reykjavik",
    "Europe/Dublin",
    "Europe/London",
    "Europe/Lisbon",
    "Africa/Casablanca",
    "Africa/Nouakchott",
    "Europe/Oslo",
    "Europe/Copenhagen",
    "Europe/Brussels",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Europe/Amsterdam",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Vienna",
    "Europe/Luxembourg",
    "Europe/Paris",
    "Europe/Zurich",
    "Europe/Madrid",
    "Africa/Bangui",
    "Africa/Algiers",
    "Africa/Tunis",
    "Africa/Harare",
    "Africa/Nairobi",
    "Europe/Warsaw",
    "Europe/Prague",
    "Europe/Budapest",
    "Europe/Sofia",
    "Europe/Istanbul",
    "Europe/Athens",
    "Europe/Bucharest",
    "Europe/Kiev",
    "Asia/Nicosia",
    "Asia/Beirut",
    "Asia/Damascus",
    "Asia/Jerusalem",
    "Asia/Amman",
    "Africa/Tripoli",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Europe/Moscow",
    "Asia/Baghdad",
    "Asia/Kuwait",
    "Asia/Riyadh",
    "Asia/Bahrain",
    "Asia/Qatar",
    "Asia/Aden",
    "Asia/Tehran",
    "Africa/Khartoum",
    "Africa/Djibouti",
    "Africa/Mogadishu",
    "Asia/Dubai",
    "Asia/Muscat",
    "Asia/Baku",
    "Asia/Kabul",
    "Asia/Yekaterinburg",
    "Asia/Tashkent",
    "Asia/Calcutta",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Novosibirsk",
    "Asia/Almaty",
    "Asia/Dacca",
    "Asia/Krasnoyarsk",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Saigon",
    "Asia/Jakarta",
    "Asia/Irkutsk",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Kuala_Lumpur",
    "Asia/Singapore",
    "Australia/Perth",
    "Asia/Yakutsk",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Darwin",
    "Australia/Adelaide",
    "Asia/Vladivostok",
    "Pacific/Port_Moresby",
    "Australia/Brisbane",
    "Australia/Sydney",
    "Australia/Hobart",
    "Asia/Magadan",
    "Pacific/Noumea",
    "Asia/Kamchatka",
    "Pacific/Fiji",
    "Pacific/Auckland",
    "Pacific/Apia",
)
_ZOOM_TIMEZONE_SET = frozenset(ZOOM_TIMEZONES)
_BY_FOLDED_NAME = {name.casefold(): name for name in ZOOM_TIMEZONES}
# Abbreviations people type, to the zone they usually mean (their fixed-offset tz entries would suggest
# a zone without daylight saving time, e.g. EST -> America/Panama).
_ABBREVIATIONS = {
    "est": "America/New_York",
    "edt": "America/New_York",
    "et": "America/New_York",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "ct": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mt": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "gmt": "Etc/Greenwich",
    "bst": "Europe/London",
    "cest": "Europe/Berlin",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "aest": "Australia/Sydney",
}


def is_zoom_timezone(name: str) -> bool:
    return name in _ZOOM_TIMEZONE_SET


def nearest_zoom_timezone(name: str) -> str:
    """The listed name that most likely means what `name` meant: same spelling but for case, a usual
    abbreviation, a tz database zone with the same UTC offsets through the year, or the closest spelling."""
    folded = name.strip().casefold()
    if folded in _BY_FOLDED_NAME:
        return _BY_FOLDED_NAME[folded]
    if folded in _ABBREVIATIONS:
        return _ABBREVIATIONS[folded]
    tail = folded.removeprefix("posix/").removeprefix("right/")
    if tail in _BY_FOLDED_NAME:
        return _BY_FOLDED_NAME[tail]
    offsets = _offsets_of(name.strip()) if len(name) <= 64 else None
    candidates = [zone for zone in ZOOM_TIMEZONES if offsets is not None and _offsets(zone) == offsets]
    if not candidates:
        candidates = list(ZOOM_TIMEZONES)
    area = folded.split("/", 1)[0]
    same_area = [zone for zone in candidates if zone.casefold().split("/", 1)[0] == area]
    pool = same_area or candidates
    return max(pool, key=lambda zone: difflib.SequenceMatcher(None, folded, zone.casefold()).ratio())


def _offsets_of(name: str) -> tuple[timedelta | None, ...] | None:
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return _zone_offsets(zone)


@cache
def _offsets(name: str) -> tuple[timedelta | None, ...]:
    return _zone_offsets(ZoneInfo(name))


def _zone_offsets(zone: ZoneInfo) -> tuple[timedelta | None, ...]:
    year = datetime.now(UTC).year
    return tuple(datetime(year, month, 15, 12, tzinfo=zone).utcoffset() for month in (1, 7))
