"""The command line: ``publish``, ``watch`` and ``subscribe``, with the Node CLI's flags and output.

Lines for pipes go to stdout (tab-separated, one per image); progress, retries and errors go to stderr.
Exit codes: 0 done, 1 an image was refused or the relay could not be reached, 2 a usage mistake.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from typing import Any, Dict, List, Mapping, NoReturn, Optional, Sequence, TextIO, Tuple

from ._client import DEFAULT_URL, Relay
from ._errors import RelayError, RelayRequestError
from ._model import RelayImage
from ._retry import DEFAULT_RETRY, RetryPolicy

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif")
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp", "image/avif": "avif"}
#: As the Node CLI: writers rarely pause this long mid-file, and a frame still goes out within a second.
DEFAULT_SETTLE_MS = 500
#: How often ``watch`` looks at the folder: the standard library has no portable change notification.
POLL_SECONDS = 0.1


class UsageError(Exception):
    def __init__(self, message: str, parser: Optional[argparse.ArgumentParser] = None) -> None:
        super().__init__(message)
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message, self)


def looks_like_image_file(name: str) -> bool:
    # Hidden and temporary files are what writers create before renaming into place.
    base = os.path.basename(name)
    return base.lower().endswith(IMAGE_SUFFIXES) and not base.startswith(".")


def _client_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help=f"the relay (env IMAGE_RELAY_URL; default {DEFAULT_URL})")
    parser.add_argument("--token", help="access token, sent as a Bearer token (env IMAGE_RELAY_TOKEN)")
    parser.add_argument("--retries", help="tries again N times on network errors, 429 and 502-504, with backoff (default 5)")


def _relay_from(args: argparse.Namespace, env: Mapping[str, str], stderr: TextIO) -> Relay:
    retries = args.retries if args.retries is not None else env.get("IMAGE_RELAY_RETRIES")
    if retries is not None and not retries.isdigit():
        raise UsageError(f'--retries takes a whole number, not "{retries}"')
    policy = RetryPolicy(retries=int(retries)) if retries is not None else DEFAULT_RETRY

    def on_retry(error: RelayError, delay: float) -> None:
        stderr.write(f"image-relay: {error}; retrying in {delay:.1f} s\n")

    return Relay(
        args.url or env.get("IMAGE_RELAY_URL") or DEFAULT_URL,
        args.token or env.get("IMAGE_RELAY_TOKEN") or None,
        retry=policy,
        on_retry=on_retry,
    )


def _milliseconds(value: Optional[str], flag: str, default: int) -> int:
    if value is None:
        return default
    if not value.isdigit():
        raise UsageError(f'--{flag} takes whole milliseconds, not "{value}"')
    return int(value)


def _line(image: RelayImage, source: str) -> str:
    return "\t".join([image.id, image.channel, source, str(image.size), f"{image.width}x{image.height}"])


def _expand(paths: Sequence[str]) -> List[str]:
    """Files as given; folders as their image files in name order (numbers in names compared as numbers)."""
    files: List[str] = []
    for given in paths:
        if not os.path.isdir(given):
            files.append(given)
            continue
        names = [name for name in os.listdir(given) if looks_like_image_file(name)]
        files.extend(os.path.join(given, name) for name in sorted(names, key=_natural_key))
    return files


def _natural_key(name: str) -> Tuple[Any, ...]:
    import re

    return tuple(int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name))


class _Progress:
    """A bar on a terminal (stderr, so stdout stays clean), one line per image when stdout is piped."""

    def __init__(self, stdout: TextIO, stderr: TextIO, total: int) -> None:
        self._stdout, self._stderr, self._total, self._done = stdout, stderr, total, 0
        self._interactive = stdout.isatty() and stderr.isatty()

    def step(self, line: str) -> None:
        self._done += 1
        if not self._interactive:
            self._stdout.write(line + "\n")
            self._stdout.flush()
            return
        width = 40
        filled = round(self._done / self._total * width) if self._total else width
        self._stderr.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {self._done}/{self._total} ")
        self._stderr.flush()

    def finish(self, summary: str) -> None:
        if self._interactive:
            self._stderr.write("\n")
        self._stderr.write(summary + "\n")


def _publish(args: argparse.Namespace, env: Mapping[str, str], stdin: Any, stdout: TextIO, stderr: TextIO) -> int:
    interval = _milliseconds(args.interval, "interval", 0)
    meta: Optional[Dict[str, Any]] = None
    if args.meta is not None:
        try:
            meta = json.loads(args.meta)
        except ValueError:
            meta = None
        if not isinstance(meta, dict):
            raise UsageError("--meta takes a JSON object")
    relay = _relay_from(args, env, stderr)
    sources = ["-"] if "-" in args.files else _expand(args.files)
    progress = _Progress(stdout, stderr, len(sources))
    failures = 0
    with relay:
        for index, source in enumerate(sources):
            if index > 0 and interval > 0:
                time.sleep(interval / 1000)
            name = "stdin" if source == "-" else source
            try:
                image = relay.publish(stdin if source == "-" else source, args.channel, meta, args.caption)
                progress.step(_line(image, name))
            except (RelayError, OSError) as error:
                failures += 1
                stderr.write(f"image-relay: {name}: {_describe(error)}\n")
    plural = "" if len(sources) == 1 else "s"
    progress.finish(f"published {len(sources) - failures} of {len(sources)} image{plural}")
    return 0 if failures == 0 else 1


def _describe(error: BaseException) -> str:
    if isinstance(error, RelayRequestError):
        return f"{error.message} ({error.code}, {error.status})"
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    return str(error)


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handler(_signum: int, _frame: Any) -> None:
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, handler)
    return stop


def _watch(args: argparse.Namespace, env: Mapping[str, str], stdout: TextIO, stderr: TextIO) -> int:
    folder = args.folder
    if not os.path.isdir(folder):
        raise UsageError(f"{folder} is not a folder")
    settle = _milliseconds(args.settle_ms, "settle-ms", DEFAULT_SETTLE_MS) / 1000
    relay = _relay_from(args, env, stderr)
    stop = _stop_on_signals()

    def versions() -> Dict[str, Tuple[int, float]]:
        found: Dict[str, Tuple[int, float]] = {}
        with os.scandir(folder) as entries:
            for entry in entries:
                if looks_like_image_file(entry.name) and entry.is_file():
                    info = entry.stat()
                    found[entry.path] = (info.st_size, info.st_mtime)
        return found

    # Files already there at start are left alone, as the Node CLI does; a later change publishes them.
    published: Dict[str, Tuple[int, float]] = versions()
    # A file's version and since when it has stood still.
    settling: Dict[str, Tuple[Tuple[int, float], float]] = {}
    stderr.write(f'image-relay: watching {folder} for images to publish to "{args.channel}"\n')
    stderr.flush()
    with relay:
        while not stop.wait(POLL_SECONDS):
            now = time.monotonic()
            for path, version in versions().items():
                if version[0] == 0 or published.get(path) == version:
                    continue
                seen = settling.get(path)
                if seen is None or seen[0] != version:
                    settling[path] = (version, now)
                    continue
                if now - seen[1] < settle:
                    continue
                del settling[path]
                # A refused version is not tried again until the file changes again.
                published[path] = version
                try:
                    image = relay.publish(path, args.channel)
                    stdout.write(_line(image, path) + "\n")
                    stdout.flush()
                except (RelayError, OSError) as error:
                    stderr.write(f"image-relay: {path}: {_describe(error)}\n")
                    stderr.flush()
    return 0


def _subscribe(args: argparse.Namespace, env: Mapping[str, str], stdout: TextIO, stderr: TextIO) -> int:
    relay = _relay_from(args, env, stderr)
    channels = args.channel or ["default"]
    if args.out:
        os.makedirs(args.out, exist_ok=True)

    def on_state(state: str, error: Optional[BaseException]) -> None:
        if state == "reconnecting" and error is not None:
            stderr.write(f"image-relay: connection lost ({error}); reconnecting\n")
        elif state == "live":
            stderr.write(f"image-relay: following {', '.join(channels)}\n")
        stderr.flush()

    subscription = relay.subscribe(channels, args.after, on_state=on_state)
    stop = _stop_on_signals()
    def close_on_signal() -> None:
        stop.wait()
        subscription.close()

    # The loop blocks in a read; a signal closes the subscription from a helper thread, which wakes it.
    threading.Thread(target=close_on_signal, daemon=True).start()
    try:
        for image in subscription:
            saved = ""
            if args.out:
                try:
                    saved = "\t" + _save(relay, image, args.out)
                except (RelayError, OSError) as error:
                    stderr.write(f"image-relay: {image.id}: {_describe(error)}\n")
            stdout.write("\t".join([image.id, image.channel, image.type, str(image.size), f"{image.width}x{image.height}", image.url]) + saved + "\n")
            stdout.flush()
    except RelayError as error:
        stderr.write(f"image-relay: {_describe(error)}\n")
        return 1
    finally:
        relay.close()
    return 0


def _save(relay: Relay, image: RelayImage, folder: str) -> str:
    name = f"{image.id}.{EXTENSIONS.get(image.type, 'bin')}"
    path = os.path.join(folder, name)
    # Written under a hidden name, then renamed: whoever watches the folder never sees half an image.
    partial = os.path.join(folder, f".{name}.partial")
    with open(partial, "wb") as file:
        file.write(relay.fetch(image))
    os.replace(partial, path)
    return path


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m image_relay", description="Publish images to an image-relay and follow its channels.")
    commands = parser.add_subparsers(dest="command", metavar="<command>", parser_class=_Parser)

    publish = commands.add_parser(
        "publish",
        help="publish image files, a folder of them, or stdin",
        description="Publishes each file (a folder's images in name order; - reads one image from stdin). Prints one "
        "line per image when piped (id, channel, file, bytes, dimensions). Transient failures are retried; a refused "
        "image is reported with the relay's reason and the exit code is 1.",
    )
    publish.add_argument("files", nargs="+", metavar="file|folder|-")
    publish.add_argument("--channel", default="default", help='channel to publish to (default "default")')
    publish.add_argument("--interval", metavar="MS", help="pause between images (e.g. 1000 for one per second)")
    publish.add_argument("--caption", help="caption carried with every image")
    publish.add_argument("--meta", metavar="JSON", help="metadata object carried with every image")
    _client_flags(publish)

    watch = commands.add_parser(
        "watch",
        help="publish each new or changed image file in a folder",
        description="Publishes every image file that appears or changes in the folder, once its size and time have "
        "stood still for --settle-ms. Files already there at start are left alone. Ctrl-C stops it.",
    )
    watch.add_argument("folder")
    watch.add_argument("--channel", default="default", help='channel to publish to (default "default")')
    watch.add_argument("--settle-ms", metavar="MS", help=f"how long a file must stand still (default {DEFAULT_SETTLE_MS})")
    _client_flags(watch)

    subscribe = commands.add_parser(
        "subscribe",
        help="print (and save) every image published to channels",
        description="Follows channels and prints one line per image (id, channel, type, bytes, dimensions, url). "
        "Reconnects by itself and resumes after the last image it saw. Ctrl-C stops it.",
    )
    subscribe.add_argument("--channel", action="append", help='a channel to follow; repeat for several ("*" for all)')
    subscribe.add_argument("--out", metavar="FOLDER", help="save each image there as <id>.<ext>")
    subscribe.add_argument("--after", metavar="ID", help="start after this event id (replays what history holds)")
    _client_flags(subscribe)
    return parser


def main(
    argv: Sequence[str],
    env: Optional[Mapping[str, str]] = None,
    stdin: Any = None,
    stdout: Optional[TextIO] = None,
    stderr: Optional[TextIO] = None,
) -> int:
    env = os.environ if env is None else env
    stdin = sys.stdin.buffer if stdin is None else stdin
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    parser = _parser()
    try:
        args = parser.parse_args(list(argv))
        if args.command == "publish":
            return _publish(args, env, stdin, out, err)
        if args.command == "watch":
            return _watch(args, env, out, err)
        if args.command == "subscribe":
            return _subscribe(args, env, out, err)
        parser.print_help(out)
        return 2
    except UsageError as error:
        err.write(f"image-relay: {error}\n\n")
        (error.parser or parser).print_usage(err)
        return 2
