"""The pages' templates and static files go into the wheel (package-data)."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_template_and_static_file_is_package_data():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["agent"]
    files = [
        p.relative_to(ROOT / "agent")
        for folder in ("templates", "static")
        for p in (ROOT / "agent" / "service" / folder).iterdir()
    ]
    assert len(files) >= 10
    missing = [str(f) for f in files if not any(fnmatch(f.as_posix(), g) for g in patterns)]
    assert not missing, f"not in package-data: {missing}"
