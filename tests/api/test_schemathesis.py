"""A bounded property-based run of the whole API against its own OpenAPI document (schemathesis): generated
valid and invalid requests, authenticated as a seeded front-desk worker, must get no server error and no status
code the operation does not declare. Deterministic (derandomized) and bounded so it runs in the normal suite on
SQLite and PostgreSQL."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from config.wsgi import application
from quanke.api.models import ApiToken
from quanke.catalog.models import Item
from quanke.matters import services
from quanke.matters.steps import STEPS
from tests.conftest import make_resident

EXAMPLES_PER_MODE = 12  # per operation and generation mode: 32 operations x 2 modes x 12 = 768 requests
CHECKS = [not_a_server_error, status_code_conformance]
STEP_NAMES = sorted(STEPS)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def keep_test_connection():
    """The requests go through the real WSGI handler, which closes the database connection before and after each
    request; inside the test's transaction that would close it for good (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def steered(operation, mode, seeded):
    """Positive cases get past the look-ups: path parameters name seeded records and a body names a real item or
    station, so the rules behind them (lengths, steps, transitions) are reached too. Negative cases stay wild."""
    strategy_kwargs = {}
    if mode is GenerationMode.POSITIVE:
        path = operation.path.removeprefix("/api/")
        section = path.split("/", 1)[0]
        fixed = {"resident_id": seeded["resident_id"], "code": seeded["codes"].get(section)}
        strategy_kwargs["path_parameters"] = {
            name: value for name, value in fixed.items() if value is not None and "{" + name + "}" in path
        }
    strategy = operation.as_strategy(generation_mode=mode, **strategy_kwargs)
    if mode is not GenerationMode.POSITIVE:
        return strategy

    def fix(case):
        if "{action}" in operation.path:
            case.path_parameters["action"] = STEP_NAMES[len(repr(case.body)) % len(STEP_NAMES)]
        if isinstance(case.body, dict):
            if operation.path == "/api/matters/":
                case.body["item"] = seeded["item"]
            for name in ("unit_id", "resident_id"):
                if name in case.body:
                    case.body[name] = seeded[name]
        return case

    return strategy.map(fix)


def run_operation(operation, mode, seeded, failures, counts):
    @settings(
        max_examples=EXAMPLES_PER_MODE,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: every failure is recorded, not minimised
        suppress_health_check=list(HealthCheck),
    )
    @given(case=steered(operation, mode, seeded))
    def check(case):
        response = case.call(headers=seeded["headers"])
        counts[response.status_code] = counts.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:  # a group of the failed checks
            found = exc.exceptions if isinstance(exc, BaseExceptionGroup) else [exc]
            kinds = ", ".join(sorted({getattr(f, "title", type(f).__name__) for f in found}))
            failures.append(f"{operation.label} [{mode.value}] {response.status_code}: {kinds}")

    check()


@pytest.mark.django_db
def test_api_answers_only_declared_status_codes_and_never_500(cast):
    resident = make_resident(cast.community_a, "张三丰")
    make_resident(cast.community_a, "李四")
    item = Item.objects.get(code="CV-PARKING")
    matter = services.intake(actor=cast.desk_a, item=item, resident=resident, request_text="停车")
    _token, key = ApiToken.issue(user=cast.desk_a, name="schemathesis")
    seeded = {
        "headers": {"Authorization": f"Bearer {key}"},
        "resident_id": resident.pk,
        "codes": {"matters": matter.tracking_code, "catalog": item.code, "reports": cast.community_a.code},
        "item": item.code,
        "unit_id": cast.community_a.pk,
    }
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    failures: list[str] = []
    counts: dict[int, int] = {}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run_operation(operation, mode, seeded, failures, counts)
    cases = sum(counts.values())
    print(f"\nschemathesis: {len(operations)} operations, {cases} cases, {len(failures)} failures")
    print("statuses:", dict(sorted(counts.items())))
    for kind in sorted({f.split(": ", 1)[1] for f in failures}):
        print(f"  {kind}: {sum(f.endswith(kind) for f in failures)}")
    assert len(operations) >= 25 and cases >= 10 * len(operations)
    assert (
        counts.get(200, 0) >= len(operations) and counts.get(201, 0) >= 5
    )  # the token and the steering work
    assert failures == [], "\n".join(sorted(set(failures))[:40])
