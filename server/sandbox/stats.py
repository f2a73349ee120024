"""What the sandbox saw, for tests that assert on the client's traffic."""

from dataclasses import dataclass, field


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    json: object | None
    # None while the request is in progress, and for requests that never got an answer (a hang).
    status: int | None = None
    # Where it was sent, and whether it carried an Authorization header (never its value).
    host: str = ""
    authorized: bool = False


@dataclass
class SandboxStats:
    token_requests: int = 0
    requests: list[RecordedRequest] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    client_addresses: set[tuple[str, int]] = field(default_factory=set)

    def request_started(self, record: RecordedRequest, client: tuple[str, int] | None) -> None:
        self.requests.append(record)
        if client is not None:
            self.client_addresses.add(client)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def request_finished(self) -> None:
        self.in_flight -= 1
