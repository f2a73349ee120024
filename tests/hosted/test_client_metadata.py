"""Client ID Metadata Documents (SEP-991) over real HTTP: the SDK's client names itself by a document URL, our
authorization server fetches it (https, bounded, cached in the state store), and refuses what it must."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpx2
import pytest

from tests.hosted.document_host import DocumentHost, Page, document_host
from tests.hosted.oauth_harness import (
    CLIENT_REDIRECT,
    Browser,
    MemoryTokens,
    oauth_server,
    signed_in_client,
)
from tests.tool_calls.conftest import call_ok
from zoom_mcp.server.hosted.client_metadata import (
    MAX_DOCUMENT_BYTES,
    ClientMetadataDocuments,
    ClientMetadataError,
    cache_seconds,
    check_url,
)
from zoom_mcp.server.hosted.state import SQLiteStateStore
from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.sandbox.http import serve_sandbox

pytestmark = [pytest.mark.anyio]


@pytest.fixture
async def zoom() -> AsyncIterator[tuple[Sandbox, str]]:
    sandbox = Sandbox(seed=3)
    async with serve_sandbox(sandbox) as origin:
        yield sandbox, origin


@pytest.fixture
async def documents(tmp_path: Path) -> AsyncIterator[DocumentHost]:
    async with document_host(tmp_path) as host:
        yield host


def client_document(url: str, **overrides: Any) -> dict[str, Any]:
    return {
        "client_id": url,
        "client_name": "Docs Client",
        "redirect_uris": [CLIENT_REDIRECT],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
        **overrides,
    }


def loopback_documents_env(host: DocumentHost) -> dict[str, str]:
    assert host.certificate is not None
    return {"ZOOM_MCP_ALLOW_LOOPBACK_CLIENT_METADATA": "true", "SSL_CERT_FILE": str(host.certificate)}


def authorize_params(client_id: str, redirect_uri: str = CLIENT_REDIRECT) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "code_challenge": "x" * 43,
        "code_challenge_method": "S256",
        "state": "s",
    }


@pytest.mark.http
async def test_the_sdk_client_signs_in_with_a_metadata_document_and_dcr_still_works(
    tmp_path: Path, zoom: tuple[Sandbox, str], documents: DocumentHost
) -> None:
    sandbox, origin = zoom
    url = documents.publish("/oauth/client.json", client_document(documents.url("/oauth/client.json")))
    async with oauth_server(
        tmp_path,
        sandbox,
        origin,
        extra_env=loopback_documents_env(documents),
    ) as server:
        async with httpx2.AsyncClient() as http:
            metadata = (await http.get(f"{server.origin}/.well-known/oauth-authorization-server")).json()
        browser, storage = Browser(), MemoryTokens()
        async with signed_in_client(server.mcp_url, browser, storage, client_metadata_url=url) as client:
            me = await call_ok(client, "get_user_info", {})
        registrations_after_cimd = server.log.count("POST /register")
        # A client without a document registers dynamically, against the same server.
        dcr_browser, dcr_storage = Browser(), MemoryTokens()
        async with signed_in_client(server.mcp_url, dcr_browser, dcr_storage) as client:
            also = await call_ok(client, "get_user_info", {})
        await browser.aclose()
        await dcr_browser.aclose()
        log = server.log
    assert metadata["client_id_metadata_document_supported"] is True
    assert "none" in metadata["token_endpoint_auth_methods_supported"]
    assert me["id"]
    assert also["id"]
    assert storage.client is not None
    assert storage.client.client_id == url
    assert registrations_after_cimd == 0
    assert "POST /register -> 201" in log
    assert dcr_storage.client is not None
    assert dcr_storage.client.client_id != url
    # The consent page names the verified host, and says the name is only what the document claims.
    consent = browser.pages[0]
    host = urlsplit(url).netloc
    assert f"published by <b>{host}</b>" in consent
    assert "Docs Client" in consent
    assert f"only <b>{host}</b> is verified" in consent
    assert "registered without verification" in dcr_browser.pages[0]
    # authorize, consent page, token: one fetch, the rest from the state store's cache.
    assert documents.hits["/oauth/client.json"] == 1


@pytest.mark.http
async def test_documents_that_do_not_name_themselves_or_the_redirect_are_refused(
    tmp_path: Path, zoom: tuple[Sandbox, str], documents: DocumentHost
) -> None:
    sandbox, origin = zoom
    good = documents.publish("/good.json", client_document(documents.url("/good.json")))
    borrowed = documents.publish("/borrowed.json", client_document(good))
    secret = documents.publish(
        "/secret.json",
        client_document(
            documents.url("/secret.json"), client_secret="s", token_endpoint_auth_method="client_secret_post"
        ),
    )
    documents.pages["/big.json"] = Page(b'{"client_id": "' + b"x" * MAX_DOCUMENT_BYTES + b'"}')
    documents.pages["/moved.json"] = Page(b"", 302, {"location": good})
    cases = {
        "borrowed": borrowed,
        "secret": secret,
        "big": documents.url("/big.json"),
        "moved": documents.url("/moved.json"),
        "missing": documents.url("/missing.json"),
    }
    async with (
        oauth_server(
            tmp_path,
            sandbox,
            origin,
            extra_env=loopback_documents_env(documents),
        ) as server,
        httpx2.AsyncClient() as http,
    ):
        refused = {
            name: await http.get(f"{server.origin}/authorize", params=authorize_params(url))
            for name, url in cases.items()
        }
        accepted = await http.get(f"{server.origin}/authorize", params=authorize_params(good))
        elsewhere = await http.get(
            f"{server.origin}/authorize", params=authorize_params(good, "https://attacker.example/cb")
        )
        log = await server.logged(
            "client_id is not the URL it was fetched from",
            "may not contain a client secret",
            f"larger than {MAX_DOCUMENT_BYTES} bytes",
            "answered with a redirect",
            "answered HTTP 404",
        )
    for name, answer in refused.items():
        assert answer.status_code == 400, name
        assert "location" not in answer.headers, name
    assert accepted.status_code == 302
    assert urlsplit(accepted.headers["location"]).path == "/oauth/consent"
    # A redirect URI the document does not list gets an error page, never a redirect there.
    assert elsewhere.status_code == 400
    assert "location" not in elsewhere.headers
    assert "client_id is not the URL it was fetched from" in log
    assert "may not contain a client secret" in log
    assert f"larger than {MAX_DOCUMENT_BYTES} bytes" in log
    assert "answered with a redirect" in log
    assert "answered HTTP 404" in log


@pytest.mark.http
async def test_without_the_development_setting_loopback_documents_are_never_fetched(
    tmp_path: Path, zoom: tuple[Sandbox, str], documents: DocumentHost
) -> None:
    sandbox, origin = zoom
    url = documents.publish("/client.json", client_document(documents.url("/client.json")))
    assert documents.certificate is not None
    async with (
        oauth_server(
            tmp_path,
            sandbox,
            origin,
            extra_env={"SSL_CERT_FILE": str(documents.certificate)},
        ) as server,
        httpx2.AsyncClient() as http,
    ):
        answer = await http.get(f"{server.origin}/authorize", params=authorize_params(url))
        await server.logged("may not name a loopback host")
    assert answer.status_code == 400
    assert documents.hits.get("/client.json", 0) == 0


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.com/client.json", "https"),
        ("https://example.com", "path"),
        ("https://example.com/", "path"),
        ("https://example.com/a.json#x", "fragment"),
        ("https://user:pw@example.com/a.json", "credentials"),
        ("https://example.com/a/../b.json", "segments"),
        ("https://localhost/a.json", "loopback"),
        ("https://[::1]/a.json", "loopback"),
        ("https://example.com/" + "a" * 2100, "at most"),
    ],
)
def test_client_id_urls_that_may_not_name_a_client(url: str, reason: str) -> None:
    with pytest.raises(ClientMetadataError, match=reason):
        check_url(url, allow_loopback=False)


def test_the_development_setting_allows_loopback_only() -> None:
    assert check_url("http://127.0.0.1:8/a.json", allow_loopback=True).hostname == "127.0.0.1"
    with pytest.raises(ClientMetadataError, match="https"):
        check_url("http://example.com/a.json", allow_loopback=True)


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata services
        ("100.64.0.1", False),
        ("fc00::1", False),
        ("fe80::1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
    ],
)
def test_only_public_addresses_are_fetched(tmp_path: Path, address: str, allowed: bool) -> None:
    documents = ClientMetadataDocuments(SQLiteStateStore(tmp_path / "s.sqlite3"))
    assert documents.address_allowed(ipaddress.ip_address(address)) is allowed


async def test_a_host_name_resolving_to_loopback_is_refused(tmp_path: Path) -> None:
    documents = ClientMetadataDocuments(SQLiteStateStore(tmp_path / "s.sqlite3"))
    with pytest.raises(ClientMetadataError, match="private, loopback or reserved"):
        await documents._checked_address("localhost", 443)


async def test_a_document_that_never_finishes_arriving_is_given_up_on_at_the_deadline(tmp_path: Path) -> None:
    store = SQLiteStateStore(tmp_path / "s.sqlite3")
    documents = ClientMetadataDocuments(store, allow_loopback=True, timeout_seconds=0.5)
    async with document_host(tmp_path, tls=False) as host:
        url = host.url("/slow.json")
        host.pages["/slow.json"] = Page(json.dumps(client_document(url)).encode(), stalls=True)
        started = anyio.current_time()
        with pytest.raises(ClientMetadataError, match=r"did not arrive within 0\.5 s"):
            await documents.resolve(url)
        waited = anyio.current_time() - started
        await documents.aclose()
    await store.aclose()
    assert host.hits["/slow.json"] == 1
    assert waited < 5  # the deadline, not the per-read timeout of every byte


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("", 600),
        ("max-age=3600", 3600),
        ("public, max-age=5", 60),
        ("max-age=99999999", 86400),
        ("no-store", 60),
        ("no-cache, max-age=900", 60),
    ],
)
def test_cache_lifetime_follows_max_age_within_bounds(header: str, seconds: int) -> None:
    assert cache_seconds(header) == seconds
