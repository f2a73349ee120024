"""A local emulator of the Zoom REST API, for tests and offline development.

Nothing here talks to Zoom: the sandbox is an ASGI app holding an in-memory account.
"""

from .emulator import SANDBOX_ORIGIN, Sandbox
from .faults import Fault
from .stats import RecordedRequest, SandboxStats
from .tokens import SANDBOX_CREDENTIALS, SandboxCredentials

__all__ = [
    "SANDBOX_CREDENTIALS",
    "SANDBOX_ORIGIN",
    "Fault",
    "RecordedRequest",
    "Sandbox",
    "SandboxCredentials",
    "SandboxStats",
]
