"""A client of image-relay: publish images from Python (paths, bytes, files, Pillow, NumPy, matplotlib) and
follow channels. Standard library only; Pillow, NumPy and matplotlib are used only when you pass their objects.

    from image_relay import Relay
    relay = Relay("http://localhost:8081")
    relay.publish(frame, channel="cam-1", meta={"step": 1200})
"""

__version__ = "0.1.0"

from ._client import DEFAULT_URL, Relay, RetryListener
from ._errors import RelayConnectionError, RelayError, RelayRequestError
from ._images import ImageInput
from ._latest import LatestPublisher
from ._model import RelayImage
from ._png import encode_png
from ._retry import DEFAULT_RETRY, RetryPolicy
from ._sse import EventStreamParser, StreamEvent
from ._subscription import StateListener, Subscription

__all__ = [
    "DEFAULT_RETRY",
    "DEFAULT_URL",
    "EventStreamParser",
    "ImageInput",
    "LatestPublisher",
    "Relay",
    "RelayConnectionError",
    "RelayError",
    "RelayImage",
    "RelayRequestError",
    "RetryListener",
    "RetryPolicy",
    "StateListener",
    "StreamEvent",
    "Subscription",
    "encode_png",
]
