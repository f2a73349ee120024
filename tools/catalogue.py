"""Every tool the server offers, in the order `tools/list` shows them, and what is derived from them.

Adding a tool: declare it with `@zoom_tool` beside its function (tools/spec.py), then list it here.
"""

from __future__ import annotations

import inspect
import json

from zoom_mcp.tools import meetings, past_meetings, recordings, users
from zoom_mcp.tools.spec import ToolSpec

TOOLS: tuple[ToolSpec, ...] = (
    users.get_user_info,
    meetings.list_meetings,
    meetings.create_meeting,
    meetings.get_meeting,
    meetings.update_meeting,
    meetings.delete_meeting,
    users.list_users,
    recordings.list_recordings,
    recordings.get_meeting_transcript,
    past_meetings.get_meeting_summary,
    past_meetings.list_meeting_participants,
)


def offered(*, read_only: bool) -> tuple[ToolSpec, ...]:
    """The tools a server registers: in read-only mode, none that changes anything in Zoom."""
    return tuple(spec for spec in TOOLS if not (read_only and spec.writes))


def capabilities(tools: tuple[ToolSpec, ...]) -> str:
    """The instructions' list of what the server can do, from the tools' titles ("Get Zoom user" -> get user)."""
    what = ", ".join(spec.title.replace("Zoom ", "").lower() for spec in tools)
    text = f"Zoom tools for the account configured in this server: {what}."
    creating = [spec.name for spec in tools if spec.writes and not spec.annotations.idempotent_hint]
    if creating:
        text += f" {' and '.join(creating)} make something new on every call, so never call one twice for one request."
    return text


def description(spec: ToolSpec) -> str:
    """The docstring, a line per paragraph: its hard line breaks would cost the model tokens and say nothing."""
    paragraphs = inspect.cleandoc(spec.function.__doc__ or "").split("\n\n")
    return "\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)


def signature(spec: ToolSpec) -> str:
    """`name(required, optional=default, ...)` as a person would call the tool; the context is left out."""
    parameters = list(inspect.signature(spec.function).parameters.values())[1:]
    shown = [
        parameter.name
        if parameter.default in (inspect.Parameter.empty, None)
        else f"{parameter.name}={json.dumps(parameter.default)}"
        for parameter in parameters
    ]
    return f"{spec.name}({', '.join(shown)})"


def _first_paragraph(spec: ToolSpec) -> str:
    return description(spec).split("\n")[0]


def _hints(spec: ToolSpec) -> str:
    hints = spec.annotations
    if hints.read_only_hint:
        return "read-only"
    return ", ".join(
        [
            "destructive" if hints.destructive_hint else "not destructive",
            "idempotent" if hints.idempotent_hint else "not idempotent",
        ]
    )


def readme_tool_table() -> str:
    """The README's table of tools: name, the description's first paragraph, annotations."""
    rows = [f"| `{signature(spec)}` | {_first_paragraph(spec)} | {_hints(spec)} |" for spec in TOOLS]
    return "\n".join(["| tool | what it does | annotations |", "|---|---|---|", *rows])


def readme_scope_table() -> str:
    """The README's table of the scopes each tool needs: Server-to-Server OAuth, then a user-managed app."""

    def cells(scopes: tuple[str, ...]) -> str:
        if not scopes:
            return "needs an account-level app | —"
        classic, *granular = scopes
        return f"`{classic}` | {', '.join(f'`{scope}`' for scope in granular)}"

    header = "| tool | Server-to-Server: classic | granular | user-managed app: classic | granular |"
    rows = [f"| `{s.name}` | {cells(s.scopes.account_level())} | {cells(s.scopes.user_level())} |" for s in TOOLS]
    return "\n".join([header, "|---|---|---|---|---|", *rows])
