"""``/v2/users`` endpoints."""

from zoom_mcp.server.sandbox.backend import Backend
from zoom_mcp.server.sandbox.errors import FieldError, validation_failed
from zoom_mcp.server.sandbox.exchange import Call, Reply
from zoom_mcp.server.sandbox.paging import page_size
from zoom_mcp.server.sandbox.views import user_detail, user_list_item

USER_STATUSES = ("active", "inactive", "pending")
# Users.json caps this list's page_size at 2000, unlike the 300 of the meeting lists.
MAX_USERS_PAGE_SIZE = 2000


def get_user(backend: Backend, call: Call) -> Reply:
    user = backend.user(call.params["userId"], call.token_user_id)
    return Reply(200, user_detail(user, backend.state.account_id, call.now))


def list_users(backend: Backend, call: Call) -> Reply:
    status = call.query.get("status", "active")
    if status not in USER_STATUSES:
        raise validation_failed([FieldError("status")])
    size = page_size(call.query, MAX_USERS_PAGE_SIZE)
    matching = [u for u in backend.state.users if u.status == status]
    users, next_token = backend.pager.page(
        matching, size, call.query.get("next_page_token"), f"users:{status}", call.now
    )
    return Reply(
        200,
        {
            "page_size": size,
            "total_records": len(matching),
            "next_page_token": next_token,
            "users": [user_list_item(u, call.now) for u in users],
        },
    )
