"""Following channels: against a real relay, and against a scripted stream that drops and comes back."""

import threading
import time
import unittest
from typing import List, Optional

from image_relay import Relay, RelayRequestError

import support
from support import ScriptedServer, description, respond


def stream(body: bytes):  # type: ignore[no-untyped-def]
    """A step that answers with an event stream holding ``body``, then closes the connection (a drop)."""

    def step(handler, _request) -> None:  # type: ignore[no-untyped-def]
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body)
        handler.close_connection = True

    return step


def image_event(image_id: str) -> bytes:
    return b"id: " + image_id.encode() + b"\r\nevent: image\r\ndata: " + description(image_id) + b"\r\n\r\n"


class SubscribeToRelay(unittest.TestCase):
    def setUp(self) -> None:
        self.relay = Relay(support.relay_url(self))
        self.channel = support.unique_channel()

    def tearDown(self) -> None:
        self.relay.close()

    def publish(self, fixture: str = "video-001.png", channel: Optional[str] = None) -> str:
        return self.relay.publish(support.fixture(fixture), channel=channel or self.channel).id

    def test_gets_the_latest_image_at_once_then_each_new_one_with_bytes_on_demand(self) -> None:
        first = self.publish()
        seen: List[str] = []
        with self.relay.subscribe(self.channel) as images:
            for image in images:
                seen.append(image.id)
                if len(seen) == 1:
                    self.assertEqual((image.type, image.width, image.height), ("image/png", 150, 103))
                    with open(support.fixture("video-001.png"), "rb") as file:
                        self.assertEqual(image.fetch(), file.read())
                    second = self.publish("video-001.jpeg")
                else:
                    self.assertEqual(image.type, "image/jpeg")
                    break
        self.assertEqual(seen, [first, second])

    def test_follows_several_channels_on_one_stream(self) -> None:
        other = support.unique_channel()
        with self.relay.subscribe([self.channel, other]) as images:
            threading.Timer(0.2, lambda: (self.publish(), self.publish(channel=other))).start()
            channels = [next(images).channel, next(images).channel]
        self.assertEqual(channels, [self.channel, other])

    def test_resumes_after_a_last_event_id_with_what_history_holds(self) -> None:
        ids = [self.publish() for _ in range(3)]
        with self.relay.subscribe(self.channel, last_event_id=ids[0]) as images:
            replayed = [next(images).id, next(images).id]
            self.assertEqual(images.last_event_id, ids[2])
        self.assertEqual(replayed, ids[1:])

    def test_close_from_another_thread_ends_the_loop(self) -> None:
        subscription = self.relay.subscribe(self.channel)
        threading.Timer(0.3, subscription.close).start()
        started = time.monotonic()
        self.assertEqual(list(subscription), [])
        self.assertLess(time.monotonic() - started, 5)

    def test_a_bad_channel_name_is_raised_not_retried(self) -> None:
        states: List[str] = []
        subscription = self.relay.subscribe("no spaces", on_state=lambda state, error: states.append(state))
        with self.assertRaises(RelayRequestError) as caught:
            next(subscription)
        self.assertEqual(caught.exception.code, "invalid_channel")
        self.assertEqual(states, ["connecting", "closed"])


class Reconnection(unittest.TestCase):
    def test_reconnects_with_last_event_id_after_a_drop_waiting_the_retry_hint(self) -> None:
        steps = [stream(b"retry: 50\r\n: hello\r\n\r\n" + image_event("10-0")), stream(image_event("11-0"))]
        with ScriptedServer(steps) as server, Relay(server.url) as relay:
            states: List[str] = []
            with relay.subscribe("cam-1", reconnect_delay=30, on_state=lambda state, error: states.append(state)) as images:
                received = [next(images).id, next(images).id]
                connections = images.connections
        self.assertEqual(received, ["10-0", "11-0"])
        self.assertEqual(connections, 2)
        self.assertNotIn("last-event-id", server.requests[0].headers)
        self.assertEqual(server.requests[1].headers["last-event-id"], "10-0", "resumed after the image it saw")
        self.assertEqual(server.requests[0].path, "/events?channel=cam-1")
        self.assertEqual(states[:4], ["connecting", "live", "reconnecting", "reconnecting"])

    def test_a_busy_relay_is_tried_again_and_a_given_last_event_id_is_sent_first(self) -> None:
        busy = respond(503, b'{"error":"shutting_down","message":"stopping"}', {"Retry-After": "0"})
        with ScriptedServer([busy, stream(image_event("21-0"))]) as server, Relay(server.url, token="wall-screen-secret-0001") as relay:
            with relay.subscribe(["a", "b"], last_event_id="20-0", reconnect_delay=0.05) as images:
                self.assertEqual(next(images).id, "21-0")
        self.assertEqual([request.headers.get("last-event-id") for request in server.requests], ["20-0", "20-0"])
        self.assertEqual(server.requests[1].headers["authorization"], "Bearer wall-screen-secret-0001")
        self.assertEqual(server.requests[1].path, "/events?channel=a&channel=b")

    def test_an_answer_that_is_not_an_event_stream_ends_the_subscription(self) -> None:
        with ScriptedServer([respond(200, b"<html></html>", content_type="text/html")]) as server, Relay(server.url) as relay:
            with self.assertRaises(RelayRequestError) as caught:
                next(relay.subscribe("cam-1"))
        self.assertEqual(caught.exception.code, "not_an_event_stream")


if __name__ == "__main__":
    unittest.main()
