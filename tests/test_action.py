"""The reusable GitHub Action (action.yml) and the workflows that use it (issue 14): composite,
sets up Python, pip-installs evcorridor with a pip cache, validates with `--format github`, plans
once; its validate step's script runs here as it would on a runner."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from evcorridor.cli import COMMANDS

REPO = Path(__file__).resolve().parents[1]


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def scripts(doc: Any) -> list[str]:
    steps = doc["runs"]["steps"] if "runs" in doc else [
        s for job in doc["jobs"].values() for s in job["steps"]]
    return [s["run"] for s in steps if "run" in s]


def test_action_is_composite_setup_install_validate_plan() -> None:
    action = load(REPO / "action.yml")
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert uses[0].startswith("actions/setup-python@")
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == "~/.cache/pip"
    run = scripts(action)
    assert any("pip install" in r and '"$GITHUB_ACTION_PATH"' in r
               and "requirements.lock" in r for r in run)
    validate = next(s for s in steps if s.get("name") == "Validate profiles")
    assert validate["run"].strip() == "evcorridor profiles validate $PATHS --format github"
    plan = next(s for s in steps if s.get("name") == "Plan")
    assert plan["if"] == "inputs.plan != ''" and 'evcorridor plan $PLAN --out "$OUT"' in plan["run"]
    # inputs reach the scripts through env, never pasted into the script text
    for s in steps:
        assert "${{" not in s.get("run", "")
    assert set(action["inputs"]) == {"paths", "plan", "out", "configs-dir", "python-version"}


def test_workflows_use_the_action_and_plan_once() -> None:
    for path, uses in ((REPO / "docs" / "ci" / "evcorridor-profiles.yml", "OWNER/evcorridor@"),
                       (REPO / ".github" / "workflows" / "ci.yml", "./")):
        doc = load(path)
        steps = [s for job in doc["jobs"].values() for s in job["steps"]]
        action_steps = [s for s in steps if s.get("uses", "").startswith(uses)]
        assert len(action_steps) == 1, path
        assert action_steps[0]["with"]["plan"] == "--all"
        text = "\n".join(scripts(doc))
        # the plans are made once, by the action: no second `plan`, no `make maps` (it replans)
        assert "evcorridor plan" not in text and "make maps" not in text, path
        for command in re.findall(r"evcorridor ([a-z-]+)", text):
            assert command in COMMANDS, (path, command)
    ci = load(REPO / ".github" / "workflows" / "ci.yml")
    setup = next(s for s in ci["jobs"]["test"]["steps"]
                 if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == "requirements.lock"


def test_validate_step_script_runs(tmp_path: Path) -> None:
    validate = next(s for s in load(REPO / "action.yml")["runs"]["steps"]
                    if s.get("name") == "Validate profiles")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PATHS": "configs/vehicles configs/profile-sets"}
    env.pop("EVCORRIDOR_CONFIGS_DIR", None)
    res = subprocess.run(["bash", "-c", validate["run"]], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    n = len(list((REPO / "configs" / "vehicles").glob("*.yaml"))) + len(
        list((REPO / "configs" / "profile-sets").glob("*.yaml")))
    assert res.stderr.strip() == f"{n} file(s) checked: all valid"
    bad = tmp_path / "vehicles"
    bad.mkdir()
    (bad / "v.yaml").write_text("kind: vehicle\nid: v\n", encoding="utf-8")
    res = subprocess.run(["bash", "-c", validate["run"]], cwd=tmp_path,
                         env={**env, "PATHS": "vehicles/"}, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 1
    assert res.stdout.startswith("::error file=vehicles/v.yaml,line=")
