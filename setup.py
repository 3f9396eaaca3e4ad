"""Ships data/ and configs/ inside the wheel (as evcorridor/_shipped/), so that `pip install
evcorridor` runs without a clone: settings.REPO_ROOT points there when no repository is around.
Everything else is in pyproject.toml; an editable install (`make setup`) reads the repository's
folders directly and copies nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("data", "configs")


class BuildWithShipped(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "evcorridor" / "_shipped"
        for name in SHIPPED:
            if (target / name).exists():
                shutil.rmtree(target / name)
            shutil.copytree(root / name, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithShipped})
