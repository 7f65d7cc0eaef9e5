"""Preview the output folder on localhost, with HTTP Range support so players can seek."""

from __future__ import annotations

import http.server
import logging
import os
import re
import threading
from functools import partial
from pathlib import Path

from .errors import UsageError

log = logging.getLogger(__name__)
_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


class RangeRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from one folder; answers Range requests with 206 Partial Content.

    Chromium cannot seek an <audio> whose server ignores Range (DESIGN.md), so without
    this no chapter button in the page would work.
    """

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mp3": "audio/mpeg",
        ".vtt": "text/vtt",
        ".srt": "application/x-subrip",
        ".m3u": "audio/x-mpegurl",
        ".json": "application/json",
        ".xml": "application/rss+xml",
        ".txt": "text/plain; charset=utf-8",
    }

    def send_head(self):  # type: ignore[no-untyped-def]
        path = self.translate_path(self.path)
        header = self.headers.get("Range")
        if header is None or os.path.isdir(path):
            return super().send_head()
        match = _RANGE.match(header.strip())
        try:
            handle = open(path, "rb")  # noqa: SIM115 - handed to the base class to stream
        except OSError:
            self.send_error(404, "File not found")
            return None
        size = os.fstat(handle.fileno()).st_size
        if not match or (not match.group(1) and not match.group(2)):
            handle.close()
            self.send_error(416, "Range Not Satisfiable")
            return None
        if match.group(1):
            start = int(match.group(1))
            end = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
        else:  # the last N bytes
            start, end = max(0, size - int(match.group(2))), size - 1
        if start >= size or start > end:
            handle.close()
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.end_headers()
            return None
        handle.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self._remaining = end - start + 1
        return handle

    def copyfile(self, source, outputfile):  # type: ignore[no-untyped-def]
        remaining = getattr(self, "_remaining", None)
        if remaining is None:
            return super().copyfile(source, outputfile)
        while remaining > 0:
            block = source.read(min(64 * 1024, remaining))
            if not block:
                break
            outputfile.write(block)
            remaining -= len(block)
        self._remaining = None

    def end_headers(self) -> None:
        if not self.headers.get("Range"):
            self.send_header("Accept-Ranges", "bytes")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.info("%s %s", self.address_string(), format % args)


def make_server(
    folder: Path, host: str = "127.0.0.1", port: int = 8000
) -> http.server.ThreadingHTTPServer:
    if not folder.is_dir():
        raise UsageError(
            "there is nothing to serve yet.",
            path=folder,
            fix="Run 'imnm-audio build' first, or pass --out DIR.",
        )
    handler = partial(RangeRequestHandler, directory=str(folder.resolve()))
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as err:
        raise UsageError(
            f"cannot listen on {host}:{port} ({err.strerror}).",
            fix="Choose another port with --port.",
        ) from None


def serve_in_background(
    folder: Path, host: str = "127.0.0.1", port: int = 0
) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start a server on a thread; return it and its base URL (port 0 picks a free one)."""
    server = make_server(folder, host, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}/"
