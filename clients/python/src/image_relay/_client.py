"""``Relay``: publish images to an image-relay, fetch them, and follow channels."""

from __future__ import annotations

import json
import ssl
import threading
import time
import urllib.parse
from typing import Any, Callable, Iterable, Mapping, Optional, Union

from . import __version__
from ._errors import RelayConnectionError, RelayError, RelayRequestError, refusal_of
from ._http import Answer, Connection, retry_after_seconds
from ._images import DEFAULT_JPEG_QUALITY, ImageInput, image_bytes
from ._model import RelayImage
from ._retry import DEFAULT_RETRY, RetryPolicy, backoff_delay
from ._subscription import StateListener, Subscription

DEFAULT_URL = "http://localhost:8081"
#: Long enough for a 16 MiB image over a slow uplink, short enough that a dead relay is noticed.
DEFAULT_TIMEOUT_SECONDS = 30.0

RetryListener = Callable[[RelayError, float], None]


class Relay:
    """A client of one relay. Requests share one keep-alive connection; a Relay may be used from several
    threads (their requests take turns on it) and is closed with ``close()`` or a ``with`` block."""

    def __init__(
        self,
        url: str = DEFAULT_URL,
        token: Optional[str] = None,
        *,
        retry: RetryPolicy = DEFAULT_RETRY,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        on_retry: Optional[RetryListener] = None,
        ssl_context: Optional[ssl.SSLContext] = None,
    ) -> None:
        base = urllib.parse.urlsplit(url.rstrip("/"))
        if base.scheme not in ("http", "https") or not base.hostname:
            raise ValueError(f"the relay's URL must be http:// or https://, such as {DEFAULT_URL}, not {url!r}")
        self.url = urllib.parse.urlunsplit((base.scheme, base.netloc, base.path, "", ""))
        self._base = base
        self._token = token
        self._retry = retry
        self._timeout = timeout
        self._on_retry = on_retry
        self._ssl_context = ssl_context
        self._connection = Connection(base, timeout, ssl_context)
        self._lock = threading.Lock()

    def publish(
        self,
        image: ImageInput,
        channel: str = "default",
        meta: Optional[Mapping[str, Any]] = None,
        caption: Optional[str] = None,
        *,
        format: Optional[str] = None,
        quality: int = DEFAULT_JPEG_QUALITY,
    ) -> RelayImage:
        """Publishes one image and returns the relay's description of it.

        ``image`` is a path, bytes, a binary file object, a Pillow image, a NumPy array (HxW, HxWx3 or HxWx4,
        uint8) or a matplotlib figure; the last three are encoded as PNG, or as JPEG with ``format="jpeg"``
        (which needs Pillow). The bytes go as the raw request body. Transient failures (network, 429, 502-504)
        are retried with backoff, waiting as long as the relay's ``Retry-After`` asks; a refusal raises
        RelayRequestError with the relay's code (``not_an_image``, ``image_too_large``...).
        """
        body = image_bytes(image, format, quality)
        query = f"?{urllib.parse.urlencode({'caption': caption})}" if caption is not None else ""
        headers = {"Content-Type": "application/octet-stream"}
        if meta is not None:
            # ensure_ascii keeps the header Latin-1-safe; the relay parses the JSON back to the same object.
            headers["X-Image-Meta"] = json.dumps(dict(meta), separators=(",", ":"))
        answer = self._send("POST", f"/channels/{_segment(channel)}/images{query}", headers, body)
        return RelayImage.from_description(json.loads(answer.body), self)

    def fetch(self, image: Union[RelayImage, str]) -> bytes:
        """The bytes of an image: a RelayImage, or its ``url`` (path-absolute or full)."""
        url = image.url if isinstance(image, RelayImage) else image
        if url.startswith(("http://", "https://")):
            split = urllib.parse.urlsplit(url)
            if (split.scheme, split.netloc) != (self._base.scheme, self._base.netloc):
                raise ValueError(f"{url} is not on this relay ({self.url})")
            url = urllib.parse.urlunsplit(("", "", split.path, split.query, ""))
        return self._send("GET", url, {}).body

    def latest(self, channel: str = "default") -> bytes:
        """The channel's newest image's bytes (404 ``image_not_found`` while it has none)."""
        return self._send("GET", f"/channels/{_segment(channel)}/latest", {}).body

    def subscribe(
        self,
        channels: Union[str, Iterable[str]] = "default",
        last_event_id: Optional[str] = None,
        *,
        reconnect_delay: float = 2.0,
        read_timeout: float = 45.0,
        on_state: Optional[StateListener] = None,
    ) -> Subscription:
        """Follows channels on one event stream: iterate over it for each image, in order, once.

        Like EventSource, it reconnects when the connection drops or the relay restarts, sending the id of the
        last image it saw (``Last-Event-ID``) so that the relay replays what was missed; it waits the relay's
        ``retry:`` hint (else ``reconnect_delay`` seconds) between attempts. ``"*"`` follows every channel.
        A refusal that cannot change by waiting (a bad channel name, a missing token) is raised from the loop.
        """
        names = [channels] if isinstance(channels, str) else list(channels)
        if not names:
            raise ValueError("name at least one channel")
        query = urllib.parse.urlencode([("channel", name) for name in names])
        return Subscription(
            self,
            self._base,
            f"{self._base.path}/events?{query}",
            self._headers({"Accept": "text/event-stream", "Cache-Control": "no-cache"}),
            last_event_id=last_event_id,
            reconnect_delay=reconnect_delay,
            read_timeout=read_timeout,
            ssl_context=self._ssl_context,
            on_state=on_state,
        )

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def __enter__(self) -> "Relay":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def connections_opened(self) -> int:
        """TCP connections opened for publish and fetch so far (one, while the relay keeps it alive)."""
        return self._connection.opened

    def _headers(self, extra: Mapping[str, str]) -> "dict[str, str]":
        headers = {"User-Agent": f"image-relay-python/{__version__}", **extra}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def _send(self, method: str, path: str, headers: Mapping[str, str], body: Optional[bytes] = None) -> Answer:
        full_path = path if not self._base.path else self._base.path + path
        attempt = 0
        while True:
            try:
                with self._lock:
                    answer = self._connection.request(method, full_path, self._headers(headers), body)
                if 200 <= answer.status < 300:
                    return answer
                raise refusal_of(answer.status, answer.reason, answer.body, retry_after_seconds(answer.headers.get("Retry-After")))
            except (RelayRequestError, RelayConnectionError) as error:
                transient = isinstance(error, RelayConnectionError) or error.retryable
                retry_after = error.retry_after if isinstance(error, RelayRequestError) else None
                delay = backoff_delay(self._retry, attempt, retry_after) if transient else None
                if delay is None or attempt >= self._retry.retries:
                    raise
                if self._on_retry is not None:
                    self._on_retry(error, delay)
                time.sleep(delay)
                attempt += 1


def _segment(channel: str) -> str:
    return urllib.parse.quote(channel, safe="")
