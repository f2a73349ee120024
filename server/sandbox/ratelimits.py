"""Zoom's rate-limit bookkeeping: per-category daily counters and the per-host create/update cap."""

from collections import Counter
from datetime import date, datetime

from zoom_mcp.server.sandbox.errors import ApiError
from zoom_mcp.server.sandbox.timeutil import format_utc, next_utc_midnight

# Daily allowance per rate-limit label on a Free account, the plan a new sandbox-like account has.
DAILY_LIMITS = {"Light": 6000, "Medium": 2000, "Heavy": 1000}


class RateLimits:
    def __init__(self, create_update_limit: int) -> None:
        self.create_update_limit = create_update_limit
        self._category_use: Counter[tuple[str, date]] = Counter()
        self._create_update_use: Counter[tuple[str, date]] = Counter()

    def spend(self, category: str, now: datetime) -> dict[str, str]:
        """Count one request against ``category`` and return the headers Zoom attaches.

        The counters are informational: the sandbox does not refuse requests once a category's
        allowance is spent, so a long-running sandbox stays usable.
        """
        day = now.date()
        self._category_use[(category, day)] += 1
        return self.headers(category, now)

    def headers(self, category: str, now: datetime) -> dict[str, str]:
        limit = DAILY_LIMITS[category]
        remaining = max(0, limit - self._category_use[(category, now.date())])
        return {
            "X-RateLimit-Category": category,
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
        }

    def spend_create_update(self, host_id: str, now: datetime) -> None:
        """Count one meeting create/update for ``host_id``; raise Zoom's daily 429 past the cap."""
        key = (host_id, now.date())
        if self._create_update_use[key] >= self.create_update_limit:
            raise ApiError(
                429,
                429,
                f"You have exceeded the daily rate limit ({self.create_update_limit}) of Meeting Create/Update "
                "API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.",
                headers={"X-RateLimit-Type": "Daily-limit", "Retry-After": format_utc(next_utc_midnight(now))},
            )
        self._create_update_use[key] += 1
