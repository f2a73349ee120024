"""Everything a request handler may read or change, in one place."""

from dataclasses import dataclass

from .errors import user_not_found
from .ids import IdFactory
from .model import AccountState, User
from .paging import Pager
from .ratelimits import RateLimits
from .tokens import SandboxCredentials, TokenStore


@dataclass
class Backend:
    state: AccountState
    ids: IdFactory
    pager: Pager
    limits: RateLimits
    tokens: TokenStore
    credentials: SandboxCredentials

    def user(self, user_id: str) -> User:
        """Resolve a ``userId`` path segment; S2S tokens belong to the account owner, so ``me`` is them."""
        user = self.state.find_user(user_id, self.state.owner_id)
        if user is None:
            raise user_not_found(user_id)
        return user
