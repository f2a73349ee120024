"""ZOOM_MCP_AUTH=oauth end to end over real HTTP: the SDK's OAuth client registers, the test browser approves our
consent page and the sandbox's Zoom consent page, the client gets our tokens and calls tools as that person."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from tests.hosted.conftest import run_refused
from tests.hosted.oauth_harness import Browser, MemoryTokens, new_state_key, oauth_server, signed_in_client
from tests.tool_calls.conftest import call_ok
from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.sandbox.http import serve_sandbox

pytestmark = [pytest.mark.anyio, pytest.mark.http]


@pytest.fixture
async def zoom() -> AsyncIterator[tuple[Sandbox, str]]:
    sandbox = Sandbox(seed=3)
    async with serve_sandbox(sandbox) as origin:
        yield sandbox, origin


async def test_sign_in_with_zoom_then_call_tools_as_that_person(tmp_path: Path, zoom: tuple[Sandbox, str]) -> None:
    sandbox, origin = zoom
    person = sandbox.state.users[1]
    key = new_state_key()
    async with oauth_server(tmp_path, sandbox, origin, key=key) as server:
        browser, storage = Browser(sign_in_as=person.id), MemoryTokens()
        async with signed_in_client(server.mcp_url, browser, storage) as client:
            me = await call_ok(client, "get_user_info", {})
            created = await call_ok(
                client, "create_meeting", {"topic": "as myself", "start_time": "2031-03-01T10:00:00Z"}
            )
        await browser.aclose()
        log = server.log
    assert me["id"] == person.id
    assert created["topic"] == "as myself"
    # RFC 9207: the authorization response names its issuer, as our metadata spells it (the SDK checked it).
    assert browser.landed is not None
    assert parse_qs(urlsplit(browser.landed).query)["iss"] == [f"{server.origin}"]
    consent = browser.pages[0]
    assert "Test MCP client" in consent
    assert "http://127.0.0.1:9/mcp-client/callback" in consent
    assert storage.tokens is not None
    for secret in (storage.tokens.access_token, storage.tokens.refresh_token or "", key):
        assert secret not in log
    # Zoom's tokens never reach the client: it holds only ours.
    assert storage.tokens.access_token not in sandbox.issued_tokens


async def test_unauthenticated_requests_get_401_pointing_at_the_metadata(
    tmp_path: Path, zoom: tuple[Sandbox, str]
) -> None:
    sandbox, origin = zoom
    async with (
        oauth_server(tmp_path, sandbox, origin) as server,
        httpx2.AsyncClient() as http,
    ):
        answer = await http.post(server.mcp_url, json={}, headers={"Accept": "application/json, text/event-stream"})
        challenge = answer.headers.get("www-authenticate", "")
        metadata_url = challenge.split('resource_metadata="')[1].split('"')[0]
        resource = (await http.get(metadata_url)).json()
        issuer = resource["authorization_servers"][0].rstrip("/")
        server_metadata = (await http.get(f"{issuer}/.well-known/oauth-authorization-server")).json()
    assert answer.status_code == 401
    assert resource["resource"].rstrip("/") == server.mcp_url
    assert server_metadata["code_challenge_methods_supported"] == ["S256"]
    assert server_metadata["registration_endpoint"].endswith("/register")
    assert server_metadata["authorization_response_iss_parameter_supported"] is True
    assert server_metadata["client_id_metadata_document_supported"] is True


async def test_our_refresh_tokens_rotate_and_a_revoked_zoom_grant_sends_the_client_back_to_sign_in(
    tmp_path: Path, zoom: tuple[Sandbox, str]
) -> None:
    sandbox, origin = zoom
    async with oauth_server(tmp_path, sandbox, origin) as server:
        browser, storage, seen = Browser(), MemoryTokens(), []
        async with signed_in_client(server.mcp_url, browser, storage, seen=seen) as client:
            await call_ok(client, "get_user_info", {})
            assert storage.tokens is not None
            assert storage.client is not None
            issued = storage.tokens

            # Refresh on our side, as a client does when its access token expires: rotation, once only.
            async with httpx2.AsyncClient() as http:
                form = {
                    "grant_type": "refresh_token",
                    "refresh_token": issued.refresh_token or "",
                    "client_id": storage.client.client_id or "",
                    "client_secret": storage.client.client_secret or "",
                }
                renewed = await http.post(f"{server.origin}/token", data=form)
                replayed = await http.post(f"{server.origin}/token", data=form)
                fresh = renewed.json()["access_token"]
                with_fresh = await http.post(
                    server.mcp_url, json={}, headers={"Authorization": f"Bearer {fresh}", "Accept": "application/json"}
                )
            assert renewed.status_code == 200, renewed.text
            assert replayed.status_code == 400
            assert replayed.json()["error"] == "invalid_grant"
            assert with_fresh.status_code != 401

            # Zoom ends every user grant (the app was removed): the next Zoom refresh answers invalid_grant.
            sandbox.revoke_user_grants()
            sandbox.expire_tokens()
            consents_before, seen_before = len(browser.pages), len(seen)
            # The very call that finds the grant gone answers 401 (not a tool error): the SDK client signs in
            # again by itself and repeats the call, which succeeds.
            again = await call_ok(client, "get_user_info", {})
            during = seen[seen_before:]
        await browser.aclose()
    assert again["id"]
    assert len(browser.pages) > consents_before
    assert sandbox.live_user_grants == 1
    calls = [status for method, path, status in during if (method, path) == ("POST", "/mcp tools/call")]
    assert calls == [401, 200]
    assert ("POST", "/token", 200) in during


async def test_a_call_that_finds_the_zoom_grant_gone_answers_only_the_401_challenge(
    tmp_path: Path, zoom: tuple[Sandbox, str]
) -> None:
    sandbox, origin = zoom
    async with oauth_server(tmp_path, sandbox, origin) as server:
        browser, storage = Browser(), MemoryTokens()
        async with signed_in_client(server.mcp_url, browser, storage) as client:
            await call_ok(client, "get_user_info", {})
        await browser.aclose()
        assert storage.tokens is not None
        assert storage.client is not None
        sandbox.revoke_user_grants()
        sandbox.expire_tokens()
        call = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "get_user_info", "arguments": {}}}
        headers = {
            "Authorization": f"Bearer {storage.tokens.access_token}",
            "Accept": "application/json, text/event-stream",
            "MCP-Protocol-Version": "2025-11-25",
        }
        async with httpx2.AsyncClient() as http:
            first = await http.post(server.mcp_url, json=call, headers=headers)
            second = await http.post(server.mcp_url, json=call, headers=headers)
            refreshed = await http.post(
                f"{server.origin}/token",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": storage.tokens.refresh_token or "",
                    "client_id": storage.client.client_id or "",
                    "client_secret": storage.client.client_secret or "",
                },
            )
    assert first.status_code == 401
    challenge = first.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert 'error="invalid_token"' in challenge
    assert f'resource_metadata="{server.origin}/.well-known/oauth-protected-resource/mcp"' in challenge
    # Only the challenge: no JSON-RPC answer, nothing of the tool's result or of Zoom's refusal.
    assert set(first.json()) == {"error", "error_description"}
    assert first.json()["error"] == "invalid_token"
    assert "jsonrpc" not in first.text
    # The grant is gone for good: the same token, and a refresh of ours, are refused from then on.
    assert second.status_code == 401
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"
    assert sandbox.live_user_grants == 0


async def test_denying_on_our_consent_page_sends_nobody_to_zoom(tmp_path: Path, zoom: tuple[Sandbox, str]) -> None:
    sandbox, origin = zoom
    async with oauth_server(tmp_path, sandbox, origin) as server:
        browser, storage = Browser(decision="deny"), MemoryTokens()
        failed: BaseException | None = None
        try:
            async with signed_in_client(server.mcp_url, browser, storage):
                pass
        except BaseException as error:  # the SDK may wrap the callback's refusal in exception groups
            failed = error
        assert failed is not None, "connecting should fail when the person denies access"
        await browser.aclose()
    assert browser.landed is not None
    assert "error=access_denied" in browser.landed
    assert parse_qs(urlsplit(browser.landed).query)["iss"] == [server.origin]
    assert len(browser.pages) == 1  # our consent page only: Zoom's was never shown
    assert sandbox.live_user_grants == 0
    assert storage.tokens is None


async def test_the_sdk_client_refuses_an_authorization_response_from_another_issuer(
    tmp_path: Path, zoom: tuple[Sandbox, str]
) -> None:
    """RFC 9207 mix-up defence: we advertise `iss`, so a response naming another issuer (or none) is refused."""
    sandbox, origin = zoom
    async with oauth_server(tmp_path, sandbox, origin) as server:
        browser, storage = Browser(), MemoryTokens()
        failed: BaseException | None = None
        try:
            async with signed_in_client(server.mcp_url, browser, storage, forged_iss="https://attacker.example"):
                pass
        except BaseException as error:  # the SDK may wrap the refusal in exception groups
            failed = error
        await browser.aclose()
    assert failed is not None, "the client should refuse an authorization response from another issuer"
    assert "iss mismatch" in repr(failed) or any("iss mismatch" in repr(e) for e in _leaves(failed))
    assert browser.landed is not None
    assert "code=" in browser.landed  # the response itself was fine: only its issuer was forged
    assert storage.tokens is None


def _leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error, *([error.__cause__] if error.__cause__ else []), *([error.__context__] if error.__context__ else [])]


async def test_consent_is_bound_to_the_browser_and_single_use(tmp_path: Path, zoom: tuple[Sandbox, str]) -> None:
    """An attacker who got a victim to open the consent link cannot approve it from another browser, nor replay
    a callback; a forged POST without the page's CSRF token fails too."""
    sandbox, origin = zoom
    async with (
        oauth_server(tmp_path, sandbox, origin) as server,
        httpx2.AsyncClient() as http,
    ):
        registered = await http.post(
            f"{server.origin}/register",
            json={"redirect_uris": ["http://127.0.0.1:9/cb"], "client_name": "Mallory's app"},
        )
        client_id = registered.json()["client_id"]
        authorize = await http.get(
            f"{server.origin}/authorize",
            params={
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": "http://127.0.0.1:9/cb",
                "code_challenge": "x" * 43,
                "code_challenge_method": "S256",
                "state": "s",
            },
        )
        consent_url = authorize.headers["location"]
        victim, other = Browser(), Browser()
        page = (await victim.http.get(consent_url)).text
        fields = dict(re.findall(r"name=\"(request|csrf)\" value=\"([^\"]+)\"", page))
        from_other_browser = await other.http.post(
            f"{server.origin}/oauth/consent", data={**fields, "decision": "allow"}
        )
        forged = await victim.http.post(
            f"{server.origin}/oauth/consent", data={"request": fields["request"], "csrf": "guess", "decision": "allow"}
        )
        approved = await victim.http.post(f"{server.origin}/oauth/consent", data={**fields, "decision": "allow"})
        replayed = await victim.http.post(f"{server.origin}/oauth/consent", data={**fields, "decision": "allow"})
        await victim.aclose()
        await other.aclose()
    assert "Mallory&#x27;s app" in page or "Mallory's app" in page
    assert "http://127.0.0.1:9/cb" in page
    assert from_other_browser.status_code == 400
    assert forged.status_code == 400
    assert approved.status_code == 303
    assert approved.headers["location"].startswith(f"{origin}/oauth/authorize?")
    assert replayed.status_code == 400


