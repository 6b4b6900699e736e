"""Publishing each kind of input to a real relay, and reading back what the relay stored."""

import io
import json
import unittest
import urllib.request

from image_relay import Relay, RelayImage, RelayRequestError

import support


class PublishToRelay(unittest.TestCase):
    def setUp(self) -> None:
        self.url = support.relay_url(self)
        self.relay = Relay(self.url)
        self.channel = support.unique_channel()

    def tearDown(self) -> None:
        self.relay.close()

    def stored(self, image: RelayImage) -> bytes:
        """The bytes the relay serves for the image, fetched without the client."""
        with urllib.request.urlopen(self.url + image.url, timeout=10) as response:
            return response.read()

    def test_a_path_bytes_and_file_objects_are_sent_as_they_are(self) -> None:
        path = support.fixture("video-001.jpeg")
        with open(path, "rb") as file:
            original = file.read()
        with open(path, "rb") as file:
            inputs = [path, original, bytearray(original), memoryview(original), io.BytesIO(original), file]
            for given in inputs:
                with self.subTest(kind=type(given).__name__):
                    image = self.relay.publish(given, channel=self.channel)
                    self.assertEqual((image.type, image.width, image.height, image.size), ("image/jpeg", 150, 103, len(original)))
                    self.assertEqual(self.stored(image), original)
                    self.assertEqual(image.fetch(), original)

    def test_metadata_and_a_caption_travel_with_the_image(self) -> None:
        image = self.relay.publish(support.fixture("video-001.png"), channel=self.channel, meta={"step": 1200, "loss": 0.031, "名": "ü"}, caption="front door")
        self.assertEqual(image.meta, {"step": 1200, "loss": 0.031, "名": "ü", "caption": "front door"})
        with urllib.request.urlopen(f"{self.url}/channels/{self.channel}/images", timeout=10) as response:
            listed = json.load(response)["images"]
        self.assertEqual(listed[-1]["meta"]["caption"], "front door")

    def test_numpy_arrays_of_each_shape_arrive_as_png_with_their_pixels(self) -> None:
        numpy = support.require(self, "numpy", "python3-numpy")
        pil = support.require(self, "PIL.Image", "python3-pil")
        ramp = numpy.arange(48 * 64 * 4, dtype=numpy.uint32).reshape(48, 64, 4) % 251
        cases = {
            "HxW": (ramp[:, :, 0].astype(numpy.uint8), "L"),
            "HxWx1": (ramp[:, :, :1].astype(numpy.uint8), "L"),
            "HxWx3": (ramp[:, :, :3].astype(numpy.uint8), "RGB"),
            "HxWx4": (ramp.astype(numpy.uint8), "RGBA"),
            "BGR to RGB view (not contiguous)": (ramp[:, :, 2::-1].astype(numpy.uint8)[:, ::2], "RGB"),
        }
        for name, (array, mode) in cases.items():
            with self.subTest(shape=name):
                image = self.relay.publish(array, channel=self.channel)
                self.assertEqual((image.type, image.width, image.height), ("image/png", array.shape[1], array.shape[0]))
                decoded = pil.open(io.BytesIO(self.stored(image)))
                self.assertEqual(decoded.mode, mode)
                expected = array.reshape(array.shape[0], array.shape[1]) if mode == "L" else array
                self.assertTrue(numpy.array_equal(numpy.asarray(decoded), expected), "the pixels came back as sent")

    def test_numpy_as_jpeg_through_pillow(self) -> None:
        numpy = support.require(self, "numpy", "python3-numpy")
        support.require(self, "PIL.Image", "python3-pil")
        frame = numpy.full((120, 160, 3), (200, 40, 40), dtype=numpy.uint8)
        image = self.relay.publish(frame, channel=self.channel, format="jpeg", quality=70)
        self.assertEqual((image.type, image.width, image.height), ("image/jpeg", 160, 120))

    def test_numpy_arrays_the_relay_could_not_show_are_refused_before_sending(self) -> None:
        numpy = support.require(self, "numpy", "python3-numpy")
        with self.assertRaisesRegex(TypeError, "astype"):
            self.relay.publish(numpy.zeros((4, 4, 3), dtype=numpy.float32))
        with self.assertRaisesRegex(ValueError, "HxWx3"):
            self.relay.publish(numpy.zeros((4, 4, 2), dtype=numpy.uint8))
        with self.assertRaisesRegex(ValueError, "no pixels"):
            self.relay.publish(numpy.zeros((0, 4), dtype=numpy.uint8))

    def test_pillow_images_as_png_or_jpeg(self) -> None:
        pil = support.require(self, "PIL.Image", "python3-pil")
        rose = pil.open(support.fixture("yellow_rose.lossy-with-alpha.webp"))
        as_png = self.relay.publish(rose, channel=self.channel)
        self.assertEqual((as_png.type, as_png.width, as_png.height), ("image/png", 400, 301))
        self.assertEqual(pil.open(io.BytesIO(self.stored(as_png))).mode, "RGBA", "alpha kept in PNG")
        as_jpeg = self.relay.publish(rose, channel=self.channel, format="jpeg")
        self.assertEqual(as_jpeg.type, "image/jpeg", "alpha flattened for JPEG")
        palette = pil.open(support.fixture("basn3p08.png"))
        self.assertEqual(self.relay.publish(palette, channel=self.channel).type, "image/png")

    def test_matplotlib_figures_as_png_or_jpeg(self) -> None:
        matplotlib = support.require(self, "matplotlib", "python3-matplotlib")
        matplotlib.use("Agg")
        pyplot = support.require(self, "matplotlib.pyplot", "python3-matplotlib")
        figure, axes = pyplot.subplots(figsize=(4, 3), dpi=50)
        axes.plot([0, 1, 2], [2, 0, 1])
        try:
            image = self.relay.publish(figure, channel=self.channel, meta={"step": 10})
            self.assertEqual((image.type, image.width, image.height), ("image/png", 200, 150))
            support.require(self, "PIL.Image", "python3-pil")
            self.assertEqual(self.relay.publish(figure, channel=self.channel, format="jpeg").type, "image/jpeg")
        finally:
            pyplot.close(figure)

    def test_a_refusal_carries_the_relays_code_status_and_message(self) -> None:
        with self.assertRaises(RelayRequestError) as caught:
            self.relay.publish(b"not a picture", channel=self.channel)
        self.assertEqual((caught.exception.status, caught.exception.code), (415, "not_an_image"))
        self.assertIn("not an image", caught.exception.message)
        self.assertFalse(caught.exception.retryable)
        with self.assertRaises(RelayRequestError) as bad_channel:
            self.relay.publish(support.fixture("video-001.png"), channel="no spaces allowed")
        self.assertEqual(bad_channel.exception.code, "invalid_channel")

    def test_inputs_it_cannot_send_are_refused_with_a_type_error(self) -> None:
        with self.assertRaisesRegex(TypeError, "cannot publish a int"):
            self.relay.publish(42)  # type: ignore[arg-type]
        with self.assertRaisesRegex(TypeError, "binary mode"):
            self.relay.publish(io.StringIO("text"))
        with self.assertRaisesRegex(ValueError, "format applies"):
            self.relay.publish(b"\x89PNG", format="jpeg")

    def test_publishes_share_one_connection(self) -> None:
        for _ in range(5):
            self.relay.publish(support.fixture("video-001.png"), channel=self.channel)
        self.relay.latest(self.channel)
        self.assertEqual(self.relay.connections_opened, 1)

    def test_latest_is_the_newest_image(self) -> None:
        self.relay.publish(support.fixture("video-001.png"), channel=self.channel)
        newest = self.relay.publish(support.fixture("video-001.jpeg"), channel=self.channel)
        self.assertEqual(self.relay.latest(self.channel), self.stored(newest))


if __name__ == "__main__":
    unittest.main()
