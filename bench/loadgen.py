"""A small closed-loop HTTP load generator on asyncio streams.

Each virtual client sends one request at a time over a fresh connection (gunicorn's sync
workers close every connection) and keeps its own cookies, so the client side stays a thin
event loop: on loopback it drives thousands of requests a second from one core, well above
what the servers measured here answer.
"""

import asyncio
import re
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE | re.DOTALL)
_ATTR = re.compile(r'([a-zA-Z_:-]+)\s*=\s*"([^"]*)"')


@dataclass
class Response:
    status: int
    headers: dict[str, list[str]]
    body: bytes

    def header(self, name: str) -> str:
        values = self.headers.get(name.lower())
        return values[0] if values else ""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One browser (or one relying service): cookies in, cookies out."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, target: str, *, data: dict | None = None, headers: dict | None = None,
                      timeout: float = 30.0) -> Response:
        parts = urlsplit(target)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        body = urlencode(data).encode() if data is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: close",
                 "User-Agent: eulogin-bench", "Accept-Language: en"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if data is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), timeout)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            raw = await asyncio.wait_for(reader.read(-1), timeout)
        finally:
            writer.close()
        response = _parse(raw)
        for cookie in response.headers.get("set-cookie", []):
            self._cookie_take(cookie)
        return response

    def get(self, target: str, **kwargs) -> "asyncio.Future[Response]":
        return self.request("GET", target, **kwargs)

    def post(self, target: str, data: dict, **kwargs) -> "asyncio.Future[Response]":
        return self.request("POST", target, data=data, **kwargs)

    def _cookie_take(self, header: str) -> None:
        first, _, attributes = header.partition(";")
        name, _, value = first.strip().partition("=")
        attributes = attributes.lower()
        if "max-age=0" in attributes.replace(" ", "") or "expires=thu, 01 jan 1970" in attributes:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value.strip('"')


def _parse(raw: bytes) -> Response:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines or not lines[0].startswith("HTTP/"):
        raise ConnectionError(f"not an HTTP response: {raw[:80]!r}")
    status = int(lines[0].split()[1])
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    if "chunked" in ",".join(headers.get("transfer-encoding", [])).lower():
        body = _unchunk(body)
    return Response(status, headers, body)


def _unchunk(body: bytes) -> bytes:
    out, rest = bytearray(), body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2:]
    return bytes(out)


def form_fields(html: str, form_index: int = 0) -> dict[str, str]:
    """The named inputs of the `form_index`-th form of a page, with their values (text,
    hidden, checked checkboxes and the first radio of each group)."""
    forms = re.findall(r"<form\b.*?</form>", html, re.IGNORECASE | re.DOTALL)
    if len(forms) <= form_index:
        raise ValueError("no such form on the page")
    fields: dict[str, str] = {}
    for tag in _INPUT.findall(forms[form_index]):
        attrs = {k.lower(): v for k, v in _ATTR.findall(tag)}
        name, kind = attrs.get("name"), attrs.get("type", "text").lower()
        if not name or kind in ("submit", "button", "image"):
            continue
        if kind in ("checkbox", "radio") and " checked" not in tag.lower():
            if kind == "radio" and name not in fields:
                fields[name] = attrs.get("value", "on")
            continue
        fields[name] = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
    return fields


def credentials_form(html: str) -> int:
    """The index of the first form asking for an email, a username or a password."""
    forms = re.findall(r"<form\b.*?</form>", html, re.IGNORECASE | re.DOTALL)
    for index, form in enumerate(forms):
        if re.search(r'<input\b[^>]*name="(email|username|password)"', form, re.IGNORECASE):
            return index
    raise ValueError("no sign-in form on the page")


def form_action(html: str, form_index: int = 0) -> str | None:
    forms = re.findall(r"<form\b[^>]*>", html, re.IGNORECASE)
    match = re.search(r'action="([^"]*)"', forms[form_index]) if len(forms) > form_index else None
    return match.group(1).replace("&amp;", "&") if match and match.group(1) else None


@dataclass
class Run:
    """The outcome of one timed run: every latency, and the wall time it took."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0
    first_error: str = ""

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    def summary(self) -> dict:
        return {"requests": len(self.latencies), "errors": self.errors, "seconds": round(self.wall, 3),
                "per_second": round(self.rate, 1), "p50_ms": round(self.p50 * 1000, 2),
                "p99_ms": round(self.percentile(99) * 1000, 2)}


async def closed_loop(workers: list, seconds: float, *, max_requests: int | None = None) -> Run:
    """Run each `worker` (an async callable returning True on success, raising or False on
    failure) in a loop for `seconds`, at most `max_requests` calls in all."""
    run = Run()
    deadline = time.perf_counter() + seconds
    budget = [max_requests if max_requests is not None else float("inf")]

    async def loop(worker):
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            started = time.perf_counter()
            try:
                ok = await worker()
            except Exception as exc:  # noqa: BLE001 — counted, and the first one reported
                ok = False
                run.first_error = run.first_error or f"{type(exc).__name__}: {exc}"
            if ok is None:  # the worker has nothing left to do
                return
            if ok:
                run.latencies.append(time.perf_counter() - started)
            else:
                run.errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(loop(w) for w in workers))
    run.wall = time.perf_counter() - started
    return run
