from urllib.parse import quote

import httpx2
import pytest

from zoom_mcp.server.sandbox import Sandbox

pytestmark = pytest.mark.anyio


async def test_me_is_the_account_owner(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    response = await api.get("users/me")
    assert response.status_code == 200
    user = response.json()
    assert user["id"] == sandbox.state.owner_id
    assert user["role_name"] == "Owner"
    assert user["type"] == 2
    assert user["account_id"] == sandbox.credentials.account_id
    assert len(user["id"]) == 22
    assert user["personal_meeting_url"].startswith(f"https://us05web.zoom.us/j/{user['pmi']}?pwd=")
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-ratelimit-category"] == "Light"


@pytest.mark.parametrize(
    "email", ["mia+zoom@sandbox.example.com", "MIA+ZOOM@Sandbox.Example.com", "zoë@sandbox.example.com"]
)
async def test_lookup_by_email(api: httpx2.AsyncClient, email: str) -> None:
    response = await api.get(f"users/{quote(email, safe='@')}")
    assert response.status_code == 200
    assert response.json()["email"].casefold() == email.casefold()


async def test_lookup_by_id(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    user = sandbox.state.users[2]
    assert (await api.get(f"users/{user.id}")).json()["email"] == user.email


async def test_unknown_user(api: httpx2.AsyncClient) -> None:
    response = await api.get("users/nobody@sandbox.example.com")
    assert response.status_code == 404
    assert response.json() == {"code": 1001, "message": "User does not exist: nobody@sandbox.example.com."}


@pytest.mark.parametrize(("status", "count"), [(None, 3), ("active", 3), ("pending", 1), ("inactive", 1)])
async def test_list_users_by_status(api: httpx2.AsyncClient, status: str | None, count: int) -> None:
    params = {"status": status} if status else {}
    body = (await api.get("users", params=params)).json()
    assert body["total_records"] == count
    assert {u["status"] for u in body["users"]} == {status or "active"}
    assert body["next_page_token"] == ""


async def test_list_users_pages(api: httpx2.AsyncClient) -> None:
    first = (await api.get("users", params={"page_size": 2})).json()
    assert len(first["users"]) == 2
    assert first["next_page_token"]
    second = (await api.get("users", params={"page_size": 2, "next_page_token": first["next_page_token"]})).json()
    assert len(second["users"]) == 1
    assert second["next_page_token"] == ""
    ids = [u["id"] for u in first["users"] + second["users"]]
    assert len(set(ids)) == 3


@pytest.mark.parametrize("params", [{"status": "deleted"}, {"page_size": "0"}, {"page_size": "2001"}])
async def test_list_users_rejects_bad_query(api: httpx2.AsyncClient, params: dict[str, str]) -> None:
    response = await api.get("users", params=params)
    assert response.status_code == 400
    assert response.json()["code"] == 300
