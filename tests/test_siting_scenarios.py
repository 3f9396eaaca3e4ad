"""Scenarios and cost models: shipped files, per-crossing waits, located errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evcorridor.errors import InputError, NotFoundError
from evcorridor.scenarios import get_cost_model, get_scenario, list_cost_models, list_scenarios
from evcorridor.settings import get_settings


def test_shipped_scenarios_and_costs() -> None:
    ids = [s.id for s in list_scenarios()]
    assert ids == ["default", "no-wait", "summer-peak", "winter"]
    d = get_scenario("default")
    assert (d.climate, d.start_soc) == ("mild", None)
    assert (d.wait_min("blaine-peace-arch", True), d.wait_min("blaine-peace-arch", False)) == (
        30.0, 15.0)
    assert get_scenario("winter").climate == "deep-winter"
    c = get_cost_model("default")
    assert (c.currency, c.new_site, c.upgrade, c.per_port, c.extra_design) == (
        "USD", 567772.0, 283886.0, 0.0, 141943.0)
    # the siting figures are the sizing costs: a new site = first grid band + 4 x 150 kW ports,
    # and the earlier ratios (upgrade 1/2, design variant 1/4) so plans choose the same sites
    assert c.sizing is not None
    assert c.new_site == c.sizing.grid[0].capex.value + 4 * c.sizing.port(150).capex.value
    assert (c.upgrade / c.new_site, c.extra_design / c.new_site) == (0.5, 0.25)
    assert c.sizing.band(4 * 150.0)[0] == 0
    assert [m.id for m in list_cost_models()] == ["default"]
    with pytest.raises(NotFoundError, match="did you mean 'no-wait'"):
        get_scenario("nowait")


@pytest.fixture
def configs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("EVCORRIDOR_CONFIGS_DIR", str(tmp_path))
    get_settings.cache_clear()
    (tmp_path / "scenarios").mkdir()
    yield tmp_path
    get_settings.cache_clear()


def test_crossing_override_and_located_errors(configs: Path) -> None:
    (configs / "scenarios" / "peak.yaml").write_text(
        "kind: scenario\nid: peak\ntitle: t\nclimate: mild\nstart_soc: 0.9\n"
        "border_wait_min:\n  default: {into_usa: 20, out_of_usa: 5}\n"
        "  crossings:\n    detroit-ambassador-bridge: {into_usa: 90, out_of_usa: 10}\n")
    s = get_scenario("peak")
    assert s.start_soc == 0.9
    assert s.wait_min("detroit-ambassador-bridge", True) == 90.0
    assert s.wait_min("port-huron-blue-water-bridge", True) == 20.0
    (configs / "scenarios" / "bad.yaml").write_text(
        "kind: scenario\nid: bad\ntitle: t\nclimate: mild\n"
        "border_wait_min:\n  default: {into_usa: -3, out_of_usa: 5}\n")
    with pytest.raises(InputError) as exc:
        get_scenario("bad")
    # shown relative to the folder above the configs folder (configs/scenarios/... when shipped)
    assert str(exc.value) == (f"{configs.name}/scenarios/bad.yaml:6:13: "
                              "border_wait_min.default.into_usa: Input should be greater than or "
                              "equal to 0")
    (configs / "scenarios" / "other.yaml").write_text(
        "kind: scenario\nid: not-other\ntitle: t\nclimate: mild\n"
        "border_wait_min:\n  default: {into_usa: 1, out_of_usa: 5}\n")
    with pytest.raises(InputError, match=r"other.yaml:2:1: id: id 'not-other' does not match"):
        get_scenario("other")
