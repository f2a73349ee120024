"""Client ID Metadata Documents (SEP-991; MCP 2025-11-25 client registration): a client_id that is an https URL.

Instead of registering, a client names itself by the URL of a JSON document it publishes; we fetch that
document and take its `client_name`, `redirect_uris` and the rest from it. What makes that safe:

- the document must say `client_id` = the URL it was fetched from, so nobody can borrow another's document;
- the URL is https with a path, no fragment, credentials or dot segments; the document is fetched within one
  short deadline (`FETCH_TIMEOUT_SECONDS` for lookup, connection and body), at most `MAX_DOCUMENT_BYTES`, with no
  redirect followed;
- the fetch is a request our server makes to an address a stranger chose (SSRF): the host is resolved once,
  every address must be public (never loopback, private, link-local, ...), and the connection goes to that
  checked address (TLS still verifies the host name), so a DNS answer cannot change between check and use;
- such a client is public: no secret (`token_endpoint_auth_method` "none"), PKCE as for every client;
- what the consent page shows comes from the document, so it shows the document's host, the only part of the
  client's identity that is verified (any document can claim any name).

Documents are cached in the shared state store (every replica reuses one fetch) for the document's
`Cache-Control: max-age`, kept between `MIN_CACHE_SECONDS` and `MAX_CACHE_SECONDS` (`no-store`/`no-cache`: the
minimum, since the document is needed at every step of a sign-in), `DEFAULT_CACHE_SECONDS` without a max-age.
A failed fetch is not cached.

`ZOOM_MCP_ALLOW_LOOPBACK_CLIENT_METADATA=true` (development and tests only) also accepts documents served from
a loopback address (127.0.0.1, ::1, localhost), over http or https.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import os
import re
import socket
import ssl
from urllib.parse import SplitResult, urlsplit

import anyio
import httpx2
from mcp.shared.auth import OAuthClientInformationFull
from pydantic import ValidationError

from zoom_mcp.server import __version__
from zoom_mcp.server.hosted.state import StateStore

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 5 * 1024
MAX_URL_LENGTH = 2048
FETCH_TIMEOUT_SECONDS = 5.0
MIN_CACHE_SECONDS = 60
DEFAULT_CACHE_SECONDS = 600
MAX_CACHE_SECONDS = 24 * 3600
LOOPBACK_NAMES = ("localhost",)
_NO_CACHE = re.compile(r"(?:^|,)\s*no-(?:store|cache)\b", re.IGNORECASE)
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*(\d+)", re.IGNORECASE)


class ClientMetadataError(Exception):
    """The client_id URL or its document is unusable; the message says why (no secrets, bounded)."""


def looks_like_metadata_url(client_id: str) -> bool:
    """A client_id naming a metadata document rather than a registration (ours are UUIDs)."""
    return client_id.startswith(("https://", "http://"))


class ClientMetadataDocuments:
    """Resolves URL client_ids to client records: from the state store's cache, else by fetching the document."""

    def __init__(
        self, state: StateStore, *, allow_loopback: bool = False, timeout_seconds: float = FETCH_TIMEOUT_SECONDS
    ) -> None:
        self._state = state
        self.allow_loopback = allow_loopback
        self.timeout_seconds = timeout_seconds
        self._http: httpx2.AsyncClient | None = None

    def _client(self) -> httpx2.AsyncClient:
        if self._http is None:
            cafile = os.environ.get("SSL_CERT_FILE")
            self._http = httpx2.AsyncClient(
                # No proxies from the environment: the connection must go to the address we checked.
                trust_env=False,
                verify=ssl.create_default_context(cafile=cafile) if cafile else True,
                follow_redirects=False,
                timeout=httpx2.Timeout(self.timeout_seconds),
                headers={"Accept": "application/json", "User-Agent": f"zoom-mcp/{__version__}"},
            )
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def resolve(self, client_id: str) -> OAuthClientInformationFull:
        key = cache_key(client_id)
        cached = await self._state.get(key)
        if cached is not None:
            try:
                return OAuthClientInformationFull.model_validate_json(cached)
            except ValidationError:
                pass
        try:
            # One deadline for all of it (name lookup, connection, every byte): a server that drips its answer
            # cannot hold the request for longer.
            with anyio.fail_after(self.timeout_seconds):
                client, lifetime = await self._fetch(client_id)
        except TimeoutError:
            raise ClientMetadataError(
                f"the client metadata document did not arrive within {self.timeout_seconds:g} s"
            ) from None
        await self._state.put(key, client.model_dump_json().encode(), ttl_seconds=lifetime)
        return client

    async def _fetch(self, url: str) -> tuple[OAuthClientInformationFull, int]:
        parts = check_url(url, allow_loopback=self.allow_loopback)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = await self._checked_address(host, port)
        literal = f"[{address}]" if ":" in address else address
        netloc = literal if parts.port is None else f"{literal}:{parts.port}"
        pinned = parts._replace(netloc=netloc).geturl()
        named = f"[{host}]" if ":" in host else host
        host_header = named if parts.port is None else f"{named}:{parts.port}"
        try:
            async with self._client().stream(
                "GET", pinned, headers={"Host": host_header}, extensions={"sni_hostname": host}
            ) as response:
                if response.is_redirect:
                    raise ClientMetadataError("the client metadata document URL answered with a redirect")
                if response.status_code != 200:
                    raise ClientMetadataError(f"the client metadata document URL answered HTTP {response.status_code}")
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_DOCUMENT_BYTES:
                        raise ClientMetadataError(
                            f"the client metadata document is larger than {MAX_DOCUMENT_BYTES} bytes"
                        )
                cache_control = response.headers.get("cache-control", "")
        except httpx2.HTTPError as error:
            raise ClientMetadataError(
                f"the client metadata document could not be fetched ({type(error).__name__})"
            ) from None
        return parse_document(url, bytes(body)), cache_seconds(cache_control)

    async def _checked_address(self, host: str, port: int) -> str:
        """One address of `host`, after checking every address it resolves to may be fetched."""
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
            addresses = [str(literal)]
        except ValueError:
            try:
                with anyio.fail_after(FETCH_TIMEOUT_SECONDS):
                    found = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except (OSError, TimeoutError):
                raise ClientMetadataError("the client metadata document's host name does not resolve") from None
            addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
        if not addresses:
            raise ClientMetadataError("the client metadata document's host name does not resolve")
        for address in addresses:
            if not self.address_allowed(ipaddress.ip_address(address.split("%", 1)[0])):
                raise ClientMetadataError(
                    "the client metadata document's host resolves to a private, loopback or reserved address"
                )
        return addresses[0]

    def address_allowed(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address.is_loopback:
            return self.allow_loopback
        return address.is_global and not address.is_multicast


def cache_key(client_id: str) -> str:
    return "cimd:" + hashlib.sha256(client_id.encode()).hexdigest()


def check_url(url: str, *, allow_loopback: bool) -> SplitResult:
    """The parsed URL if it may name a client: https with a path (or http on loopback when allowed)."""
    if len(url) > MAX_URL_LENGTH:
        raise ClientMetadataError(f"a client_id URL is at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise ClientMetadataError("the client_id is not a valid URL") from None
    host = parts.hostname or ""
    loopback = _is_loopback_host(host)
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback and allow_loopback):
        raise ClientMetadataError("a client_id URL must use https")
    if not host:
        raise ClientMetadataError("a client_id URL needs a host")
    if loopback and not allow_loopback:
        raise ClientMetadataError("a client_id URL may not name a loopback host")
    if parts.path in ("", "/"):
        raise ClientMetadataError("a client_id URL needs a path (https://example.com/client.json)")
    if parts.fragment or "#" in url:
        raise ClientMetadataError("a client_id URL may not have a fragment")
    if parts.username is not None or parts.password is not None:
        raise ClientMetadataError("a client_id URL may not carry credentials")
    if any(segment in (".", "..") for segment in parts.path.split("/")):
        raise ClientMetadataError("a client_id URL may not have . or .. path segments")
    return parts


def _is_loopback_host(host: str) -> bool:
    """localhost, or a loopback address literal (127.0.0.0/8, [::1])."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_document(url: str, body: bytes) -> OAuthClientInformationFull:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ClientMetadataError("the client metadata document is not JSON") from None
    if not isinstance(document, dict):
        raise ClientMetadataError("the client metadata document is not a JSON object")
    if document.get("client_id") != url:
        raise ClientMetadataError("the client metadata document's client_id is not the URL it was fetched from")
    if "client_secret" in document or "client_secret_expires_at" in document:
        raise ClientMetadataError("a client metadata document may not contain a client secret")
    method = document.get("token_endpoint_auth_method", "none")
    if method != "none":
        # client_secret_* cannot work without registration; private_key_jwt is not supported here.
        raise ClientMetadataError('a client metadata document must use token_endpoint_auth_method "none"')
    redirect_uris = document.get("redirect_uris")
    if not isinstance(redirect_uris, list) or not redirect_uris or not all(isinstance(u, str) for u in redirect_uris):
        raise ClientMetadataError("the client metadata document needs redirect_uris, a list of URLs")
    for redirect in redirect_uris:
        check_redirect_uri(redirect)
    known = {
        name: document[name]
        for name in (
            "client_name",
            "client_uri",
            "logo_uri",
            "contacts",
            "tos_uri",
            "policy_uri",
            "software_id",
            "software_version",
            "grant_types",
            "response_types",
            "application_type",
        )
        if name in document
    }
    try:
        return OAuthClientInformationFull.model_validate(
            {**known, "client_id": url, "redirect_uris": redirect_uris, "token_endpoint_auth_method": "none"}
        )
    except ValidationError as error:
        fields = sorted({str(detail["loc"][0]) for detail in error.errors() if detail["loc"]})
        raise ClientMetadataError(
            f"the client metadata document has invalid fields: {', '.join(fields)[:200]}"
        ) from None


def check_redirect_uri(redirect: str) -> None:
    """The spec's rule for redirect URIs: https, or http on a loopback host (native apps)."""
    try:
        parts = urlsplit(redirect)
    except ValueError:
        raise ClientMetadataError("a redirect_uri in the client metadata document is not a URL") from None
    host = parts.hostname or ""
    if parts.fragment:
        raise ClientMetadataError("a redirect_uri may not have a fragment")
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http" and _is_loopback_host(host):
        return
    raise ClientMetadataError("every redirect_uri must use https, or http on localhost / 127.0.0.1 / [::1]")


def cache_seconds(cache_control: str) -> int:
    if _NO_CACHE.search(cache_control):
        return MIN_CACHE_SECONDS  # still one fetch per minute at most: a document is fetched on every step
    found = _MAX_AGE.search(cache_control)
    seconds = int(found.group(1)) if found else DEFAULT_CACHE_SECONDS
    return max(MIN_CACHE_SECONDS, min(MAX_CACHE_SECONDS, seconds))


def host_of(client_id: str) -> str:
    """The host that published a metadata document (what the consent page shows as the client's identity)."""
    parts = urlsplit(client_id)
    host = parts.hostname or ""
    return host if parts.port is None else f"{host}:{parts.port}"
