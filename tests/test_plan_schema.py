"""The JSON Schema of plan.json (issue 14): generated from the pydantic model, shipped as
evcorridor/schemas/plan.schema.json, printed by `evcorridor schema plan`; every kind of plan the
tool writes validates against it (and tests/conftest.py validates every plan folder the whole
suite writes, at the end of the session)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from cli_run import run

from evcorridor.plan_model import PLAN_SCHEMA_FILE, plan_schema_text

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(PLAN_SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_shipped_schema_is_the_models(capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    assert PLAN_SCHEMA_FILE.read_text(encoding="utf-8") == plan_schema_text(), (
        "regenerate: python -c 'from evcorridor.plan_model import *; "
        "PLAN_SCHEMA_FILE.write_text(plan_schema_text())'")
    code, out, _ = run(["schema", "plan"], capsys)
    assert code == 0 and out == plan_schema_text()
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"]["const"] == "evcorridor.plan/2"
    assert schema["additionalProperties"] is False
    code, out, err = run(["schema", "vehicle", "--out", str(tmp_path)], capsys)
    assert code == 0 and (tmp_path / "vehicle-profile.schema.json").is_file()
    code, _, err = run(["schema", "plans"], capsys)
    assert (code, err.strip()) == (2, "error: unknown KIND 'plans' (choose from plan, standard, "
                                      "vehicle, profile-set)")


def test_schema_rejects_what_the_loader_rejects() -> None:
    v = validator()
    plan = json.loads((FIXTURES / "render" / "plan.json").read_text(encoding="utf-8"))
    v.validate(plan)
    bad = json.loads(json.dumps(plan))
    bad["sites"][0]["kind"] = "planned"
    assert not v.is_valid(bad)
    bad = json.loads(json.dumps(plan))
    bad["sites"][0]["colour"] = "red"  # unknown fields are refused, as by the model
    assert not v.is_valid(bad)
    bad = json.loads(json.dumps(plan))
    del bad["routes"]
    assert not v.is_valid(bad)


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ["i91-stanstead"],
    ["i91-stanstead", "--resilience", "n-1"],
    ["i91-stanstead", "--objective", "coverage", "--budget", "1", "--vehicle", "nacs-car"],
    ["i35-laredo", "--time-limit", "0.01"],  # whatever status a 10 ms limit leaves
    ["--network", str(FIXTURES / "generic" / "line"), "--flows",
     str(FIXTURES / "generic" / "line" / "flows.csv"), "--objective", "coverage", "--budget", "2",
     "--range-km", "100"],
], ids=["cost", "n-1", "coverage", "time-limit", "generic"])
def test_every_kind_of_plan_validates(args: list[str], capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    code, _out, err = run(["plan", *args, "--out", str(tmp_path), "--quiet"], capsys)
    assert code in (0, 1), err
    plans = sorted(tmp_path.glob("*/plan.json"))
    assert len(plans) == 1
    v = validator()
    data = json.loads(plans[0].read_text(encoding="utf-8"))
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in v.iter_errors(data)]
    assert errors == []
