"""OpenStreetMap charging-station reader against the local Overpass server (no internet).

The fixture is SYNTHETIC: real AFDC / supercharge.info rows near Blaine written as OSM-tagged
Overpass nodes (see tests/fixtures/overpass/README.md). Expected values come from the fixture tags.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from cli_run import run
from overpass_server import FIXTURE_DIR, OverpassServer
from shapely import box

from evcorridor import settings as settings_mod
from evcorridor.corridors import Corridor, Place
from evcorridor.errors import NetworkError
from evcorridor.stations.osm import parse_output_kw, parse_socket_count, read_osm_stations

FIX = json.loads((FIXTURE_DIR / "i5-peace-arch-stations.json").read_text(encoding="utf-8"))
TAGS = {f"osm:node/{e['id']}": e["tags"] for e in FIX["elements"]}
# socket key in the fixture -> canonical connector
CANON = {"type1_combo": "CCS1", "chademo": "CHAdeMO", "tesla_supercharger": "NACS",
         "nacs": "NACS", "tesla_destination": "NACS", "type1": "J1772"}


def corridor() -> Corridor:
    return Corridor(
        id="test-peace-arch", name="Bellingham – Surrey (test)", border="us-ca",
        crossings=["blaine-peace-arch"], other_country="CAN",
        us_side=[Place(name="Bellingham, I-5 exit 250", lat=48.713902, lon=-122.474127)],
        other_side=[Place(name="Surrey, BC 99 exit 10", lat=49.074316, lon=-122.822964)],
        highways={"USA": ["I-5"], "CAN": ["BC99"]}, buffer_km=8.0,
    )


def test_stations_match_the_fixture_tags(osm_env: OverpassServer) -> None:
    stations, report = read_osm_stations(corridor())
    assert "['amenity'='charging_station']" in osm_env.queries[0]
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (10, 9, 1)
    assert report.messages() == [
        f"overpass:{osm_env.url} (test-peace-arch):row 10: "
        "osm:node/300000010: socket:type1: 'two' is not a count"
    ]
    by_id = {s.id: s for s in stations}
    assert len(by_id) == 9
    for sid, st in by_id.items():
        tags = TAGS[sid]
        assert st.name == tags["name"] and st.source == "osm" and st.data_date == date(2025, 2, 9)
        # every socket tag is one connector with the tag's count and output
        want: dict[str, tuple[int | None, float | None]] = {}
        for key, value in tags.items():
            if key.startswith("socket:") and key.count(":") == 1:
                kind = key.split(":")[1]
                out = tags.get(f"{key}:output")
                want[CANON[kind]] = (
                    None if value == "yes" else int(value),
                    float(out.split()[0]) if out else None,
                )
        got = {c.type: (c.count, c.max_kw) for c in st.connectors}
        assert got == want, sid
        assert st.open_date == (date.fromisoformat(tags["start_date"])
                                if "start_date" in tags else None)
        assert st.last_confirmed == (date.fromisoformat(tags["check_date"])
                                     if "check_date" in tags else None)
    blaine = by_id["osm:node/300000001"]
    assert (blaine.lat, blaine.lon, blaine.country) == (48.937851, -122.667679, "USA")
    assert blaine.connectors[0].max_kw == 150.0 and blaine.dc_fast_ports == 14
    assert blaine.operator == "Tesla"
    assert by_id["osm:node/300000002"].country == "CAN"
    assert by_id["osm:node/300000005"].dc_fast_ports == 6  # Kroger: socket:type1_combo=6
    assert by_id["osm:node/300000006"].dc_fast_ports == 1  # Nissan: 1 CHAdeMO + 2 J1772 (AC)
    assert by_id["osm:node/300000007"].dc_fast_ports == 4  # Lummi: capacity=4, DC sockets only
    assert by_id["osm:node/300000009"].dc_fast_ports == 0  # hotel: AC only
    countries = sorted(s.country for s in stations)
    assert countries == ["CAN"] * 4 + ["USA"] * 5


def test_polygon_limits_the_answer(osm_env: OverpassServer) -> None:
    # a box around Blaine: Ben's Truck Stop and the Birch Bay supercharger only
    stations, report = read_osm_stations(box(-122.76, 48.93, -122.66, 48.995))
    assert sorted(s.name for s in stations) == [
        "Ben's Truck Stop - Tesla Supercharger", "Blaine, WA Supercharger"]
    assert report.rows_read == 2 and report.rows_rejected == 0


def test_no_station_in_the_polygon_is_an_empty_answer(osm_env: OverpassServer) -> None:
    # Seattle: no fixture station there; Overpass answers with no elements
    stations, report = read_osm_stations(box(-122.40, 47.55, -122.30, 47.65))
    assert stations == [] and (report.rows_read, report.rows_kept) == (0, 0)
    assert report.notes == ["Overpass found no amenity=charging_station element in the polygon"]
    assert len(osm_env.queries) == 1


def test_http_error_is_one_line(osm_env: OverpassServer,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    from evcorridor.network import osm

    monkeypatch.setattr(osm, "_sleep", lambda s: None)  # the retries' backoff
    osm_env.fail(500, times=osm.MAX_ATTEMPTS)
    with pytest.raises(NetworkError) as err:
        read_osm_stations(corridor())
    assert str(err.value) == (
        f"OpenStreetMap charging-station query failed: Overpass at {osm_env.url} answered "
        "HTTP 500 Internal Server Error (4 attempts); use --source embedded, or a cached pull"
    )


def test_offline_is_an_error(osm_env: OverpassServer) -> None:
    settings_mod._overrides["offline"] = True
    settings_mod.get_settings.cache_clear()
    with pytest.raises(NetworkError, match=r"^offline mode: OpenStreetMap stations need"):
        read_osm_stations(corridor())
    assert osm_env.queries == []


@pytest.mark.parametrize(("text", "kw"), [
    ("150 kW", 150.0), ("7.2kW", 7.2), ("50000 W", 50.0), ("22 kW;50 kW", 50.0), ("1 MW", 1000.0),
])
def test_parse_output(text: str, kw: float) -> None:
    assert parse_output_kw(text) == kw


def test_parse_bad_values() -> None:
    with pytest.raises(ValueError, match=r"^'fast' is not a power"):
        parse_output_kw("fast")
    assert parse_socket_count("yes") is None and parse_socket_count("no") is False
    assert parse_socket_count("3") == 3
    with pytest.raises(ValueError, match=r"^'-1' is not a count$"):
        parse_socket_count("-1")


def test_cli_stations_list_source_osm(osm_env: OverpassServer,
                                      capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # `evcorridor stations list i5-cascadia --source osm`: the shipped corridor's polygon holds
    # every fixture station; the rejected element is reported, never dropped silently
    code, out, err = run(["stations", "list", "i5-cascadia", "--source", "osm", "--format",
                          "json"], capsys)
    assert code == 0, err
    got = json.loads(out)
    assert [s["id"] for s in got] == [f"osm:node/30000000{i}" for i in range(1, 10)]
    assert sorted(s["country"] for s in got) == ["CAN"] * 4 + ["USA"] * 5
    src = f"overpass:{osm_env.url} (i5-cascadia)"
    assert f"{src}:row 10: osm:node/300000010: socket:type1: 'two' is not a count" in err
    assert f"{src}: osm: read 10, kept 9, rejected 1" in err
    from evcorridor.network import osm

    monkeypatch.setattr(osm, "_sleep", lambda s: None)  # the retries' backoff
    osm_env.fail(500, times=osm.MAX_ATTEMPTS)
    code, out, err = run(["stations", "stats", "i5-cascadia", "--source", "osm"], capsys)
    assert (code, out) == (4, "")
    # stderr is not a terminal here: the progress is one line per step, then the one-line error
    first, last = err.strip().splitlines()
    assert first == "i5-cascadia: OpenStreetMap stations: querying Overpass for charging stations"
    assert last == (
        f"error: OpenStreetMap charging-station query failed: Overpass at {osm_env.url} answered "
        "HTTP 500 Internal Server Error (4 attempts); use --source embedded, or a cached pull")
