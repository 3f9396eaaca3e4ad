"""Station readers on real rows copied from the raw exports, and on broken rows (synthetic)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from evcorridor.errors import InputError, UsageError
from evcorridor.stations import ConnectorInfo, ReaderOptions, read_stations
from evcorridor.stations.normalized import stations_csv, stations_geojson
from evcorridor.stations.readers import detect_format

F = Path(__file__).resolve().parent / "fixtures" / "stations"


def by_id(stations):  # type: ignore[no-untyped-def]
    return {s.id: s for s in stations}


@pytest.mark.parametrize("name, fmt", [
    ("afdc-WA-sample-2025-02-09.csv", "afdc"),
    ("afdc-api-BC-sample-2023-12-30.csv", "afdc-api"),
    ("tesla-superchargers-sample-2023-06.csv", "supercharge"),
    ("excerpt_stations_map_CA_CHADEMO.geojson", "geojson"),
    ("ocm-export-array.json", "ocm"),
    ("ocm-folder", "ocm"),
])
def test_detect_format(name: str, fmt: str) -> None:
    assert detect_format(F / name) == fmt


def test_afdc_locator_rows() -> None:
    stations, report = read_stations(F / "afdc-WA-sample-2025-02-09.csv")
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (7, 5, 0)
    assert report.skipped == [
        (2, "fuel type LPG is not electric (ELEC); not a charging station"),
        (5, "fuel type LPG is not electric (ELEC); not a charging station"),
    ]
    s = by_id(stations)["afdc:39778"]  # Bellingham Nissan
    assert (s.name, s.country, s.state, s.operator) == ("Bellingham Nissan", "USA", "WA",
                                                        "Non-Networked")
    assert (s.lat, s.lon) == (48.75573, -122.45411)
    # one DC connector type -> it gets the DC count; one AC type -> the Level 2 count
    assert s.connectors == [ConnectorInfo(type="CHAdeMO", count=1),
                            ConnectorInfo(type="J1772", count=2)]
    assert s.dc_fast_ports == 1
    assert (s.open_date, s.last_confirmed, s.data_date) == (
        date(2011, 3, 15), date(2024, 2, 12), date(2025, 2, 9))
    tesla = by_id(stations)["afdc:302535"]
    assert tesla.operator == "Tesla" and tesla.dc_fast_ports == 16
    assert tesla.connectors == [ConnectorInfo(type="NACS", count=16)]
    lacey = by_id(stations)["afdc:33351"]
    assert lacey.dc_fast_ports is None and lacey.connectors[0].type == "J1772"


def test_afdc_api_rows() -> None:
    stations, report = read_stations(F / "afdc-api-BC-sample-2023-12-30.csv")
    assert (report.format, report.rows_read, report.rows_kept) == ("afdc-api", 4, 4)
    s = by_id(stations)["afdc:84159"]
    assert s.country == "CAN" and s.state == "BC" and s.operator == "BCHYDRO"
    # two DC types, 2 DC ports: the split per type is unknown
    assert s.connectors == [ConnectorInfo(type="CHAdeMO"), ConnectorInfo(type="CCS1")]
    assert s.dc_fast_ports == 2
    assert by_id(stations)["afdc:156749"].status == "planned"
    assert by_id(stations)["afdc:210223"].connectors == []


def test_supercharge_rows() -> None:
    stations, report = read_stations(F / "tesla-superchargers-sample-2023-06.csv")
    assert report.rows_kept == 6
    s = by_id(stations)["tesla:cuernavaca-mexico"]
    assert (s.country, s.state, s.operator) == ("MEX", "Morelos", "Tesla")
    assert (s.lat, s.lon) == (18.934819, -99.192297)
    assert s.connectors == [ConnectorInfo(type="NACS", count=6, max_kw=150.0)]
    assert s.open_date == date(2016, 6, 1) and s.data_date == date(2023, 6, 1)
    assert by_id(stations)["tesla:burlington-marketplace-dr-wa"].open_date is None


def test_geojson_connector_and_country_from_file_name() -> None:
    stations, report = read_stations(F / "excerpt_stations_map_CA_CHADEMO.geojson",
                                     options=ReaderOptions(id_prefix="afdc"))
    assert report.rows_kept == 2
    s = by_id(stations)["afdc:82843"]
    # truncated shapefile property names (station_na, status_cod) are found by default
    assert (s.name, s.country, s.state, s.status) == ("Red River College", "CAN", "MB", "open")
    assert s.connectors == [ConnectorInfo(type="CHAdeMO")]
    assert s.dc_fast_ports is None


def test_geojson_property_mapping_option(tmp_path: Path) -> None:
    src = (F / "excerpt_stations_map_CA_CHADEMO.geojson").read_text(encoding="utf-8")
    p = tmp_path / "chargers.geojson"  # no connector or country in the name
    p.write_text(src.replace('"city"', '"town"'), encoding="utf-8")
    with pytest.raises(InputError, match="no connector: give --connector"):
        read_stations(p)
    stations, _ = read_stations(p, options=ReaderOptions(
        connector="CCS", country="Canada", properties={"name": "town"}))
    assert sorted(s.name for s in stations) == ["Burlington", "Winnipeg"]
    assert {c.type for s in stations for c in s.connectors} == {"CCS1"}


def test_ocm_file_folder_and_array_agree() -> None:
    one, _ = read_stations(F / "ocm-folder" / "OCM-106519.json")
    folder, _ = read_stations(F / "ocm-folder")
    array, _ = read_stations(F / "ocm-export-array.json")
    dump = [x[0].model_dump(exclude={"source_file"}) for x in (one, folder, array)]
    assert dump[0] == dump[1] == dump[2]
    s = one[0]
    assert (s.id, s.name, s.country, s.operator) == ("ocm:106519", "Matehuala, SLP Supercharger",
                                                     "MEX", "Tesla")
    # ConnectionTypeID 27 = "Tesla Supercharger" in OCM's reference data
    assert s.connectors == [ConnectorInfo(type="NACS", count=4, max_kw=120.0)]
    assert s.dc_fast_ports == 4 and s.status == "open" and s.access == "public"
    assert s.last_confirmed == date(2018, 6, 23)


def test_broken_afdc_rows_have_exact_messages() -> None:
    stations, report = read_stations(F / "broken-afdc-2025-02-09.csv")
    assert [s.id for s in stations] == ["afdc:39778"]
    assert report.rejected == [
        (3, "unparsable coordinates lat='abc' lon='-122.45411'"),
        (4, "coordinates (48.7557, 122.454) are outside North America"),
        (5, "EV Connector Types: unknown connector 'FOO' (known: CCS1, J1772, CHAdeMO, NACS, "
            "MCS, CCS2, NEMA520, NEMA515, NEMA1450)"),
        (6, "duplicate id afdc:39778 (first at row 2)"),
        (7, "Status Code: unknown status code 'X' (E, P or T)"),
        (8, "EV DC Fast Count: not a count: 'two'"),
    ]
    assert report.messages()[0] == (
        f"{F / 'broken-afdc-2025-02-09.csv'}:row 3: unparsable coordinates lat='abc' "
        "lon='-122.45411'")


def test_broken_ocm_rows() -> None:
    stations, report = read_stations(F / "broken-ocm-array.json")
    assert [s.id for s in stations] == ["ocm:106519", "ocm:900004"]
    assert report.rejected == [
        (2, "Connections[1].ConnectionTypeID: unknown connector code 999"),
        (3, "AddressInfo.CountryID: 'United Kingdom' is not USA, Canada or Mexico"),
        (6, "duplicate id ocm:106519 (first at row 1)"),
    ]
    assert report.skipped == [(4, "StatusTypeID 200 (Removed (Decommissioned)): station removed")]
    assert report.warnings == [(5, "Connections[2]: connector 'Type 2 (Socket Only)' is outside "
                                   "the North American vocabulary; skipped")]
    assert (report.rows_read, report.rows_kept) == (6, 2)


def test_broken_geojson_rows() -> None:
    _, report = read_stations(F / "broken_CA_CHADEMO.geojson")
    assert report.rejected == [
        (2, "geometry is 'Polygon', not a Point"),
        (3, "no id property"),
        (4, "coordinates (0, 0) are outside North America"),
    ]


def test_broken_supercharge_rows() -> None:
    _, report = read_stations(F / "broken-supercharge-2023-06.csv")
    assert report.rejected == [
        (3, "GPS: unparsable coordinates 'n/a' (expected \"lat, lon\")"),
        (4, "Country: 'France' is not USA, Canada or Mexico"),
        (5, "Stalls: not a count: 'many'"),
        (6, "duplicate id tesla:buellton-ca (first at row 2)"),
    ]
    assert report.rows_kept == 1


def test_file_level_errors() -> None:
    with pytest.raises(InputError) as e:
        read_stations(F / "broken-empty.csv")
    assert str(e.value) == f"{F / 'broken-empty.csv'}: empty file"
    with pytest.raises(InputError) as e:
        read_stations(F / "broken-wrong-columns.csv")
    assert str(e.value) == (f"{F / 'broken-wrong-columns.csv'}: unrecognised columns ('name', "
                            "'lat', 'lon'); give --input-format (afdc, afdc-api, ocm, geojson, "
                            "supercharge, evcorridor)")
    with pytest.raises(InputError) as e:
        read_stations(F / "broken-wrong-columns.csv", "afdc")
    assert str(e.value) == (
        f"{F / 'broken-wrong-columns.csv'}: not an AFDC station-locator export: missing "
        "column(s) 'ID', 'Station Name', 'Latitude', 'Longitude', 'Fuel Type Code', "
        "'EV Connector Types' (found 'name', 'lat', 'lon')")
    with pytest.raises(UsageError, match="did you mean 'afdc'"):
        read_stations(F / "broken-wrong-columns.csv", "afdcx")
    with pytest.raises(InputError, match="file not found"):
        read_stations(F / "nope.csv")


def test_normalised_csv_round_trip_and_determinism(tmp_path: Path) -> None:
    stations = []
    for name in ("afdc-WA-sample-2025-02-09.csv", "tesla-superchargers-sample-2023-06.csv",
                 "ocm-export-array.json"):
        stations += read_stations(F / name)[0]
    text = stations_csv(stations)
    assert text == stations_csv(list(reversed(stations)))  # order-independent bytes
    p = tmp_path / "st.csv"
    p.write_text(text, encoding="utf-8")
    back, report = read_stations(p)
    assert report.format == "evcorridor" and report.rows_rejected == 0
    assert by_id(back)["tesla:buellton-ca"].connectors == [
        ConnectorInfo(type="NACS", count=10, max_kw=150.0)]
    skip = {"source_file", "lat", "lon"}  # coordinates are written with 6 decimals
    assert {s.id: s.model_dump(exclude=skip) for s in back} == {
        s.id: s.model_dump(exclude=skip) for s in stations}
    for s in stations:
        b = by_id(back)[s.id]
        assert (b.lat, b.lon) == (round(s.lat, 6), round(s.lon, 6))
    assert '"coordinates": [\n' in stations_geojson(stations)


def test_geojson_state_beats_file_name_country() -> None:
    stations, report = read_stations(F / "us-ccs-dcfc-sample-2022-11.geojson")
    got = {s.id: (s.country, s.state) for s in stations}
    # "us" in the file name says USA, but row 2 is in Niagara Falls, Ontario
    assert got == {"geojson:38309": ("USA", "SC"), "geojson:194331": ("CAN", "ON")}
    assert report.warnings == []
    _, report = read_stations(F / "us-ccs-dcfc-sample-2022-11.geojson",
                              options=ReaderOptions(country="USA"))
    assert report.warnings == [(2, "state ON is in CAN but the row says USA (kept as USA)")]


@pytest.mark.parametrize("text", ["inf", "nan", "-1", "2.5", "two"])
def test_parse_int_rejects_non_counts_with_one_message(text: str) -> None:
    from evcorridor.stations.common import parse_int

    with pytest.raises(ValueError, match=r"^not a count: "):
        parse_int(text)


def test_country_of_state_uses_the_one_table_of_jurisdictions() -> None:
    """State and province codes of station files come from evcorridor.jurisdictions (states,
    DC and the territories station files list; provinces and territories of Canada)."""
    from evcorridor import jurisdictions
    from evcorridor.stations.common import country_of_state

    assert {country_of_state(c.upper()) for c in jurisdictions.US_STATES} == {"USA"}
    assert [country_of_state(c) for c in ("PR", "gu", " dc ", "VI")] == ["USA"] * 4
    assert {country_of_state(c) for c in jurisdictions.CA_PROVINCES} == {"CAN"}
    assert [country_of_state(c) for c in ("BCN", "XX", "", None)] == [None] * 4
