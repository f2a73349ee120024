"""A local emulator of the Zoom REST API, for tests and offline development.

Nothing here talks to Zoom: the sandbox is an ASGI app holding an in-memory account.
"""

from zoom_mcp.server.sandbox.emulator import SANDBOX_ORIGIN, Sandbox
from zoom_mcp.server.sandbox.faults import Fault
from zoom_mcp.server.sandbox.stats import RecordedRequest, SandboxStats
from zoom_mcp.server.sandbox.tokens import SANDBOX_CREDENTIALS, SandboxCredentials

__all__ = [
    "SANDBOX_CREDENTIALS",
    "SANDBOX_ORIGIN",
    "Fault",
    "RecordedRequest",
    "Sandbox",
    "SandboxCredentials",
    "SandboxStats",
]
