import base64

import httpx2
import pytest

from tests.sandbox.conftest import FakeClock, fetch_token
from zoom_mcp.server.sandbox import SANDBOX_CREDENTIALS, SANDBOX_ORIGIN, Sandbox

pytestmark = pytest.mark.anyio
GOOD_AUTH = (SANDBOX_CREDENTIALS.client_id, SANDBOX_CREDENTIALS.client_secret)
GOOD_PARAMS = {"grant_type": "account_credentials", "account_id": SANDBOX_CREDENTIALS.account_id}


async def test_token_from_query_string(client: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    response = await client.post("/oauth/token", params=GOOD_PARAMS, auth=GOOD_AUTH)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope", "api_url"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3599
    assert isinstance(body["scope"], str)
    assert " " in body["scope"]
    assert body["api_url"] == SANDBOX_ORIGIN
    assert sandbox.issued_tokens == [body["access_token"]]


async def test_token_from_form_body(client: httpx2.AsyncClient) -> None:
    response = await client.post("/oauth/token", data=GOOD_PARAMS, auth=GOOD_AUTH)
    assert response.status_code == 200


async def test_tokens_are_unique(client: httpx2.AsyncClient) -> None:
    assert await fetch_token(client) != await fetch_token(client)


@pytest.mark.parametrize(
    ("auth_header", "params", "expected"),
    [
        (None, GOOD_PARAMS, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}),
        ("Basic " + base64.b64encode(b"sandbox-client:wrong").decode(), GOOD_PARAMS, None),
        ("Basic not-base64!", GOOD_PARAMS, None),
        ("Bearer x", GOOD_PARAMS, None),
        (
            "good",
            {**GOOD_PARAMS, "grant_type": "client_credentials"},
            {"reason": "unsupported grant type", "error": "unsupported_grant_type"},
        ),
        ("good", {"grant_type": "account_credentials"}, None),
        (
            "good",
            {**GOOD_PARAMS, "account_id": "other"},
            {"reason": "Invalid request : account_id is invalid", "error": "invalid_request"},
        ),
    ],
)
async def test_token_errors(
    client: httpx2.AsyncClient, sandbox: Sandbox, auth_header: str | None, params: dict[str, str], expected: object
) -> None:
    headers = {}
    if auth_header == "good":
        headers["Authorization"] = "Basic " + base64.b64encode(b"sandbox-client:sandbox-secret").decode()
    elif auth_header is not None:
        headers["Authorization"] = auth_header
    response = await client.post("/oauth/token", data=params, headers=headers)
    assert response.status_code == 400
    body = response.json()
    if expected is not None:
        assert body == expected
    assert set(body) == {"reason", "error"}
    assert sandbox.issued_tokens == []
    assert sandbox.stats.token_requests == 1


async def test_api_without_or_with_unknown_token(client: httpx2.AsyncClient) -> None:
    invalid = {"code": 124, "message": "Invalid access token."}
    missing = await client.get("/v2/users/me")
    unknown = await client.get("/v2/users/me", headers={"Authorization": "Bearer nope"})
    for response in (missing, unknown):
        assert response.status_code == 401
        assert response.json() == invalid
        assert response.headers["x-zm-trackingid"]


async def test_token_expires_with_the_clock(client: httpx2.AsyncClient, clock: FakeClock) -> None:
    headers = {"Authorization": f"Bearer {await fetch_token(client)}"}
    clock.advance(seconds=3598)
    assert (await client.get("/v2/users/me", headers=headers)).status_code == 200
    clock.advance(seconds=1)
    response = await client.get("/v2/users/me", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"code": 124, "message": "Access token is expired."}


async def test_expire_and_revoke_controls(client: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    headers = {"Authorization": f"Bearer {await fetch_token(client)}"}
    sandbox.expire_tokens()
    assert (await client.get("/v2/users/me", headers=headers)).json()["message"] == "Access token is expired."
    sandbox.revoke_tokens()
    assert (await client.get("/v2/users/me", headers=headers)).json()["message"] == "Invalid access token."
    fresh = {"Authorization": f"Bearer {await fetch_token(client)}"}
    assert (await client.get("/v2/users/me", headers=fresh)).status_code == 200


async def test_tokens_coexist_by_default(client: httpx2.AsyncClient) -> None:
    first = {"Authorization": f"Bearer {await fetch_token(client)}"}
    await fetch_token(client)
    assert (await client.get("/v2/users/me", headers=first)).status_code == 200


async def test_single_token_mode_invalidates_earlier_tokens(client: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.single_token_mode = True
    first = {"Authorization": f"Bearer {await fetch_token(client)}"}
    second = {"Authorization": f"Bearer {await fetch_token(client)}"}
    response = await client.get("/v2/users/me", headers=first)
    assert response.status_code == 401
    assert response.json() == {"code": 124, "message": "Invalid access token."}
    assert (await client.get("/v2/users/me", headers=second)).status_code == 200
