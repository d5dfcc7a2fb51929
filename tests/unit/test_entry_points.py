"""Command groups are wired by the entry point, and the metrics engine imports no layer above it.

Reads the source (ast), so a late import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file; `from a import b` gives `a.b` and `a`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.lineno, node.module)] + [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def test_the_metrics_engine_imports_no_entry_point_composition_root_or_use_case():
    above = ("service.bootstrap", "service.services", "service.cli", "service.metrics_cli", "service.api", "workers")
    climbing = [f"{path.relative_to(REPO)}:{line} imports {module}"
                for path in sorted((REPO / "service" / "metrics").glob("*.py"))
                for line, module in _imports(path) if module.startswith(above)]
    assert climbing == []


def test_the_entry_point_imports_its_command_groups_at_the_top():
    source = (REPO / "service" / "cli.py").read_text()
    assert "noqa: E402" not in source
    tree = ast.parse(source)
    first_definition = min(node.lineno for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef)))
    late = [node.lineno for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
            and node.lineno > first_definition]
    assert late == []


def test_every_command_group_is_wired_into_pathways():
    from service.cli import main

    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("bootstrap", "db", "demo", "events", "heartbeat", "import", "metrics", "purge", "relay",
                    "run", "serve", "users", "worker"):
        assert f"  {command} " in result.output, command
    assert CliRunner().invoke(main, ["metrics", "--help"]).output.count("Rebuild the read model") == 1
