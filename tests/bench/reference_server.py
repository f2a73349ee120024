"""The benchmark's reference: the same SDK's MCPServer with one trivial tool, served over stdio.

Cold start and memory of zoom-mcp are reported as ratios against this process, so that what the SDK
itself costs (its imports, its stdio loop) is separated from what zoom-mcp adds.
"""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer

app: MCPServer[object] = MCPServer(name="reference", version="0")


@app.tool()
def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


def main() -> None:
    app.run("stdio")


if __name__ == "__main__":
    main()
