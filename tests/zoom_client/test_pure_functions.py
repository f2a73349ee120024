"""Table-driven tests of the pure pieces: Retry-After parsing, backoff, path encoding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from zoom_mcp.server.zoom.client import meeting_uuid_segment, path_segment
from zoom_mcp.server.zoom.retry import RetryPolicy, parse_retry_after

NOW = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("0", NOW),
        ("2", NOW + timedelta(seconds=2)),
        (" 30 ", NOW + timedelta(seconds=30)),
        ("2026-11-27T00:00:00Z", datetime(2026, 11, 27, tzinfo=UTC)),
        ("2026-11-27T00:00:00+00:00", datetime(2026, 11, 27, tzinfo=UTC)),
        ("2026-11-27T01:00:00+01:00", datetime(2026, 11, 27, tzinfo=UTC)),
        ("2026-11-27T00:00:00", datetime(2026, 11, 27, tzinfo=UTC)),
        ("Fri, 27 Nov 2026 00:00:00 GMT", datetime(2026, 11, 27, tzinfo=UTC)),
        ("", None),
        (None, None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: datetime | None) -> None:
    assert parse_retry_after(header, NOW) == expected


@pytest.mark.parametrize(
    ("attempt", "ceiling"),
    [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 8.0), (20, 8.0)],
)
def test_backoff_is_capped_exponential_with_full_jitter(attempt: int, ceiling: float) -> None:
    assert RetryPolicy(jitter=lambda: 1.0).backoff_seconds(attempt) == ceiling
    assert RetryPolicy(jitter=lambda: 0.25).backoff_seconds(attempt) == ceiling / 4


def test_wait_uses_retry_after_relative_to_the_injected_clock() -> None:
    policy = RetryPolicy(clock=lambda: NOW, jitter=lambda: 1.0)
    assert policy.wait_seconds(1, NOW + timedelta(seconds=3)) == 3.0
    assert policy.wait_seconds(1, NOW - timedelta(seconds=3)) == 0.0
    assert policy.wait_seconds(2, None) == 1.0


@pytest.mark.parametrize(
    ("status", "idempotent", "retried"),
    [
        (429, False, True),
        (429, True, True),
        (500, True, True),
        (502, True, True),
        (503, True, True),
        (504, True, True),
        (500, False, False),
        (502, False, False),
        (400, True, False),
        (401, True, False),
        (404, True, False),
    ],
)
def test_which_statuses_are_retried(status: int, idempotent: bool, retried: bool) -> None:
    assert RetryPolicy().may_retry_status(status, idempotent=idempotent) is retried


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("me", "me"),
        ("KDcuGIm1QgePTO8WbOqwIQ", "KDcuGIm1QgePTO8WbOqwIQ"),
        ("jill+zoom@example.com", "jill%2Bzoom%40example.com"),
        ("zoë@example.com", "zo%C3%AB%40example.com"),
        ("../meetings", "..%2Fmeetings"),
        ("a/b", "a%2Fb"),
        ("a?b=c", "a%3Fb%3Dc"),
        ("a#b", "a%23b"),
        ("a b", "a%20b"),
        ("100%", "100%25"),
    ],
)
def test_path_segment_encodes_exactly_one_segment(value: str, segment: str) -> None:
    assert path_segment(value) == segment


@pytest.mark.parametrize("value", ["", ".", ".."])
def test_path_segment_refuses_dot_segments(value: str) -> None:
    with pytest.raises(ValueError, match="path segment"):
        path_segment(value)


@pytest.mark.parametrize(
    ("uuid", "segment"),
    [
        ("aDYlohsHRtCd4ii1uC2+hA==", "aDYlohsHRtCd4ii1uC2%2BhA%3D%3D"),
        ("/abc==", "%252Fabc%253D%253D"),
        ("ab//cd==", "ab%252F%252Fcd%253D%253D"),
        ("ab/cd==", "ab%2Fcd%3D%3D"),
    ],
)
def test_meeting_uuid_is_double_encoded_when_zoom_requires_it(uuid: str, segment: str) -> None:
    assert meeting_uuid_segment(uuid) == segment


def test_each_vocabulary_table_names_every_code_once() -> None:
    from typing import get_args

    from zoom_mcp.server.zoom import vocabulary

    assert set(vocabulary.MEETING_TYPES.values()) == set(get_args(vocabulary.MeetingTypeName))
    assert set(vocabulary.RECURRENCE_TYPES) == set(get_args(vocabulary.RecurrenceTypeCode))
    assert set(vocabulary.RECURRENCE_TYPES.values()) == set(get_args(vocabulary.RecurrenceTypeName))
    for table, inverse in (
        (vocabulary.MEETING_TYPES, vocabulary.MEETING_TYPE_CODES),
        (vocabulary.RECURRENCE_TYPES, vocabulary.RECURRENCE_TYPE_CODES),
    ):
        assert {code: name for name, code in inverse.items()} == table
    assert {
        code for code, name in vocabulary.MEETING_TYPES.items() if name.startswith("recurring")
    } == vocabulary.RECURRING_MEETING_TYPES
