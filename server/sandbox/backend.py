"""Everything a request handler may read or change, in one place."""

from dataclasses import dataclass
from typing import Literal

from zoom_mcp.server.sandbox.errors import user_not_found
from zoom_mcp.server.sandbox.ids import IdFactory
from zoom_mcp.server.sandbox.model import AccountState, User
from zoom_mcp.server.sandbox.paging import Pager
from zoom_mcp.server.sandbox.ratelimits import RateLimits
from zoom_mcp.server.sandbox.tokens import SandboxCredentials, TokenStore
from zoom_mcp.server.sandbox.user_oauth import UserGrants

# What PATCH does with a start_time in the past. The spec says Zoom "ignores this value"; what real Zoom
# does is not verified, so the sandbox can play each plausible behaviour: keep the old start, move the
# meeting to now, or refuse with a 400.
PastStartOnUpdate = Literal["ignore", "alter", "reject"]


@dataclass
class Backend:
    state: AccountState
    ids: IdFactory
    pager: Pager
    limits: RateLimits
    tokens: TokenStore
    credentials: SandboxCredentials
    user_grants: UserGrants
    past_start_on_update: PastStartOnUpdate = "ignore"
    # Where /rec/download redirects to (Zoom: a signed URL on its storage host); None: the request's origin.
    storage_origin: str | None = None
    # The spec's recording objects have no `timezone`; real answers are reported to carry one. Switchable.
    recordings_carry_timezone: bool = True

    def user(self, user_id: str, token_user_id: str | None = None) -> User:
        """Resolve a ``userId`` path segment: ``me`` is whoever signed in, or for S2S the account owner."""
        user = self.state.find_user(user_id, token_user_id or self.state.owner_id)
        if user is None:
            raise user_not_found(user_id)
        return user
