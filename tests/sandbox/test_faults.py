import json

import anyio
import httpx2
import pytest

from tests.sandbox.conftest import fetch_token
from zoom_mcp.server.sandbox import SANDBOX_CREDENTIALS, Fault, Sandbox

pytestmark = pytest.mark.anyio
MEETINGS = r"/v2/users/[^/]+/meetings"


async def test_status_fault_with_rate_limit_headers(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    fault = sandbox.inject(Fault(method="GET", path=MEETINGS, status=429, retry_after="2", rate_limit_type="QPS"))
    assert fault.remaining == 1
    refused = await api.get("users/me/meetings")
    assert refused.status_code == 429
    assert refused.json() == {
        "code": 429,
        "message": "You have reached the maximum per-second rate limit for this API. Try again later.",
    }
    assert refused.headers["Retry-After"] == "2"
    assert refused.headers["X-RateLimit-Type"] == "QPS"
    assert refused.headers["X-RateLimit-Category"] == "Medium"
    assert fault.remaining == 0
    assert (await api.get("users/me/meetings")).status_code == 200


async def test_daily_limit_fault(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(status=429, rate_limit_type="Daily-limit", retry_after="2026-11-27T00:00:00Z"))
    refused = await api.get("users/me")
    assert refused.json()["message"].startswith("You have reached the maximum daily rate limit")
    assert refused.headers["Retry-After"] == "2026-11-27T00:00:00Z"
    assert refused.headers["X-RateLimit-Type"] == "Daily-limit"


async def test_faults_match_method_and_path_and_apply_in_order(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    first = sandbox.inject(Fault(method="POST", path=MEETINGS, status=503, times=2))
    second = sandbox.inject(Fault(path=MEETINGS, status=500))
    assert (await api.get("users/me")).status_code == 200
    listed = await api.get("users/me/meetings")
    assert listed.status_code == 500
    assert set(listed.json()) == {"code", "message"}
    assert (await api.post("users/me/meetings", json={})).status_code == 503
    assert (await api.post("users/me/meetings", json={})).status_code == 503
    assert (first.remaining, second.remaining) == (0, 0)
    assert (await api.post("users/me/meetings", json={})).status_code == 201


async def test_delay_fault_answers_normally(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(path="/v2/users/me", delay_seconds=0.01))
    started = anyio.current_time()
    response = await api.get("users/me")
    assert response.status_code == 200
    assert anyio.current_time() - started >= 0.01


async def test_hang_fault_never_answers(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(path="/v2/users/me", hang=True))
    with anyio.move_on_after(0.05) as scope:
        await api.get("users/me")
    assert scope.cancelled_caught
    assert sandbox.stats.requests[-1].status is None
    assert sandbox.stats.in_flight == 0
    assert (await api.get("users/me")).status_code == 200


async def test_malformed_fault(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(path="/v2/users/me", malformed=True))
    response = await api.get("users/me")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


async def test_after_handling_fault_acts_but_loses_the_answer(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(method="POST", path=MEETINGS, status=502, after_handling=True))
    before = len(sandbox.state.meetings_of(sandbox.state.owner_id))
    response = await api.post("users/me/meetings", json={"topic": "Lost answer"})
    assert response.status_code == 502
    owned = sandbox.state.meetings_of(sandbox.state.owner_id)
    assert len(owned) == before + 1
    assert any(m.topic == "Lost answer" for m in owned)


async def test_token_endpoint_outage(client: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(method="POST", path="/oauth/token", status=503))
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "account_credentials", "account_id": SANDBOX_CREDENTIALS.account_id},
        auth=(SANDBOX_CREDENTIALS.client_id, SANDBOX_CREDENTIALS.client_secret),
    )
    assert response.status_code == 503
    assert sandbox.issued_tokens == []
    assert await fetch_token(client)
    assert sandbox.stats.token_requests == 2


def test_fault_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Fault(times=0)
    with pytest.raises(ValueError, match="rate_limit_type"):
        Fault(rate_limit_type="hourly")


async def test_a_fault_can_let_the_first_matching_requests_through(api: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    fault = sandbox.inject(Fault(method="GET", path="/v2/users/me", status=503, skip=2))
    assert [(await api.get("users/me")).status_code for _ in range(4)] == [200, 200, 503, 200]
    assert fault.remaining == 0
