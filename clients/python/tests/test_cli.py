"""``python -m image_relay``, run as a user runs it, against a real relay."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from typing import List

import support


def run(args: List[str], url: str, stdin: bytes = b"") -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run(
        [sys.executable, "-m", "image_relay", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        env={**os.environ, "IMAGE_RELAY_URL": url},
    )


class Cli(unittest.TestCase):
    def setUp(self) -> None:
        self.url = support.relay_url(self)
        self.channel = support.unique_channel()
        self.folder = tempfile.mkdtemp(prefix="image-relay-cli-")

    def tearDown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def test_publish_prints_a_line_per_image_and_exits_1_naming_a_refusal(self) -> None:
        for name in ("frame-10.png", "frame-9.jpeg", "notes.txt"):
            source = support.fixture("video-001.png" if name.endswith(".png") else "video-001.jpeg")
            shutil.copy(source, os.path.join(self.folder, name))
        result = run(["publish", self.folder, "--channel", self.channel, "--meta", '{"run": 7}'], self.url)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = [line.split("\t") for line in result.stdout.decode().splitlines()]
        self.assertEqual([line[2] for line in lines], [os.path.join(self.folder, "frame-9.jpeg"), os.path.join(self.folder, "frame-10.png")], "name order, numbers as numbers")
        self.assertEqual([line[1] for line in lines], [self.channel] * 2)
        self.assertEqual(lines[1][4], "150x103")
        self.assertIn(b"published 2 of 2 images", result.stderr)

        refused = run(["publish", "-", "--channel", self.channel], self.url, stdin=b"not a picture")
        self.assertEqual(refused.returncode, 1)
        self.assertIn(b"stdin: The bytes are not an image", refused.stderr)
        self.assertIn(b"(not_an_image, 415)", refused.stderr)

    def test_usage_mistakes_exit_2_with_the_commands_usage(self) -> None:
        result = run(["publish", "x.png", "--meta", "[1]"], self.url)
        self.assertEqual(result.returncode, 2)
        self.assertIn(b"--meta takes a JSON object", result.stderr)
        self.assertEqual(run(["subscribe", "--retries", "many"], self.url).returncode, 2)

    def test_subscribe_prints_and_saves_each_image(self) -> None:
        child = subprocess.Popen(
            [sys.executable, "-m", "image_relay", "subscribe", "--channel", self.channel, "--out", self.folder, "--url", self.url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            self.assertIn(b"following", child.stderr.readline())  # type: ignore[union-attr]
            published = run(["publish", support.fixture("video-001.jpeg"), "--channel", self.channel], self.url)
            image_id = published.stdout.decode().split("\t")[0]
            line = child.stdout.readline().decode().rstrip("\n").split("\t")  # type: ignore[union-attr]
            self.assertEqual(line[:5], [image_id, self.channel, "image/jpeg", "21459", "150x103"])
            saved = os.path.join(self.folder, f"{image_id}.jpg")
            self.assertEqual(line[6], saved)
            with open(saved, "rb") as copy, open(support.fixture("video-001.jpeg"), "rb") as original:
                self.assertEqual(copy.read(), original.read())
        finally:
            child.send_signal(signal.SIGINT)
            self.assertEqual(child.wait(timeout=10), 0, "Ctrl-C ends it cleanly")
            child.stdout.close()  # type: ignore[union-attr]
            child.stderr.close()  # type: ignore[union-attr]

    def test_watch_publishes_a_new_file_once_it_is_fully_written(self) -> None:
        shutil.copy(support.fixture("video-001.png"), os.path.join(self.folder, "already-there.png"))
        child = subprocess.Popen(
            [sys.executable, "-m", "image_relay", "watch", self.folder, "--channel", self.channel, "--settle-ms", "300", "--url", self.url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            self.assertIn(b"watching", child.stderr.readline())  # type: ignore[union-attr]
            target = os.path.join(self.folder, "frame.jpeg")
            with open(support.fixture("video-001.jpeg"), "rb") as source:
                data = source.read()
            # Written in two parts with a pause shorter than --settle-ms: it must go out once, whole.
            with open(target, "wb") as file:
                file.write(data[:5000])
                file.flush()
                time.sleep(0.1)
                file.write(data[5000:])
            line = child.stdout.readline().decode().rstrip("\n").split("\t")  # type: ignore[union-attr]
            self.assertEqual(line[1:4], [self.channel, target, str(len(data))])
        finally:
            child.send_signal(signal.SIGINT)
            self.assertEqual(child.wait(timeout=10), 0)
            rest = child.stdout.read().decode()  # type: ignore[union-attr]
            child.stdout.close()  # type: ignore[union-attr]
            child.stderr.close()  # type: ignore[union-attr]
        self.assertEqual(rest, "", "published once, and the file already there was left alone")


if __name__ == "__main__":
    unittest.main()
