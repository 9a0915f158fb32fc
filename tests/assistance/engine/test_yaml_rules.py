"""Run the OpenFisca YAML rule tests through OpenFisca's own test runner.

Each sub-directory of ``quanke/assistance/engine/tests`` is named after the locality whose
tax-benefit system its tests run against.
"""

from pathlib import Path

import pytest
import yaml
from openfisca_core.tools import test_runner

from quanke.assistance.engine import available_localities, build_system

YAML_ROOT = Path(__file__).resolve().parents[3] / "quanke" / "assistance" / "engine" / "tests"
LOCALITY_DIRS = sorted(path for path in YAML_ROOT.iterdir() if path.is_dir())


def _declared_tests(directory: Path) -> int:
    count = 0
    for path in directory.rglob("*.yaml"):
        with open(path, encoding="utf-8") as handle:
            tests = yaml.safe_load(handle)
        count += len(tests) if isinstance(tests, list) else 1
    return count


def test_every_yaml_directory_is_a_locality():
    assert [path.name for path in LOCALITY_DIRS] == available_localities()


def test_at_least_45_yaml_tests_are_declared():
    assert sum(_declared_tests(path) for path in LOCALITY_DIRS) >= 45


@pytest.mark.parametrize("directory", LOCALITY_DIRS, ids=lambda path: path.name)
def test_yaml_rules(directory, monkeypatch):
    executed = []
    original = test_runner.YamlItem.runtest

    def counting_runtest(item):
        executed.append(item)
        return original(item)

    # run_tests starts its own pytest session; count the YAML items it really ran.
    monkeypatch.setattr(test_runner.YamlItem, "runtest", counting_runtest)
    system = build_system().get(directory.name).tax_benefit_system
    exit_code = test_runner.run_tests(system, [str(directory)], {})
    assert exit_code == 0, f"YAML rule tests failed in {directory.name}; see the captured output"
    assert len(executed) > 0
    assert len(executed) == _declared_tests(directory)
