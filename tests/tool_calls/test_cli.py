"""The other commands end to end: `zoom-mcp sandbox` on 127.0.0.1, `zoom-mcp token`, and the demo on "real" Zoom."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ZOOM_MCP

pytestmark = pytest.mark.stdio


@pytest.fixture
def sandbox_env() -> Iterator[dict[str, str]]:
    """`zoom-mcp sandbox --port 0` running; the variables it prints."""
    process = subprocess.Popen([ZOOM_MCP, "sandbox", "--port", "0"], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    variables: dict[str, str] = {}
    try:
        for line in process.stdout:
            if line.startswith("export "):
                name, value = line.removeprefix("export ").strip().split("=", 1)
                variables[name] = value
            if "ZOOM_CLIENT_SECRET" in variables:
                break
        yield variables
    finally:
        process.terminate()
        process.wait(timeout=10)


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {name: value for name, value in os.environ.items() if not name.startswith("ZOOM_")}
    return subprocess.run([ZOOM_MCP, *args], env=clean | env, capture_output=True, text=True, timeout=60)


def test_sandbox_command_prints_what_points_a_client_at_it(sandbox_env: dict[str, str]) -> None:
    assert sandbox_env["ZOOM_API_BASE_URL"].startswith("http://127.0.0.1:")
    assert sandbox_env["ZOOM_API_BASE_URL"].endswith("/v2")
    assert sandbox_env["ZOOM_OAUTH_TOKEN_URL"].endswith("/oauth/token")
    assert {"ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"} <= set(sandbox_env)


def test_token_command_prints_the_token_response(sandbox_env: dict[str, str]) -> None:
    finished = run("token", env=sandbox_env)
    assert finished.returncode == 0, finished.stderr
    answer = json.loads(finished.stdout)
    assert answer["token_type"] == "bearer"
    assert answer["expires_in"] > 0
    assert answer["access_token"]
    assert isinstance(answer["scope"], str)


def test_token_command_with_a_wrong_secret_explains_without_echoing(sandbox_env: dict[str, str]) -> None:
    finished = run("token", env=sandbox_env | {"ZOOM_CLIENT_SECRET": "not-the-secret"})
    assert finished.returncode == 1
    assert "invalid_client" in finished.stderr
    assert "not-the-secret" not in finished.stderr + finished.stdout


def test_token_command_needs_server_to_server_credentials() -> None:
    finished = run("token", env={})
    assert finished.returncode == 2
    assert "ZOOM_ACCOUNT_ID" in finished.stderr


def test_demo_with_credentials_talks_to_that_zoom_and_cleans_up(sandbox_env: dict[str, str]) -> None:
    finished = run("demo", "--json", env=sandbox_env)
    assert finished.returncode == 0, finished.stderr
    report = json.loads(finished.stdout)
    assert report["source"] == "zoom"
    assert report["deleted"]["deleted"] == "meeting"
    assert report["deleted"]["meeting_id"] == report["created_meeting"]["id"]
    assert "sandbox" not in report["user"]


def test_dotenv_in_the_working_directory_configures_the_server(sandbox_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("".join(f"{name}={value}\n" for name, value in sandbox_env.items()))
    clean = {name: value for name, value in os.environ.items() if not name.startswith("ZOOM_")}
    finished = subprocess.run([ZOOM_MCP, "token"], env=clean, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 0, finished.stderr
    overridden = subprocess.run(
        [ZOOM_MCP, "token"],
        env=clean | {"ZOOM_CLIENT_SECRET": "from-the-environment"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert overridden.returncode == 1, "the real environment wins over .env"
    assert "invalid_client" in overridden.stderr


def test_demo_with_wrong_credentials_fails_with_the_reason(sandbox_env: dict[str, str]) -> None:
    finished = run("demo", env=sandbox_env | {"ZOOM_CLIENT_SECRET": "not-the-secret"})
    assert finished.returncode == 1
    assert finished.stderr.startswith("zoom-mcp demo failed: get_user_info:")
    assert "invalid_client" in finished.stderr
    assert "Traceback" not in finished.stderr
    assert "not-the-secret" not in finished.stderr


def test_sandbox_on_a_busy_port_says_so(sandbox_env: dict[str, str]) -> None:
    port = sandbox_env["ZOOM_API_BASE_URL"].removeprefix("http://127.0.0.1:").removesuffix("/v2")
    finished = run("sandbox", "--port", port, env={})
    assert finished.returncode == 1
    assert f"could not listen on 127.0.0.1:{port}" in finished.stderr
    assert "Traceback" not in finished.stderr
