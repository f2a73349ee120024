"""zoom-mcp benchmarks: cold start, per-call overhead, concurrency and memory, each beside a baseline.

    python tests/bench/run.py [--quick] [--output FILE]

The Zoom sandbox is served with uvicorn on 127.0.0.1 inside this process; `zoom-mcp` (and the
reference server, the SDK's MCPServer with one trivial tool) run as subprocesses spoken to over raw
newline-delimited JSON-RPC on stdio. Prints a Markdown table; writes the figures as JSON only when asked
(--output), so a run never overwrites the committed tests/bench/results.json by accident.
Not part of the pytest run (no test_ files here). Linux only: peak RSS and sockets come from /proc.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

import anyio
import httpx2
from procfs import SocketSampler, cpu_seconds, peak_rss_mib
from stdio_rpc import StdioSession

from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.sandbox.http import serve_sandbox

HERE = Path(__file__).resolve().parent
REFERENCE_SERVER = HERE / "reference_server.py"
COMMITTED_RESULTS = HERE / "results.json"

COLD_START_TARGET_RATIO = 1.10
OVERHEAD_TARGET_MS = 2.0
# The server's own pool size (zoom_mcp.server.zoom.http.ZoomHTTP): the direct baseline uses it too.
POOL_CONNECTIONS = 20
SLOW_LOOPBACK_MS = 30.0
BUSY_LOAD_AVERAGE = 0.5
DROPPED_ENV = frozenset({"PYTHONDONTWRITEBYTECODE"})


@dataclass(frozen=True)
class Plan:
    cold_start_runs: int
    call_runs: int
    calls_per_run: int
    concurrency_runs: int
    concurrency_levels: tuple[int, ...] = (100, 500)


FULL = Plan(cold_start_runs=20, call_runs=5, calls_per_run=1000, concurrency_runs=5)
QUICK = Plan(cold_start_runs=3, call_runs=1, calls_per_run=200, concurrency_runs=1)


# -- statistics ------------------------------------------------------------------------------------


def spread(values: Sequence[float]) -> dict[str, Any]:
    """Median, min and max over runs, and the runs themselves."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": [round(value, 3) for value in values],
    }


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def latency(samples_ms: Sequence[float]) -> dict[str, float]:
    return {"median": statistics.median(samples_ms), "p95": percentile(samples_ms, 0.95), "n": len(samples_ms)}


# -- the processes under test ----------------------------------------------------------------------


@dataclass
class Bench:
    """What every measurement needs: the sandbox, its origin, and how to start each server."""

    sandbox: Sandbox
    origin: str
    workdir: Path
    stderr: IO[bytes]
    zoom_mcp: list[str] = field(default_factory=list)
    reference: list[str] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        """The parent's environment minus any ZOOM_* of the developer, plus the sandbox's S2S app.

        Bytecode caching stays on, as for an installed package: with PYTHONDONTWRITEBYTECODE set, an
        editable install whose sources changed recompiles them on every start.
        """
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in DROPPED_ENV and not name.startswith("ZOOM_")
        }
        credentials = self.sandbox.credentials
        env.update(
            ZOOM_ACCOUNT_ID=credentials.account_id,
            ZOOM_CLIENT_ID=credentials.client_id,
            ZOOM_CLIENT_SECRET=credentials.client_secret,
            ZOOM_API_BASE_URL=f"{self.origin}/v2",
            ZOOM_OAUTH_TOKEN_URL=f"{self.origin}/oauth/token",
            ZOOM_MCP_LOG_LEVEL="WARNING",
        )
        return env

    @asynccontextmanager
    async def session(self, argv: Sequence[str]) -> AsyncIterator[StdioSession]:
        session = await StdioSession.spawn(argv, self.env(), self.workdir, self.stderr)
        try:
            yield session
        finally:
            await session.close()


def server_commands() -> tuple[list[str], list[str]]:
    """zoom-mcp as an MCP client launches it (the console script), and the reference on the same Python."""
    script = Path(sys.executable).parent / "zoom-mcp"
    zoom_mcp = str(script) if script.exists() else shutil.which("zoom-mcp")
    if zoom_mcp is None:
        raise SystemExit("zoom-mcp is not installed in this environment (pip install -e .)")
    return [zoom_mcp], [sys.executable, str(REFERENCE_SERVER)]


# -- 1. cold start ---------------------------------------------------------------------------------


async def cold_start_ms(bench: Bench, argv: Sequence[str]) -> float:
    """Process spawn to the first tools/list answer (initialize, initialized, tools/list)."""
    started = time.perf_counter()
    async with bench.session(argv) as session:
        await session.handshake()
        return (time.perf_counter() - started) * 1000


