"""`pip install evcorridor` from a built wheel works without a clone (issue 14): the wheel ships
configs/, data/ and the render assets, and the installed CLI validates profiles, lists corridors
and plans a corridor from a folder that has no repository around it.

The wheel is built from a copy of the package sources (nothing is written into the checkout).
The fresh venv gets the project's dependencies from this test run's environment through a `.pth`
file listing a folder of links to them (the checkout's editable install left out), so pip installs
the wheel offline with `--no-index` and still checks its declared dependencies against them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "evcorridor",
           "data", "configs")

pytestmark = pytest.mark.slow


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _deps_folder(tmp: Path) -> Path:
    """Links to everything in this interpreter's site-packages except evcorridor itself."""
    site = Path(sysconfig.get_paths()["purelib"])
    folder = tmp / "deps"
    folder.mkdir()
    for entry in site.iterdir():
        name = entry.name.lower()
        if name.startswith(("evcorridor", "__editable__", "_evcorridor")) or name.endswith(
                ".pth"):
            continue
        (folder / entry.name).symlink_to(entry)
    return folder


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            shutil.copy2(path, src / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVCORRIDOR_", "PYTHON"))}
    env["EVCORRIDOR_CACHE_DIR"] = str(tmp / "cache")
    wheels = tmp / "wheels"
    res = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                "--disable-pip-version-check", "-w", str(wheels), str(src)], tmp, env)
    if res.returncode != 0 and "setuptools" in res.stderr and "find" in res.stderr.lower():
        pytest.skip(f"no build backend reachable to build the wheel: {res.stderr[-300:]}")
    assert res.returncode == 0, res.stderr
    (wheel,) = wheels.glob("evcorridor-*.whl")
    target = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    py = target / "bin" / "python"
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     tmp, env).stdout.strip())
    (site / "deps.pth").write_text(f"{_deps_folder(tmp)}\n", encoding="utf-8")
    res = _run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-index",
                "--find-links", str(wheels), "--quiet", "--disable-pip-version-check",
                "evcorridor"], tmp, env)
    assert res.returncode == 0, res.stderr
    assert wheel.name.startswith("evcorridor-0.")
    work = tmp / "work"  # no repository here: everything comes from the installed package
    work.mkdir()
    return target, {**env, "HOME": str(tmp)}


def test_installed_package_is_the_wheel_with_its_data(
        installed: tuple[Path, dict[str, str]]) -> None:
    target, env = installed
    res = _run([str(target / "bin" / "python"), "-c",
                "import evcorridor, evcorridor.settings as s; "
                "print(evcorridor.__file__); print(s.REPO_ROOT); print(s.get_settings().data_dir)"],
               target.parent / "work", env)
    assert res.returncode == 0, res.stderr
    module, root, data = res.stdout.split()
    assert Path(module).is_relative_to(target), module  # not the checkout
    assert Path(root) == Path(module).parent / "_shipped" and Path(data) == Path(root) / "data"
    for rel in ("configs/corridors/i35-laredo.yaml", "configs/vehicles/pickup.yaml",
                "data/crossings.csv", "data/networks/i35-laredo.graphml.gz"):
        assert (Path(root) / rel).is_file(), rel
    assert (Path(module).parent / "render" / "assets" / "leaflet" / "leaflet.js").is_file()


def test_installed_cli_validates_lists_and_plans(installed: tuple[Path, dict[str, str]]) -> None:
    target, env = installed
    cli = str(target / "bin" / "evcorridor")
    work = target.parent / "work"
    # a standards group's own folder of profiles: one of the shipped vehicles, copied
    own = work / "their-profiles" / "vehicles"
    own.mkdir(parents=True)
    shutil.copy2(REPO / "configs" / "vehicles" / "pickup.yaml", own / "pickup.yaml")
    res = _run([cli, "profiles", "validate", "their-profiles/"], work, env)
    assert (res.returncode, res.stderr.strip()) == (0, "1 file(s) checked: all valid")
    res = _run([cli, "corridors", "list", "--format", "json"], work, env)
    assert res.returncode == 0, res.stderr
    assert len(json.loads(res.stdout)) == len(list((REPO / "configs" / "corridors").glob("*.yaml")))
    res = _run([cli, "plan", "i35-laredo", "--out", "out", "--format", "json"], work, env)
    assert res.returncode == 0, res.stderr
    row = json.loads(res.stdout)["plans"][0]
    assert (row["corridor"], row["status"]) == ("i35-laredo", "optimal")
    plan = json.loads((work / "out" / "i35-laredo" / "plan.json").read_text(encoding="utf-8"))
    # inputs are named as in a clone (relative to the folder holding data/ and configs/)
    assert {i["path"] for i in plan["inputs"] if i["kind"] == "corridor"} == {
        "configs/corridors/i35-laredo.yaml"}
    res = _run([cli, "check", "out/i35-laredo/plan.json"], work, env)
    assert res.returncode == 0, res.stdout + res.stderr
