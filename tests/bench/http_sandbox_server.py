"""The oauth benchmark's Zoom: the sandbox in its own process (so it does not share the load generator's event
loop), its user-managed app allowing the given redirect URI. Prints one JSON line on stdout once listening:
{"origin": ..., "client_id": ..., "client_secret": ...}.

    python tests/bench/http_sandbox_server.py --redirect-uri http://127.0.0.1:8000/oauth/zoom/callback
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys

import anyio

from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.sandbox.http import serve_sandbox


async def serve(redirect_uri: str) -> None:
    sandbox = Sandbox(seed=7)
    sandbox.allow_redirect_uri(redirect_uri)
    async with serve_sandbox(sandbox) as origin:
        app = sandbox.user_app
        print(json.dumps({"origin": origin, "client_id": app.client_id, "client_secret": app.client_secret}))
        sys.stdout.flush()
        await anyio.sleep_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redirect-uri", required=True)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        anyio.run(serve, args.redirect_uri)


if __name__ == "__main__":
    main()
