"""The corpus of invalid profile, vehicle and profile-set files: each gives exactly its problems.

Fixtures: tests/fixtures/profiles/invalid/*.yaml (synthetic, invalid on purpose); the expected
`file:line:column: field: message` lines are in expected.txt in the same folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evcorridor.profiles import check_files

INVALID = Path(__file__).resolve().parent / "fixtures" / "profiles" / "invalid"


# the repository's configs/ whatever an earlier test set (fixture in conftest.py)
pytestmark = pytest.mark.usefixtures("shipped_configs")


def _expected() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in (INVALID / "expected.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, rest = line.split(":", 1)
        out.setdefault(name, []).append(rest)
    return out


EXPECTED = _expected()
FILES = sorted(p.name for p in INVALID.glob("*.yaml"))


def _problems(path: Path) -> list[str]:
    [res] = check_files([path])
    return [str(p)[len(str(path)) + 1:] for p in res.problems]


def test_corpus_has_at_least_40_files_each_with_expectations() -> None:
    assert len(FILES) >= 40
    assert sorted(EXPECTED) == FILES


@pytest.mark.parametrize("name", FILES)
def test_invalid_fixture_gives_exact_problems(name: str) -> None:
    assert _problems(INVALID / name) == EXPECTED[name]


def test_every_fixture_says_it_is_synthetic() -> None:
    for name in FILES:
        first = (INVALID / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# SYNTHETIC test fixture, invalid on purpose:"), name


def test_folder_reports_every_files_problems_not_only_the_first() -> None:
    results = check_files([INVALID])
    assert len(results) == len(FILES)
    assert all(r.problems for r in results)
    total = sum(len(r.problems) for r in results)
    assert total == sum(len(v) for v in EXPECTED.values())
    # three files carry two problems each
    assert sorted(Path(r.path).name for r in results if len(r.problems) == 2) == [
        "set-typo-key.yaml", "std-new-build-zero-ports.yaml", "veh-typo-key.yaml"]
