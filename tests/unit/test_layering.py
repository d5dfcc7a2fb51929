"""No import climbs a layer: schemas and the domain import no database, engine, worker or framework.

Read from the source (ast), not by importing: every import statement of every module of
`schemas/` and `service/domain/` counts, wherever it sits (in a function, under
TYPE_CHECKING), and so does every import of the project's own modules they reach: a schema
that imports a harmless-looking `service.x` which imports `service.db` climbs as well.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("schemas", "service/domain")
#: What the lower layers must not reach: the database and the engines built on it, the use cases,
#: the entry points (HTTP, workers, command line) and the frameworks those entry points use.
FORBIDDEN = (
    "service.db", "service.metrics", "service.services", "service.api", "service.imports", "service.demo",
    "service.app", "service.wsgi", "service.bootstrap", "service.cli", "workers",
    "flask", "flask_smorest", "kombu", "amqp", "sqlalchemy.orm",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str, module: str, is_package: bool = False) -> set[str]:
    """The modules an import statement of `source` names (`from a import b` names `a` and `a.b`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's package, one level up per extra dot
                package = module.split(".") if is_package else module.split(".")[:-1]
                base = package[:len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


def _file(module: str) -> Path | None:
    """The project's file of `module`, or None for another package's module (or a name, not a module)."""
    path = ROOT.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _packages(module: str) -> list[str]:
    """Importing a.b.c runs a/__init__ and a/b/__init__ first."""
    parts = module.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def _forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)


def climbing(module: str) -> list[list[str]]:
    """Each chain of imports from `module` that reaches a forbidden module."""
    chains: list[list[str]] = []
    seen: set[str] = set()
    stack: list[list[str]] = [[module]]
    while stack:
        chain = stack.pop()
        current = chain[-1]
        if current in seen:
            continue
        seen.add(current)
        path = _file(current)
        if path is None:
            continue
        names = imports(path.read_text(), current, path.name == "__init__.py")
        bad = {name for name in names if _forbidden(name)}
        # `from service.db.models import Trainee` is one climb, not two.
        chains.extend([*chain, name] for name in sorted(bad) if not any(name.startswith(b + ".") for b in bad))
        for name in sorted(names - bad):
            for reached in (*_packages(name), name):
                if _file(reached) is not None and reached not in seen:
                    stack.append([*chain, reached])
    return chains


LOWER_MODULES = sorted(_module_name(path) for layer in LAYERS for path in (ROOT / layer).rglob("*.py"))


def test_every_lower_module_is_checked():
    assert "schemas.metrics" in LOWER_MODULES and "service.domain.metrics" in LOWER_MODULES
    assert len(LOWER_MODULES) > 25


@pytest.mark.parametrize("module", LOWER_MODULES)
def test_no_import_climbs_a_layer(module):
    chains = climbing(module)
    assert not chains, "\n".join(" -> ".join(chain) for chain in chains)


@pytest.mark.parametrize("source, module, expected", [
    ("import flask", "schemas.x", "flask"),
    ("from flask import Response", "schemas.x", "flask"),
    ("def f():\n    from service.db import models", "service.domain.x", "service.db.models"),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sqlalchemy.orm import Session",
     "service.domain.x", "sqlalchemy.orm.Session"),
    ("from ..db import outbox", "service.domain.x", "service.db.outbox"),
    ("from .. import metrics", "service.domain.x", "service.metrics"),
    ("from . import errors", "service.domain", "service.domain.errors"),
    ("import workers.metrics as w", "schemas.x", "workers.metrics"),
])
def test_imports_are_read_wherever_they_are(source, module, expected):
    assert expected in imports(source, module, is_package=module == "service.domain")


def test_a_climb_through_a_harmless_module_is_found(tmp_path, monkeypatch):
    """A lower module that imports a project module which imports the database climbs too."""
    for name, text in {"service/__init__.py": "", "service/domain/__init__.py": "",
                       "service/domain/rule.py": "from service import helper\n",
                       "service/helper.py": "from service.db.models import Trainee\n"}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert climbing("service.domain.rule") == [["service.domain.rule", "service.helper", "service.db.models"]]