async def listed_tools(bench: Bench, argv: Sequence[str]) -> list[str]:
    async with bench.session(argv) as session:
        return [tool["name"] for tool in (await session.handshake())["tools"]]


async def measure_cold_start(bench: Bench, plan: Plan) -> dict[str, Any]:
    # Not counted: warms the page cache and writes any stale bytecode cache.
    tools = {
        "zoom_mcp": await listed_tools(bench, bench.zoom_mcp),
        "reference": await listed_tools(bench, bench.reference),
    }
    ours: list[float] = []
    reference: list[float] = []
    for _ in range(plan.cold_start_runs):  # interleaved, so drift hits both alike
        ours.append(await cold_start_ms(bench, bench.zoom_mcp))
        reference.append(await cold_start_ms(bench, bench.reference))
    ratio = statistics.median(ours) / statistics.median(reference)
    paired = [mine / theirs for mine, theirs in zip(ours, reference, strict=True)]
    return {
        "zoom_mcp_ms": spread(ours),
        "reference_ms": spread(reference),
        "ratio": {**spread(paired), "median": ratio},
        "target_ratio": COLD_START_TARGET_RATIO,
        "met": ratio <= COLD_START_TARGET_RATIO,
        "tools_listed": tools,
    }


# -- 2. per-call overhead and 4. memory --------------------------------------------------------------


@dataclass
class CallRun:
    samples_ms: list[float]
    first_call_ms: float
    rss_after_start_mib: float
    rss_after_calls_mib: float
    server_cpu_ms_per_call: float
    bench_cpu_ms_per_call: float


@dataclass
class DirectRun:
    samples_ms: list[float]
    bench_cpu_ms_per_call: float


@contextmanager
def cpu_per_call(calls: int, pid: int | None = None) -> Iterator[dict[str, float]]:
    """CPU milliseconds per call spent inside the block by this process ("bench") and by `pid` ("server")."""
    bench_before = time.process_time()
    server_before = cpu_seconds(pid) if pid is not None else 0.0
    spent: dict[str, float] = {}
    yield spent
    spent["bench"] = (time.process_time() - bench_before) * 1000 / calls
    spent["server"] = (cpu_seconds(pid) - server_before) * 1000 / calls if pid is not None else 0.0


async def sequential_calls(
    bench: Bench, argv: Sequence[str], tool: str, arguments: Mapping[str, Any], calls: int
) -> CallRun:
    """Start a server, read its peak RSS, make `calls` sequential tool calls, read it again."""
    async with bench.session(argv) as session:
        await session.handshake()
        rss_after_start = peak_rss_mib(session.pid)
        first_call_ms = await session.timed_call(tool, arguments)  # the token fetch and TCP connect
        with cpu_per_call(calls - 1, session.pid) as cpu:
            samples = [await session.timed_call(tool, arguments) for _ in range(calls - 1)]
        return CallRun(samples, first_call_ms, rss_after_start, peak_rss_mib(session.pid), cpu["server"], cpu["bench"])


@asynccontextmanager
async def direct_client(bench: Bench, max_connections: int = POOL_CONNECTIONS) -> AsyncIterator[httpx2.AsyncClient]:
    """An httpx2 client with its own token, as the benchmark's view of the sandbox without MCP."""
    credentials = bench.sandbox.credentials
    limits = httpx2.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    async with httpx2.AsyncClient(base_url=bench.origin, limits=limits) as http:
        answer = await http.post(
            "/oauth/token",
            data={"grant_type": "account_credentials", "account_id": credentials.account_id},
            auth=(credentials.client_id, credentials.client_secret),
        )
        answer.raise_for_status()
        http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        yield http


async def timed_get(http: httpx2.AsyncClient, path: str) -> float:
    started = time.perf_counter()
    response = await http.get(path)
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


async def direct_gets(bench: Bench, calls: int) -> DirectRun:
    """GET /v2/users/me over one keep-alive connection, as get_user_info does."""
    async with direct_client(bench) as http:
        await timed_get(http, "/v2/users/me")  # connect: not counted, as the MCP side's first call
        with cpu_per_call(calls - 1) as cpu:
            samples = [await timed_get(http, "/v2/users/me") for _ in range(calls - 1)]
        return DirectRun(samples, cpu["bench"])


