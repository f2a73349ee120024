"""Where zoom-mcp's cold start goes, beside the reference server: imports, start-up phases, what-ifs.

    python tests/bench/cold_start_profile.py [--runs 15] [--output tests/bench/cold_start_profile.json]

1. `python -X importtime` over both servers' real serve path (initialize, initialized and tools/list piped
   to stdin): the modules zoom-mcp imports that the reference does not, grouped by package.
2. Timers over zoom-mcp's start-up phases, in a fresh interpreter: SDK import, settings, app import,
   Settings(), create_app (tool registration), the lifespan's HTTP client, the first list_tools.
3. What-ifs: the cold start of zoom-mcp patched at run time (nothing on disk changes) to build no HTTP
   client in the lifespan, to keep the cyclic GC off until create_app returns, and both; interleaved
   with the reference server. The patches show what a change would gain; they are not the changes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import anyio
from run import REFERENCE_SERVER, Bench, cold_start_ms, server_commands
from stdio_rpc import CLIENT_INFO, PROTOCOL_VERSION

from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.sandbox.http import serve_sandbox

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "cold_start_profile.json"
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")
TOP_PACKAGES = 15
SUBPROCESS_TIMEOUT_SECONDS = 60

HANDSHAKE = "".join(
    json.dumps(message) + "\n"
    for message in (
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"protocolVersion": PROTOCOL_VERSION, "capabilities": {}, "clientInfo": CLIENT_INFO},
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
    )
)

PHASES = """
import json, time
marks = [("start", time.perf_counter())]
def mark(name): marks.append((name, time.perf_counter()))
import mcp.server.mcpserver; mark("import mcp.server.mcpserver (the SDK; the reference pays this too)")
import pydantic_settings; mark("import pydantic_settings (+ dotenv)")
from zoom_mcp.server.settings import Settings; mark("import zoom_mcp.server.settings")
from zoom_mcp.server import app; mark("import zoom_mcp.server.app (tools, views, Zoom client and models)")
settings = Settings(); mark("Settings()")
server = app.create_app(settings); mark("create_app: register the tools (their JSON schemas)")
import anyio
async def lifespan_and_list():
    async with app.ZoomHTTP(timeout_seconds=30):
        mark("lifespan: ZoomHTTP (httpx2.AsyncClient: httpcore2 import + SSL context)")
        await server.list_tools(); mark("first list_tools")
anyio.run(lifespan_and_list)
print(json.dumps([[b, (t1 - t0) * 1000] for (_, t0), (b, t1) in zip(marks, marks[1:])]))
"""

MAIN = "from zoom_mcp.server.__main__ import main\nsys.exit(main([]))\n"
GC_OFF = "import gc\ngc.disable()\n"
NO_HTTP_CLIENT = """
from contextlib import asynccontextmanager
import zoom_mcp.server.app as app
@asynccontextmanager
async def no_client(**_):
    yield None
app.ZoomHTTP = no_client
"""
GC_ON_AFTER_CREATE_APP = """
import zoom_mcp.server.app as app
_create_app = app.create_app
def create_app(*args, **kwargs):
    server = _create_app(*args, **kwargs)
    gc.enable()
    gc.freeze()
    return server
app.create_app = create_app
"""


def launcher(*, no_http_client: bool, gc_off: bool) -> list[str]:
    code = (GC_OFF if gc_off else "") + "import sys\n"
    code += NO_HTTP_CLIENT if no_http_client else ""
    code += GC_ON_AFTER_CREATE_APP if gc_off else ""
    return [sys.executable, "-c", code + MAIN]


# -- 1. imports ------------------------------------------------------------------------------------


def offline_env() -> dict[str, str]:
    """S2S credentials pointing at a port nobody listens on: tools/list never contacts Zoom."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("ZOOM_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        ZOOM_ACCOUNT_ID="a",
        ZOOM_CLIENT_ID="c",
        ZOOM_CLIENT_SECRET="s",
        ZOOM_API_BASE_URL="http://127.0.0.1:9/v2",
        ZOOM_OAUTH_TOKEN_URL="http://127.0.0.1:9/oauth/token",
    )
    return env


