"""A local Overpass-compatible HTTP server for tests (127.0.0.1, random port, one thread).

It answers `<base>/interpreter` (GET `?data=` or POST form field `data`) with Overpass JSON built
from a fixture file under `tests/fixtures/overpass/` (SYNTHETIC responses made from real
coordinates: see the README there), and `<base>/status` in the real status-page format that
osmnx 2.x parses for free slots.

Like the real server it evaluates the two statement shapes osmnx sends,
`way["highway"~"..."](poly:"lat lon ...");>;` and
`node["amenity"="charging_station"](poly:"...");(._;>;);`: an element is returned when its tags
match every `[...]` clause and it lies in the polygon (a way: any of its nodes inside); the nodes of
returned ways are added (recursion `>`). Elements are output nodes first, by id (`out;`).

Every interpreter request is recorded (`server.queries`). Failures on demand:
`server.fail(429)` / `fail(500)` / `fail(504)` answers the next request(s) with that status, and
`server.truncate()` answers the next one with a 200 whose JSON body is cut in half,
`fail(429, retry_after="1")` adds a Retry-After header, and `server.trickle(delay)` sends the
next answer one byte every `delay` seconds (at most 1,000 bytes, then the connection is closed:
a bounded loop, so a test can never hang on it).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from shapely import Point, Polygon

from evcorridor import settings as settings_mod

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "overpass"

_STATEMENT = re.compile(
    r"\b(node|way|relation)((?:\[[^\]]*\])*)\(poly:\s*(['\"])([-0-9. ]+)\3\)"
)
_CLAUSE = re.compile(
    r"\[\s*(['\"])(?P<key>.*?)\1\s*(?:(?P<op>!=|!~|=|~)\s*(['\"])(?P<value>.*?)\4\s*(?P<flag>,\s*i)?)?\s*\]"
)

_STATUS_TEXT = (
    "Connected as: 2130706433\n"
    "Current time: 2026-11-27T00:00:00Z\n"
    "Announced endpoint: none\n"
    "Rate limit: 2\n"
    "2 slots available now.\n"
    "Currently running queries (pid, space limit, time limit, start time):\n"
)

_ERROR_BODIES = {
    429: "rate_limited: Too Many Requests. Please check /api/status for the quota of your IP.",
    500: "Internal Server Error: runtime error: open64: 0 Success /osm3s_osm_base Dispatcher",
    504: "Gateway Timeout: the server is probably too busy to handle your request.",
}


def _clause_matches(
    tags: dict[str, str], key: str, op: str | None, value: str, icase: bool
) -> bool:
    present = key in tags
    if op is None:
        return present
    flags = re.IGNORECASE if icase else 0
    if op == "=":
        return present and tags[key] == value
    if op == "!=":
        return not present or tags[key] != value
    if op == "~":
        return present and re.search(value, tags[key], flags) is not None
    return not present or re.search(value, tags[key], flags) is None  # "!~"


def evaluate(query: str, elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fixture elements an Overpass server would return for `query` (see module doc)."""
    statements = list(_STATEMENT.finditer(query))
    if not statements:
        raise ValueError("no (poly:...) statement in query")
    nodes = {e["id"]: e for e in elements if e["type"] == "node"}
    chosen: dict[tuple[str, int], dict[str, Any]] = {}
    for st in statements:
        kind, clauses, coords = st.group(1), st.group(2), st.group(4).split()
        ring = [(float(coords[i + 1]), float(coords[i])) for i in range(0, len(coords), 2)]
        poly = Polygon(ring)
        conds = [
            (m.group("key"), m.group("op"), m.group("value") or "", bool(m.group("flag")))
            for m in _CLAUSE.finditer(clauses)
        ]
        for e in elements:
            if e["type"] != kind:
                continue
            tags = e.get("tags", {})
            if not all(_clause_matches(tags, *c) for c in conds):
                continue
            if kind == "node":
                inside = poly.covers(Point(e["lon"], e["lat"]))
            elif kind == "way":
                inside = any(
                    poly.covers(Point(nodes[n]["lon"], nodes[n]["lat"])) for n in e["nodes"]
                )
            else:
                inside = False  # the fixtures hold no relations
            if inside:
                chosen[(kind, e["id"])] = e
                if kind == "way":  # recurse down: the way's nodes
                    for n in e["nodes"]:
                        chosen[("node", n)] = nodes[n]
    order = {"node": 0, "way": 1, "relation": 2}
    return [chosen[k] for k in sorted(chosen, key=lambda k: (order[k[0]], k[1]))]