async def measure_calls(bench: Bench, plan: Plan) -> tuple[dict[str, Any], dict[str, Any]]:
    ours: list[CallRun] = []
    reference: list[CallRun] = []
    direct: list[DirectRun] = []
    for _ in range(plan.call_runs):
        ours.append(
            await sequential_calls(bench, bench.zoom_mcp, "get_user_info", {"user_id": "me"}, plan.calls_per_run)
        )
        direct.append(await direct_gets(bench, plan.calls_per_run))
        reference.append(await sequential_calls(bench, bench.reference, "echo", {"text": "ping"}, plan.calls_per_run))
    return per_call_figures(ours, direct, reference), memory_figures(ours, reference, plan.calls_per_run)


def per_call_figures(ours: list[CallRun], direct: list[DirectRun], reference: list[CallRun]) -> dict[str, Any]:
    mcp_runs = [latency(run.samples_ms) for run in ours]
    http_runs = [latency(run.samples_ms) for run in direct]
    echo_runs = [latency(run.samples_ms) for run in reference]
    overhead = [mine["median"] - http["median"] for mine, http in zip(mcp_runs, http_runs, strict=True)]
    overhead_p95 = [mine["p95"] - http["p95"] for mine, http in zip(mcp_runs, http_runs, strict=True)]
    median_overhead = statistics.median(overhead)
    return {
        "calls_per_run": mcp_runs[0]["n"] + 1,
        "mcp_get_user_info_ms": _latency_spread(mcp_runs),
        "direct_http_get_ms": _latency_spread(http_runs),
        "reference_echo_ms": _latency_spread(echo_runs),
        "first_call_ms": spread([run.first_call_ms for run in ours]),
        "overhead_median_ms": spread(overhead),
        "overhead_p95_ms": spread(overhead_p95),
        "cpu_ms_per_call": {
            "zoom_mcp_process": spread([run.server_cpu_ms_per_call for run in ours]),
            "reference_process": spread([run.server_cpu_ms_per_call for run in reference]),
            "bench_process_during_mcp_calls": spread([run.bench_cpu_ms_per_call for run in ours]),
            "bench_process_during_direct_gets": spread([run.bench_cpu_ms_per_call for run in direct]),
        },
        "target_ms": OVERHEAD_TARGET_MS,
        "met": median_overhead < OVERHEAD_TARGET_MS,
    }


def _latency_spread(runs: list[dict[str, float]]) -> dict[str, Any]:
    return {"median": spread([run["median"] for run in runs]), "p95": spread([run["p95"] for run in runs])}


def memory_figures(ours: list[CallRun], reference: list[CallRun], calls: int) -> dict[str, Any]:
    return {
        "calls": calls,
        "zoom_mcp_after_start_mib": spread([run.rss_after_start_mib for run in ours]),
        "zoom_mcp_after_calls_mib": spread([run.rss_after_calls_mib for run in ours]),
        "reference_after_start_mib": spread([run.rss_after_start_mib for run in reference]),
        "reference_after_calls_mib": spread([run.rss_after_calls_mib for run in reference]),
    }


# -- 3. concurrency --------------------------------------------------------------------------------


@dataclass
class ConcurrentRun:
    wall_ms: float
    calls_per_second: float
    token_requests: int
    peak_open_connections: int
    distinct_connections: int
    max_in_flight: int
    server_cpu_ms_per_call: float
    bench_cpu_ms_per_call: float
    direct_wall_ms: float
    direct_calls_per_second: float


@contextmanager
def sandbox_traffic(sandbox: Sandbox) -> Iterator[dict[str, int]]:
    """Token requests, distinct client connections and peak in-flight requests seen inside the block."""
    stats = sandbox.stats
    tokens_before, addresses_before = stats.token_requests, set(stats.client_addresses)
    stats.max_in_flight = stats.in_flight
    seen: dict[str, int] = {}
    yield seen
    seen["token_requests"] = stats.token_requests - tokens_before
    seen["distinct_connections"] = len(stats.client_addresses - addresses_before)
    seen["max_in_flight"] = stats.max_in_flight


async def wall_ms(calls: Sequence[Callable[[], Awaitable[object]]]) -> float:
    started = time.perf_counter()
    await asyncio.gather(*(call() for call in calls))
    return (time.perf_counter() - started) * 1000


async def concurrent_run(bench: Bench, level: int) -> ConcurrentRun:
    """A fresh server, then `level` get_user_info calls at once on its one session (its first calls)."""
    async with bench.session(bench.zoom_mcp) as session:
        await session.handshake()
        sampler = SocketSampler(session.pid)
        with sandbox_traffic(bench.sandbox) as seen, cpu_per_call(level, session.pid) as cpu:
            sampler.start()
            calls = [lambda: session.call_tool("get_user_info", {"user_id": "me"})] * level
            elapsed = await wall_ms(calls)
            peak_open = await sampler.stop()
    async with direct_client(bench) as http:
        direct_elapsed = await wall_ms([lambda: timed_get(http, "/v2/users/me")] * level)
    return ConcurrentRun(
        wall_ms=elapsed,
        calls_per_second=level / elapsed * 1000,
        peak_open_connections=peak_open,
        server_cpu_ms_per_call=cpu["server"],
        bench_cpu_ms_per_call=cpu["bench"],
        direct_wall_ms=direct_elapsed,
        direct_calls_per_second=level / direct_elapsed * 1000,
        **seen,
    )


