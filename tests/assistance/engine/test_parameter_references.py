"""Every dated parameter value in the shipped YAML carries its source (metadata.reference), as OpenFisca packages do."""

from pathlib import Path

import yaml

from quanke.assistance.engine.system import PARAMETERS_DIR

COMMON_KEYS = {"description", "metadata", "documentation", "reference", "unit"}


def _leaves(node: dict, path: str):
    for key, child in node.items():
        if key in COMMON_KEYS or not isinstance(child, dict):
            continue
        if "values" in child:
            yield f"{path}.{key}", child
        else:
            yield from _leaves(child, f"{path}.{key}")


def _files() -> list[Path]:
    return [PARAMETERS_DIR / "national.yaml", *sorted((PARAMETERS_DIR / "localities").glob("*.yaml"))]


def test_every_parameter_in_the_yaml_has_a_reference():
    missing = []
    count = 0
    for file in _files():
        tree = yaml.safe_load(file.read_text(encoding="utf-8"))
        for path, leaf in _leaves(tree, file.stem):
            count += 1
            reference = (leaf.get("metadata") or {}).get("reference")
            if not (isinstance(reference, str) and reference.strip()):
                missing.append(path)
    assert count > 20  # the walk found the tree
    assert missing == []


def test_the_walk_fails_on_a_parameter_without_a_reference():
    tree = {"a": {"b": {"description": "x", "values": {"2020-01-01": 1}}}}
    assert [
        path for path, leaf in _leaves(tree, "t") if not (leaf.get("metadata") or {}).get("reference")
    ] == ["t.a.b"]
