"""The exceptions the client raises: the relay's refusals carry its own error code (README, "Errors")."""

from __future__ import annotations

import json
from typing import Optional

#: Statuses worth trying again: too many requests (429), and a relay or proxy that cannot serve just now.
#: A 500 is a bug in the relay, and sending the same request again would hit it again.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


class RelayError(Exception):
    """Base class of everything this package raises about the relay."""


class RelayRequestError(RelayError):
    """The relay refused a request: ``code`` and ``message`` are the relay's own (``image_too_large``, ...)."""

    def __init__(self, status: int, code: str, message: str, retry_after: Optional[float] = None) -> None:
        super().__init__(f"{message} ({code}, {status})")
        self.status = status
        self.code = code
        self.message = message
        #: Seconds the relay asked the client to wait (its ``Retry-After`` header), if it said.
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """Worth trying again: the relay is busy, stopping or briefly unable to store (429, 502-504)."""
        return self.status in RETRYABLE_STATUSES


class RelayConnectionError(RelayError):
    """The relay could not be reached (refused, reset, DNS, timeout), after the retries."""


def refusal_of(status: int, reason: str, body: bytes, retry_after: Optional[float] = None) -> RelayRequestError:
    """Turns a non-2xx answer into a RelayRequestError with the relay's words, or the status line for a proxy's page."""
    code = f"http_{status}"
    message = f"The relay answered {status} {reason}."
    try:
        parsed = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        parsed = None
    if isinstance(parsed, dict):
        if isinstance(parsed.get("error"), str):
            code = parsed["error"]
        if isinstance(parsed.get("message"), str):
            message = parsed["message"]
    return RelayRequestError(status, code, message, retry_after)
