"""The tool catalogue as the model sees it. Any schema or description change shows up as a diff here.

After a deliberate change: UPDATE_SNAPSHOTS=1 python -m pytest tests/snapshots
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

import zoom_mcp.tools as tool_modules
from zoom_mcp.server.app import create_app
from zoom_mcp.server.settings import Settings
from zoom_mcp.tools.catalogue import TOOLS
from zoom_mcp.tools.spec import ToolSpec

pytestmark = pytest.mark.anyio
SNAPSHOT = Path(__file__).with_name("tool_catalogue.json")
WRITE_TOOLS = {"create_meeting", "update_meeting", "delete_meeting"}


async def catalogue(settings: Settings) -> list[dict[str, Any]]:
    async with Client(create_app(settings)) as client:
        tools = (await client.list_tools()).tools
    return [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools]


async def test_tool_catalogue_matches_the_snapshot() -> None:
    current = await catalogue(Settings(_env_file=None))
    rendered = json.dumps(current, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(rendered, encoding="utf-8")
    assert rendered == SNAPSHOT.read_text(encoding="utf-8"), (
        "the tool catalogue changed; review the diff and rerun with UPDATE_SNAPSHOTS=1 if deliberate"
    )


async def test_every_tool_is_fully_described() -> None:
    for tool in await catalogue(Settings(_env_file=None)):
        assert len(tool["description"]) > 80, tool["name"]
        assert tool["title"]
        assert tool["outputSchema"]["type"] == "object"
        assert set(tool["annotations"]) >= {"readOnlyHint", "openWorldHint"}
        for name, schema in tool["inputSchema"]["properties"].items():
            assert schema.get("description"), f"{tool['name']}.{name} has no description"


async def test_core_tool_annotations() -> None:
    tools = {tool["name"]: tool for tool in await catalogue(Settings(_env_file=None))}
    assert tools["get_user_info"]["annotations"]["readOnlyHint"] is True
    assert tools["list_meetings"]["annotations"]["readOnlyHint"] is True
    assert tools["create_meeting"]["annotations"] == {
        "readOnlyHint": False,
        "destructiveHint": False,
        "idempotentHint": False,
        "openWorldHint": True,
    }
    assert tools["delete_meeting"]["annotations"]["destructiveHint"] is True
    assert tools["update_meeting"]["annotations"]["idempotentHint"] is True


async def test_read_only_mode_registers_no_tool_that_writes() -> None:
    everything = {tool["name"] for tool in await catalogue(Settings(_env_file=None))}
    read_only = {tool["name"] for tool in await catalogue(Settings(_env_file=None, mcp_read_only=True))}
    assert everything >= WRITE_TOOLS
    assert read_only == everything - WRITE_TOOLS
    assert "get_user_info" in read_only


def test_read_only_mode_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZOOM_MCP_READ_ONLY", "1")
    assert Settings(_env_file=None).mcp_read_only is True


def test_every_declared_tool_is_in_the_catalogue() -> None:
    """A `@zoom_tool` left out of tools/catalogue.py would never be offered."""
    modules = [
        importlib.import_module(f"{tool_modules.__name__}.{info.name}")
        for info in pkgutil.iter_modules(tool_modules.__path__)
    ]
    declared = {value.name for module in modules for value in vars(module).values() if isinstance(value, ToolSpec)}
    assert declared == {spec.name for spec in TOOLS}


def test_instructions_list_only_what_the_server_offers() -> None:
    everything = create_app(Settings(_env_file=None)).instructions or ""
    read_only = create_app(Settings(_env_file=None, mcp_read_only=True)).instructions or ""
    assert "create meeting" in everything
    assert "create_meeting make" in everything
    assert "get user" in read_only
    assert "create" not in read_only
    assert "delete" not in read_only


def test_scopes_for_both_kinds_of_app() -> None:
    scopes = {spec.name: spec.scopes for spec in TOOLS}
    assert scopes["get_meeting"].account_level() == ("meeting:read:admin", "meeting:read:meeting:admin")
    assert scopes["get_meeting"].user_level() == ("meeting:read", "meeting:read:meeting")
    assert scopes["list_users"].user_level() == ()