def import_times(argv: list[str], cwd: Path) -> dict[str, int]:
    """Module -> self import time in microseconds, for one serve of the handshake."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        input=HANDSHAKE,
        capture_output=True,
        text=True,
        env=offline_env(),
        cwd=cwd,
        timeout=SUBPROCESS_TIMEOUT_SECONDS,
        check=False,
    )
    times = {}
    for line in completed.stderr.splitlines():
        if match := IMPORT_LINE.match(line):
            times[match.group(4)] = int(match.group(1))
    return times


def package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:3]) if parts[0] == "zoom_mcp" else parts[0]


def import_difference(cwd: Path) -> dict[str, Any]:
    ours = import_times(["-m", "zoom_mcp.server"], cwd)
    reference = import_times([str(REFERENCE_SERVER)], cwd)
    extra = {module: micros for module, micros in ours.items() if module not in reference}
    by_package: Counter[str] = Counter()
    for module, micros in extra.items():
        by_package[package_of(module)] += micros
    return {
        "zoom_mcp_modules": len(ours),
        "reference_modules": len(reference),
        "zoom_mcp_total_self_ms": sum(ours.values()) / 1000,
        "reference_total_self_ms": sum(reference.values()) / 1000,
        "extra_modules": len(extra),
        "extra_self_ms": sum(extra.values()) / 1000,
        "extra_by_package_ms": {name: micros / 1000 for name, micros in by_package.most_common(TOP_PACKAGES)},
    }


# -- 2. phases -------------------------------------------------------------------------------------


def phases(cwd: Path, runs: int) -> dict[str, float]:
    """Median milliseconds per start-up phase over `runs` fresh interpreters."""
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        completed = subprocess.run(
            [sys.executable, "-c", PHASES],
            capture_output=True,
            text=True,
            env=offline_env(),
            cwd=cwd,
            timeout=SUBPROCESS_TIMEOUT_SECONDS,
            check=True,
        )
        for name, milliseconds in json.loads(completed.stdout):
            samples.setdefault(name, []).append(milliseconds)
    return {name: statistics.median(values) for name, values in samples.items()}


# -- 3. what-ifs -----------------------------------------------------------------------------------


async def what_ifs(runs: int) -> dict[str, dict[str, float]]:
    zoom_mcp, reference = server_commands()
    variants = {
        "reference server": reference,
        "zoom-mcp as is": zoom_mcp,
        "no HTTP client in the lifespan": launcher(no_http_client=True, gc_off=False),
        "GC off until create_app returns": launcher(no_http_client=False, gc_off=True),
        "both": launcher(no_http_client=True, gc_off=True),
    }
    sandbox = Sandbox(seed=0)
    with tempfile.TemporaryDirectory(prefix="zoom-mcp-profile-") as workdir:
        async with serve_sandbox(sandbox) as origin:
            with (Path(workdir) / "servers.log").open("wb") as stderr:
                bench = Bench(sandbox, origin, Path(workdir), stderr)
                samples = await interleaved_cold_starts(bench, variants, runs)
    reference_median = statistics.median(samples["reference server"])
    return {
        name: {
            "median_ms": statistics.median(values),
            "min_ms": min(values),
            "max_ms": max(values),
            "ratio": statistics.median(values) / reference_median,
        }
        for name, values in samples.items()
    }


async def interleaved_cold_starts(bench: Bench, variants: dict[str, list[str]], runs: int) -> dict[str, list[float]]:
    for argv in variants.values():
        await cold_start_ms(bench, argv)  # warm-up, not counted
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, argv in variants.items():
            samples[name].append(await cold_start_ms(bench, argv))
    return samples


# -- main ------------------------------------------------------------------------------------------


def report(results: dict[str, Any]) -> None:
    imports = results["imports"]
    print(
        f"Imports on the serve path: zoom-mcp {imports['zoom_mcp_modules']} modules, reference "
        f"{imports['reference_modules']}; {imports['extra_modules']} extra modules, "
        f"{imports['extra_self_ms']:.1f} ms of self import time (-X importtime inflates it):"
    )
    for name, milliseconds in imports["extra_by_package_ms"].items():
        print(f"  {milliseconds:6.1f} ms  {name}")
    print("\nStart-up phases of zoom-mcp (median, fresh interpreter each run):")
    for name, milliseconds in results["phases_ms"].items():
        print(f"  {milliseconds:6.1f} ms  {name}")
    print("\nCold start, spawn to first tools/list (patched at run time, interleaved):")
    for name, figure in results["what_ifs"].items():
        print(
            f"  {figure['median_ms']:6.1f} ms ({figure['min_ms']:.0f}-{figure['max_ms']:.0f})  "
            f"ratio {figure['ratio']:.3f}  {name}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="interleaved cold starts per variant (default 15)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zoom-mcp-profile-") as cwd:
        results = {
            "imports": import_difference(Path(cwd)),
            "phases_ms": phases(Path(cwd), runs=5),
        }
    results["what_ifs"] = anyio.run(what_ifs, args.runs, backend="asyncio")
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    report(results)
    print(f"\nwrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
