"""One heading literal (evcorridor/headings.py) for the plan model and the station readers."""

from __future__ import annotations

from typing import get_args

from evcorridor import plan_model
from evcorridor.headings import HEADINGS, Heading
from evcorridor.stations import model as station_model


def test_plan_and_stations_use_the_one_heading_literal() -> None:
    assert set(get_args(Heading)) == set(HEADINGS) == {
        "northbound", "southbound", "eastbound", "westbound"}
    assert len(HEADINGS) == 4
    heading = plan_model.SiteDirection.model_json_schema()["properties"]["heading"]
    assert heading["enum"] == ["northbound", "eastbound", "southbound", "westbound"]
    serves = station_model.Station.model_json_schema()["properties"]["serves"]
    assert {"enum": list(get_args(Heading)), "type": "string"} in serves["anyOf"]
