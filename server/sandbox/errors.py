"""Zoom's error answers: ``{"code", "message"}`` bodies, plus ``errors`` for validation failures."""

from dataclasses import dataclass, field


@dataclass
class FieldError:
    field: str
    message: str = "Invalid field."


@dataclass
class ApiError(Exception):
    status: int
    code: int
    message: str
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = [{"field": e.field, "message": e.message} for e in self.errors]
        return body


INVALID_TOKEN = "Invalid access token."
EXPIRED_TOKEN = "Access token is expired."
QPS_LIMIT_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."
DAILY_LIMIT_MESSAGE = (
    "You have reached the maximum daily rate limit for this API. "
    "Refer to the response header for details on when you can make another request."
)


def invalid_token(message: str = INVALID_TOKEN) -> ApiError:
    return ApiError(401, 124, message)


def validation_failed(errors: list[FieldError]) -> ApiError:
    return ApiError(400, 300, "Validation Failed.", errors)


def invalid_json_body() -> ApiError:
    return ApiError(400, 300, "Request Body should be a valid JSON object.")


def invalid_parameter(name: str) -> ApiError:
    return ApiError(400, 300, f"Invalid parameter: {name}.")


def user_not_found(user_id: str) -> ApiError:
    return ApiError(404, 1001, f"User does not exist: {user_id}.")


def meeting_not_found(meeting_id: str) -> ApiError:
    return ApiError(404, 3001, f"Meeting does not exist: {meeting_id}.")


def recording_not_found() -> ApiError:
    # The spec's text for recordingGet's 404; Zoom's v1 API used the same words.
    return ApiError(404, 3301, "There is no recording for this meeting.")


def hosting_not_allowed() -> ApiError:
    return ApiError(400, 3161, "Meeting hosting and scheduling capabilities are not allowed for your user account.")
