"""No client secret and no access token ever reaches a log line, a tool result or an exception text."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from pydantic import SecretStr

from tests.conftest import ZOOM_MCP
from tests.tool_calls.conftest import text_of
from zoom_mcp.server.sandbox import Fault, Sandbox
from zoom_mcp.server.sandbox.http import serve_sandbox
from zoom_mcp.server.settings import Settings
from zoom_mcp.server.zoom.errors import ZoomTokenError

pytestmark = [pytest.mark.anyio, pytest.mark.stdio]
WRONG_SECRET = "wrong-secret-0123456789"


def server_env(sandbox: Sandbox, origin: str, secret: str) -> dict[str, str]:
    return {
        "ZOOM_ACCOUNT_ID": sandbox.credentials.account_id,
        "ZOOM_CLIENT_ID": sandbox.credentials.client_id,
        "ZOOM_CLIENT_SECRET": secret,
        "ZOOM_API_BASE_URL": f"{origin}/v2",
        "ZOOM_OAUTH_TOKEN_URL": f"{origin}/oauth/token",
        "ZOOM_MCP_LOG_LEVEL": "DEBUG",
    }


async def test_secrets_never_reach_stderr_or_results(sandbox: Sandbox, tmp_path: Path) -> None:
    stderr_path = tmp_path / "stderr.log"
    results: list[str] = []
    secret = sandbox.credentials.client_secret
    async with serve_sandbox(sandbox) as origin:
        with stderr_path.open("w") as stderr:
            good = StdioServerParameters(command=ZOOM_MCP, env=server_env(sandbox, origin, secret))
            async with Client(stdio_client(good, errlog=stderr)) as client:
                results.append(text_of(await client.call_tool("get_user_info", {})))
                results.append(text_of(await client.call_tool("create_meeting", {"topic": "secret test"})))
                results.append(text_of(await client.call_tool("get_user_info", {"user_id": "nobody@example.com"})))
                sandbox.revoke_tokens()
                results.append(text_of(await client.call_tool("list_meetings", {})))
                sandbox.inject(Fault(path="/v2/users/me", status=500, times=10))
                results.append(text_of(await client.call_tool("get_user_info", {})))
                sandbox.clear_faults()
                sandbox.expire_tokens()
                sandbox.inject(Fault(path="/v2/users/me", status=401, times=10))
                results.append(text_of(await client.call_tool("get_user_info", {})))
            bad = StdioServerParameters(command=ZOOM_MCP, env=server_env(sandbox, origin, WRONG_SECRET))
            async with Client(stdio_client(bad, errlog=stderr)) as client:
                results.append(text_of(await client.call_tool("get_user_info", {})))
    logged = stderr_path.read_text()
    assert "DEBUG" in logged, "the server ran at its most verbose log level"
    assert "invalid_client" in results[-1]
    assert len(sandbox.issued_tokens) >= 3
    basic = base64.b64encode(f"{sandbox.credentials.client_id}:{secret}".encode()).decode()
    wrong_basic = base64.b64encode(f"{sandbox.credentials.client_id}:{WRONG_SECRET}".encode()).decode()
    for needle in [secret, WRONG_SECRET, basic, wrong_basic, *sandbox.issued_tokens]:
        assert needle not in logged
        for result in results:
            assert needle not in result


def test_settings_and_exceptions_do_not_show_secrets() -> None:
    settings = Settings(
        _env_file=None, account_id="acct", client_id="cid", client_secret=SecretStr("s3cr3t"), access_token="tok3n"
    )
    for text in (repr(settings), str(settings), repr(settings.credentials()), str(settings.model_dump())):
        assert "s3cr3t" not in text
        assert "tok3n" not in text
    error = ZoomTokenError(400, "invalid_client", "Invalid client_id or client_secret")
    assert "s3cr3t" not in str(error) + repr(error)
