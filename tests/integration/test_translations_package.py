"""`pip install .` carries the gettext catalogues: setuptools' build_py, run on a copy of the
sources, puts every language's `.po` files (one per domain) and their compiled `.mo` into the package it builds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import service.translations as translations

ROOT = Path(__file__).resolve().parents[2]


def test_the_built_package_holds_every_catalogue(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("service", "schemas", "workers"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    built = tmp_path / "built"
    subprocess.run([sys.executable, "-W", "ignore", "-c", "import setuptools; setuptools.setup()", "-q",
                    "build_py", "--build-lib", str(built)], cwd=source, check=True, capture_output=True,
                   timeout=120)
    shipped = {path.relative_to(built / "service" / "translations").as_posix()
               for path in (built / "service" / "translations").rglob("*.[mp]o")}
    assert translations.LANGUAGES and shipped == {
        f"{lang}/LC_MESSAGES/{domain}.{kind}" for lang in translations.LANGUAGES
        for domain in translations.domains(lang) for kind in ("po", "mo")}
