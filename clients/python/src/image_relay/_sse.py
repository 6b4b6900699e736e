"""A text/event-stream parser that follows the WHATWG HTML standard, 9.2.6 "Interpreting an event stream".

Fed bytes as they arrive, in chunks of any size, it yields the events the stream dispatches. Lines end in CR, LF
or CRLF (a CRLF split between two chunks is one line end); a leading byte order mark is dropped; comment lines
(":" first) are ignored; ``data`` lines join with "\\n"; ``id`` sets the last event id (not when it holds NUL) and
it carries over to later events; ``retry`` takes digits only. An event with no data is not dispatched.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Callable, Iterator, List, Optional


@dataclass(frozen=True)
class StreamEvent:
    """One dispatched event: its type ("message" when the stream named none), data and the last event id."""

    event: str
    data: str
    id: Optional[str]


class EventStreamParser:
    """Incremental parser of one connection's stream. ``last_event_id`` survives for the next connection."""

    def __init__(self, last_event_id: Optional[str] = None, on_retry: Optional[Callable[[int], None]] = None) -> None:
        # Invalid UTF-8 becomes U+FFFD, as the standard's "UTF-8 decode" does.
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._at_start = True
        self._after_cr = False
        self._data: List[str] = []
        self._event = ""
        self._on_retry = on_retry
        self.last_event_id = last_event_id
        self._id_buffer = last_event_id

    def feed(self, chunk: bytes) -> Iterator[StreamEvent]:
        """Parses ``chunk`` and yields the events it completes."""
        text = self._decoder.decode(chunk)
        if self._at_start and text:
            self._at_start = False
            if text.startswith("\ufeff"):
                text = text[1:]
        if self._after_cr and text.startswith("\n"):
            text = text[1:]  # the LF of a CRLF whose CR ended the previous chunk
        self._after_cr = False
        buffer = self._pending + text
        start = 0
        length = len(buffer)
        while True:
            cr = buffer.find("\r", start)
            lf = buffer.find("\n", start)
            if cr == -1 and lf == -1:
                break
            end = lf if cr == -1 or (lf != -1 and lf < cr) else cr
            line = buffer[start:end]
            start = end + 1
            if buffer[end] == "\r":
                if start == length:
                    self._after_cr = True  # a LF may follow in the next chunk
                elif buffer[start] == "\n":
                    start += 1
            event = self._line(line)
            if event is not None:
                yield event
        self._pending = buffer[start:]

    def _line(self, line: str) -> Optional[StreamEvent]:
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        elif field == "id":
            if "\0" not in value:
                self._id_buffer = value
        elif field == "retry":
            if value and value.isascii() and value.isdigit() and self._on_retry is not None:
                self._on_retry(int(value))
        return None

    def _dispatch(self) -> Optional[StreamEvent]:
        # The last event id is set even when the event has no data (step 1 of "dispatch the event").
        self.last_event_id = self._id_buffer
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if not data:
            return None
        return StreamEvent(event=event or "message", data="\n".join(data), id=self.last_event_id or None)
