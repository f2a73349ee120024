"""Hosted-mode benchmark: tool calls per second and p50/p99 latency over Streamable HTTP, for 1 and 3 replicas of
`zoom-mcp --sandbox serve --http` at 50 and 200 concurrent clients, beside the SDK's minimal HTTP server (one
trivial tool, same transport settings) as the floor, in the same run on the same machine.

    python tests/bench/http_run.py [--seconds 8] [--output tests/bench/http_results.json]

Each client is a loop of `tools/call` POSTs (the handshake era's stateless path: no session, any replica answers)
over its own keep-alive connection; requests go round-robin over the replicas, as a load balancer without
affinity would. The floor calls `echo`; zoom-mcp calls `get_user_info`:

- `ZOOM_MCP_AUTH=none`: against each replica's in-process Zoom sandbox (`--sandbox`);
- `ZOOM_MCP_AUTH=oauth`: as one person signed in through our authorization server (consent page, the sandbox's
  Zoom consent, our code and token), every request carrying our bearer token, against one Zoom sandbox in its
  own process over HTTP; 1 replica on the default SQLite state store, 3 replicas sharing a real redis-server
  (skipped, and said so, when no redis-server/valkey-server is installed).

The load generator runs in this process and competes for the same CPUs: on a small machine the figures are a
floor for the server, not a ceiling. Not part of the pytest run.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx2

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))  # the sign-in reuses the tests' scripted browser

from tests.hosted.oauth_harness import CLIENT_REDIRECT, Browser, new_state_key  # noqa: E402

ZOOM_MCP = str(Path(sys.executable).parent / "zoom-mcp")
REFERENCE = HERE / "http_reference_server.py"
SANDBOX = HERE / "http_sandbox_server.py"
CONCURRENCY = (50, 200)


@dataclass
class Result:
    server: str
    replicas: int
    clients: int
    calls: int
    errors: int
    calls_per_second: float
    p50_ms: float
    p99_ms: float
    error_kinds: dict[str, int] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def servers(kind: str, replicas: int, workdir: Path) -> Iterator[tuple[list[str], dict[str, str]]]:
    """Start `replicas` server processes; yield their /mcp URLs once each answers /healthz, and the headers
    each request needs (oauth: our bearer token)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("ZOOM_")}
    with ExitStack() as stack:
        ports = [free_port() for _ in range(replicas)]
        headers: dict[str, str] = {}
        if kind == "zoom-mcp-oauth":
            # Every replica has the same public URL (as behind a load balancer); loopback Host checks accept
            # each replica's own port.
            public = f"http://127.0.0.1:{ports[0]}"
            env.update(oauth_environment(stack, public, replicas, workdir))
        for port in ports:
            if kind == "zoom-mcp":
                argv = [ZOOM_MCP, "--sandbox", "serve", "--http", "--port", str(port)]
            elif kind == "zoom-mcp-oauth":
                argv = [ZOOM_MCP, "serve", "--http", "--port", str(port)]
            else:
                argv = [sys.executable, str(REFERENCE), "--port", str(port)]
            process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            stack.callback(_stop, process)
        urls = [f"http://127.0.0.1:{port}/mcp" for port in ports]
        for url in urls:
            _wait_healthy(url.removesuffix("/mcp") + "/healthz")
        if kind == "zoom-mcp-oauth":
            headers["Authorization"] = "Bearer " + anyio.run(sign_in, f"http://127.0.0.1:{ports[0]}")
        yield urls, headers


