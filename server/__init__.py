"""zoom-mcp: the process side (settings, Zoom client, sandbox, app wiring, CLI)."""

__version__ = "0.1.0"
