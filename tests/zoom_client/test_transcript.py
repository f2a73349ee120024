"""WebVTT parsing, table-driven."""

from __future__ import annotations

import pytest

from zoom_mcp.server.zoom.transcript import Cue, parse_vtt


@pytest.mark.parametrize(
    ("document", "cues"),
    [
        (
            "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.500\nAvery Chen: Hello there.\n",
            [Cue("00:00:01", "00:00:04", "Avery Chen", "Hello there.")],
        ),
        (
            "\ufeffWEBVTT\r\n\r\n1\r\n00:01:02.250 --> 00:01:05.000\r\nZoë Lambert: Ça va: bien.\r\n",
            [Cue("00:01:02", "00:01:05", "Zoë Lambert", "Ça va: bien.")],
        ),
        (
            "WEBVTT\n\n01:02.500 --> 01:04.000\nno speaker here\n",
            [Cue("00:01:02", "00:01:04", None, "no speaker here")],
        ),
        (
            "WEBVTT\n\nNOTE a comment\n\n2\n00:00:05,000 --> 00:00:06,000\nMia: first line\nsecond line\n",
            [Cue("00:00:05", "00:00:06", "Mia", "first line second line")],
        ),
        ("WEBVTT\n\n3\n00:00:07.000 --> 00:00:08.000\n\n", []),
        ("", []),
    ],
)
def test_parse_vtt(document: str, cues: list[Cue]) -> None:
    assert parse_vtt(document) == cues
