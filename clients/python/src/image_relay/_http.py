"""One keep-alive HTTP/1.1 connection to the relay, reused across requests (a camera publishing ten frames a
second should not open ten TCP, let alone TLS, connections a second)."""

from __future__ import annotations

import email.utils
import http.client
import ssl
import time
import urllib.parse
from dataclasses import dataclass
from typing import Mapping, Optional

from ._errors import RelayConnectionError

#: What a closed keep-alive connection looks like when it is used again: the relay (or a proxy) closed it while
#: it was idle. The request is sent once more on a fresh connection, which is what browsers do too.
STALE_CONNECTION_ERRORS = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes


def open_connection(base: urllib.parse.SplitResult, timeout: float, ssl_context: Optional[ssl.SSLContext]) -> http.client.HTTPConnection:
    host = base.hostname or "localhost"
    if base.scheme == "https":
        return http.client.HTTPSConnection(host, base.port, timeout=timeout, context=ssl_context)
    return http.client.HTTPConnection(host, base.port, timeout=timeout)


class Connection:
    """Sends requests on one connection, opened on first use and opened again after the relay closed it."""

    def __init__(self, base: urllib.parse.SplitResult, timeout: float, ssl_context: Optional[ssl.SSLContext] = None) -> None:
        self._base = base
        self._timeout = timeout
        self._ssl_context = ssl_context
        self._connection: Optional[http.client.HTTPConnection] = None
        #: How many TCP connections this has opened (tests check that requests share one).
        self.opened = 0

    def request(self, method: str, path: str, headers: Mapping[str, str], body: Optional[bytes] = None) -> Answer:
        for attempt in (1, 2):
            reused = self._connection is not None
            connection = self._connection or self._open()
            try:
                connection.request(method, path, body=body, headers=dict(headers))
                response = connection.getresponse()
                answer = Answer(response.status, response.reason, response.headers, response.read())
            except STALE_CONNECTION_ERRORS as error:
                self.close()
                if reused and attempt == 1:
                    continue
                raise RelayConnectionError(f"the relay at {self.origin} closed the connection: {error}") from error
            except (OSError, http.client.HTTPException) as error:
                self.close()
                raise RelayConnectionError(f"cannot reach the relay at {self.origin}: {error}") from error
            if response.will_close:
                self.close()
            return answer
        raise AssertionError("unreachable")

    @property
    def origin(self) -> str:
        return f"{self._base.scheme}://{self._base.netloc}"

    def _open(self) -> http.client.HTTPConnection:
        self._connection = open_connection(self._base, self._timeout, self._ssl_context)
        self.opened += 1
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def retry_after_seconds(value: Optional[str]) -> Optional[float]:
    """A ``Retry-After`` header (RFC 9110, 10.2.3) as seconds from now: delay-seconds or an HTTP-date."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())
