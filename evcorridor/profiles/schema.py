"""JSON Schema (draft 2020-12) for standard-profile, vehicle-profile and profile-set files.

The schemas describe the *file* form (short keys, quantities as strings with units), so editors
and other tools validate the same YAML evcorridor reads. Output is deterministic (sorted keys).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evcorridor.atomic import write_text
from evcorridor.profiles.models import MODELS

SCHEMA_FILES = {
    "standard": "standard-profile.schema.json",
    "vehicle": "vehicle-profile.schema.json",
    "profile-set": "profile-set.schema.json",
}
_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of one file kind ("standard", "vehicle", "profile-set")."""
    model = MODELS[kind]
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": _DIALECT, "$id": SCHEMA_FILES[kind], **schema}


def schemas() -> dict[str, dict[str, Any]]:
    return {kind: schema_for(kind) for kind in SCHEMA_FILES}


def schema_text(kind: str) -> str:
    return json.dumps(schema_for(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    """Write the three schema files into `out_dir` (created if needed); returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, name in SCHEMA_FILES.items():
        path = out_dir / name
        write_text(path, schema_text(kind))
        paths.append(path)
    return paths
