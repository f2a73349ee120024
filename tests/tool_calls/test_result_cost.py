"""Results within their token budgets (issue 12), measured as tests/bench/context.py measures them."""

from __future__ import annotations

import pytest
from mcp import Client

from tests.bench.context import result_figures
from zoom_mcp.server.app import create_app
from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.settings import Settings
from zoom_mcp.server.zoom.retry import RetryPolicy

pytestmark = pytest.mark.anyio


async def test_results_stay_within_their_token_budgets(
    settings: Settings, sandbox: Sandbox, retry: RetryPolicy
) -> None:
    async with Client(create_app(settings, transport=sandbox.transport(), retry=retry, sandbox=True)) as client:
        figures = await result_figures(client)
    over = [f"{figure.name}: {figure.measure} (target {figure.target})" for figure in figures if not figure.ok]
    assert not over, "over budget: " + "; ".join(over)
    assert all(figure.tokens > 0 for figure in figures)
