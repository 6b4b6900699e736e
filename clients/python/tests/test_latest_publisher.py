"""LatestPublisher: a callback's frames go out in the background, the newest winning while one is in flight."""

import threading
import unittest

from image_relay import LatestPublisher, Relay

import support
from support import ScriptedServer, description, respond


class LatestPublisherTest(unittest.TestCase):
    def test_keeps_only_the_newest_frame_waiting_while_one_is_sent(self) -> None:
        release = threading.Event()
        arrived = threading.Event()

        def slow(handler, request) -> None:  # type: ignore[no-untyped-def]
            arrived.set()
            release.wait(10)
            respond(201, description("1-0"))(handler, request)

        steps = [slow, respond(201, description("2-0"))]
        with ScriptedServer(steps) as server, Relay(server.url) as relay:
            published = []
            with LatestPublisher(relay, "cam-1", on_published=lambda image: published.append(image.id)) as publisher:
                publisher.submit(b"frame-1")
                self.assertTrue(arrived.wait(10))
                for frame in (b"frame-2", b"frame-3", b"frame-4"):
                    publisher.submit(frame, meta={"frame": frame.decode()})
                release.set()
                self.assertTrue(publisher.flush(10))
            self.assertEqual((publisher.published, publisher.skipped), (2, 2))
        self.assertEqual([request.body for request in server.requests], [b"frame-1", b"frame-4"])
        self.assertEqual(server.requests[1].headers["x-image-meta"], '{"frame":"frame-4"}')
        self.assertEqual(published, ["1-0", "2-0"])

    def test_an_error_is_reported_and_the_thread_goes_on(self) -> None:
        refused = respond(415, b'{"error":"not_an_image","message":"The bytes are not an image."}')
        with ScriptedServer([refused, respond(201, description("3-0"))]) as server, Relay(server.url) as relay:
            errors = []
            with LatestPublisher(relay, "cam-1", on_error=errors.append) as publisher:
                publisher.submit(b"text")
                publisher.flush(10)
                publisher.submit(42)  # not an image at all: a TypeError, reported the same way
                publisher.flush(10)
                publisher.submit(b"image")
            self.assertEqual(publisher.published, 1)
        self.assertEqual([type(error).__name__ for error in errors], ["RelayRequestError", "TypeError"])

    def test_numpy_frames_are_copied_on_submit(self) -> None:
        numpy = support.require(self, "numpy", "python3-numpy")
        frame = numpy.zeros((2, 2), dtype=numpy.uint8)
        with ScriptedServer([respond(201, description("4-0"))]) as server, Relay(server.url) as relay:
            with LatestPublisher(relay, "cam-1") as publisher:
                publisher.submit(frame)
                frame[:] = 255  # the driver reuses its buffer
                publisher.flush(10)
        self.assertNotIn(b"\xff", __import__("zlib").decompress(server.requests[0].body[41:-12]))


if __name__ == "__main__":
    unittest.main()