async def test_a_token_for_another_resource_is_refused(tmp_path: Path, zoom: tuple[Sandbox, str]) -> None:
    sandbox, origin = zoom
    async with (
        oauth_server(tmp_path, sandbox, origin) as server,
        httpx2.AsyncClient() as http,
    ):
        registered = await http.post(
            f"{server.origin}/register", json={"redirect_uris": ["http://127.0.0.1:9/cb"], "client_name": "x"}
        )
        answer = await http.get(
            f"{server.origin}/authorize",
            params={
                "response_type": "code",
                "client_id": registered.json()["client_id"],
                "redirect_uri": "http://127.0.0.1:9/cb",
                "code_challenge": "x" * 43,
                "code_challenge_method": "S256",
                "state": "s",
                "resource": "https://other.example/mcp",
            },
        )
    assert answer.status_code == 302
    error = parse_qs(urlsplit(answer.headers["location"]).query)
    assert error["error"] == ["invalid_target"]
    assert error["iss"] == [server.origin]  # the SDK's own error redirects carry iss too


def test_oauth_mode_refuses_to_start_without_a_state_key(tmp_path: Path) -> None:
    env = {"ZOOM_MCP_AUTH": "oauth", "ZOOM_CLIENT_ID": "app", "ZOOM_CLIENT_SECRET": "secret"}
    finished = run_refused(tmp_path, env, "--port", "8123", args=())
    assert finished.returncode != 0
    assert "ZOOM_MCP_STATE_KEY" in finished.stderr
    assert "Fernet.generate_key()" in finished.stderr
    assert "serving MCP" not in finished.stderr
