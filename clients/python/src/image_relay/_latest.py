"""Publishing from a callback that must not block: a camera driver's, a ROS subscriber's, a GUI's."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Tuple

from ._images import ImageInput
from ._model import RelayImage

if TYPE_CHECKING:
    from ._client import Relay

_Pending = Tuple[ImageInput, Optional[Mapping[str, Any]], Optional[str]]


class LatestPublisher:
    """Publishes images on a thread of its own, keeping only the newest one waiting.

    ``submit()`` returns at once. While an image is being encoded and sent, a newer one replaces the one
    waiting (counted in ``skipped``), so a source faster than the network always shows its latest frame and
    never piles frames up in memory: the relay's own rule for slow viewers. Errors (after the retries, or a
    refused or unencodable image) go to ``on_error`` (default: kept in ``last_error``) and the thread carries on with the next image.
    """

    def __init__(
        self,
        relay: "Relay",
        channel: str = "default",
        *,
        format: Optional[str] = None,
        on_published: Optional[Callable[[RelayImage], None]] = None,
        on_error: Optional[Callable[[Exception], None]] = None,
    ) -> None:
        self._relay = relay
        self._channel = channel
        self._format = format
        self._on_published = on_published
        self._on_error = on_error
        self._condition = threading.Condition()
        self._pending: Optional[_Pending] = None
        self._busy = False
        self._closing = False
        self.published = 0
        self.skipped = 0
        self.last_error: Optional[Exception] = None
        self._thread = threading.Thread(target=self._run, name=f"image-relay-{channel}", daemon=True)
        self._thread.start()

    def submit(self, image: ImageInput, meta: Optional[Mapping[str, Any]] = None, caption: Optional[str] = None) -> None:
        """Queues ``image`` to be published, replacing one still waiting. NumPy arrays are copied, since camera
        drivers often reuse their buffers."""
        if hasattr(image, "copy") and type(image).__module__.split(".")[0] == "numpy":
            image = image.copy()
        with self._condition:
            if self._closing:
                raise RuntimeError("this publisher is closed")
            if self._pending is not None:
                self.skipped += 1
            self._pending = (image, meta, caption)
            self._condition.notify()

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Waits until nothing is waiting or being sent; False if ``timeout`` seconds passed first."""
        with self._condition:
            return self._condition.wait_for(lambda: self._pending is None and not self._busy, timeout)

    def close(self, timeout: Optional[float] = None) -> None:
        """Sends what is waiting, then stops the thread."""
        with self._condition:
            self._closing = True
            self._condition.notify_all()
        self._thread.join(timeout)

    def __enter__(self) -> "LatestPublisher":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _run(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._pending is not None or self._closing)
                if self._pending is None:
                    return
                (image, meta, caption), self._pending = self._pending, None
                self._busy = True
            try:
                published = self._relay.publish(image, self._channel, meta, caption, format=self._format)
                self.published += 1
                if self._on_published is not None:
                    self._on_published(published)
            except Exception as error:  # noqa: BLE001 - a bad image must not stop the thread
                self.last_error = error
                if self._on_error is not None:
                    self._on_error(error)
            finally:
                with self._condition:
                    self._busy = False
                    self._condition.notify_all()