@dataclass
class OverpassServer:
    """Handle to the running server; `url` is what osmnx's `overpass_url` should be."""

    url: str = ""
    fixtures: list[tuple[str, str]] = field(default_factory=list)  # (substring, fixture file)
    queries: list[str] = field(default_factory=list)
    last_retry_after: str | None = None
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    _failures: list[int] = field(default_factory=list)
    _retry_after: list[str | None] = field(default_factory=list)
    _trickle: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)

    def route(self, substring: str, fixture: str) -> None:
        """Answer queries containing `substring` from `fixture` (first matching route wins)."""
        if not (FIXTURE_DIR / fixture).is_file():
            raise FileNotFoundError(FIXTURE_DIR / fixture)
        self.fixtures.append((substring, fixture))

    def fail(self, status: int, times: int = 1, retry_after: str | None = None) -> None:
        """Answer the next `times` interpreter requests with HTTP `status` (and a Retry-After
        header when given)."""
        self._failures.extend([status] * times)
        self._retry_after.extend([retry_after] * times)

    def trickle(self, delay_s: float, times: int = 1) -> None:
        """Send the next `times` interpreter answers one byte every `delay_s` seconds."""
        self._trickle.extend([delay_s] * times)

    def take_trickle(self) -> float | None:
        with self._lock:
            return self._trickle.pop(0) if self._trickle else None

    def truncate(self, times: int = 1) -> None:
        """Answer the next `times` interpreter requests with a 200 and half a JSON body."""
        self._failures.extend([-1] * times)

    def _response(self, query: str) -> tuple[int, str, bytes]:
        with self._lock:
            self.queries.append(query)
            failure = self._failures.pop(0) if self._failures else 0
            retry_after = self._retry_after.pop(0) if failure > 0 and self._retry_after else None
        if failure > 0:
            body = _ERROR_BODIES.get(failure, "error").encode()
            self.last_retry_after = retry_after
            return failure, "text/plain; charset=utf-8", body
        fixture = next((f for sub, f in self.fixtures if sub in query), None)
        if fixture is None:
            return 400, "text/plain", b"Error: no fixture routed for this query"
        data = json.loads((FIXTURE_DIR / fixture).read_text(encoding="utf-8"))
        try:
            data["elements"] = evaluate(query, data["elements"])
        except ValueError as exc:
            return 400, "text/plain", f"Error: line 1: parse error: {exc}".encode()
        body = json.dumps(data, indent=1).encode()
        if failure == -1:
            body = body[: len(body) // 2]
        return 200, "application/json", body


def _make_handler(state: OverpassServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = 10  # a stalled client cannot hold the thread forever

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, ctype: str, body: bytes, retry_after: str | None = None,
                  trickle: float | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            self.end_headers()
            if trickle is None:
                self.wfile.write(body)
                return
            for i in range(min(len(body), 1000)):  # bounded: at most 1,000 slow bytes
                if state._stop.wait(trickle):
                    return
                try:
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                except OSError:  # the client gave up
                    return
            self.close_connection = True

        def _handle(self, form: dict[str, list[str]]) -> None:
            path = urlsplit(self.path).path
            with state._lock:
                state.requests.append((self.command, path))
            if path.endswith("/status"):
                self._send(200, "text/plain", _STATUS_TEXT.encode())
            elif path.endswith("/interpreter"):
                if "data" not in form:
                    self._send(400, "text/plain", b"Error: no form field 'data'")
                    return
                trickle = state.take_trickle()
                status, ctype, body = state._response(form["data"][0])
                retry_after = state.last_retry_after if status >= 400 else None
                self._send(status, ctype, body, retry_after, trickle)
            else:
                self._send(404, "text/plain", b"Not Found")

        def do_GET(self) -> None:
            self._handle(parse_qs(urlsplit(self.path).query))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(min(length, 10_000_000)).decode("utf-8")
            self._handle(parse_qs(raw))

    return Handler


@pytest.fixture
def overpass_server() -> Iterator[OverpassServer]:
    """Start the server (routes: stations fixture for charging_station queries, else roads)."""
    state = OverpassServer()
    state.route("charging_station", "i5-peace-arch-stations.json")
    state.route("highway", "i5-peace-arch-roads.json")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/api"
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        state._stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def osm_env(
    overpass_server: OverpassServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[OverpassServer]:
    """Settings pointed at the local server (cache in tmp_path, online, 10 s timeout)."""
    monkeypatch.setattr(settings_mod, "_overrides", {
        "overpass_url": overpass_server.url, "cache_dir": tmp_path / "cache",
        "offline": False, "timeout_s": 10.0,
    })
    settings_mod.get_settings.cache_clear()
    yield overpass_server
    settings_mod.get_settings.cache_clear()
