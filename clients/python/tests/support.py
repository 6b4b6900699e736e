"""Helpers of the client's tests: the relay they run against, optional libraries, and a scripted HTTP server.

A test that cannot run here (no relay URL, no Pillow) is skipped with a loud message; where
IMAGE_RELAY_REQUIRE_EXTERNALS=1 (CI, which installs everything) it fails instead, as the Node suite's do.
"""

from __future__ import annotations

import http.server
import importlib
import os
import sys
import threading
import unittest
import uuid
from types import ModuleType
from typing import Callable, List, Optional

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
FIXTURES = os.path.join(REPOSITORY, "test", "fixtures", "images")


def fixture(name: str) -> str:
    return os.path.join(FIXTURES, name)


def missing(test: unittest.TestCase, what: str) -> None:
    """Skips ``test`` loudly, or fails it in CI."""
    if os.environ.get("IMAGE_RELAY_REQUIRE_EXTERNALS") == "1":
        test.fail(f"FAILED: {what}")
    sys.stderr.write(f"\n*** SKIPPED: {what} ***\n")
    raise unittest.SkipTest(what)


def require(test: unittest.TestCase, module: str, debian_package: str) -> ModuleType:
    """The optional library ``module``, or a loud skip naming the package that brings it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        missing(test, f"no {module} for {sys.executable} (apt-get install {debian_package})")
        raise  # not reached: missing() raises


def relay_url(test: unittest.TestCase) -> str:
    """The relay the suite runs against: `npm test` starts one and passes its URL."""
    url = os.environ.get("IMAGE_RELAY_URL")
    if not url:
        missing(test, "no relay: set IMAGE_RELAY_URL to a running relay (npm test starts one)")
    return url  # type: ignore[return-value]


def unique_channel(prefix: str = "py") -> str:
    """A channel no other test uses: tests share one relay."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class Recorded:
    """One request the scripted server received."""

    def __init__(self, method: str, path: str, headers: "dict[str, str]", body: bytes, connection: int) -> None:
        self.method, self.path, self.headers, self.body, self.connection = method, path, headers, body, connection


#: What the scripted server does with a request: write a response through the handler.
Script = Callable[[http.server.BaseHTTPRequestHandler, Recorded], None]


class ScriptedServer:
    """A loopback HTTP/1.1 server (keep-alive) that answers each request with the next step of a script and
    records what it received, for what a real relay cannot be made to do on cue: 429s, 503s, dropped streams."""

    def __init__(self, steps: List[Script]) -> None:
        self.steps = list(steps)
        self.requests: List[Recorded] = []
        self.connections = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                server.connections += 1
                self.connection_number = server.connections

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorded = Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body, self.connection_number)
                server.requests.append(recorded)
                step = server.steps.pop(0) if server.steps else respond(500, b'{"error":"script_ended","message":"no more steps"}')
                step(self, recorded)

            do_GET = do_POST = _handle

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        # A short poll interval: shutdown() waits for the loop to notice.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> "ScriptedServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def respond(status: int, body: bytes, headers: Optional["dict[str, str]"] = None, content_type: str = "application/json") -> Script:
    def step(handler: http.server.BaseHTTPRequestHandler, _request: Recorded) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    return step


def description(image_id: str, channel: str = "cam-1") -> bytes:
    return (
        '{"id":"%s","channel":"%s","url":"/channels/%s/images/%s","thumbnailUrl":"","type":"image/png",'
        '"bytes":67,"width":1,"height":1,"publishedAt":"2026-01-01T00:00:00.000Z"}' % (image_id, channel, channel, image_id)
    ).encode()
