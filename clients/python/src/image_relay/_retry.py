"""Retries with exponential backoff and full jitter, honouring the relay's ``Retry-After``."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Optional

#: Longest ``Retry-After`` that is waited out; a longer one is raised to the caller rather than hanging the
#: program (a rate-limit window is a minute at most).
MAX_RETRY_AFTER_SECONDS = 60.0


@dataclass(frozen=True)
class RetryPolicy:
    """How hard ``publish`` and ``fetch`` try. The defaults cover a relay restart or a deploy, not an outage."""

    #: Attempts after the first; 0 disables retrying.
    retries: int = 5
    #: Seconds before the first retry, doubled each time (with jitter) up to ``max_delay``.
    initial_delay: float = 0.5
    max_delay: float = 10.0


DEFAULT_RETRY = RetryPolicy()


def backoff_delay(policy: RetryPolicy, attempt: int, retry_after: Optional[float] = None) -> Optional[float]:
    """Seconds to wait before retry number ``attempt + 1``, or None when the relay asked for too long a wait."""
    if retry_after is not None:
        return retry_after if retry_after <= MAX_RETRY_AFTER_SECONDS else None
    base = min(policy.max_delay, policy.initial_delay * 2.0**attempt)
    # Full jitter spreads a fleet of cameras that lost the relay at the same moment.
    return base / 2 + random.random() * base / 2
