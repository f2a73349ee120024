"""User tools."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp_types import CallToolResult
from pydantic import Field

from zoom_mcp.tools.context import ZoomContext, tool_result, zoom_access, zoom_client
from zoom_mcp.tools.errors import reported_to_the_model
from zoom_mcp.tools.params import NextPageToken, PageSize, UserId
from zoom_mcp.tools.spec import READ, Scopes, zoom_tool
from zoom_mcp.tools.views import UserInfo, UserPage


@zoom_tool("Get Zoom user", READ, Scopes("user:read", ("user:read:user",)))
async def get_user_info(ctx: ZoomContext, user_id: UserId = "me") -> Annotated[CallToolResult, UserInfo]:
    """A user's profile (incl. timezone, Personal Meeting ID) and their current date, weekday and time.

    Call it first with 'me' to learn today's date.
    """
    with reported_to_the_model():
        user = await zoom_client(ctx).get_user(user_id)
    return tool_result(ctx, UserInfo.of(user, now=zoom_access(ctx).now(), me=user_id == "me"))


@zoom_tool("List Zoom users", READ, Scopes("user:read", ("user:read:list_users",), admin_only=True))
async def list_users(
    ctx: ZoomContext,
    status: Annotated[Literal["active", "inactive", "pending"], Field(description="Which users to list.")] = "active",
    page_size: PageSize = 30,
    next_page_token: NextPageToken = None,
) -> Annotated[CallToolResult, UserPage]:
    """The account's users (admin-level app only); a user's id or email serves as user_id."""
    with reported_to_the_model():
        page = await zoom_client(ctx).list_users(status=status, page_size=page_size, next_page_token=next_page_token)
    return tool_result(ctx, UserPage.of(page))
