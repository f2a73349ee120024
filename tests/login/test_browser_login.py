"""The browser sign-in end to end over real HTTP: sandbox on 127.0.0.1, a real loopback listener, no person."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from tests.login.conftest import Served, follow_sign_in_link
from zoom_mcp.server.login import LoginFailed, browser_login, check_loopback_redirect
from zoom_mcp.server.zoom.grant import Grant
from zoom_mcp.server.zoom.http import ZoomHTTP
from zoom_mcp.server.zoom.user_oauth import UserOAuthClient

pytestmark = pytest.mark.anyio


async def sign_in(
    served: Served,
    *,
    public: bool = False,
    allow: bool = True,
    user_id: str | None = None,
    state: str | None = None,
    timeout_seconds: float = 20.0,
    oauth_type: type[UserOAuthClient] = UserOAuthClient,
) -> tuple[Grant, list[httpx2.Response]]:
    pages: list[httpx2.Response] = []
    failure: LoginFailed | None = None
    async with ZoomHTTP(timeout_seconds=10.0) as http, anyio.create_task_group() as group:
        oauth = served.oauth(http, public=public)
        oauth.__class__ = oauth_type

        async def browser(url: str) -> None:
            pages.append(await follow_sign_in_link(url, allow=allow, user_id=user_id, state=state))

        try:
            grant = await browser_login(
                oauth,
                served.store,
                redirect_uri=served.redirect_uri,
                identify=served.identify,
                show_url=lambda url: group.start_soon(browser, url),
                timeout_seconds=timeout_seconds,
            )
        except LoginFailed as error:
            failure = error  # raised outside the task group, so not wrapped in an exception group
    if failure is not None:
        raise failure
    return grant, pages


@pytest.mark.parametrize("public", [False, True])
async def test_sign_in_stores_the_grant_of_the_person_who_clicked_allow(served: Served, public: bool) -> None:
    someone = served.sandbox.state.users[2]
    grant, pages = await sign_in(served, public=public, user_id=someone.id)
    assert pages[0].status_code == 200
    assert "close this window" in pages[0].text
    assert grant.user is not None
    assert grant.user.id == someone.id
    assert grant.user.email == someone.email
    assert grant.scopes == ["meeting:read", "meeting:write", "recording:read", "user:read"]
    assert await served.store.read() == grant
    assert served.sandbox.grant_is_valid(grant.refresh_token.get_secret_value())


async def test_the_authorize_url_uses_pkce_s256_and_state(served: Served) -> None:
    seen: list[str] = []

    async with ZoomHTTP(timeout_seconds=10.0) as http, anyio.create_task_group() as group:

        async def browser(url: str) -> None:
            seen.append(url)
            await follow_sign_in_link(url)

        await browser_login(
            served.oauth(http, public=True),
            served.store,
            redirect_uri=served.redirect_uri,
            identify=served.identify,
            show_url=lambda url: group.start_soon(browser, url),
        )
    query = httpx2.URL(seen[0]).params
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 32
    assert query["redirect_uri"] == served.redirect_uri
    assert "code_verifier" not in query


async def test_denial_saves_nothing_and_says_so(served: Served) -> None:
    with pytest.raises(LoginFailed, match="denied") as raised:
        await sign_in(served, allow=False)
    assert "nothing was saved" in str(raised.value)
    assert await served.store.read() is None
    assert served.sandbox.live_user_grants == 0


async def test_a_redirect_with_another_state_is_refused(served: Served) -> None:
    with pytest.raises(LoginFailed, match="state") as raised:
        await sign_in(served, state="forged")
    assert "nothing was saved" in str(raised.value)
    assert await served.store.read() is None
    token_requests = [r for r in served.sandbox.stats.requests if r.path == "/oauth/token"]
    assert token_requests == []  # the code was never exchanged


class WrongVerifier(UserOAuthClient):
    async def exchange_code(self, *, code: str, verifier: str, redirect_uri: str) -> Grant:
        return await super().exchange_code(code=code, verifier=verifier[::-1], redirect_uri=redirect_uri)


async def test_a_wrong_verifier_is_refused_by_zoom(served: Served) -> None:
    with pytest.raises(LoginFailed, match="invalid_grant") as raised:
        await sign_in(served, oauth_type=WrongVerifier)
    assert "zoom-mcp login" in str(raised.value)
    assert await served.store.read() is None


async def test_nobody_answering_times_out_with_a_clear_message(served: Served) -> None:
    async with ZoomHTTP(timeout_seconds=10.0) as http:
        with pytest.raises(LoginFailed, match=r"No sign-in arrived from the browser within 0.2 s"):
            await browser_login(
                served.oauth(http),
                served.store,
                redirect_uri=served.redirect_uri,
                identify=served.identify,
                show_url=lambda url: None,
                timeout_seconds=0.2,
            )
    # The listener is closed again: the port is free for the next attempt.
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1", local_port=httpx2.URL(served.redirect_uri).port)
    await listener.aclose()


async def test_other_requests_to_the_listener_do_not_end_the_sign_in(served: Served) -> None:
    async with ZoomHTTP(timeout_seconds=10.0) as http, anyio.create_task_group() as group:

        async def browser(url: str) -> None:
            async with httpx2.AsyncClient() as other:
                favicon = await other.get(served.redirect_uri.replace("/callback", "/favicon.ico"))
                assert favicon.status_code == 404
            await follow_sign_in_link(url)

        grant = await browser_login(
            served.oauth(http),
            served.store,
            redirect_uri=served.redirect_uri,
            identify=served.identify,
            show_url=lambda url: group.start_soon(browser, url),
        )
    assert grant.user is not None


async def test_a_busy_port_is_explained(served: Served) -> None:
    port = httpx2.URL(served.redirect_uri).port
    async with (
        await anyio.create_tcp_listener(local_host="127.0.0.1", local_port=port),
        ZoomHTTP(timeout_seconds=10.0) as http,
    ):
        with pytest.raises(LoginFailed, match=f"Cannot listen on 127.0.0.1:{port}"):
            await browser_login(
                served.oauth(http),
                served.store,
                redirect_uri=served.redirect_uri,
                identify=served.identify,
                show_url=lambda url: None,
            )


@pytest.mark.parametrize(
    "uri", ["https://127.0.0.1:8976/callback", "http://example.com:8976/callback", "http://127.0.0.1/callback"]
)
def test_only_loopback_redirects_with_a_port(uri: str) -> None:
    with pytest.raises(LoginFailed, match="loopback"):
        check_loopback_redirect(uri)
