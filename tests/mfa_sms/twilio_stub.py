"""A local HTTP server that speaks the part of Twilio's Messages API the backend uses.

Each POST to /2010-04-01/Accounts/<sid>/Messages.json takes the next scripted answer:
"ok" (201 with a message), ("error", http_status, twilio_code), "timeout" (answers after
the client gave up: the message is kept, as Twilio would), "hold" (keeps the message and
holds the request until released or the server stops). GET on the same path lists the
kept messages, filtered by To like Twilio does.
"""

import base64
import json
import threading
import uuid
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from django.utils import timezone

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "stub-auth-token-not-a-secret"


class TwilioStub:
    def __init__(self):
        self.script: list = []
        self.requests: list[dict] = []  # every POST received, in order
        self.messages: list[dict] = []  # messages Twilio would hold (accepted)
        self.release = threading.Event()
        self.received = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def _message(self, form: dict) -> dict:
        now = timezone.now()
        return {
            "sid": "SM" + uuid.uuid4().hex, "account_sid": ACCOUNT_SID, "to": form.get("To", ""),
            "from": form.get("From", ""), "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form.get("Body", ""), "status": "queued", "date_created": format_datetime(now),
            "date_updated": format_datetime(now), "date_sent": format_datetime(now), "direction": "outbound-api",
            "num_segments": "1", "error_code": None, "error_message": None, "price": None, "uri": "",
            "_at": now,
        }

    def _handler(stub):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _authorised(self) -> bool:
                expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
                return self.headers.get("Authorization") == f"Basic {expected}"

            def _send(self, status: int, payload: dict):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _public(self, message):
                return {k: v for k, v in message.items() if not k.startswith("_")}

            def do_GET(self):
                if not self._authorised():
                    return self._send(401, {"code": 20003, "message": "Authenticate", "status": 401})
                query = parse_qs(urlparse(self.path).query)
                to = query.get("To", [None])[0]
                found = [self._public(m) for m in stub.messages if to is None or m["to"] == to]
                self._send(200, {"messages": found, "next_page_uri": None, "page": 0, "page_size": 50,
                                 "uri": urlparse(self.path).path, "first_page_uri": urlparse(self.path).path})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if not self._authorised():
                    return self._send(401, {"code": 20003, "message": "Authenticate", "status": 401})
                stub.requests.append(form)
                stub.received.set()
                step = stub.script.pop(0) if stub.script else "ok"
                if step in {"ok", "timeout", "hold"}:
                    message = stub._message(form)
                    stub.messages.append(message)
                    if step == "timeout":
                        stub.release.wait(3)
                    elif step == "hold":
                        stub.release.wait(120)
                    return self._send(201, self._public(message))
                _kind, status, code = step
                self._send(status, {"code": code, "message": f"Stub error {code}", "status": status,
                                    "more_info": f"https://www.twilio.com/docs/errors/{code}"})

        return Handler
