"""Retries, Retry-After, errors and connection reuse, against a scripted server (a relay cannot 503 on cue)."""

import time
import unittest
from typing import List

from image_relay import Relay, RelayConnectionError, RelayRequestError, RetryPolicy

import support
from support import ScriptedServer, description, respond

with open(support.fixture("video-001.png"), "rb") as png_file:
    PNG = png_file.read()
FAST = RetryPolicy(retries=3, initial_delay=0.01, max_delay=0.05)


def publish(url: str) -> None:
    with Relay(url, retry=FAST) as relay:
        relay.publish(PNG)


class Retries(unittest.TestCase):
    def test_a_429_is_retried_after_the_seconds_retry_after_asks(self) -> None:
        steps = [respond(429, b'{"error":"rate_limited","message":"Too many publishes"}', {"Retry-After": "1"}), respond(201, description("1-0"))]
        with ScriptedServer(steps) as server:
            delays: List[float] = []
            with Relay(server.url, retry=FAST, on_retry=lambda error, delay: delays.append(delay)) as relay:
                started = time.monotonic()
                image = relay.publish(PNG, channel="cam-1")
                elapsed = time.monotonic() - started
        self.assertEqual(image.id, "1-0")
        self.assertEqual(delays, [1.0], "Retry-After, not the policy's 10 ms")
        self.assertGreaterEqual(elapsed, 1.0)
        self.assertEqual([request.body for request in server.requests], [PNG, PNG], "the same bytes sent again")

    def test_503s_are_retried_with_backoff_until_the_relay_takes_the_image(self) -> None:
        busy = respond(503, b'{"error":"backend_unavailable","message":"cannot reach its storage"}')
        with ScriptedServer([busy, busy, respond(201, description("2-0"))]) as server:
            errors: List[str] = []
            with Relay(server.url, retry=FAST, on_retry=lambda error, delay: errors.append(getattr(error, "code", ""))) as relay:
                self.assertEqual(relay.publish(PNG).id, "2-0")
        self.assertEqual(errors, ["backend_unavailable", "backend_unavailable"])

    def test_when_the_retries_run_out_the_last_refusal_is_raised(self) -> None:
        busy = respond(503, b'{"error":"shutting_down","message":"The relay is shutting down"}')
        with ScriptedServer([busy] * 4) as server:
            with self.assertRaises(RelayRequestError) as caught:
                publish(server.url)
        self.assertEqual((caught.exception.status, caught.exception.code, caught.exception.retryable), (503, "shutting_down", True))
        self.assertEqual(len(server.requests), 4, "the first try and three retries")

    def test_a_refusal_is_not_retried(self) -> None:
        with ScriptedServer([respond(413, b'{"error":"image_too_large","message":"The image is larger than this relay accepts."}')]) as server:
            with self.assertRaises(RelayRequestError) as caught:
                publish(server.url)
        self.assertEqual(caught.exception.code, "image_too_large")
        self.assertEqual(len(server.requests), 1)

    def test_a_retry_after_longer_than_a_minute_is_raised_rather_than_waited_out(self) -> None:
        with ScriptedServer([respond(429, b'{"error":"rate_limited","message":"wait"}', {"Retry-After": "3600"})]) as server:
            with self.assertRaises(RelayRequestError) as caught:
                publish(server.url)
        self.assertEqual(caught.exception.retry_after, 3600.0)

    def test_a_proxys_error_page_gives_the_status_line(self) -> None:
        with ScriptedServer([respond(404, b"<html>nginx</html>", content_type="text/html")]) as server:
            with self.assertRaises(RelayRequestError) as caught:
                publish(server.url)
        self.assertEqual((caught.exception.code, caught.exception.status), ("http_404", 404))

    def test_an_unreachable_relay_raises_a_connection_error_after_the_retries(self) -> None:
        with ScriptedServer([]) as server:
            url = server.url
        with self.assertRaises(RelayConnectionError):
            publish(url)


class Requests(unittest.TestCase):
    def test_the_body_is_raw_with_metadata_caption_and_token_beside_it(self) -> None:
        with ScriptedServer([respond(201, description("3-0", "cam 1"))]) as server:
            with Relay(server.url + "/", token="cam-device-secret-0001") as relay:
                relay.publish(PNG, channel="cam 1", meta={"step": 3}, caption="a b&c")
        request = server.requests[0]
        self.assertEqual(request.method, "POST")
        self.assertEqual(request.path, "/channels/cam%201/images?caption=a+b%26c")
        self.assertEqual(request.body, PNG, "raw bytes, not base64")
        self.assertEqual(request.headers["content-type"], "application/octet-stream")
        self.assertEqual(request.headers["x-image-meta"], '{"step":3}')
        self.assertEqual(request.headers["authorization"], "Bearer cam-device-secret-0001")

    def test_requests_reuse_one_connection_and_reopen_it_when_the_relay_closed_it(self) -> None:
        def close_after(handler, request) -> None:  # type: ignore[no-untyped-def]
            respond(201, description("4-1"), {"Connection": "close"})(handler, request)
            handler.close_connection = True

        with ScriptedServer([respond(201, description("4-0")), respond(201, description("4-0")), close_after, respond(201, description("4-2"))]) as server:
            with Relay(server.url, retry=FAST) as relay:
                for _ in range(4):
                    relay.publish(PNG)
        self.assertEqual([request.connection for request in server.requests], [1, 1, 1, 2])
        self.assertEqual(relay.connections_opened, 2)

    def test_a_relay_url_under_a_path_prefix_is_kept(self) -> None:
        with ScriptedServer([respond(201, description("5-0")), respond(200, PNG, content_type="image/png")]) as server:
            with Relay(server.url + "/relay/") as relay:
                relay.fetch(relay.publish(PNG))
        self.assertEqual([request.path for request in server.requests], ["/relay/channels/default/images", "/relay/channels/cam-1/images/5-0"])


if __name__ == "__main__":
    unittest.main()