def oauth_environment(stack: ExitStack, public: str, replicas: int, workdir: Path) -> dict[str, str]:
    """A Zoom sandbox process for the replicas to sign people in with, and their state store."""
    sandbox = subprocess.Popen(
        [sys.executable, str(SANDBOX), "--redirect-uri", f"{public}/oauth/zoom/callback"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    stack.callback(_stop, sandbox)
    assert sandbox.stdout is not None
    zoom = json.loads(sandbox.stdout.readline())
    if replicas > 1:
        state_url = stack.enter_context(redis(workdir))
    else:
        state_url = f"sqlite:///{workdir}/state-{free_port()}.sqlite3"
    return {
        "ZOOM_CLIENT_ID": zoom["client_id"],
        "ZOOM_CLIENT_SECRET": zoom["client_secret"],
        "ZOOM_API_BASE_URL": f"{zoom['origin']}/v2",
        "ZOOM_OAUTH_TOKEN_URL": f"{zoom['origin']}/oauth/token",
        "ZOOM_OAUTH_AUTHORIZE_URL": f"{zoom['origin']}/oauth/authorize",
        "ZOOM_OAUTH_REVOKE_URL": f"{zoom['origin']}/oauth/revoke",
        "ZOOM_MCP_AUTH": "oauth",
        "ZOOM_MCP_PUBLIC_URL": public,
        "ZOOM_MCP_STATE_URL": state_url,
        "ZOOM_MCP_STATE_KEY": new_state_key(),
        "ZOOM_MCP_LOG_LEVEL": "WARNING",
    }


def redis_binary() -> str | None:
    return shutil.which("redis-server") or shutil.which("valkey-server")


@contextmanager
def redis(workdir: Path) -> Iterator[str]:
    binary = redis_binary()
    assert binary is not None
    port = free_port()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen([*argv, "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)


async def sign_in(origin: str) -> str:
    """Register a client, approve our consent page and the sandbox's Zoom consent as a person would, and
    exchange our code for our access token (PKCE S256)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    browser = Browser()
    try:
        async with httpx2.AsyncClient(timeout=30) as http:
            registered = await http.post(
                f"{origin}/register", json={"redirect_uris": [CLIENT_REDIRECT], "client_name": "benchmark"}
            )
            client = registered.json()
            query = {
                "response_type": "code",
                "client_id": client["client_id"],
                "redirect_uri": CLIENT_REDIRECT,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
                "state": "bench",
                "resource": f"{origin}/mcp",
            }
            landed = await browser.open(str(httpx2.URL(f"{origin}/authorize", params=query)))
            code = parse_qs(urlsplit(landed).query)["code"][0]
            token = await http.post(
                f"{origin}/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": CLIENT_REDIRECT,
                    "code_verifier": verifier,
                    "client_id": client["client_id"],
                    "client_secret": client["client_secret"],
                    "resource": f"{origin}/mcp",
                },
            )
            access: str = token.json()["access_token"]
            return access
    finally:
        await browser.aclose()


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=15)


def _wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx2.get(url, timeout=1).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


def call_body(tool: str, arguments: dict[str, object], request_id: int) -> bytes:
    message = {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": tool, "arguments": arguments},
    }
    return json.dumps(message).encode()


HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json, text/event-stream",
    "MCP-Protocol-Version": "2025-11-25",
}


async def load(
    urls: Sequence[str],
    headers: dict[str, str],
    tool: str,
    arguments: dict[str, object],
    clients: int,
    seconds: float,
) -> Result:
    latencies: list[float] = []
    errors = 0
    kinds: Counter[str] = Counter()
    stop_at = 0.0

    async def client(index: int, http: httpx2.AsyncClient) -> None:
        nonlocal errors
        request_id = 0
        while time.perf_counter() < stop_at:
            request_id += 1
            url = urls[(index + request_id) % len(urls)]
            started = time.perf_counter()
            try:
                response = await http.post(
                    url, content=call_body(tool, arguments, request_id), headers={**HEADERS, **headers}
                )
            except httpx2.TransportError as error:
                # e.g. a keep-alive connection the server closed just as we reused it: counted, not timed.
                errors += 1
                kinds[type(error).__name__] += 1
                continue
            elapsed = time.perf_counter() - started
            body = response.json() if response.status_code == 200 else {}
            if "result" not in body or body["result"].get("isError"):
                errors += 1
                kinds[f"HTTP {response.status_code}" if "result" not in body else "tool error"] += 1
            latencies.append(elapsed)

    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(limits=limits, timeout=60) as http:
        stop_at = time.perf_counter() + 1.0  # warm-up: connections, first Zoom token, caches
        async with anyio.create_task_group() as group:
            for index in range(clients):
                group.start_soon(client, index, http)
        latencies.clear()
        errors = 0
        kinds.clear()
        started = time.perf_counter()
        stop_at = started + seconds
        async with anyio.create_task_group() as group:
            for index in range(clients):
                group.start_soon(client, index, http)
        wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return Result(
        server="",
        replicas=len(urls),
        clients=clients,
        calls=len(ordered),
        errors=errors,
        calls_per_second=round(len(ordered) / wall, 1),
        p50_ms=round(statistics.median(ordered) * 1000, 1),
        p99_ms=round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        error_kinds=dict(kinds),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per configuration")
    parser.add_argument("--output", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    plan = [
        ("SDK floor (echo)", "reference", 1, "echo", {"text": "hello"}),
        ("zoom-mcp get_user_info", "zoom-mcp", 1, "get_user_info", {}),
        ("zoom-mcp get_user_info", "zoom-mcp", 3, "get_user_info", {}),
        ("zoom-mcp oauth, SQLite", "zoom-mcp-oauth", 1, "get_user_info", {}),
        ("zoom-mcp oauth, Redis", "zoom-mcp-oauth", 3, "get_user_info", {}),
    ]
    if redis_binary() is None:
        print("no redis-server or valkey-server installed: skipping the 3-replica oauth configuration", flush=True)
        plan = [step for step in plan if not (step[1] == "zoom-mcp-oauth" and step[2] > 1)]
    results = []
    load_at_start = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="zoom-mcp-bench-"))
    for label, kind, replicas, tool, arguments in plan:
        with servers(kind, replicas, workdir) as (urls, headers):
            for clients in CONCURRENCY:
                result = anyio.run(load, urls, headers, tool, arguments, clients, args.seconds)
                result.server = label
                results.append(result)
                print(
                    f"{label:<24} replicas={replicas} clients={clients:>3}: {result.calls_per_second:>7.1f} calls/s  "
                    f"p50 {result.p50_ms:>6.1f} ms  p99 {result.p99_ms:>7.1f} ms  "
                    f"errors {result.errors} {result.error_kinds or ''}",
                    flush=True,
                )
    print()
    print("| server | replicas | clients | calls/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for result in results:
        print(
            f"| {result.server} | {result.replicas} | {result.clients} | {result.calls_per_second} | "
            f"{result.p50_ms} | {result.p99_ms} | {result.errors} |"
        )
    machine = {
        "cpus": os.cpu_count(),
        # 1, 5 and 15 minute load averages before the first and after the last configuration: other work on the
        # machine shows here (the benchmark itself adds about one).
        "load_average_at_start": load_at_start,
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds_per_configuration": args.seconds,
    }
    print(f"\n{machine}")
    if args.output:
        args.output.write_text(
            json.dumps({"machine": machine, "results": [asdict(r) for r in results]}, indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
