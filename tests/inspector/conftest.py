"""The MCP Inspector CLI, a third-party MCP client, driving the installed `zoom-mcp` over stdio.

`.ci/inspector` installs the pinned Inspector and writes a runner to `.ci-cache/inspector/bin/mcp-inspector`;
`ZOOM_MCP_INSPECTOR_CMD` (a command line, e.g. `npx -y @modelcontextprotocol/inspector@2.12.0` on Node 22)
overrides it. Without either the tests skip on a developer's machine and fail under CI=true.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ZOOM_MCP

REPO = Path(__file__).resolve().parents[2]
PINS = Path(__file__).resolve().parent / "package.json"
DEFAULT_RUNNER = REPO / ".ci-cache" / "inspector" / "bin" / "mcp-inspector"
# Read at import: the suite's autouse fixture removes every ZOOM_* variable before each test runs.
COMMAND_OVERRIDE = os.environ.get("ZOOM_MCP_INSPECTOR_CMD", "").strip()
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
TIMEOUT_SECONDS = 60
EXIT_TOOL_ERROR = 5  # the Inspector CLI's exit code for an isError result or an unknown tool

JsonObject = dict[str, Any]


def pinned_version() -> str:
    version: str = json.loads(PINS.read_text())["dependencies"]["@modelcontextprotocol/inspector"]
    return version


def inspector_command() -> list[str] | None:
    if COMMAND_OVERRIDE:
        return shlex.split(COMMAND_OVERRIDE)
    if DEFAULT_RUNNER.is_file() and os.access(DEFAULT_RUNNER, os.X_OK):
        return [str(DEFAULT_RUNNER)]
    return None


@dataclass(frozen=True)
class InspectorRun:
    """One finished `inspector --cli ...` process."""

    argv: Sequence[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def describe(self) -> str:
        return (
            f"$ {shlex.join(self.argv)}\nexit {self.returncode} after {self.seconds:.2f}s\n"
            f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"
        )

    def result(self) -> JsonObject:
        """The MCP result from `--format json` stdout: `{"result": {...}}`."""
        try:
            envelope = json.loads(self.stdout)
        except json.JSONDecodeError as error:
            raise AssertionError(f"stdout is not one JSON document ({error})\n{self.describe()}") from error
        assert isinstance(envelope, dict), self.describe()
        assert isinstance(envelope.get("result"), dict), self.describe()
        result: JsonObject = envelope["result"]
        return result

    def error_envelope(self) -> JsonObject:
        """The Inspector's own error report: the last `{"error": {...}}` line on stderr."""
        for line in reversed(self.stderr.splitlines()):
            if line.startswith('{"error"'):
                error: JsonObject = json.loads(line)["error"]
                return error
        raise AssertionError(f"no error envelope on stderr\n{self.describe()}")


@dataclass(frozen=True)
class Inspector:
    command: Sequence[str]
    env: Mapping[str, str]
    cwd: Path

    def run(self, *args: str) -> InspectorRun:
        argv = [*self.command, *args]
        started = time.monotonic()
        finished = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            env=dict(self.env),
            cwd=self.cwd,
            stdin=subprocess.DEVNULL,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        run = InspectorRun(argv, finished.returncode, finished.stdout, finished.stderr, time.monotonic() - started)
        assert "Traceback" not in run.stderr, run.describe()
        return run

    def cli(self, *args: str, server: Sequence[str] = ("--sandbox",)) -> InspectorRun:
        """`inspector --cli zoom-mcp <server args> <args> --format json`: the target command comes first."""
        return self.run("--cli", ZOOM_MCP, *server, *args, "--format", "json")

    def call(
        self,
        tool: str,
        *pairs: str,
        json_args: Mapping[str, object] | None = None,
        server: Sequence[str] = ("--sandbox",),
    ) -> InspectorRun:
        """tools/call with `--tool-arg key=value` pairs (the Inspector coerces numbers and booleans), or with
        `--tool-args-json` when a value's JSON type matters."""
        args = ["--method", "tools/call", "--tool-name", tool]
        if pairs:
            args += ["--tool-arg", *pairs]
        if json_args is not None:
            args += ["--tool-args-json", json.dumps(dict(json_args))]
        return self.cli(*args, server=server)


@pytest.fixture(scope="session")
def inspector(tmp_path_factory: pytest.TempPathFactory) -> Inspector:
    command = inspector_command()
    if command is None:
        reason = (
            "MCP Inspector CLI not installed: run `bash .ci/inspector` (installs the pinned Inspector and Node 22 "
            f"into .ci-cache/inspector/) or set ZOOM_MCP_INSPECTOR_CMD; looked for {DEFAULT_RUNNER}"
        )
        if IN_CI:
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    home = tmp_path_factory.mktemp("inspector-home")  # the Inspector keeps its state in ~/.mcp-inspector
    cwd = tmp_path_factory.mktemp("inspector-cwd")  # no developer .env is read by the server
    env = {name: value for name, value in os.environ.items() if not name.startswith("ZOOM_")}
    env.update({"HOME": str(home), "NO_COLOR": "1", "npm_config_update_notifier": "false"})
    return Inspector(command, env, cwd)
