"""Every mangled form of a request line gets a message for the server, a fixed spec error, or (rightly) nothing."""

from __future__ import annotations

import json

import pytest
from mcp.shared.message import SessionMessage
from mcp_types import INVALID_PARAMS, INVALID_REQUEST, PARSE_ERROR, JSONRPCError

from zoom_mcp.server import jsonrpc_lines

LINE = json.dumps(
    {
        "jsonrpc": "2.0",
        "id": 7,
        "method": "tools/call",
        "params": {"name": "create_meeting", "arguments": {"topic": "Plan [1, 2]", "settings": {"x": [None]}}},
    }
)
MESSAGES = {value for name, value in vars(jsonrpc_lines).items() if name.isupper() and isinstance(value, str)}


def mangled() -> list[str]:
    """Each prefix, each line with one character removed, each with one character doubled."""
    lines = [LINE[:end] for end in range(len(LINE))]
    lines += [LINE[:at] + LINE[at + 1 :] for at in range(len(LINE))]
    lines += [LINE[:at] + LINE[at] + LINE[at:] for at in range(len(LINE))]
    return lines


def test_every_mangled_line_is_read_answered_or_rightly_ignored() -> None:
    outcomes = {"message": 0, "error": 0, "silent": 0}
    for line in mangled():
        read = jsonrpc_lines.read_line(line)
        if isinstance(read, SessionMessage):
            outcomes["message"] += 1
            continue
        if read is None:
            # Only a blank line, a notification (no id) or an answer (no method) goes unanswered.
            outcomes["silent"] += 1
            value = json.loads(line) if line.strip() else {}
            assert isinstance(value, dict), line
            assert "id" not in value or "method" not in value, line
            continue
        assert isinstance(read, JSONRPCError)
        outcomes["error"] += 1
        assert read.error.code in (PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS), line
        assert read.error.message in MESSAGES, line
        assert read.id in (None, 7), line
    assert min(outcomes.values()) > 0, outcomes


@pytest.mark.parametrize(
    ("line", "code", "request_id"),
    [
        ('{"jsonrpc":"2.0","id":"a","method":"ping","params":[1]}', INVALID_PARAMS, "a"),
        ('{"jsonrpc":"2.0","id":3,"method":"ping","params":{"x":"\\udfff"}}', INVALID_PARAMS, 3),
        ('{"jsonrpc":"2.0","id":4,"method":"\\ud800"}', INVALID_REQUEST, 4),
        ('{"jsonrpc":"2.0","id":null,"method":"ping"}', INVALID_REQUEST, None),
        ('{"jsonrpc":"2.0","id":5,"method":"ping","params":{"n":' + "1" * 5000 + "}}", PARSE_ERROR, None),
        ("[" * 100_000 + "]" * 100_000, PARSE_ERROR, None),
        ("[]", INVALID_REQUEST, None),
    ],
)
def test_the_error_and_the_id_it_answers(line: str, code: int, request_id: int | str | None) -> None:
    read = jsonrpc_lines.read_line(line)
    assert isinstance(read, JSONRPCError)
    assert (read.error.code, read.id) == (code, request_id)
    assert len(read.error.message) <= 120
