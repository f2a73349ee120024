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
    assert f"could not listen on 127.0.0.1:{port}: address already in use" in finished.stderr
    assert "Traceback" not in finished.stderr
    assert finished.stderr.count("\n") == 1, "our message only, no uvicorn log line before it"


# Every option works wherever a person would type it, or is refused with a message that says where it goes.

UNREACHABLE_ZOOM = {
    # A "real" account the demo must never touch: nothing listens on port 9 of the loopback.
    "ZOOM_ACCOUNT_ID": "acct",
    "ZOOM_CLIENT_ID": "client",
    "ZOOM_CLIENT_SECRET": "secret",
    "ZOOM_API_BASE_URL": "http://127.0.0.1:9/v2",
    "ZOOM_OAUTH_TOKEN_URL": "http://127.0.0.1:9/oauth/token",
}


@pytest.mark.parametrize("args", [("--read-only", "demo", "--json"), ("demo", "--read-only", "--json")])
def test_read_only_demo_creates_nothing_wherever_the_flag_is(args: tuple[str, ...]) -> None:
    finished = run(*args, env={})
    assert finished.returncode == 0, finished.stderr
    report = json.loads(finished.stdout)
    assert report["read_only"] is True
    assert report["created_meeting"] is None
    assert report["user"]["email"]


@pytest.mark.parametrize("args", [("--sandbox", "demo", "--json"), ("demo", "--sandbox", "--json")])
def test_sandbox_demo_never_touches_the_configured_account(args: tuple[str, ...]) -> None:
    finished = run(*args, env=UNREACHABLE_ZOOM)
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["source"] == "sandbox"


@pytest.mark.parametrize("args", [("--log-level", "DEBUG", "demo"), ("demo", "--log-level", "debug")])
def test_log_level_reaches_the_demo_and_its_server(args: tuple[str, ...]) -> None:
    finished = run(*args, env={})
    assert finished.returncode == 0, finished.stderr
    assert " DEBUG mcp.server" in finished.stderr, "the spawned server logs at DEBUG too"


def test_log_level_from_the_environment_in_lower_case() -> None:
    finished = run("demo", env={"ZOOM_MCP_LOG_LEVEL": "debug"})
    assert finished.returncode == 0, finished.stderr
    assert " DEBUG " in finished.stderr


@pytest.mark.parametrize(
    ("args", "refused"),
    [
        (("--sandbox", "token"), "--sandbox does not apply to `zoom-mcp token`"),
        (("token", "--read-only"), "--read-only does not apply to `zoom-mcp token`"),
        (("sandbox", "--sandbox", "--port", "0"), "--sandbox does not apply to `zoom-mcp sandbox`"),
    ],
)
def test_an_option_a_command_ignores_is_refused_with_where_it_goes(args: tuple[str, ...], refused: str) -> None:
    finished = run(*args, env={})
    assert finished.returncode == 2
    assert refused in finished.stderr
    assert "`zoom-mcp serve` and `zoom-mcp demo`" in finished.stderr
    assert "Traceback" not in finished.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ZOOM_TIMEOUT_SECONDS": "0"}, "ZOOM_TIMEOUT_SECONDS: Input should be greater than 0"),
        ({"ZOOM_MCP_LOG_LEVEL": "chatty"}, "ZOOM_MCP_LOG_LEVEL"),
        ({"ZOOM_API_BASE_URL": "https://api.zoom.us"}, "ZOOM_API_BASE_URL: Value error, must end with /v2"),
    ],
)
def test_invalid_settings_are_a_message_not_a_traceback(env: dict[str, str], named: str) -> None:
    finished = run("demo", env=env)
    assert finished.returncode == 1
    assert finished.stderr.startswith("zoom-mcp: invalid configuration: ")
    assert named in finished.stderr
    assert "Traceback" not in finished.stderr


def test_sandbox_port_out_of_range_is_a_message() -> None:
    finished = run("sandbox", "--port", "99999", env={})
    assert finished.returncode == 2
    assert "'99999' is not a port: use 0 to 65535" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_output_to_a_closed_pipe_is_not_a_traceback() -> None:
    """`zoom-mcp demo | head -c1`: the reader is gone before the demo prints."""
    reader, writer = os.pipe()
    os.close(reader)
    clean = {name: value for name, value in os.environ.items() if not name.startswith("ZOOM_")}
    try:
        finished = subprocess.run(
            [ZOOM_MCP, "demo"], stdout=writer, stderr=subprocess.PIPE, env=clean, text=True, timeout=60
        )
    finally:
        os.close(writer)
    assert finished.returncode == 1
    assert finished.stderr == ""


def test_token_with_partial_credentials_names_what_is_missing() -> None:
    finished = run("token", env={"ZOOM_ACCOUNT_ID": "a", "ZOOM_CLIENT_ID": "c"})
    assert finished.returncode == 2
    assert "ZOOM_CLIENT_SECRET is not set" in finished.stderr
    assert "ZOOM_ACCOUNT_ID is" not in finished.stderr


def test_token_with_mcp_json_placeholders_says_so() -> None:
    config = json.loads((Path(__file__).parents[2] / "mcp.json").read_text())
    finished = run("token", env=config["mcpServers"]["zoom"]["env"])
    assert finished.returncode == 2
    assert "still hold a <...> placeholder" in finished.stderr


def test_an_unreachable_token_url_is_named(sandbox_env: dict[str, str]) -> None:
    finished = run("token", env=sandbox_env | {"ZOOM_OAUTH_TOKEN_URL": "http://127.0.0.1:9/oauth/token"})
    assert finished.returncode == 1
    assert "ZOOM_OAUTH_TOKEN_URL" in finished.stderr
    assert "ZOOM_API_BASE_URL" not in finished.stderr


def test_demo_on_a_local_sandbox_does_not_call_it_your_zoom_account(sandbox_env: dict[str, str]) -> None:
    finished = run("demo", env=sandbox_env)
    assert finished.returncode == 0, finished.stderr
    assert "your Zoom account" not in finished.stdout
    assert f"the Zoom API at {sandbox_env['ZOOM_API_BASE_URL']}" in finished.stdout


def test_help_lists_every_environment_variable() -> None:
    from zoom_mcp.server.settings import Settings

    help_text = run("--help", env={}).stdout
    for name in Settings.model_fields:
        assert f"ZOOM_{name.upper()}" in help_text
    assert "client's `env`" in help_text
