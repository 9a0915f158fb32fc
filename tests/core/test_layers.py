"""DESIGN.md: dependencies point one way — core ← registry ← catalog ← intake/matters ←
visits/assistance/casework/network ← reports/api/public. A lower app reaches a higher one only through
quanke.core.hooks, which the higher app fills in its AppConfig.ready()."""

import ast
from pathlib import Path

from quanke.assistance.models import PROGRAM_ITEMS
from quanke.core import hooks

ROOT = Path(__file__).resolve().parents[2] / "quanke"
TIER = {
    "core": 0,
    "registry": 1,
    "catalog": 2,
    "intake": 3,
    "matters": 3,
    "visits": 4,
    "assistance": 4,
    "casework": 4,
    "network": 4,
    "reports": 5,
    "api": 5,
    "public": 5,
}


def imported_apps(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "quanke" and len(parts) > 1 and parts[1] in TIER:
                yield node.lineno, parts[1]


def test_no_app_imports_an_app_above_it():
    upward = [
        f"{path.relative_to(ROOT.parent)}:{line} imports quanke.{other}"
        for path in ROOT.rglob("*.py")
        if path.relative_to(ROOT).parts[0] in TIER and "migrations" not in path.parts
        for line, other in imported_apps(path)
        if TIER[other] > TIER[path.relative_to(ROOT).parts[0]]
    ]
    assert upward == []


def test_the_check_sees_an_upward_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from quanke.reports.rollup import schedule_refresh\n", encoding="utf-8")
    assert list(imported_apps(sample)) == [(2, "reports")]


def test_higher_apps_registered_their_hooks():
    from quanke.assistance import selectors, services
    from quanke.reports import rollup

    assert rollup.schedule_refresh in [e.handler for e in hooks.matter_written_handlers]
    assert all(hooks.intake_handler(code) is services.procedure_intake for code in PROGRAM_ITEMS.values())
    assert hooks.intake_handler("CV-PARKING") is None
    assert services.decision_refusal in [g.refusal for g in hooks.decision_guards]
    assert selectors.matter_links in [r.links for r in hooks.related_links]