async def measure_concurrency(bench: Bench, plan: Plan) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for level in plan.concurrency_levels:
        runs = [await concurrent_run(bench, level) for _ in range(plan.concurrency_runs)]
        figures[str(level)] = {name: spread([getattr(run, name) for run in runs]) for name in asdict(runs[0])}
        figures[str(level)]["token_requests_ok"] = all(run.token_requests == 1 for run in runs)
    return figures


# -- the report ------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    packages = {name: metadata.version(name) for name in ("zoom-mcp", "mcp", "httpx2", "pydantic", "uvicorn", "anyio")}
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "cpu_model": cpu,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "kernel": platform.release(),
        "load_average_at_end": [round(load, 2) for load in os.getloadavg()],
        "packages": packages,
    }


def fmt(figure: Mapping[str, Any], unit: str = "", digits: int = 1) -> str:
    """median (min-max)"""
    return f"{figure['median']:.{digits}f}{unit} ({figure['min']:.{digits}f}-{figure['max']:.{digits}f})"


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


Row = tuple[str, str, str, str]


def table(results: Mapping[str, Any]) -> str:
    rows = cold_start_rows(results["cold_start"])
    rows += per_call_rows(results["per_call"])
    rows += concurrency_rows(results["concurrency"])
    rows += memory_rows(results["memory"])
    lines = ["| Figure | zoom-mcp, median (min-max) | Baseline, median (min-max) | Difference / target |"]
    lines.append("|---|---|---|---|")
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)


def cold_start_rows(cold: Mapping[str, Any]) -> list[Row]:
    return [
        (
            f"Cold start: spawn to first tools/list answer ({len(cold['tools_listed']['zoom_mcp'])} tools)",
            fmt(cold["zoom_mcp_ms"], " ms", 0),
            f"reference server (1 tool): {fmt(cold['reference_ms'], ' ms', 0)}",
            f"ratio {fmt(cold['ratio'], 'x', 2)}; target <= {cold['target_ratio']:.2f}x: {verdict(cold['met'])}",
        )
    ]


def per_call_rows(calls: Mapping[str, Any]) -> list[Row]:
    mcp, direct, cpu = calls["mcp_get_user_info_ms"], calls["direct_http_get_ms"], calls["cpu_ms_per_call"]
    return [
        (
            f"get_user_info over MCP stdio, median of {calls['calls_per_run'] - 1} sequential calls",
            fmt(mcp["median"], " ms", 2),
            f"direct HTTP GET /v2/users/me: {fmt(direct['median'], ' ms', 2)}",
            f"overhead {fmt(calls['overhead_median_ms'], ' ms', 2)}; target < {calls['target_ms']:.0f} ms: "
            f"{verdict(calls['met'])}",
        ),
        (
            "get_user_info over MCP stdio, p95",
            fmt(mcp["p95"], " ms", 2),
            f"direct HTTP GET: {fmt(direct['p95'], ' ms', 2)}",
            f"overhead {fmt(calls['overhead_p95_ms'], ' ms', 2)}",
        ),
        (
            "Server CPU per sequential call",
            fmt(cpu["zoom_mcp_process"], " ms", 2),
            f"reference server, echo tool: {fmt(cpu['reference_process'], ' ms', 2)}",
            f"echo round trip {fmt(calls['reference_echo_ms']['median'], ' ms', 2)} (the SDK's stdio floor)",
        ),
        ("First get_user_info call (token request + TCP connect)", fmt(calls["first_call_ms"], " ms", 1), "", ""),
    ]


