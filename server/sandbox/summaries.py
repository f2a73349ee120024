"""AI Companion meeting summaries as Zoom writes them: a recap, next steps per person, topic sections.

Zoom's answer carries the legacy fields (`summary_overview`, `summary_details`, `next_steps`) and the
unified Markdown `summary_content` with the same content; the sandbox builds both from one outline.
"""

import random
from dataclasses import dataclass
from datetime import datetime

from zoom_mcp.server.sandbox.model import AISummary


@dataclass(frozen=True)
class _Outline:
    overview: str
    sections: tuple[tuple[str, str], ...]
    # "{0}", "{1}", ... are the attendees, host first.
    next_steps: tuple[str, ...]


_OUTLINES = {
    "Quarterly planning": _Outline(
        "{0} and the team set the priorities for next quarter: the onboarding redesign ships first, the "
        "European latency work follows, and pricing changes wait for the support team's review.",
        (
            ("Priorities", "Onboarding redesign is the top priority; the beta feedback on exports moves to Q2."),
            ("Infrastructure budget", "The team is about ten percent over budget; {1} will propose cuts."),
            ("Pricing page", "No change before support has reviewed it; decision deferred to the next planning."),
        ),
        ("{0}: update the roadmap doc", "{1}: propose infrastructure budget cuts by Friday"),
    ),
    "Team standup": _Outline(
        "Short status round: the migration finished without incidents and the flaky pipeline test is fixed.",
        (
            ("Progress", "Migration done over the weekend; pipeline unblocked."),
            ("Blockers", "Security review still pending for the release."),
        ),
        ("{0}: chase the security review", "{1}: share the dashboard link in the channel"),
    ),
    "Vendor demo": _Outline(
        "The vendor demonstrated their export and audit features; the team liked the audit log but has "
        "latency concerns for the European cluster.",
        (
            ("Demo", "Export and audit log features shown end to end."),
            ("Concerns", "Latency in Europe and the contract renewal terms."),
        ),
        ("{0}: send the latency questions to the vendor", "{1}: compare with the current contract"),
    ),
    "All-hands": _Outline(
        "Company update: onboarding numbers are up on last quarter, the accessibility audit is planned, and "
        "the roadmap for the next release was presented.",
        (
            ("Metrics", "Onboarding completion is up; retention will be split by plan next time."),
            ("Roadmap", "Next release focuses on exports and accessibility."),
        ),
        ("{0}: publish the slides", "{1}: schedule the accessibility audit"),
    ),
}
_GENERIC = _Outline(
    "The participants reviewed open items and agreed on owners for the follow-ups.",
    (("Discussion", "Open items were reviewed one by one."),),
    ("{0}: send a follow-up email",),
)


def meeting_summary(topic: str, attendees: list[str], created_at: datetime, rng: random.Random) -> AISummary:
    outline = _OUTLINES.get(topic, _GENERIC)
    names = attendees + [attendees[-1]] * 3

    def fill(text: str) -> str:
        return text.format(*names)

    overview = fill(outline.overview)
    details = [(label, fill(text)) for label, text in outline.sections]
    steps = [fill(step) for step in rng.sample(outline.next_steps, len(outline.next_steps))]
    lines = ["## Quick recap", overview, "", "## Next steps", *(f"- {step}" for step in steps), "", "## Summary"]
    for label, text in details:
        lines += [f"### {label}", text, ""]
    return AISummary(
        title=f"Meeting summary for {topic}",
        overview=overview,
        details=details,
        next_steps=steps,
        content="\n".join(lines).rstrip() + "\n",
        created_at=created_at,
    )
