"""The event-stream parser against the cases of the WHATWG standard (9.2.6) that clients get wrong."""

import unittest
from typing import List, Optional

from image_relay import EventStreamParser, StreamEvent


def parse(chunks: List[bytes], last_event_id: Optional[str] = None) -> "tuple[List[StreamEvent], List[int], EventStreamParser]":
    retries: List[int] = []
    parser = EventStreamParser(last_event_id, on_retry=retries.append)
    events = [event for chunk in chunks for event in parser.feed(chunk)]
    return events, retries, parser


class LineEnds(unittest.TestCase):
    def test_lf_cr_and_crlf_all_end_lines(self) -> None:
        for ending in (b"\n", b"\r", b"\r\n"):
            with self.subTest(ending=ending):
                events, _, _ = parse([b"data: a" + ending + b"data: b" + ending + ending])
                self.assertEqual(events, [StreamEvent("message", "a\nb", None)])

    def test_a_crlf_split_between_chunks_is_one_line_end(self) -> None:
        events, _, _ = parse([b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"])
        self.assertEqual([event.data for event in events], ["a\nb"])

    def test_any_chunking_gives_the_same_events(self) -> None:
        stream = "\ufeffid: 7\r\nevent: image\r\ndata: {\"é\": 1}\r\n: comment\r\n\r\ndata: x\n\n".encode()
        whole, _, _ = parse([stream])
        for size in (1, 2, 3, 5):
            with self.subTest(size=size):
                chunked, _, _ = parse([stream[i : i + size] for i in range(0, len(stream), size)])
                self.assertEqual(chunked, whole)
        self.assertEqual(whole, [StreamEvent("image", '{"é": 1}', "7"), StreamEvent("message", "x", "7")])


class Fields(unittest.TestCase):
    def test_comments_are_ignored_and_heartbeats_dispatch_nothing(self) -> None:
        events, _, _ = parse([b": heartbeat\n\n: another\n\ndata: real\n\n"])
        self.assertEqual([event.data for event in events], ["real"])

    def test_one_leading_space_is_dropped_and_no_colon_means_an_empty_value(self) -> None:
        events, _, _ = parse([b"data:  two spaces\ndata\ndata:none\n\n"])
        self.assertEqual(events[0].data, " two spaces\n\nnone")

    def test_an_event_without_data_is_not_dispatched_but_its_id_is_kept(self) -> None:
        events, _, parser = parse([b"id: 5\nevent: image\n\ndata: after\n\n"])
        self.assertEqual(events, [StreamEvent("message", "after", "5")], "the event type was reset, the id kept")
        self.assertEqual(parser.last_event_id, "5")

    def test_the_last_event_id_carries_over_an_empty_id_resets_it_and_nul_is_ignored(self) -> None:
        events, _, _ = parse([b"id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: x\x00y\ndata: d\n\n"])
        self.assertEqual([event.id for event in events], ["1", "1", None, None])

    def test_retry_takes_digits_only(self) -> None:
        _, retries, _ = parse([b"retry: 2000\nretry: 1.5\nretry: -1\nretry:\nretry: 30\n\n"])
        self.assertEqual(retries, [2000, 30])

    def test_unknown_fields_are_ignored_and_an_unterminated_event_is_not_dispatched(self) -> None:
        events, _, _ = parse([b"foo: bar\ndata: done\n\ndata: half"])
        self.assertEqual([event.data for event in events], ["done"])

    def test_a_byte_order_mark_is_dropped_only_at_the_start(self) -> None:
        events, _, _ = parse(["\ufeffdata: a\n\n".encode(), "data: \ufeffb\n\n".encode()])
        self.assertEqual([event.data for event in events], ["a", "\ufeffb"])

    def test_invalid_utf8_becomes_the_replacement_character(self) -> None:
        events, _, _ = parse([b"data: \xff\n\n"])
        self.assertEqual(events[0].data, "\ufffd")

    def test_a_utf8_character_split_between_chunks_is_decoded_whole(self) -> None:
        encoded = "data: é\n\n".encode()
        events, _, _ = parse([encoded[:7], encoded[7:]])
        self.assertEqual(events[0].data, "é")

    def test_the_starting_last_event_id_is_the_one_given(self) -> None:
        events, _, _ = parse([b"data: a\n\n"], last_event_id="9")
        self.assertEqual(events[0].id, "9")


if __name__ == "__main__":
    unittest.main()
