"""The sandbox's user-managed app: consent page, code exchange, rotation (strict or not), revoke, device flow."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2
import pytest

from tests.oauth_browser import consent, page_users
from tests.sandbox.conftest import FakeClock
from zoom_mcp.server.sandbox import Sandbox

pytestmark = pytest.mark.anyio
REDIRECT = "http://127.0.0.1:8976/callback"
VERIFIER = "v" * 64
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
CONFIDENTIAL = ("sandbox-user-client", "sandbox-user-secret")


def authorize_url(**overrides: str) -> str:
    query = {
        "response_type": "code",
        "client_id": "sandbox-user-client",
        "redirect_uri": REDIRECT,
        "state": "s1",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
    } | overrides
    return "/oauth/authorize?" + urlencode(query)


async def code_for(client: httpx2.AsyncClient, user_id: str | None = None, **overrides: str) -> str:
    answer = await consent(client, authorize_url(**overrides), user_id=user_id)
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["state"] == ["s1"]
    return query["code"][0]


async def exchange(client: httpx2.AsyncClient, code: str, verifier: str = VERIFIER) -> httpx2.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    return await client.post("/oauth/token", data=form, auth=CONFIDENTIAL)


async def refresh(client: httpx2.AsyncClient, refresh_token: str) -> httpx2.Response:
    return await client.post(
        "/oauth/token", data={"grant_type": "refresh_token", "refresh_token": refresh_token}, auth=CONFIDENTIAL
    )


async def test_the_consent_page_names_the_app_scopes_and_users(client: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    page = await client.get(authorize_url())
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "zoom-mcp (sandbox app)" in page.text
    for scope in ("meeting:read", "meeting:write", "recording:read", "user:read"):
        assert scope in page.text
    assert ">Allow<" in page.text
    assert ">Deny<" in page.text
    assert page_users(page.text) == [u.id for u in sandbox.state.users if u.status == "active"]


async def test_code_exchange_returns_zooms_shape_and_me_is_the_user(
    client: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    someone = sandbox.state.users[1]
    answer = await exchange(client, await code_for(client, user_id=someone.id))
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "token_type", "refresh_token", "expires_in", "scope", "api_url"}
    assert body["token_type"] == "bearer"
    me = await client.get("/v2/users/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["id"] == someone.id


async def test_deny_redirects_with_access_denied(client: httpx2.AsyncClient) -> None:
    answer = await consent(client, authorize_url(), allow=False)
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["state"] == ["s1"]
    assert "code" not in query


@pytest.mark.parametrize(
    ("overrides", "title"),
    [({"redirect_uri": "http://127.0.0.1:9999/elsewhere"}, "Redirect URI mismatch"), ({"client_id": "x"}, "client")],
)
async def test_bad_client_or_redirect_uri_never_redirects(
    client: httpx2.AsyncClient, overrides: dict[str, str], title: str
) -> None:
    page = await client.get(authorize_url(**overrides))
    assert page.status_code == 400
    assert title in page.text
    assert "location" not in page.headers


async def test_a_code_works_once_with_its_verifier_and_redirect_uri(client: httpx2.AsyncClient) -> None:
    wrong = await exchange(client, await code_for(client), verifier="w" * 64)
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    code = await code_for(client)
    assert (await exchange(client, code)).status_code == 200
    again = await exchange(client, code)
    assert again.status_code == 400
    assert again.json() == {"reason": f"Invalid authorization code {code}", "error": "invalid_request"}
    other_redirect = await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": await code_for(client),
            "redirect_uri": REDIRECT + "x",
            "code_verifier": VERIFIER,
        },
        auth=CONFIDENTIAL,
    )
    assert other_redirect.status_code == 400


async def test_codes_expire_after_five_minutes(client: httpx2.AsyncClient, clock: FakeClock) -> None:
    code = await code_for(client)
    clock.advance(minutes=5)
    assert (await exchange(client, code)).json()["error"] == "invalid_grant"


async def test_a_public_client_sends_no_secret_and_must_use_pkce(client: httpx2.AsyncClient) -> None:
    code = await code_for(client, client_id="sandbox-public-client")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": VERIFIER}
    answer = await client.post("/oauth/token", data=form | {"client_id": "sandbox-public-client"})
    assert answer.status_code == 200
    without_pkce = await code_for(client, client_id="sandbox-public-client", code_challenge="")
    refused = await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": without_pkce,
            "redirect_uri": REDIRECT,
            "client_id": "sandbox-public-client",
        },
    )
    assert refused.status_code == 400


@pytest.mark.parametrize("strict", [False, True])
async def test_refresh_rotates_and_a_spent_token_is_refused(
    client: httpx2.AsyncClient, sandbox: Sandbox, strict: bool
) -> None:
    sandbox.strict_rotation = strict
    first = (await exchange(client, await code_for(client))).json()
    second = (await refresh(client, first["refresh_token"])).json()
    assert second["refresh_token"] != first["refresh_token"]
    reused = await refresh(client, first["refresh_token"])
    assert reused.status_code == 400
    assert reused.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}
    # Strict rotation: the reuse revoked the whole grant, including the current refresh token.
    assert sandbox.grant_is_valid(second["refresh_token"]) is not strict
    current = await refresh(client, second["refresh_token"])
    assert current.status_code == (400 if strict else 200)
    assert sandbox.refreshes == (1 if strict else 2)


async def test_signing_in_again_revokes_the_older_grant(client: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    older = (await exchange(client, await code_for(client))).json()
    newer = (await exchange(client, await code_for(client))).json()
    assert (await refresh(client, older["refresh_token"])).json()["error"] == "invalid_grant"
    headers = {"Authorization": f"Bearer {older['access_token']}"}
    assert (await client.get("/v2/users/me", headers=headers)).status_code == 401
    assert sandbox.grant_is_valid(newer["refresh_token"])


async def test_revoke_ends_the_grant(client: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    tokens = (await exchange(client, await code_for(client))).json()
    answer = await client.post("/oauth/revoke", data={"token": tokens["access_token"]}, auth=CONFIDENTIAL)
    assert answer.json() == {"status": "success"}
    assert not sandbox.grant_is_valid(tokens["refresh_token"])
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await client.get("/v2/users/me", headers=headers)).status_code == 401
    assert (await client.post("/oauth/revoke", data={"token": "x"})).json()["error"] == "invalid_client"


async def test_device_authorization(client: httpx2.AsyncClient, sandbox: Sandbox, clock: FakeClock) -> None:
    device = (await client.post("/oauth/devicecode", auth=CONFIDENTIAL)).json()
    assert set(device) == {
        "device_code",
        "user_code",
        "verification_uri",
        "verification_uri_complete",
        "expires_in",
        "interval",
    }
    poll = {"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": device["device_code"]}
    pending = await client.post("/oauth/token", data=poll, auth=CONFIDENTIAL)
    assert pending.json()["error"] == "authorization_pending"
    entry = await client.get(device["verification_uri"], params={"user_code": device["user_code"]})
    assert ">Allow<" in entry.text
    someone = sandbox.state.users[1]
    done = await consent(client, device["verification_uri_complete"], user_id=someone.id)
    assert "close this window" in done.text
    too_soon = await client.post("/oauth/token", data=poll, auth=CONFIDENTIAL)
    assert too_soon.json()["error"] == "slow_down"
    clock.advance(seconds=device["interval"])
    tokens = (await client.post("/oauth/token", data=poll, auth=CONFIDENTIAL)).json()
    me = await client.get("/v2/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json()["id"] == someone.id
    clock.advance(seconds=device["interval"])
    assert (await client.post("/oauth/token", data=poll, auth=CONFIDENTIAL)).json()["error"] == "invalid_grant"


async def test_device_denial(client: httpx2.AsyncClient) -> None:
    device = (await client.post("/oauth/devicecode", auth=CONFIDENTIAL)).json()
    await consent(client, device["verification_uri_complete"], allow=False)
    poll = {"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": device["device_code"]}
    assert (await client.post("/oauth/token", data=poll, auth=CONFIDENTIAL)).json()["error"] == "access_denied"


async def test_server_to_server_credentials_cannot_use_user_grants(client: httpx2.AsyncClient) -> None:
    answer = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": "x"},
        auth=("sandbox-client", "sandbox-secret"),
    )
    assert answer.json()["error"] == "unsupported_grant_type"
