"""Hosted mode: MCP over Streamable HTTP for a team (`zoom-mcp serve --http`), with its access control."""
