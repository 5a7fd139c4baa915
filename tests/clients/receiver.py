"""A webhook endpoint on loopback for the flow: it keeps each delivery's headers and raw
body and answers 200. The wallet delivers to loopback only when its operator lists the
origin in `webhook_private_origins` (BC_WEBHOOK_PRIVATE_ORIGINS; docs/webhooks.md), as
scripts/test.sh does for its own demo server.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, port: int):
        self.deliveries: list[tuple[dict[str, str], bytes]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.deliveries.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, predicate, timeout: float) -> list[tuple[dict[str, str], bytes]]:
        """The deliveries once `predicate(deliveries)` holds, or all of them at the timeout."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                seen = list(self.deliveries)
            if predicate(seen) or time.monotonic() >= deadline:
                return seen
            time.sleep(0.2)
