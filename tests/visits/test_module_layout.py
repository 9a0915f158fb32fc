"""Modules a newcomer can read: the services of visits, casework and network and the visits views are packages by
topic, each re-exporting its public names through an explicit `__all__`, and no module (models and demo seeding aside) grows past 500 lines."""

import importlib
from pathlib import Path

import pytest
from django.conf import settings

PACKAGES = [
    "quanke.visits.services",
    "quanke.visits.views",
    "quanke.casework.services",
    "quanke.network.services",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_split_by_topic_with_an_explicit_public_surface(name):
    package = importlib.import_module(name)
    assert hasattr(package, "__path__"), f"{name} is still one module"
    assert package.__all__ and all(callable(getattr(package, n)) or n.isupper() for n in package.__all__)
    modules = [p for p in Path(package.__path__[0]).glob("*.py") if p.name != "__init__.py"]
    assert len(modules) >= 4


def test_no_module_of_these_apps_is_too_long_to_read():
    root = Path(settings.BASE_DIR) / "quanke"
    long = {}
    for app in ("visits", "casework", "network"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts or path.name in ("models.py", "demo.py"):
                continue
            n = len(path.read_text(encoding="utf-8").splitlines())
            if n > 500:
                long[str(path.relative_to(root))] = n
    assert long == {}
