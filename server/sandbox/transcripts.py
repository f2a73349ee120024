"""Generated meeting content: WebVTT transcripts and chat logs, the way Zoom's cloud recording writes them."""

import random
from datetime import timedelta

_LINES = (
    "Okay, let's get started, thanks everyone for joining.",
    "Can everyone hear me all right?",
    "I'll share my screen in a second.",
    "The first item is the release timeline for next month.",
    "We're still waiting on the security review before we can ship.",
    "I think the onboarding numbers look better than last quarter.",
    "Can you drop the link to the dashboard in the chat?",
    "The migration finished over the weekend without any incidents.",
    "We should loop in the support team before we change the pricing page.",
    "My concern is the latency on the European cluster.",
    "Let's take that offline and follow up by email.",
    "I can own the action item for the customer follow-up.",
    "Do we have a date for the design review?",
    "The beta feedback was mostly about the export feature.",
    "I'd like to see the retention curve split by plan.",
    "That makes sense, let's go with the second option.",
    "Sorry, I was on mute. Could you repeat the question?",
    "We're about ten percent over budget on infrastructure.",
    "I'll update the roadmap doc after this call.",
    "Great, any other topics before we wrap up?",
    "The contract renewal is due at the end of the month.",
    "We fixed the flaky test that was blocking the pipeline.",
    "Let's make sure the accessibility audit is on the list.",
    "I'll schedule a follow-up for next week.",
    "Thanks, everyone. Talk soon.",
)


def _timestamp(offset: timedelta) -> str:
    millis = int(offset.total_seconds() * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def webvtt(rng: random.Random, speakers: list[str], cue_count: int) -> str:
    """A multi-speaker transcript: numbered cues whose text is ``Speaker Name: words``."""
    blocks = ["WEBVTT"]
    at = timedelta(seconds=1)
    for number in range(1, cue_count + 1):
        length = timedelta(milliseconds=rng.randint(1500, 6500))
        speaker = speakers[0] if number == 1 else rng.choice(speakers)
        line = _LINES[0] if number == 1 else rng.choice(_LINES[1:])
        blocks.append(f"{number}\n{_timestamp(at)} --> {_timestamp(at + length)}\n{speaker}: {line}")
        at += length + timedelta(milliseconds=rng.randint(100, 1500))
    return "\n\n".join(blocks) + "\n"


def chat_log(rng: random.Random, speakers: list[str], message_count: int) -> str:
    """Zoom's saved-chat text: ``HH:MM:SS`` tab ``From Name to Everyone:`` tab message."""
    lines = []
    seconds = 30
    for _ in range(message_count):
        seconds += rng.randint(20, 240)
        hours, rest = divmod(seconds, 3600)
        stamp = f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
        lines.append(f"{stamp}\t From {rng.choice(speakers)} to Everyone:\t{rng.choice(_LINES)}")
    return "\n".join(lines) + "\n"
