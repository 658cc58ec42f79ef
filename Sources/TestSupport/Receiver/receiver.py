#!/usr/bin/env python3
"""A webhook receiver for the Webhooks and edge integration tests.

Every request is verified with the reference `standardwebhooks` library and recorded, with the
verdict, as one JSON line in --log (before the response is sent, so a request that times out is
recorded too). Responses follow --responses in order, then --then for every later request:

  200, 410, 500 ...   answer with that status
  429@2               answer 429 with `Retry-After: 2`
  sleep:3             wait 3 seconds, then answer 200 (longer than the sender's timeout)

Usage: receiver.py --port 8080 --secret whsec_... --log requests.jsonl [--responses 500,200] [--then 200]
                   [--tls-cert server.crt --tls-key server.key]   (HTTPS)
"""

import argparse
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--responses", default="")
    parser.add_argument("--then", default="200")
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate")
    parser.add_argument("--tls-key", help="the certificate's key")
    args = parser.parse_args()

    webhook = Webhook(args.secret)
    script = [token for token in args.responses.split(",") if token]
    lock = threading.Lock()
    state = {"count": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                webhook.verify(body, headers)
                verified, error = True, None
            except Exception as exc:  # the verdict is data for the test
                verified, error = False, f"{type(exc).__name__}: {exc}"
            with lock:
                index = state["count"]
                state["count"] += 1
                token = script[index] if index < len(script) else args.then
                record = {
                    "n": index,
                    "at": time.time(),
                    "path": self.path,
                    "id": headers.get("webhook-id"),
                    "timestamp": headers.get("webhook-timestamp"),
                    "signature": headers.get("webhook-signature"),
                    "content_type": headers.get("content-type"),
                    "user_agent": headers.get("user-agent"),
                    "body": body.decode("utf-8", errors="replace"),
                    "verified": verified,
                    "error": error,
                    "response": token,
                }
                with open(args.log, "a", encoding="utf-8") as log:
                    log.write(json.dumps(record) + "\n")
            status, extra = 200, {}
            if token.startswith("sleep:"):
                time.sleep(float(token.split(":", 1)[1]))
            elif "@" in token:
                code, retry_after = token.split("@", 1)
                status, extra = int(code), {"Retry-After": retry_after}
            else:
                status = int(token)
            try:
                reply = b'{"ok":true}' if 200 <= status < 300 else b'{"error":"scripted"}'
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up (timeout): expected in the timeout tests

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # the JSON lines are the record

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"listening on 127.0.0.1:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
