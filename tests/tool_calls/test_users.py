"""get_user_info and list_users through the MCP protocol, against the sandbox."""

from __future__ import annotations

import pytest
from mcp import Client

from tests.tool_calls.conftest import ZoomDirect, call_error, call_ok

pytestmark = pytest.mark.anyio


async def test_get_user_info_me_returns_the_account_owner(client: Client, zoom: ZoomDirect) -> None:
    owner = await zoom.get("/users/me")
    profile = await call_ok(client, "get_user_info", {})
    assert profile["id"] == owner["id"]
    assert profile["email"] == owner["email"]
    assert profile["timezone"] == owner["timezone"]
    assert profile["role_name"] == owner["role_name"]
    assert profile["type"] == {1: "basic", 2: "licensed", 4: "unassigned_without_meetings_basic"}[owner["type"]]


async def test_get_user_info_by_id_and_by_email(client: Client, zoom: ZoomDirect) -> None:
    owner = await zoom.get("/users/me")
    users = (await zoom.get("/users", status="active", page_size=300))["users"]
    other = next(user for user in users if user["id"] != owner["id"])
    by_id = await call_ok(client, "get_user_info", {"user_id": other["id"]})
    by_email = await call_ok(client, "get_user_info", {"user_id": other["email"].upper()})
    assert by_id["email"] == by_email["email"] == other["email"]


async def test_emails_with_plus_and_unicode_reach_the_right_user(client: Client, zoom: ZoomDirect) -> None:
    users = []
    for status in ("active", "inactive", "pending"):
        users += (await zoom.get("/users", status=status, page_size=300))["users"]
    tricky = [user["email"] for user in users if "+" in user["email"] or not user["email"].isascii()]
    assert len(tricky) >= 2, "the sandbox seeds a '+' email and a unicode email"
    for email in tricky:
        profile = await call_ok(client, "get_user_info", {"user_id": email})
        assert profile["email"] == email


async def test_unknown_user_is_an_actionable_error(client: Client) -> None:
    message = await call_error(client, "get_user_info", {"user_id": "nobody@example.com"})
    assert "404" in message
    assert "1001" in message
    assert "User does not exist" in message
    assert "list_users" in message


async def test_list_users_pages_through_every_active_user(client: Client, zoom: ZoomDirect) -> None:
    expected = (await zoom.get("/users", status="active", page_size=300))["users"]
    seen: list[str] = []
    arguments: dict[str, object] = {"page_size": 1}
    while True:
        page = await call_ok(client, "list_users", arguments)
        assert page["total_records"] == len(expected)
        seen += [user["id"] for user in page["users"]]
        if "next_page_token" not in page:
            break
        arguments = {"page_size": 1, "next_page_token": page["next_page_token"]}
    assert seen == [user["id"] for user in expected]
