"""Issue 13, class "unbounded time": --timeout is a total deadline for every Overpass request
(a server that trickles one byte at a time cannot hold a pull), and transient answers (429, 5xx)
are retried with the server's Retry-After or exponential backoff, a bounded number of times and
never past the deadline (tenacity). Against the local server of tests/overpass_server.py
(127.0.0.1; SYNTHETIC Overpass answers built from real coordinates, see its fixtures' README).
"""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest
from overpass_server import OverpassServer

from evcorridor import settings as settings_mod
from evcorridor.corridors import Corridor, Place
from evcorridor.errors import NetworkError
from evcorridor.network import osm
from tests.cli_run import run

CROSSINGS = {
    "blaine-peace-arch": (49.002081, -122.756510),
    "blaine-pacific-highway": (49.002090, -122.735342),
}


def corridor() -> Corridor:
    return Corridor(
        id="test-peace-arch", name="Bellingham – Surrey (test)", border="us-ca",
        crossings=list(CROSSINGS), other_country="CAN",
        us_side=[Place(name="Bellingham, I-5 exit 250", lat=48.713902, lon=-122.474127)],
        other_side=[Place(name="Surrey, BC 99 exit 10", lat=49.074316, lon=-122.822964)],
        highways={"USA": ["I-5"], "CAN": ["BC99"]}, buffer_km=8.0,
    )


def pull() -> object:
    return osm.pull_osm_network(corridor(), crossing_points=CROSSINGS)


def timeout(seconds: float) -> None:
    settings_mod._overrides["timeout_s"] = seconds
    settings_mod.get_settings.cache_clear()


def test_a_trickling_server_cannot_outlast_the_deadline(osm_env: OverpassServer) -> None:
    # one byte every 0.5 s: the answer (tens of kB) would take hours; 1,000 bytes (the server's
    # own bound) would take 500 s. A 2 s deadline ends it.
    timeout(2.0)
    osm_env.trickle(0.5)
    start = time.monotonic()
    with pytest.raises(NetworkError) as err:
        pull()
    elapsed = time.monotonic() - start
    assert str(err.value) == (
        f"OpenStreetMap pull for corridor test-peace-arch failed: Overpass at {osm_env.url} did "
        "not finish within the 2 s deadline (--timeout); use --source embedded, or a cached pull")
    assert elapsed < 30  # generous for a loaded machine; without the deadline it is 500 s
    assert len(osm_env.queries) == 1  # too slow is not retried


def test_cli_network_pull_timeout_is_a_total_deadline(osm_env: OverpassServer,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    osm_env.trickle(0.5)
    start = time.monotonic()
    code, out, err = run(["--timeout", "3", "network", "pull", "i5-cascadia", "--source", "osm"],
                         capsys)
    assert (code, out) == (4, "")
    assert err.strip().splitlines()[-1] == (
        f"error: OpenStreetMap pull for corridor i5-cascadia failed: Overpass at {osm_env.url} "
        "did not finish within the 3 s deadline (--timeout); use --source embedded, or a "
        "cached pull")
    assert time.monotonic() - start < 30


def test_retry_after_is_honoured_then_the_answer_is_used(osm_env: OverpassServer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(osm, "_sleep", waits.append)
    osm_env.fail(429, retry_after="3")
    G = pull()
    assert G.number_of_nodes() == 25  # the second answer, complete  # type: ignore[attr-defined]
    assert waits == [3.0] and len(osm_env.queries) == 2


def test_retry_after_as_an_http_date(osm_env: OverpassServer,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(osm, "_sleep", waits.append)
    osm_env.fail(503, retry_after=formatdate(time.time() - 60, usegmt=True))  # in the past
    pull()
    assert waits == [0.0] and len(osm_env.queries) == 2


def test_without_retry_after_the_waits_back_off(osm_env: OverpassServer,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(osm, "_sleep", waits.append)
    osm_env.fail(502, times=2)
    pull()
    assert waits == [1.0, 2.0] and len(osm_env.queries) == 3


def test_a_wait_past_the_deadline_is_not_taken(osm_env: OverpassServer,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(osm, "_sleep", waits.append)
    timeout(10.0)
    osm_env.fail(429, retry_after="60")
    with pytest.raises(NetworkError, match=r"answered HTTP 429 Too Many Requests \(server busy"):
        pull()
    assert waits == [] and len(osm_env.queries) == 1
