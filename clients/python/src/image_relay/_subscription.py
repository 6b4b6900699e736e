"""Following channels: an iterator over a relay's event stream that reconnects as EventSource does."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
import urllib.parse
from typing import TYPE_CHECKING, Callable, Dict, Iterator, List, Optional

from ._errors import RelayConnectionError, RelayError, RelayRequestError, refusal_of
from ._http import open_connection, retry_after_seconds
from ._model import RelayImage
from ._sse import EventStreamParser

if TYPE_CHECKING:
    from ._client import Relay

#: "connecting", "live", "reconnecting" or "closed", with the error that caused it, if any.
StateListener = Callable[[str, Optional[BaseException]], None]

READ_SIZE = 64 * 1024


class Subscription(Iterator[RelayImage]):
    """Iterate for each image published to the channels; ``close()`` (from any thread) or leaving a ``with``
    block ends the iteration. ``last_event_id`` is what a later subscription resumes after."""

    def __init__(
        self,
        relay: "Relay",
        base: urllib.parse.SplitResult,
        path: str,
        headers: Dict[str, str],
        *,
        last_event_id: Optional[str],
        reconnect_delay: float,
        read_timeout: float,
        ssl_context: Optional[ssl.SSLContext],
        on_state: Optional[StateListener],
    ) -> None:
        self._relay = relay
        self._base = base
        self._path = path
        self._headers = headers
        self._reconnect_delay = reconnect_delay
        # The relay sends a heartbeat comment every 15 s: a read that waits this long means a dead connection.
        self._read_timeout = read_timeout
        self._ssl_context = ssl_context
        self._on_state = on_state
        self._parser = EventStreamParser(last_event_id, on_retry=self._set_retry)
        self._connection: Optional[http.client.HTTPConnection] = None
        self._response: Optional[http.client.HTTPResponse] = None
        self._ready: List[RelayImage] = []
        self._closed = threading.Event()
        # Held while the iterating thread uses the connection, so that close() from another thread only wakes it
        # (http.client objects are not thread-safe) and the iterating thread tears the connection down itself.
        self._in_use = threading.Lock()
        self._connected_before = False
        #: Connections made so far; more than one means it reconnected.
        self.connections = 0

    @property
    def last_event_id(self) -> Optional[str]:
        return self._parser.last_event_id or None

    def __iter__(self) -> "Subscription":
        return self

    def __next__(self) -> RelayImage:
        with self._in_use:
            return self._next()

    def _next(self) -> RelayImage:
        while not self._ready:
            if self._closed.is_set():
                self._disconnect()
                self._state("closed")
                raise StopIteration
            if self._response is None:
                self._connect_or_wait()
                continue
            try:
                chunk = self._response.read1(READ_SIZE)
            except (OSError, http.client.HTTPException) as error:
                self._lost(RelayConnectionError(f"the event stream broke: {error}"))
                continue
            if not chunk:
                self._lost(RelayConnectionError("the relay ended the event stream"))
                continue
            for event in self._parser.feed(chunk):
                if event.event == "image":
                    self._ready.append(RelayImage.from_description(json.loads(event.data), self._relay))
        return self._ready.pop(0)

    def close(self) -> None:
        """Ends the subscription; a thread blocked in the loop wakes up and the loop stops."""
        self._closed.set()
        connection = self._connection
        sock = getattr(connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes a read blocked in another thread
            except OSError:
                pass
        if self._in_use.acquire(blocking=False):
            try:
                self._disconnect()
            finally:
                self._in_use.release()

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _set_retry(self, milliseconds: int) -> None:
        self._reconnect_delay = milliseconds / 1000

    def _state(self, state: str, error: Optional[BaseException] = None) -> None:
        if self._on_state is not None:
            self._on_state(state, error)

    def _connect_or_wait(self) -> None:
        self._state("reconnecting" if self._connected_before else "connecting")
        headers = dict(self._headers)
        if self._parser.last_event_id:
            headers["Last-Event-ID"] = self._parser.last_event_id
        connection = open_connection(self._base, self._read_timeout, self._ssl_context)
        self._connection = connection
        try:
            connection.request("GET", self._path, headers=headers)
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as error:
            self._lost(RelayConnectionError(f"cannot reach the relay at {self._relay.url}: {error}"))
            return
        self.connections += 1
        content_type = response.headers.get("Content-Type", "")
        if response.status != 200 or not content_type.startswith("text/event-stream"):
            refusal = refusal_of(response.status, response.reason, response.read(), retry_after_seconds(response.headers.get("Retry-After")))
            if response.status == 200:
                refusal = RelayRequestError(200, "not_an_event_stream", f"the relay answered {content_type or 'no content type'}, not text/event-stream")
            self._disconnect()
            if not refusal.retryable:
                self._closed.set()
                self._state("closed", refusal)
                raise refusal
            self._lost(refusal, refusal.retry_after)
            return
        self._response = response
        self._connected_before = True
        self._parser = EventStreamParser(self._parser.last_event_id, on_retry=self._set_retry)
        self._state("live")

    def _lost(self, error: RelayError, wait: Optional[float] = None) -> None:
        self._disconnect()
        if self._closed.is_set():
            return
        self._state("reconnecting", error)
        # Event.wait returns at once when close() is called meanwhile.
        self._closed.wait(self._reconnect_delay if wait is None else wait)

    def _disconnect(self) -> None:
        connection, self._connection, self._response = self._connection, None, None
        if connection is not None:
            connection.close()
