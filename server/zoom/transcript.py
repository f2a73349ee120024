"""Zoom's transcript files (WebVTT) as cues with a speaker, start, end and text."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TIMING = re.compile(r"^(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})\s+-->\s+(?P<end>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})")
# Zoom writes "Speaker Name: what was said"; a long or sentence-like prefix is text, not a name.
_SPEAKER = re.compile(r"^(?P<speaker>[^:\n]{1,80}?):\s+(?P<text>.+)$", re.DOTALL)


@dataclass(frozen=True)
class Cue:
    start: str
    end: str
    speaker: str | None
    text: str


def parse_vtt(document: str) -> list[Cue]:
    """Every cue of a WebVTT document, in order; headers, notes and cue numbers are dropped."""
    cues: list[Cue] = []
    for block in re.split(r"\r?\n\s*\r?\n", document.strip().lstrip("\ufeff")):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        timing_at = next((index for index, line in enumerate(lines) if _TIMING.match(line)), None)
        if timing_at is None:
            continue
        timing = _TIMING.match(lines[timing_at])
        assert timing is not None
        text = " ".join(lines[timing_at + 1 :])
        if not text:
            continue
        speaker_match = _SPEAKER.match(text)
        speaker, spoken = (
            (speaker_match["speaker"].strip(), speaker_match["text"].strip()) if speaker_match else (None, text)
        )
        cues.append(Cue(start=_clock(timing["start"]), end=_clock(timing["end"]), speaker=speaker, text=spoken))
    return cues


def _clock(timestamp: str) -> str:
    """`01:02.500` or `00:01:02.500` as `00:01:02`: transcripts read fine at whole seconds."""
    whole = timestamp.replace(",", ".").split(".")[0]
    parts = whole.split(":")
    if len(parts) == 2:
        parts.insert(0, "00")
    return ":".join(part.zfill(2) for part in parts)
