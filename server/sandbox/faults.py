"""Injected failures: the network and server misbehaviour a robust client must survive."""

import re
from dataclasses import dataclass, field


@dataclass
class Fault:
    """One scripted misbehaviour, applied to the next ``times`` matching requests.

    Exactly one fault applies to a request: the earliest injected one that matches and still has uses.
    A fault with only ``delay_seconds`` slows the real answer down without changing it.
    """

    method: str | None = None
    path: str | None = None
    times: int = 1
    status: int | None = None
    retry_after: str | None = None
    # Zoom's error body for `status`, when a test scripts a particular one (e.g. 4711, a missing scope).
    zoom_code: int | None = None
    zoom_message: str | None = None
    rate_limit_type: str | None = None
    delay_seconds: float = 0.0
    hang: bool = False
    malformed: bool = False
    # Serve the real answer with only its first half: a connection that ended early (a file cut short).
    cut_short: bool = False
    after_handling: bool = False
    # Let this many matching requests through untouched first (e.g. fail the read after a write, not before).
    skip: int = 0
    remaining: int = field(init=False)

    def __post_init__(self) -> None:
        if self.times < 1:
            raise ValueError("a fault must apply to at least one request")
        if self.rate_limit_type not in (None, "QPS", "Daily-limit"):
            raise ValueError("rate_limit_type is 'QPS' or 'Daily-limit'")
        if self.path is not None:
            re.compile(self.path)
        self.remaining = self.times

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or re.fullmatch(self.path, path) is not None

    @property
    def replaces_answer(self) -> bool:
        return self.status is not None or self.hang or self.malformed


class FaultQueue:
    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """Use up one application of the first matching fault, if any."""
        for fault in self._faults:
            if fault.remaining > 0 and fault.matches(method, path):
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        self._faults.clear()
