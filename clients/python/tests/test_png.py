"""The standard-library PNG writer: read back by an independent reader (zlib here, Pillow when installed)."""

import struct
import unittest
import zlib

from image_relay import encode_png

import support


def chunks(png: bytes) -> "list[tuple[bytes, bytes]]":
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    found, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind, data = png[offset + 4 : offset + 8], png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF, f"bad CRC in {kind!r}"
        found.append((kind, data))
        offset += 12 + length
    return found


class EncodePng(unittest.TestCase):
    def test_gray_rgb_and_rgba_have_the_right_header_and_pixels(self) -> None:
        for samples, colour_type in ((1, 0), (3, 2), (4, 6)):
            with self.subTest(samples=samples):
                width, height = 5, 3
                pixels = bytes((i * 7) % 256 for i in range(width * height * samples))
                found = chunks(encode_png(width, height, samples, pixels))
                self.assertEqual([kind for kind, _ in found], [b"IHDR", b"IDAT", b"IEND"])
                self.assertEqual(struct.unpack(">IIBBBBB", found[0][1]), (width, height, 8, colour_type, 0, 0, 0))
                raw = zlib.decompress(found[1][1])
                stride = width * samples
                rows = [raw[row * (stride + 1) : (row + 1) * (stride + 1)] for row in range(height)]
                self.assertTrue(all(row[0] == 0 for row in rows), "filter type 0 on every row")
                self.assertEqual(b"".join(row[1:] for row in rows), pixels)

    def test_pillow_reads_it_back_pixel_for_pixel(self) -> None:
        image_module = support.require(self, "PIL.Image", "python3-pil")
        import io

        pixels = bytes(range(256)) * 3
        image = image_module.open(io.BytesIO(encode_png(16, 16, 3, pixels)))
        self.assertEqual((image.mode, image.size), ("RGB", (16, 16)))
        self.assertEqual(image.tobytes(), pixels)

    def test_refuses_sizes_that_do_not_add_up(self) -> None:
        with self.assertRaises(ValueError):
            encode_png(2, 2, 3, b"\0" * 11)
        with self.assertRaises(ValueError):
            encode_png(2, 2, 2, b"\0" * 8)


if __name__ == "__main__":
    unittest.main()
