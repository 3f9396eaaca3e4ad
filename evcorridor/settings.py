"""Runtime settings: folders, offline mode, Overpass endpoint, timeouts.

Every field can be set by an `EVCORRIDOR_<FIELD>` environment variable (for example
`EVCORRIDOR_OFFLINE=1`, `EVCORRIDOR_CACHE_DIR=/tmp/evc`) and overridden by the matching CLI option.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

_SHIPPED = Path(__file__).resolve().parent / "_shipped"
#: the folder that holds data/ and configs/: the copy an installed wheel ships inside the package
#: (setup.py: evcorridor/_shipped/), else the repository (a clone, or an editable install).
#: Plans name their inputs relative to it (`data/networks/...`), the same in both.
REPO_ROOT = _SHIPPED if _SHIPPED.is_dir() else Path(__file__).resolve().parents[1]


ENV_PREFIX = "EVCORRIDOR_"


class Settings(BaseModel):
    """The settings; read from the environment by pydantic-settings (`_from_environment`)."""

    model_config = ConfigDict(extra="ignore")

    data_dir: Path = Field(default=REPO_ROOT / "data", description="embedded derived datasets")
    configs_dir: Path = Field(
        default=REPO_ROOT / "configs", description="corridors, profiles, vehicles"
    )
    shared_data_dir: Path = Field(
        default=REPO_ROOT.parent / "shared" / "data",
        description="raw public sources for `make data`",
    )
    cache_dir: Path = Field(
        default=Path.home() / ".cache" / "evcorridor", description="OSM pull cache"
    )
    offline: bool = Field(default=False, description="never touch the network")
    overpass_url: str = Field(
        default="https://overpass-api.de/api", description="Overpass API base URL"
    )
    timeout_s: float = Field(
        default=180.0, gt=0,
        description="total deadline for an Overpass pull (every request and retry)")
    templates_dir: Path | None = Field(
        default=None,
        description="folder of report/popup templates that replace the shipped ones by file name",
    )
    solver_time_limit_s: float = Field(
        default=60.0, gt=0, description="CP-SAT time limit per corridor"
    )


_overrides: dict[str, object] = {}


def configure(**overrides: object) -> None:
    """Set CLI-level overrides (None values are ignored). Called by the CLI callback."""
    _overrides.update({k: v for k, v in overrides.items() if v is not None})
    get_settings.cache_clear()


@lru_cache(maxsize=1)
def _environment_settings_class() -> type[Settings]:
    """`Settings` read by pydantic-settings from the EVCORRIDOR_* variables (case-insensitive)."""
    from pydantic_settings import BaseSettings, SettingsConfigDict

    class EnvSettings(BaseSettings, Settings):
        model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    return EnvSettings


def _from_environment() -> Settings:
    return _environment_settings_class().model_validate(_overrides)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings in force: CLI overrides, then EVCORRIDOR_* variables, then the defaults.

    pydantic-settings (and the asyncio it imports: about a quarter of a light command's start-up)
    is loaded only when some EVCORRIDOR_* variable is set; without one the defaults and the
    overrides are all there is."""
    if any(name.upper().startswith(ENV_PREFIX) for name in os.environ):
        return _from_environment()
    return Settings.model_validate(_overrides)
