"""The stdio transport, A/B: the SDK's `stdio_server` against ours (server/stdio.py), on the same trivial server.

    python tests/bench/stdio_transport.py [--rounds 10] [--calls 500] [--output FILE]

Both sides run the SDK's MCPServer with one echo tool (as tests/bench/reference_server.py); only the transport
differs. Each round runs both, in alternating order, so that load from elsewhere on the machine falls on both
alike. Reports each side's median round trip per sequential call and the server's CPU time per call.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
VARIANTS = ("sdk", "ours")
WARM_UP_CALLS = 50


def serve(variant: str) -> None:
    import anyio
    from mcp.server.mcpserver import MCPServer

    from zoom_mcp.server.stdio import serve_stdio

    app: MCPServer[object] = MCPServer(name="reference", version="0")

    @app.tool()
    def echo(text: str) -> str:
        """Return the text unchanged."""
        return text

    if variant == "sdk":
        app.run("stdio")
    else:
        anyio.run(serve_stdio, app._lowlevel_server)


async def one_run(variant: str, calls: int, workdir: Path, stderr: IO[bytes]) -> dict[str, float]:
    from procfs import cpu_seconds
    from stdio_rpc import StdioSession

    argv = [sys.executable, __file__, "serve", variant]
    session = await StdioSession.spawn(argv, os.environ, workdir, stderr)
    try:
        await session.handshake()
        for _ in range(WARM_UP_CALLS):
            await session.call_tool("echo", {"text": "warm"})
        cpu_before = cpu_seconds(session.pid)
        samples = [await session.timed_call("echo", {"text": "hello"}) for _ in range(calls)]
        cpu_after = cpu_seconds(session.pid)
    finally:
        await session.close()
    return {"median_ms": statistics.median(samples), "cpu_ms_per_call": (cpu_after - cpu_before) * 1000 / calls}


async def bench(rounds: int, calls: int, workdir: Path, stderr: IO[bytes]) -> dict[str, Any]:
    runs: dict[str, list[dict[str, float]]] = {variant: [] for variant in VARIANTS}
    for round_number in range(rounds):
        order = VARIANTS if round_number % 2 == 0 else tuple(reversed(VARIANTS))
        for variant in order:
            runs[variant].append(await one_run(variant, calls, workdir, stderr))
    return {
        "command": "python tests/bench/stdio_transport.py " + " ".join(sys.argv[1:]),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_average_at_end": list(os.getloadavg()),
        "cpus": os.cpu_count(),
        "rounds": rounds,
        "calls_per_round": calls,
        "runs": runs,
    }


def summary(results: dict[str, Any]) -> str:
    rows = ["| Transport | Round trip per call, median of rounds (min-max) | Server CPU per call, median (min-max) |"]
    rows.append("|---|---|---|")
    for variant, label in (("sdk", "SDK `stdio_server`"), ("ours", "zoom-mcp `serve_stdio`")):
        runs = results["runs"][variant]
        cells = []
        for key in ("median_ms", "cpu_ms_per_call"):
            values = [run[key] for run in runs]
            cells.append(f"{statistics.median(values):.3f} ms ({min(values):.3f}-{max(values):.3f})")
        rows.append(f"| {label} | {cells[0]} | {cells[1]} |")
    load = ", ".join(f"{value:.2f}" for value in results["load_average_at_end"])
    rows.append(f"\n{results['cpus']} CPUs, load average at the end {load}")
    return "\n".join(rows)


def main() -> int:
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    with tempfile.TemporaryDirectory() as scratch, (Path(scratch) / "servers.log").open("wb") as stderr:
        results = asyncio.run(bench(args.rounds, args.calls, Path(scratch), stderr))
    print(summary(results))
    if args.output:
        args.output.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
