"""`zoom-mcp demo`: the seed's example as a product, through a real MCP client over stdio.

Fetches the user, shows the next seven days as a calendar (recurring series expanded) and creates a
meeting, exactly as an assistant would. With Zoom
credentials it talks to Zoom (and deletes the demo meeting afterwards unless --keep); without them, or
with --sandbox, it runs the server on the built-in sandbox. With --read-only it creates nothing.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp_types import CallToolResult, TextContent

from zoom_mcp.server.settings import Settings

DEMO_TOPIC = "zoom-mcp demo meeting"
CALENDAR_DAYS = 7


class DemoFailed(Exception):
    pass


@dataclass(frozen=True)
class Plan:
    sandbox: bool
    read_only: bool
    keep: bool
    log_level: str
    api_base_url: str

    def server_arguments(self) -> list[str]:
        return [
            "-m",
            "zoom_mcp.server",
            *(["--sandbox"] if self.sandbox else []),
            *(["--read-only"] if self.read_only else []),
            "--log-level",
            self.log_level,
        ]


def run_demo(settings: Settings, *, sandbox: bool, json_output: bool, keep: bool) -> int:
    plan = Plan(
        sandbox=sandbox or settings.credentials() is None,
        read_only=settings.mcp_read_only,
        keep=keep,
        log_level=settings.mcp_log_level,
        api_base_url=settings.api_base_url,
    )
    try:
        report = anyio.run(_drive, plan)
    except DemoFailed as failure:
        print(f"zoom-mcp demo failed: {failure}", file=sys.stderr)
        return 1
    if json_output:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(_readable(report))
    return 0


async def _drive(plan: Plan) -> dict[str, Any]:
    # The SDK passes only a safe subset of the environment to a server it spawns: hand on Zoom's.
    zoom_variables = {name: value for name, value in os.environ.items() if name.startswith("ZOOM_")}
    server = StdioServerParameters(command=sys.executable, args=plan.server_arguments(), env=zoom_variables)
    async with Client(server) as client:
        try:
            return await _steps(client, plan)
        except DemoFailed as failure:
            # Raised outside the client's task group, so the caller sees it unwrapped.
            problem = failure
    raise problem


async def _steps(client: Client, plan: Plan) -> dict[str, Any]:
    start = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    user = await _call(client, "get_user_info", {"user_id": "me"})
    # The user's own "today" (get_user_info gives their local time), as an assistant asked about the week would.
    today = date.fromisoformat(str(user.get("current_time_local") or datetime.now(UTC).isoformat())[:10])
    week = {"from_date": today.isoformat(), "to_date": (today + timedelta(days=CALENDAR_DAYS - 1)).isoformat()}
    meetings = await _call(client, "list_meetings", {"user_id": "me", **week})
    report: dict[str, Any] = {
        "source": "sandbox" if plan.sandbox else "zoom",
        "api_base_url": None if plan.sandbox else plan.api_base_url,
        "read_only": plan.read_only,
        "user": user,
        "meetings": meetings,
        "created_meeting": None,
        "deleted": None,
    }
    if plan.read_only:
        return report
    report["created_meeting"] = created = await _call(
        client,
        "create_meeting",
        {
            "user_id": "me",
            "topic": DEMO_TOPIC,
            "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration": 30,
            "agenda": "Created by `zoom-mcp demo` to show the create_meeting tool.",
        },
    )
    if not plan.sandbox and not plan.keep:
        report["deleted"] = await _call(client, "delete_meeting", {"meeting_id": created["id"]})
    return report


async def _call(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result: CallToolResult = await client.call_tool(tool, arguments)
    if result.is_error or result.structured_content is None:
        message = " ".join(block.text for block in result.content if isinstance(block, TextContent))
        raise DemoFailed(f"{tool}: {message}")
    return dict(result.structured_content)


def _where(report: dict[str, Any]) -> str:
    if report["source"] == "sandbox":
        return (
            "the built-in Zoom sandbox (sample data; set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET "
            "to use your Zoom account)"
        )
    url = report["api_base_url"]
    host = (urlsplit(url).hostname or "").lower()
    if host == "zoom.us" or host.endswith((".zoom.us", ".zoomgov.com")):
        return "your Zoom account"
    return f"the Zoom API at {url} (not zoom.us: a local sandbox or a proxy)"


def _readable(report: dict[str, Any]) -> str:
    user, page, meeting = report["user"], report["meetings"], report["created_meeting"]
    where = _where(report)
    lines = [
        f"zoom-mcp demo: an MCP client drove the zoom-mcp server over stdio, against {where}.",
        "",
        "Fetching user info (get_user_info):",
        f"  {user.get('display_name') or user.get('email')} <{user.get('email')}>, {user.get('role_name')}, "
        f"{user.get('type')} plan, timezone {user.get('timezone') or 'not set'}",
        "",
        f"Listing meetings (list_meetings, the next {CALENDAR_DAYS} days, {page.get('from_date')} to "
        f"{page.get('to_date')} in {page.get('timezone') or 'UTC'}): {len(page['meetings'])}",
    ]
    lines += [
        f"  - {item.get('start_time_local') or item.get('start_time') or 'no fixed time'}  {item.get('topic')}  "
        f"({item.get('duration', '?')} min, id {item['id']}"
        + (f", occurrence {item['occurrence_id']})" if item.get("occurrence_id") else ")")
        for item in page["meetings"]
    ] or ["  (none)"]
    if meeting is None:
        lines += ["", "Not creating a test meeting: read-only mode offers no tool that changes anything."]
        return "\n".join(lines)
    lines += [
        "",
        "Creating test meeting (create_meeting):",
        f"  {meeting.get('topic')}  id {meeting['id']}",
        f"  starts {meeting.get('start_time_local') or meeting.get('start_time')}, {meeting.get('timezone') or 'UTC'}",
        f"  join: {meeting.get('join_url')}",
        f"  passcode: {meeting.get('passcode', 'none')}",
    ]
    if report["deleted"]:
        lines += ["", f"Cleaning up (delete_meeting): {report['deleted']['summary']}"]
    return "\n".join(lines)
