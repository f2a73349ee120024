"""The HTTP benchmark's floor: the same SDK's MCPServer with one trivial tool, stateless Streamable HTTP, JSON
responses, served by uvicorn binding its own socket, exactly as `zoom-mcp serve --http` serves (no Zoom behind it).

    python tests/bench/http_reference_server.py --port 8001
"""

from __future__ import annotations

import argparse

import uvicorn
from mcp.server.mcpserver import MCPServer
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

app: MCPServer[object] = MCPServer(name="reference", version="0", log_level="WARNING")


@app.tool()
def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


@app.custom_route("/healthz", methods=["GET"])
async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    asgi = app.streamable_http_app(stateless_http=True, json_response=True, host="127.0.0.1")
    uvicorn.run(asgi, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
