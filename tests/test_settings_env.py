"""Settings without any EVCORRIDOR_* variable are built without pydantic-settings (start-up time,
issue 12) and are the same as pydantic-settings gives; with one, pydantic-settings reads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import json, sys
from evcorridor.settings import configure, get_settings
configure(offline={offline!r})
print(json.dumps({{"settings": get_settings().model_dump(mode="json"),
                  "pydantic_settings": "pydantic_settings" in sys.modules}}))
"""


def probe(env: dict[str, str], offline: bool | None = None) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if not k.upper().startswith("EVCORRIDOR_")}
    out = subprocess.run([sys.executable, "-c", PROBE.format(offline=offline)],
                         env={**clean, **env}, capture_output=True, text=True, check=True)
    got: dict[str, object] = json.loads(out.stdout)
    return got


def test_defaults_without_environment_match_pydantic_settings() -> None:
    plain = probe({})
    read = probe({"EVCORRIDOR_UNRELATED": "x"})  # any variable: pydantic-settings reads them
    assert plain["pydantic_settings"] is False
    assert read["pydantic_settings"] is True
    assert plain["settings"] == read["settings"]


def test_environment_variables_are_read_and_options_override_them() -> None:
    got = probe({"EVCORRIDOR_TIMEOUT_S": "5", "evcorridor_offline": "1"})
    settings = got["settings"]
    assert isinstance(settings, dict)
    assert settings["timeout_s"] == 5.0
    assert settings["offline"] is True
    overridden = probe({"EVCORRIDOR_OFFLINE": "1"}, offline=False)["settings"]
    assert isinstance(overridden, dict) and overridden["offline"] is False
    assert probe({}, offline=True)["settings"]["offline"] is True  # type: ignore[index]
