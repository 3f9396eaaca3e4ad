"""`evcorridor size` end to end on real corridors (BTS volumes, shipped configs), its verification
by `evcorridor check`, and its one-line errors for bad inputs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_run import run

from evcorridor.check.sizing import check_sizing
from evcorridor.sizing.model import Sizing, load_sizing

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _shipped(shipped_configs: None) -> None:
    """Each test starts from the repository's configs/ (a --configs-dir test changes them)."""


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Plans of a low-volume (Sweetgrass–Coutts) and a high-volume (Laredo) corridor."""
    out = tmp_path_factory.mktemp("plans")
    from evcorridor.cli import main
    for cid in ("i15-alberta", "i35-laredo"):
        try:
            main(["plan", cid, "--out", str(out), "--quiet"])
        except SystemExit as exc:
            assert not exc.code, exc.code
    yield out


def _size(planned: Path, out: Path, capsys: pytest.CaptureFixture[str], *extra: str
          ) -> tuple[int, str, str]:
    plans = [str(planned / c / "plan.json") for c in ("i15-alberta", "i35-laredo")]
    return run(["size", *plans, "--out", str(out), *extra], capsys)


def test_size_writes_a_verified_deterministic_sizing(planned: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _size(planned, tmp_path / "a", capsys)
    assert code == 0, err
    assert "i35-laredo:" in out and "USD" in out
    s = load_sizing(tmp_path / "a" / "i35-laredo" / "sizing.json")
    assert s.schema_version == "evcorridor.sizing/1"
    assert s.parameters["years"] == list(range(2026, 2036))
    assert s.parameters["currency"] == "USD"
    y = s.sites[0].years[0]
    for name in ("ports", "power_kw", "arrivals_peak_hour", "p_wait_over_target",
                 "energy_mwh_year", "capex", "opex", "currency"):
        assert hasattr(y, name)
    csv_rows = (tmp_path / "a" / "i35-laredo" / "sizing.csv").read_text().splitlines()
    assert len(csv_rows) == 1 + sum(len(yr.pools) for st in s.sites for yr in st.years)
    # every open site meets the target every year when nothing limits the budget
    assert all(yr.meets_target for st in s.sites for yr in st.years if yr.open)
    assert all(yr.open for st in s.sites for yr in st.years)
    # the checker recomputes every queue figure and agrees
    sizing = str(tmp_path / "a" / "i35-laredo" / "sizing.json")
    code, out, err = run(["check", sizing], capsys)  # its plan is elsewhere: not read
    assert code == 1 and "is outside the data and configs folders" not in out
    assert "outside the data and configs folders; check reads it only when given with --input" \
        in out
    code, out, err = run(["check", sizing, "--input", str(planned)], capsys)
    assert code == 0, out + err
    assert "queues" in out
    # same inputs, same bytes
    code, _, _ = _size(planned, tmp_path / "b", capsys)
    for c in ("i15-alberta", "i35-laredo"):
        for f in ("sizing.json", "sizing.csv"):
            assert (tmp_path / "a" / c / f).read_bytes() == (tmp_path / "b" / c / f).read_bytes()


def test_high_volume_crossing_gets_more_ports_than_low(planned: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _size(planned, tmp_path, capsys, "--year", "2035")
    assert code == 0, err
    low = load_sizing(tmp_path / "i15-alberta" / "sizing.json")
    high = load_sizing(tmp_path / "i35-laredo" / "sizing.json")
    vol = {(d.crossing, d.vehicle_class): d.annual_inbound for d in low.demand + high.demand}
    cars_ratio = vol[("laredo-juarez-lincoln", "light-duty")] / vol[("sweetgrass-coutts",
                                                                      "light-duty")]
    assert cars_ratio > 20  # BTS: Laredo about 4.8 M cars a year, Sweetgrass about 0.15 M
    # trucks: the whole port count goes to the commercial bridge, none to Juárez–Lincoln
    share = {(d.crossing, d.vehicle_class): d.port_share for d in high.demand}
    assert share[("laredo-juarez-lincoln", "heavy-duty")] == 0.0
    assert share[("laredo-world-trade-bridge", "heavy-duty")] == 1.0
    assert share[("laredo-juarez-lincoln", "light-duty")] == 0.5

    def busiest(s: Sizing) -> tuple[float, int]:
        y = max((st.years[0] for st in s.sites), key=lambda y: y.arrivals_peak_hour)
        return y.arrivals_peak_hour, y.ports

    (lam_low, ports_low), (lam_high, ports_high) = busiest(low), busiest(high)
    assert lam_high > 5 * lam_low
    assert ports_high > ports_low
    total = {s.corridor: next(t for t in s.totals if t.country == "ALL") for s in (low, high)}
    # (trucks now cross Laredo only at the World Trade Bridge, so fewer of Laredo's sites see
    # truck demand: still well over five times the energy)
    assert total["i35-laredo"].energy_mwh_year > 5 * total["i15-alberta"].energy_mwh_year


def test_budget_defers_work_and_stays_within_it(planned: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _size(planned, tmp_path, capsys, "--budget-per-year", "600000")
    assert code == 0, err
    s = load_sizing(tmp_path / "i35-laredo" / "sizing.json")
    years = [t for t in s.totals if t.country == "ALL"]
    spent = 0.0
    for n, t in enumerate(years, start=1):  # the unspent budget carries over
        spent += t.capex
        assert spent <= 600000 * n + 0.01
    assert any(t.deferred_capex > 0 for t in years)
    rep = check_sizing(s, inputs=[planned])
    assert rep.ok, rep.lines()
    # coverage first: no queue relief at an open site while a coverage site waits to open
    for i in range(len(years)):
        waiting = any("opening" in st.years[i].deferred for st in s.sites)
        relieved = any(b and not b.startswith("open") for st in s.sites
                       for b in st.years[i].built if st.kind == "existing")
        assert not (waiting and relieved)
    assert all(st.years[-1].open for st in s.sites)  # all open by 2035


def test_check_finds_a_tampered_queue_figure(planned: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _size(planned, tmp_path, capsys, "--year", "2030")
    assert code == 0, err
    path = tmp_path / "i35-laredo" / "sizing.json"
    raw = json.loads(path.read_text())
    site = max(raw["sites"], key=lambda st: st["years"][0]["arrivals_peak_hour"])
    pool = max(site["years"][0]["pools"], key=lambda p: p["arrivals_peak_hour"])
    pool["ports_required"] += 1  # no longer the fewest
    pool["p_wait_over_target"] = 0.0
    path.write_text(json.dumps(raw))
    code, out, _ = run(["check", str(path)], capsys)
    assert code == 1
    assert "queue:" in out and "is not the fewest" in out and "the file says 0.0" in out


def test_demand_year_overrides_the_base(planned: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _size(planned, tmp_path, capsys, "--year", "2030", "--demand-year", "2021")
    assert code == 0, err
    s = load_sizing(tmp_path / "i15-alberta" / "sizing.json")
    cars = next(d for d in s.demand if d.vehicle_class == "light-duty")
    assert cars.basis == "BTS 2021 12 months"
    assert s.parameters["demand_year"] == 2021
    code, _, err = _size(planned, tmp_path, capsys, "--demand-year", "2019")
    assert code == 2 and "2020 and 2021" in err


@pytest.fixture
def configs(tmp_path: Path) -> Path:
    dst = tmp_path / "configs"
    shutil.copytree(REPO / "configs", dst)
    return dst


def _edit(path: Path, old: str, new: str) -> int:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return text[: text.index(old)].count("\n") + 1  # the line of the edit


@pytest.mark.parametrize(("old", "new", "field", "message"), [
    ("us-ca: {2024: 1.6, 2025: 2.2, 2026: 2.9", "us-ca: {2024: 1.6, 2025: 2.2, 2026: -2.9",
     "shares.light-duty.us-ca.2026", "greater than or equal to 0"),
    ("us-ca: {2024: 1.6, 2025: 2.2, 2026: 2.9", "us-ca: {2024: 1.6, 2025: 2.2, 2026: 129",
     "shares.light-duty.us-ca.2026", "less than or equal to 100"),
    ("charging_share: {light-duty: 10,", "charging_share: {light-duty: 110,",
     "demand.charging_share.light-duty", "less than or equal to 100"),
])
def test_bad_adoption_share_is_one_line_with_file_line_field(
        planned: Path, configs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        old: str, new: str, field: str, message: str) -> None:
    line = _edit(configs / "adoption" / "baseline.yaml", old, new)
    out = tmp_path / "out"
    code, _, err = run(["--configs-dir", str(configs), "size",
                        str(planned / "i15-alberta" / "plan.json"), "--out", str(out)], capsys)
    assert code == 3
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"baseline.yaml:{line}:" in err and f"{field}: " in err and message in err
    assert not out.exists()


def test_year_outside_the_adoption_file(planned: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, _, err = run(["size", str(planned / "i15-alberta" / "plan.json"), "--out", str(out),
                        "--years", "2030-2040"], capsys)
    assert code == 3
    text = (REPO / "configs" / "adoption" / "baseline.yaml").read_text().splitlines()
    heavy = text.index("  heavy-duty:")  # classes are checked in order: heavy-duty first
    line = next(i for i, t in enumerate(text, 1) if i > heavy and t.strip().startswith("us-ca:"))
    assert f"configs/adoption/baseline.yaml:{line}:" in err
    assert "shares.heavy-duty.us-ca: no share for year 2036 (the file covers 2024-2035)" in err
    assert not out.exists()


def test_unknown_currency(planned: Path, configs: Path, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    line = _edit(configs / "costs" / "default.yaml", 'capex: "104443 USD"', 'capex: "104443 EUR"')
    out = tmp_path / "out"
    code, _, err = run(["--configs-dir", str(configs), "size",
                        str(planned / "i15-alberta" / "plan.json"), "--out", str(out)], capsys)
    assert code == 3
    assert f"default.yaml:{line}:" in err and "sizing.ports.1.capex" in err
    assert "unknown currency 'EUR' (known: CAD, MXN, USD)" in err
    assert not out.exists()
    code, _, err = run(["size", str(planned / "i15-alberta" / "plan.json"), "--out", str(out),
                        "--currency", "EUR"], capsys)
    assert code == 2 and "unknown --currency 'EUR'" in err


def test_currency_conversion(planned: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    for cur in ("USD", "MXN"):
        code, _, err = run(["size", str(planned / "i35-laredo" / "plan.json"), "--out",
                            str(tmp_path / cur), "--currency", cur, "--year", "2026"], capsys)
        assert code == 0, err
    usd = load_sizing(tmp_path / "USD" / "i35-laredo" / "sizing.json")
    mxn = load_sizing(tmp_path / "MXN" / "i35-laredo" / "sizing.json")
    cap_usd = next(t.capex for t in usd.totals if t.country == "ALL")
    cap_mxn = next(t.capex for t in mxn.totals if t.country == "ALL")
    assert cap_usd > 0
    assert cap_mxn == pytest.approx(cap_usd * 17.76, rel=1e-6)
    assert mxn.sites[0].years[0].currency == "MXN"


def test_report_has_the_sizing_section(planned: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "p" / "i15-alberta" / "plan.json"
    plan.parent.mkdir(parents=True)
    src = planned / "i15-alberta"
    listed = json.loads((src / "plan.json").read_text(encoding="utf-8"))["files"]
    for f in ("plan.json", *listed):  # what check expects beside a plan: the files it lists
        shutil.copy(src / f, plan.parent / f)
    code, _, err = run(["size", str(plan), "--out", str(tmp_path / "p")], capsys)
    assert code == 0, err
    # a folder stands for its plans and the sizings beside them (the plan is read from there)
    code, out, err = run(["check", str(tmp_path / "p")], capsys)
    assert code == 0, out + err
    assert "1 plan(s), 1 sizing file(s): 2 passed" in out
    code, _, err = run(["report", str(plan), "--out", str(tmp_path / "r")], capsys)
    assert code == 0, err
    text = (tmp_path / "r" / "i15-alberta" / "report.md").read_text()
    assert "## Sizing: ports, power, costs and phasing" in text
    assert "Demand follows the traffic" in text and "0.15 M cars a year" in text
    assert text.index("## Sizing") < text.index("Made with evcorridor")
    assert "![Ports by year](ports-by-year.png)" in text and "USD" in text
    png = (tmp_path / "r" / "i15-alberta" / "ports-by-year.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    run(["report", str(plan), "--out", str(tmp_path / "r2")], capsys)
    assert (tmp_path / "r2" / "i15-alberta" / "ports-by-year.png").read_bytes() == png


def test_index_compares_high_and_low_volume_corridors(planned: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    for c in ("i15-alberta", "i35-laredo"):
        (tmp_path / "p" / c).mkdir(parents=True)
        for f in ("plan.json", "sites.csv", "sites.geojson"):
            shutil.copy(planned / c / f, tmp_path / "p" / c / f)
    plans = [str(tmp_path / "p" / c / "plan.json") for c in ("i15-alberta", "i35-laredo")]
    assert run(["size", *plans, "--out", str(tmp_path / "p")], capsys)[0] == 0
    code, _, err = run(["report", *plans, "--out", str(tmp_path / "r")], capsys)
    assert code == 0, err
    index = (tmp_path / "r" / "index.md").read_text()
    assert "Sizing follows the traffic: i35-laredo (4.81 M cars and 2.57 M trucks" in index
    # i15-alberta's busiest site is the new truck-designed site at I-15 exit 373: 4 car ports
    # and the 4 MCS lanes the plan builds there
    assert "while i15-alberta (0.15 M cars, 0.15 M trucks) needs 8 for" in index