def concurrency_rows(concurrency: Mapping[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for level, figure in concurrency.items():
        rows.append(
            (
                f"{level} concurrent get_user_info calls on one session: wall time",
                fmt(figure["wall_ms"], " ms", 0),
                f"direct HTTP, {POOL_CONNECTIONS} connections: {fmt(figure['direct_wall_ms'], ' ms', 0)}",
                f"{fmt(figure['calls_per_second'], ' calls/s', 0)} vs "
                f"{fmt(figure['direct_calls_per_second'], ' calls/s', 0)} direct; server CPU "
                f"{fmt(figure['server_cpu_ms_per_call'], ' ms', 2)} per call",
            )
        )
        rows.append(
            (
                f"{level} concurrent calls: token requests, peak open connections",
                f"{figure['token_requests']['max']:.0f} token request(s); "
                f"{fmt(figure['peak_open_connections'], '', 0)} connections open at peak",
                f"{fmt(figure['distinct_connections'], '', 0)} distinct connections seen by the sandbox",
                f"token requests must be 1: {verdict(figure['token_requests_ok'])}",
            )
        )
    return rows


def memory_rows(memory: Mapping[str, Any]) -> list[Row]:
    return [
        (
            "Peak RSS (VmHWM) after start (first tools/list answered)",
            fmt(memory["zoom_mcp_after_start_mib"], " MiB"),
            f"reference server: {fmt(memory['reference_after_start_mib'], ' MiB')}",
            f"+{memory_gap(memory, 'after_start'):.1f} MiB",
        ),
        (
            f"Peak RSS (VmHWM) after {memory['calls']} calls",
            fmt(memory["zoom_mcp_after_calls_mib"], " MiB"),
            f"reference server, echo tool: {fmt(memory['reference_after_calls_mib'], ' MiB')}",
            f"+{memory_gap(memory, 'after_calls'):.1f} MiB",
        ),
    ]


def memory_gap(memory: Mapping[str, Any], when: str) -> float:
    gap: float = memory[f"zoom_mcp_{when}_mib"]["median"] - memory[f"reference_{when}_mib"]["median"]
    return gap


# -- main ------------------------------------------------------------------------------------------


async def run(plan: Plan) -> dict[str, Any]:
    zoom_mcp, reference = server_commands()
    sandbox = Sandbox(seed=0)
    async with AsyncExitStack() as stack:
        origin = await stack.enter_async_context(serve_sandbox(sandbox, host="127.0.0.1", port=0))
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="zoom-mcp-bench-")))
        stderr = stack.enter_context((workdir / "servers.log").open("wb"))
        bench = Bench(sandbox, origin, workdir, stderr, zoom_mcp, reference)
        try:
            phase("cold start")
            cold = await measure_cold_start(bench, plan)
            phase("per-call latency and memory")
            per_call, memory = await measure_calls(bench, plan)
            phase("concurrency")
            concurrency = await measure_concurrency(bench, plan)
        except Exception:
            stderr.flush()
            print(f"the servers' stderr:\n{(workdir / 'servers.log').read_text()[-4000:]}", file=sys.stderr)
            raise
    warn_if_slow_loopback(per_call)
    return {
        "cold_start": cold,
        "per_call": per_call,
        "concurrency": concurrency,
        "memory": memory,
    }


def phase(name: str) -> None:
    print(f"... {name}", file=sys.stderr, flush=True)


def warn_if_slow_loopback(per_call: Mapping[str, Any]) -> None:
    if per_call["direct_http_get_ms"]["median"]["median"] > SLOW_LOOPBACK_MS:
        print(
            "warning: direct loopback GETs take over 30 ms: the sandbox's sockets probably lack TCP_NODELAY "
            "(delayed ACKs), so every figure measures that, not zoom-mcp",
            file=sys.stderr,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and calls (a smoke run, ~15 s)")
    parser.add_argument(
        "--output",
        type=Path,
        help=f"also write the figures as JSON to this file (the committed ones: {COMMITTED_RESULTS})",
    )
    parser.add_argument("--render", type=Path, metavar="JSON", help="print the table of an earlier run's JSON and exit")
    args = parser.parse_args(argv)
    if args.render:
        print(table(json.loads(args.render.read_text())))
        return 0
    plan = QUICK if args.quick else FULL
    started, load_at_start = time.perf_counter(), os.getloadavg()
    if load_at_start[0] > BUSY_LOAD_AVERAGE:
        print(
            f"warning: load average {load_at_start[0]:.2f}: other work on this machine will add noise", file=sys.stderr
        )
    figures = anyio.run(run, plan, backend="asyncio")
    results = {
        "command": "python tests/bench/run.py" + (" --quick" if args.quick else ""),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {**machine(), "load_average_at_start": [round(load, 2) for load in load_at_start]},
        "plan": asdict(plan),
        **figures,
        "duration_seconds": round(time.perf_counter() - started, 1),
    }
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    host = results["machine"]
    print(f"\n{host['cpus']} CPUs, {host['cpu_model']}, Python {host['python']}")
    print(f"{'wrote ' + str(args.output) if args.output else 'done'} in {results['duration_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
