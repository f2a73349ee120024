"""One line of the stdio wire: the SDK's message when it can read it, else the JSON-RPC error the spec gives.

The SDK's stdio transport passes a line it cannot parse to its dispatcher as a bare exception, which the
dispatcher drops: a client that sent a request waits for an answer that never comes. Here a line the SDK
refuses is read a second time, leniently (Python's `json` takes lone surrogates and deeper nesting than the
SDK's parser), only to find which error JSON-RPC 2.0 prescribes and which request it answers. Well-formed lines
never take that path, so they reach the server exactly as before. Error messages are fixed sentences: they never
repeat any part of the line.
"""

from __future__ import annotations

import json
import logging

import pydantic_core
from mcp.shared.message import SessionMessage
from mcp_types import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    PARSE_ERROR,
    ErrorData,
    JSONRPCError,
    JSONRPCNotification,
    RequestId,
    jsonrpc_message_adapter,
)

logger = logging.getLogger(__name__)

NOT_JSON = "Parse error: the line is not valid JSON"
NOT_ONE_OBJECT = "Invalid Request: send one JSON-RPC request object per line (no batches)"
BAD_ID = "Invalid Request: the id must be a string or an integer"
BAD_VERSION = 'Invalid Request: "jsonrpc" must be "2.0"'
BAD_METHOD = 'Invalid Request: "method" must be a string'
PARAMS_NOT_OBJECT = "Invalid params: params must be a JSON object"
LONE_SURROGATE = "Invalid params: a string holds a lone UTF-16 surrogate escape, which is not text"
TOO_DEEP = "Invalid params: values are nested too deeply (keep nesting under 200 levels)"
UNREADABLE = "Invalid Request: this request cannot be read"


def read_line(line: str) -> SessionMessage | JSONRPCError | None:
    """The message on `line`; else the error that answers it; None when the spec says to answer nothing."""
    try:
        message = jsonrpc_message_adapter.validate_json(line, by_name=False)
    except ValueError:  # pydantic's ValidationError, invalid JSON included
        return refusal(line)
    if isinstance(message, JSONRPCNotification) and _carries_id(line):
        # The SDK ignores an id it cannot take (1.5, true, null) and reads a notification: the spec's answer
        # is -32600, and a client waits for it.
        return refusal(line)
    return SessionMessage(message)


def refusal(line: str) -> JSONRPCError | None:
    """The JSON-RPC error for a line that is not a message the SDK reads, or None when nobody waits for one.

    Nobody waits for a notification (no id), nor for an answer to one of our own requests; a blank line is
    framing, not a message.
    """
    if not line.strip():
        return None
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):  # RecursionError: nesting too deep even for Python's parser
        return _error(None, PARSE_ERROR, NOT_JSON)
    if not isinstance(value, dict):
        return _error(None, INVALID_REQUEST, NOT_ONE_OBJECT)
    if "method" not in value and ("result" in value or "error" in value):
        logger.warning("ignored a malformed response from the client")
        return None
    if "id" not in value:
        if isinstance(value.get("method"), str):
            logger.warning("ignored a malformed notification from the client")
            return None
        return _error(None, INVALID_REQUEST, NOT_ONE_OBJECT)
    request_id = value["id"]
    if not _is_request_id(request_id):
        return _error(None, INVALID_REQUEST, BAD_ID)
    if value.get("jsonrpc") != "2.0":
        return _error(request_id, INVALID_REQUEST, BAD_VERSION)
    if not isinstance(value.get("method"), str):
        return _error(request_id, INVALID_REQUEST, BAD_METHOD)
    params = value.get("params")
    if params is not None and not isinstance(params, dict):
        return _error(request_id, INVALID_PARAMS, PARAMS_NOT_OBJECT)
    if params is not None and not _sdk_reads({"params": params}):
        return _error(request_id, INVALID_PARAMS, LONE_SURROGATE if _has_lone_surrogate(params) else TOO_DEEP)
    return _error(request_id, INVALID_REQUEST, UNREADABLE)


def _carries_id(line: str) -> bool:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):  # the SDK read it, so this is not expected; the SDK's reading stands
        return False
    return isinstance(value, dict) and "id" in value


def _error(request_id: RequestId | None, code: int, message: str) -> JSONRPCError:
    return JSONRPCError(jsonrpc="2.0", id=request_id, error=ErrorData(code=code, message=message))


def _is_request_id(value: object) -> bool:
    """MCP's request ids: an integer (not a boolean) or a string we can write back (no lone surrogate)."""
    if isinstance(value, str):
        return not _has_lone_surrogate(value)
    return isinstance(value, int) and not isinstance(value, bool)


def _sdk_reads(value: object) -> bool:
    """Whether the SDK's JSON parser reads `value` (it refuses lone surrogates and nesting beyond its limit)."""
    try:
        pydantic_core.from_json(json.dumps(value))
    except (ValueError, RecursionError):
        return False
    return True


def _has_lone_surrogate(value: object) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
