"""`ZOOM_MCP_AUTH=bearer`: static API keys for automation, checked as the SDK's resource-server TokenVerifier."""

from __future__ import annotations

import hashlib
import hmac

from mcp.server.auth.provider import AccessToken


class ApiKeyVerifier:
    """Accepts a bearer token equal to one of the configured keys.

    Keys are compared as SHA-256 digests with `hmac.compare_digest`, against every key without stopping at
    the first match, so neither the length nor the position of a matching key shows in the timing. The
    AccessToken carries the key's position, never the key.
    """

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one API key is needed")
        self._digests = [_digest(key) for key in keys]

    def __repr__(self) -> str:
        return f"ApiKeyVerifier({len(self._digests)} keys)"

    async def verify_token(self, token: str) -> AccessToken | None:
        presented = _digest(token)
        matched: int | None = None
        for index, digest in enumerate(self._digests):
            if hmac.compare_digest(presented, digest):
                matched = index
        if matched is None:
            return None
        label = f"api-key-{matched + 1}"
        return AccessToken(token=label, client_id=label, scopes=[], subject=label)


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()
