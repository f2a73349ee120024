"""`zoom-mcp login --device`: the code shown, polling while the person decides, and every way it ends."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from tests.oauth_browser import consent
from tests.sandbox.conftest import FakeClock
from tests.zoom_client.user_oauth_fixtures import oauth_client, sandbox_http
from zoom_mcp.server.login import LoginFailed, device_login
from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Sandbox
from zoom_mcp.server.zoom.grant import Grant, SignedInUser
from zoom_mcp.server.zoom.grant_store import FileGrantStore
from zoom_mcp.server.zoom.retry import RetryPolicy

pytestmark = pytest.mark.anyio


class Person:
    """Sees the code, and acts on the Zoom page at the n-th poll (each poll waits once on the sandbox's clock;
    an early wake-up moves it by one second only)."""

    def __init__(
        self, http: httpx2.AsyncClient, clock: FakeClock, *, act_at_wait: int, allow: bool, early_wakeup: int = 0
    ) -> None:
        self.http, self.clock, self.act_at_wait, self.allow = http, clock, act_at_wait, allow
        self.early_wakeup = early_wakeup
        self.link: str | None = None
        self.waits: list[float] = []

    def show_code(self, uri: str, user_code: str, complete: str | None) -> None:
        assert user_code in (complete or "")
        self.link = complete

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock.advance(seconds=1 if len(self.waits) == self.early_wakeup else seconds)
        if len(self.waits) == self.act_at_wait:
            assert self.link is not None
            await consent(self.http, self.link, allow=self.allow)


async def identify(grant: Grant) -> SignedInUser:
    return SignedInUser("id", "ada@example.com", "Ada")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sandbox(clock: FakeClock) -> Sandbox:
    return Sandbox(seed=7, clock=clock)


async def run_device_login(
    sandbox: Sandbox, clock: FakeClock, tmp_path: Path, retry: RetryPolicy, person_allows: bool, early_wakeup: int = 0
) -> tuple[Grant, Person]:
    store = FileGrantStore(tmp_path / "grant.json")
    async with sandbox_http(sandbox, retry) as (http, browser):
        browser.base_url = httpx2.URL(SANDBOX_ORIGIN)
        person = Person(browser, clock, act_at_wait=3, allow=person_allows, early_wakeup=early_wakeup)
        grant = await device_login(
            oauth_client(sandbox, http), store, identify=identify, show_code=person.show_code, sleep=person.sleep
        )
    assert await store.read() == grant
    return grant, person


async def test_device_login_polls_until_approved(
    sandbox: Sandbox, clock: FakeClock, tmp_path: Path, retry: RetryPolicy
) -> None:
    sandbox.device_poll_interval = 5
    grant, person = await run_device_login(sandbox, clock, tmp_path, retry, person_allows=True)
    assert person.waits == [5, 5, 5]
    assert grant.user == SignedInUser("id", "ada@example.com", "Ada")
    assert sandbox.grant_is_valid(grant.refresh_token.get_secret_value())


async def test_polling_too_fast_is_told_to_slow_down_and_does(
    sandbox: Sandbox, clock: FakeClock, tmp_path: Path, retry: RetryPolicy
) -> None:
    sandbox.device_poll_interval = 5
    grant, person = await run_device_login(sandbox, clock, tmp_path, retry, person_allows=True, early_wakeup=2)
    assert person.waits == [5, 5, 10]  # the second poll came 1 s after the first: slow_down adds 5 s
    assert sandbox.grant_is_valid(grant.refresh_token.get_secret_value())


async def test_device_login_denied(sandbox: Sandbox, clock: FakeClock, tmp_path: Path, retry: RetryPolicy) -> None:
    with pytest.raises(LoginFailed, match="denied"):
        await run_device_login(sandbox, clock, tmp_path, retry, person_allows=False)
    assert not (tmp_path / "grant.json").exists()


async def test_an_app_without_the_device_flow_is_explained(
    sandbox: Sandbox, tmp_path: Path, retry: RetryPolicy
) -> None:
    async with sandbox_http(sandbox, retry) as (http, _):
        with pytest.raises(LoginFailed, match="--no-browser"):
            await device_login(
                oauth_client(sandbox, http, client_secret="not-the-secret"),
                FileGrantStore(tmp_path / "grant.json"),
                identify=identify,
                show_code=lambda *_: None,
            )
