"""The README's tool and scope tables are the catalogue's, its context-cost table the committed benchmark run's:
regenerated, never kept by hand.

After a deliberate change: UPDATE_SNAPSHOTS=1 python -m pytest tests/snapshots
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bench import context
from zoom_mcp.tools import catalogue

README = Path(__file__).parents[2] / "README.md"
TABLES: dict[str, Callable[[], str]] = {
    "tool table": catalogue.readme_tool_table,
    "scope table": catalogue.readme_scope_table,
    "context table": lambda: context.readme_table(json.loads(context.COMMITTED_RESULTS.read_text(encoding="utf-8"))),
}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_readme_table_is_the_catalogues(table: str) -> None:
    pattern = re.compile(rf"(<!-- {table}: [^\n]*-->\n)(.*?)(\n<!-- end of {table} -->)", re.DOTALL)
    text = README.read_text(encoding="utf-8")
    match = pattern.search(text)
    assert match, f"README.md has no <!-- {table}: ... --> markers"
    expected = TABLES[table]()
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        README.write_text(text[: match.start(2)] + expected + text[match.end(2) :], encoding="utf-8")
        return
    assert match.group(2) == expected, f"the README's {table} is stale: rerun with UPDATE_SNAPSHOTS=1"


def test_adding_a_tool_names_files_that_exist() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Adding a tool") :]
    section = section[: section.index("\n## ")]
    paths = set(re.findall(r"`((?:server|tools|tests)/[\w/.]*)`", section))
    assert len(paths) >= 10
    root = README.parent
    assert all((root / path).exists() for path in paths if "<" not in path), paths
    for name in ("zoom_tool", "Scopes", "InvalidArguments", "reported_to_the_model", "PageView", "TOOLS"):
        assert name in section


def test_configuration_lists_every_setting() -> None:
    from zoom_mcp.server.settings import Settings

    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Configuration") :]
    section = section[: section.index("\n## ")]
    missing = [f"ZOOM_{name.upper()}" for name in Settings.model_fields if f"`ZOOM_{name.upper()}`" not in section]
    assert not missing, f"README's Configuration does not list {missing}"


def test_mcp_json_is_a_template_that_needs_no_activated_venv() -> None:
    import json

    config = json.loads((README.parent / "mcp.json").read_text(encoding="utf-8"))
    for name, entry in config["mcpServers"].items():
        assert entry["command"] != "zoom-mcp", f"{name}: a bare zoom-mcp only works inside an activated venv"
        assert entry["command"].startswith("<absolute path"), name
