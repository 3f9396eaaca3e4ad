"""Shared test fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def shared_data() -> Path:
    """The raw public sources in ../shared/data; skip (with the reason) where they are absent."""
    if not (SHARED_DATA / "README.md").is_file():
        pytest.skip(f"raw public data not found at {SHARED_DATA} (only CI and developers have it)")
    return SHARED_DATA


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shipped_configs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Use the repository's configs/ whatever an earlier test set (--configs-dir, env)."""
    from evcorridor import settings

    monkeypatch.setattr(settings, "_overrides", {k: v for k, v in settings._overrides.items()
                                                 if k != "configs_dir"})
    monkeypatch.delenv("EVCORRIDOR_CONFIGS_DIR", raising=False)
    settings.get_settings.cache_clear()
    yield
    settings.get_settings.cache_clear()


# the local Overpass server fixtures (tests/overpass_server.py), shared by the OSM tests
from overpass_server import osm_env, overpass_server  # noqa: E402, F401


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own empty cache folder: a network pulled by one test (or by the
    developer, in ~/.cache/evcorridor) is never what another test's `plan` picks up."""
    from evcorridor import settings

    monkeypatch.setenv("EVCORRIDOR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    settings.get_settings.cache_clear()
    yield
    settings.get_settings.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def written_plans_validate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """At the end of the session, every plan folder the tool wrote (plan.json with its
    solve-log.json beside it; tests that edit plans by hand write no solve log) validates against
    the shipped JSON Schema of plan.json (evcorridor schema plan)."""
    yield
    import json

    import jsonschema

    from evcorridor.plan_model import PLAN_SCHEMA_FILE

    v = jsonschema.Draft202012Validator(json.loads(PLAN_SCHEMA_FILE.read_text(encoding="utf-8")))
    bad = []
    for path in sorted(tmp_path_factory.getbasetemp().rglob("plan.json")):
        if not (path.parent / "solve-log.json").is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        bad += [f"{path}: {'/'.join(map(str, e.path))}: {e.message}"
                for e in v.iter_errors(data)][:3]
    assert not bad, "\n".join(bad[:20])
