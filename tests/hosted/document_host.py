"""A web host for client ID metadata documents in tests: https on 127.0.0.1 with a throwaway certificate."""

from __future__ import annotations

import datetime
import ipaddress
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.types import Receive, Scope, Send

from zoom_mcp.server.sandbox.http import ListeningServer


@dataclass
class Page:
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json"})
    # Send the start of the body, then nothing more until the host shuts down (a server that drips).
    stalls: bool = False


@dataclass
class DocumentHost:
    """Serves `pages` by path; counts the requests each path received."""

    pages: dict[str, Page] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    origin: str = ""
    certificate: Path | None = None
    closing: anyio.Event = field(default_factory=anyio.Event)

    def publish(self, path: str, document: dict[str, Any], **headers: str) -> str:
        """Serve `document` as JSON at `path`; returns its URL."""
        self.pages[path] = Page(json.dumps(document).encode(), headers={"content-type": "application/json", **headers})
        return self.origin + path

    def url(self, path: str) -> str:
        return self.origin + path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        path = scope["path"]
        self.hits[path] = self.hits.get(path, 0) + 1
        page = self.pages.get(path, Page(b"not found", 404, {"content-type": "text/plain"}))
        headers = [(name.encode(), value.encode()) for name, value in page.headers.items()]
        await send({"type": "http.response.start", "status": page.status, "headers": headers})
        if page.stalls:
            await send({"type": "http.response.body", "body": page.body[:1], "more_body": True})
            await self.closing.wait()
        await send({"type": "http.response.body", "body": page.body})


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost (its own CA) and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "zoom-mcp test documents")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = directory / "documents-cert.pem", directory / "documents-key.pem"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return certificate_path, key_path


@asynccontextmanager
async def document_host(directory: Path, *, tls: bool = True) -> AsyncIterator[DocumentHost]:
    host = DocumentHost()
    options: dict[str, Any] = {}
    if tls:
        certificate, key = self_signed_certificate(directory)
        host.certificate = certificate
        options = {"ssl_certfile": str(certificate), "ssl_keyfile": str(key)}
    config = uvicorn.Config(
        host, host="127.0.0.1", port=0, log_level="warning", lifespan="off", access_log=False, **options
    )
    server = ListeningServer(config)
    async with anyio.create_task_group() as group:
        group.start_soon(server.serve)
        with anyio.fail_after(15):
            await server.listening.wait()
        port = server.servers[0].sockets[0].getsockname()[1]
        host.origin = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
        try:
            yield host
        finally:
            host.closing.set()
            server.should_exit = True
