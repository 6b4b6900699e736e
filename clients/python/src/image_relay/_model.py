"""What the relay says about an image: the answer to a publish, and each event of a subscription."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional

if TYPE_CHECKING:
    from ._client import Relay


@dataclass(frozen=True)
class RelayImage:
    """An image's description (README, "Binary uploads"): ``size`` is its length in bytes; ``fetch()`` gets them."""

    id: str
    channel: str
    #: Where the bytes are served: path-absolute unless the relay has a public URL.
    url: str
    thumbnail_url: str
    #: The media type the relay read from the bytes, e.g. "image/png".
    type: str
    size: int
    width: int
    height: int
    #: ISO 8601, UTC.
    published_at: str
    meta: Optional[Mapping[str, Any]]
    #: The description as the relay sent it, for fields this version does not know.
    description: Mapping[str, Any] = field(repr=False, compare=False)
    _relay: Optional["Relay"] = field(default=None, repr=False, compare=False)

    @classmethod
    def from_description(cls, description: Dict[str, Any], relay: Optional["Relay"] = None) -> "RelayImage":
        meta = description.get("meta")
        return cls(
            id=str(description["id"]),
            channel=str(description["channel"]),
            url=str(description["url"]),
            thumbnail_url=str(description.get("thumbnailUrl", "")),
            type=str(description.get("type", "")),
            size=int(description.get("bytes", 0)),
            width=int(description.get("width", 0)),
            height=int(description.get("height", 0)),
            published_at=str(description.get("publishedAt", "")),
            meta=meta if isinstance(meta, dict) else None,
            description=description,
            _relay=relay,
        )

    def fetch(self) -> bytes:
        """The image's bytes, fetched from the relay now (with the relay's retries)."""
        if self._relay is None:
            raise RuntimeError("this image was not described by a Relay; use Relay.fetch(image)")
        return self._relay.fetch(self)
