import anyio
import httpx2
import pytest

from tests.sandbox.conftest import FakeClock, fetch_token
from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Fault, Sandbox
from zoom_mcp.server.sandbox.http import serve_sandbox

pytestmark = pytest.mark.anyio


async def test_requests_are_recorded(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    await api.get("users/me/meetings", params={"page_size": 5})
    await api.post("users/me/meetings", json={"topic": "Recorded"})
    token_request, listing, creation = sandbox.stats.requests
    assert (token_request.method, token_request.path, token_request.status) == ("POST", "/oauth/token", 200)
    assert token_request.json is None
    assert (listing.method, listing.path, listing.query, listing.status) == (
        "GET",
        "/v2/users/me/meetings",
        {"page_size": "5"},
        200,
    )
    assert (creation.status, creation.json) == (201, {"topic": "Recorded"})
    assert sandbox.stats.token_requests == 1
    assert sandbox.stats.client_addresses == {("127.0.0.1", 123)}


async def test_tokens_never_appear_in_recorded_requests(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    await api.get("users/me")
    recorded = repr(sandbox.stats.requests)
    assert all(token not in recorded for token in sandbox.issued_tokens)


async def test_max_in_flight_counts_concurrent_requests(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(path="/v2/users/me", delay_seconds=0.02, times=3))
    async with anyio.create_task_group() as group:
        for _ in range(3):
            group.start_soon(api.get, "users/me")
    assert sandbox.stats.max_in_flight == 3
    assert sandbox.stats.in_flight == 0


async def test_every_api_answer_has_tracking_and_rate_limit_headers(api: httpx2.AsyncClient) -> None:
    answers = [await api.get("users/me"), await api.get("users"), await api.get("meetings/1"), await api.get("nowhere")]
    tracking_ids = {a.headers["x-zm-trackingid"] for a in answers}
    assert len(tracking_ids) == len(answers)
    for answer in answers:
        assert answer.headers["x-ratelimit-category"] in {"Light", "Medium"}
        assert int(answer.headers["x-ratelimit-limit"]) >= int(answer.headers["x-ratelimit-remaining"])
        assert answer.headers["content-type"].startswith("application/json")
    light = [int(a.headers["x-ratelimit-remaining"]) for a in answers if a.headers["x-ratelimit-category"] == "Light"]
    assert light == sorted(light, reverse=True)


def test_same_seed_same_state(clock: FakeClock) -> None:
    first, second, other = Sandbox(seed=3, clock=clock), Sandbox(seed=3, clock=clock), Sandbox(seed=4, clock=clock)
    assert first.state == second.state
    assert first.state != other.state


async def test_same_seed_same_answers(clock: FakeClock) -> None:
    bodies = []
    for _ in range(2):
        sandbox = Sandbox(seed=5, clock=clock)
        async with httpx2.AsyncClient(transport=sandbox.transport(), base_url=SANDBOX_ORIGIN) as client:
            client.headers["Authorization"] = f"Bearer {await fetch_token(client)}"
            created = await client.post("/v2/users/me/meetings", json={"topic": "Same"})
            bodies.append(created.json())
    assert bodies[0] == bodies[1]


async def test_seed_state_shape(sandbox: Sandbox) -> None:
    owner = sandbox.state.user_by_id(sandbox.state.owner_id)
    assert (owner.role_name, owner.type, owner.timezone) == ("Owner", 2, "America/New_York")
    emails = [u.email for u in sandbox.state.users]
    assert any("+" in e for e in emails)
    assert any(not e.isascii() for e in emails)
    assert {u.status for u in sandbox.state.users} == {"active", "pending", "inactive"}
    assert {f.file_type for i in sandbox.state.instances for f in i.files} == {"MP4", "M4A", "TRANSCRIPT", "CHAT"}


async def test_serve_over_real_http(sandbox: Sandbox) -> None:
    async with serve_sandbox(sandbox) as origin:
        assert origin.startswith("http://127.0.0.1:")
        async with httpx2.AsyncClient(base_url=origin) as client:
            token = await fetch_token(client)
            response = await client.get("/v2/users/me", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200
            assert response.json()["id"] == sandbox.state.owner_id
        async with httpx2.AsyncClient(base_url=origin) as another:
            assert (await another.get("/v2/users/me")).status_code == 401
    assert len(sandbox.stats.client_addresses) == 2
    assert all(host == "127.0.0.1" for host, _ in sandbox.stats.client_addresses)


async def test_served_download_urls_use_the_real_origin(sandbox: Sandbox) -> None:
    async with serve_sandbox(sandbox) as origin, httpx2.AsyncClient(base_url=origin) as client:
        client.headers["Authorization"] = f"Bearer {await fetch_token(client)}"
        body = (await client.get("/v2/users/me/recordings")).json()
        url = body["meetings"][0]["recording_files"][0]["download_url"]
        assert url.startswith(f"{origin}/rec/download/")
        assert (await client.get(url, follow_redirects=True)).status_code == 200


async def test_serving_stops_with_a_hung_request(sandbox: Sandbox) -> None:
    sandbox.inject(Fault(path="/v2/users/me", hang=True))
    with anyio.fail_after(5):
        async with serve_sandbox(sandbox) as origin, httpx2.AsyncClient(base_url=origin) as client:
            with pytest.raises(httpx2.ReadTimeout):
                await client.get("/v2/users/me", timeout=0.05)


async def test_served_requests_are_not_slowed_by_delayed_acks(sandbox: Sandbox) -> None:
    """Without TCP_NODELAY each loopback request waits ~40 ms; 20 of them would take ~0.9 s."""
    async with serve_sandbox(sandbox) as origin, httpx2.AsyncClient(base_url=origin) as client:
        await client.get("/v2/users/me")
        started = anyio.current_time()
        for _ in range(20):
            await client.get("/v2/users/me")
        assert anyio.current_time() - started < 0.4
