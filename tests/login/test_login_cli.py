"""`zoom-mcp login`, `auth status` and `logout` as a person runs them, against the sandbox on 127.0.0.1."""

from __future__ import annotations

import os
import re
import subprocess

import anyio
import anyio.abc
import pytest

from tests.conftest import ZOOM_MCP
from tests.login.conftest import Served, follow_sign_in_link
from zoom_mcp.server.zoom.grant import Grant

pytestmark = [pytest.mark.anyio, pytest.mark.stdio]
LINK = re.compile(r"^\s+(http://\S+/oauth/authorize\?\S+)$", re.M)


def clean_environment(extra: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if not name.startswith("ZOOM_")} | extra


async def read_until_link(process: anyio.abc.Process) -> tuple[str, str]:
    assert process.stdout is not None
    printed = ""
    with anyio.fail_after(20):
        while (found := LINK.search(printed)) is None:
            printed += (await process.stdout.receive()).decode()
    return found.group(1), printed


async def login(served: Served, *, allow: bool = True, public: bool = False) -> tuple[int, str, str]:
    command = [ZOOM_MCP, "login", "--no-browser", "--timeout", "30"]
    async with await anyio.open_process(command, env=clean_environment(served.environment(public=public))) as process:
        link, printed = await read_until_link(process)
        page = await follow_sign_in_link(link, allow=allow)
        assert process.stdout is not None
        assert process.stderr is not None
        with anyio.fail_after(20):
            await process.wait()
            rest = b"".join([chunk async for chunk in process.stdout]).decode()
            errors = b"".join([chunk async for chunk in process.stderr]).decode()
    assert page.status_code == (200 if allow else 400)
    assert process.returncode is not None
    return process.returncode, printed + rest, errors


async def run(served: Served, *args: str) -> subprocess.CompletedProcess[str]:
    finished = await anyio.run_process([ZOOM_MCP, *args], env=clean_environment(served.environment()), check=False)
    return subprocess.CompletedProcess(
        finished.args, finished.returncode, finished.stdout.decode(), finished.stderr.decode()
    )


def secrets_of(grant: Grant) -> list[str]:
    return [grant.access_token.get_secret_value(), grant.refresh_token.get_secret_value(), "sandbox-user-secret"]


async def test_login_status_logout(served: Served) -> None:
    code, printed, errors = await login(served)
    assert code == 0, errors
    grant = await served.store.read()
    assert grant is not None
    assert grant.user is not None
    assert f"Signed in to Zoom as {grant.user.display_name} <{grant.user.email}>" in printed
    assert "Granted scopes: meeting:read meeting:write recording:read user:read" in printed
    assert f"Saved in: file {served.store.path}" in printed

    status = await run(served, "auth", "status")
    assert status.returncode == 0, status.stderr
    assert "Mode: user-level OAuth" in status.stdout
    assert "confidential client" in status.stdout
    assert f"Signed in as: {grant.user.display_name} <{grant.user.email}>" in status.stdout
    assert "Scopes: meeting:read" in status.stdout
    assert f"Stored in: file {served.store.path}" in status.stdout
    assert "Access token: valid, expires" in status.stdout

    refresh_token = grant.refresh_token.get_secret_value()
    logout = await run(served, "logout")
    assert logout.returncode == 0, logout.stderr
    assert "Zoom revoked the grant" in logout.stdout
    assert not served.sandbox.grant_is_valid(refresh_token)
    assert await served.store.read() is None

    after = await run(served, "auth", "status")
    assert after.returncode == 1
    assert "Signed in: no. Run `zoom-mcp login`." in after.stdout
    again = await run(served, "logout")
    assert "nothing to do" in again.stdout

    for output in (printed, errors, status.stdout, status.stderr, logout.stdout, logout.stderr, after.stdout):
        for secret in secrets_of(grant):
            assert secret not in output


async def test_login_as_a_public_client(served: Served) -> None:
    code, printed, errors = await login(served, public=True)
    assert code == 0, errors
    grant = await served.store.read()
    assert grant is not None
    assert grant.client_id == served.sandbox.user_app.public_client_id
    for secret in secrets_of(grant):
        assert secret not in printed + errors


async def test_denial_in_the_browser(served: Served) -> None:
    code, printed, errors = await login(served, allow=False)
    assert code == 1
    assert "denied" in errors
    assert "nothing was saved" in errors
    assert "Signed in" not in printed
    assert await served.store.read() is None


async def test_login_refuses_server_to_server_settings(served: Served) -> None:
    env = served.environment() | {"ZOOM_ACCOUNT_ID": "sandbox-account"}
    finished = await anyio.run_process([ZOOM_MCP, "login"], env=clean_environment(env), check=False)
    assert finished.returncode == 2
    assert b"no ZOOM_ACCOUNT_ID" in finished.stderr
