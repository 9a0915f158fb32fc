"""The API contract (issue 13, failures 9 and 10): every status an operation may answer is declared in the OpenAPI
document, the errors carry stable per-app codes from one registry, malformed JSON and oversized bodies get a
declared answer, and free text has a maximum length the model, the form and the schema all enforce."""

import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse

from quanke.core import limits
from quanke.core.errors import CODES
from quanke.core.middleware import bad_request
from quanke.matters.models import Matter
from tests.assistance.test_temporary_authority import investigated, patient  # noqa: F401 (fixture)
from tests.conftest import make_resident
from tests.support import bearer, login

ROOT = Path(__file__).resolve().parents[2]
# Text written by the system, never typed by a person: no input limit applies.
SYSTEM_TEXT = {
    ("core", "notification", "body"),
    ("reports", "exportjob", "error"),
    ("registry", "importbatch", "error"),
    ("core", "idempotencykey", "body"),
}


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def post_json(client, url, body, auth):
    return client.post(url, body, content_type="application/json", **auth)


@pytest.fixture
def openapi(client, db):
    return client.get("/api/openapi.json").json()


# --- Status codes and error codes ----------------------------------------------------------------------------


def test_every_operation_declares_its_error_statuses(openapi):
    operations = [(p, m, op) for p, ops in openapi["paths"].items() for m, op in ops.items()]
    assert len(operations) >= 25
    for path, method, op in operations:
        declared = set(op["responses"])
        assert {"401", "403", "404", "422"} <= declared, (method, path, declared)
        if method == "post":
            assert {"400", "409", "413"} <= declared, (method, path, declared)
        error = op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
        assert error.endswith("/ErrorOut")


def test_the_description_lists_every_error_code(openapi):
    for code in CODES:
        assert f"`{code}`" in openapi["info"]["description"]


def test_codes_raised_by_the_services_are_registered():
    """A code a service names with invalid(...) or as an exception's code must be in the registry."""
    pattern = re.compile(r'(?:invalid\(\s*|code = |api_code = )"([a-z_]+\.[a-z_]+)"')
    used = {
        code
        for path in (ROOT / "quanke").rglob("*.py")
        if "migrations" not in path.parts
        for code in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert {
        "matters.illegal_transition",
        "assistance.reason_required",
        "assistance.above_street_limit",
    } <= used
    assert used - set(CODES) == set()


def test_malformed_json_is_a_declared_400_with_a_code(client, cast):
    response = client.post(
        "/api/matters/", "{not json", content_type="application/json", **bearer(cast.desk_a)
    )
    assert response.status_code == 400
    assert response.json()["code"] == "api.invalid_json" and "JSON" in response.json()["message"]
    assert not Matter.objects.exists()


def test_schema_validation_is_coded_api_validation(client, cast):
    response = post_json(
        client, "/api/matters/", {"item": "CV-PARKING", "then": "teleport"}, bearer(cast.desk_a)
    )
    assert response.status_code == 422 and response.json()["code"] == "api.validation"
    assert "then" in response.json()["message"] and not Matter.objects.exists()


def test_a_finding_without_reason_is_coded_and_the_rule_is_in_the_schema(client, cast, openapi):
    reason = openapi["components"]["schemas"]["DecisionIn"]["properties"]["reason"]
    assert "assistance.reason_required" in reason["description"] and reason["maxLength"] == limits.NOTE


def test_above_the_street_limit_is_coded_over_the_api(client, cast, patient):  # noqa: F811
    app = investigated(cast, patient)
    response = post_json(
        client,
        f"/api/assistance/applications/{app.pk}/approve",
        {"decided_on": str(app.investigated_on), "monthly_amount": "99999.00"},
        bearer(cast.street_handler),
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "assistance.above_street_limit"
    app.refresh_from_db()
    assert app.step == "investigated" and app.monthly_amount is None


def test_an_uncoded_refusal_gets_the_apps_generic_code(client, cast):
    # Anonymous consultation without a name: a rule of the matters service with no finer code.
    response = post_json(client, "/api/matters/", {"item": "CV-PARKING"}, bearer(cast.desk_a))
    assert response.status_code == 422 and response.json()["code"] == "matters.invalid"
    assert response.json()["errors"]["applicant_name"] and not Matter.objects.exists()


# --- Lengths ---------------------------------------------------------------------------------------------------


def test_every_free_text_model_field_has_a_limit_model_clean_enforces():
    unlimited = []
    for model in apps.get_models():
        if not model.__module__.startswith("quanke."):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.TextField):
                continue
            key = (model._meta.app_label, model._meta.model_name, field.name)
            if key in SYSTEM_TEXT:
                continue
            if not field.max_length or not any(isinstance(v, MaxLengthValidator) for v in field.validators):
                unlimited.append(".".join(key))
    assert unlimited == []


def test_model_clean_refuses_a_request_text_over_the_limit():
    field = Matter._meta.get_field("request_text")
    field.clean("字" * limits.REQUEST_TEXT, None)
    with pytest.raises(ValidationError):
        field.clean("字" * (limits.REQUEST_TEXT + 1), None)


def test_every_string_the_api_accepts_states_a_maximum_length(openapi):
    def strings(schema, where):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            yield from strings(openapi["components"]["schemas"][name], name)
            return
        options = schema.get("anyOf", [])
        for option in options:
            # A decimal is a number or its string form, bounded by max_digits rather than a length.
            if not (option.get("type") == "string" and any(o.get("type") == "number" for o in options)):
                yield from strings(option, where)
        if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
            yield where, schema
        for name, prop in schema.get("properties", {}).items():
            yield from strings(prop, f"{where}.{name}")
        if isinstance(schema.get("additionalProperties"), dict):
            yield from strings(schema["additionalProperties"], f"{where}.*")
        if isinstance(schema.get("items"), dict):
            yield from strings(schema["items"], f"{where}[]")

    bodies = [
        op["requestBody"]["content"]["application/json"]["schema"]
        for ops in openapi["paths"].values()
        for op in ops.values()
        if "requestBody" in op
    ]
    found = [(where, s) for body in bodies for where, s in strings(body, "body")]
    assert len(found) >= 20
    assert [where for where, s in found if "maxLength" not in s] == []


def test_api_refuses_a_300000_character_request_text_and_keeps_nothing(client, cast):
    auth = bearer(cast.desk_a)
    body = {"item": "CV-PARKING", "applicant_name": "王女士", "request_text": "a" * 300_000}
    response = post_json(client, "/api/matters/", body, auth)
    assert response.status_code == 422 and response.json()["code"] == "api.validation"
    assert "request_text" in response.json()["message"] and not Matter.objects.exists()
    body["request_text"] = "字" * limits.REQUEST_TEXT
    assert post_json(client, "/api/matters/", body, auth).status_code == 201


def test_api_refuses_an_applicant_name_longer_than_the_column(client, cast):
    # On PostgreSQL the varchar(50) column used to answer a longer name with a 500.
    body = {"item": "CV-PARKING", "applicant_name": "王" * 51}
    response = post_json(client, "/api/matters/", body, bearer(cast.desk_a))
    assert response.status_code == 422 and "applicant_name" in response.json()["message"]
    assert not Matter.objects.exists()


def test_desk_form_refuses_a_300000_character_request_text(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    login(client, cast.desk_a)
    form = {
        "resident": r.pk,
        "item": "CV-PARKING",
        "channel": "window",
        "kind": "application",
        "then": "keep",
    }
    response = client.post(reverse("matters:desk"), {**form, "request_text": "a" * 300_000})
    assert response.status_code == 200 and str(limits.REQUEST_TEXT) in response.content.decode()
    assert not Matter.objects.exists()
    response = client.post(reverse("matters:desk"), {**form, "request_text": "字" * limits.REQUEST_TEXT})
    assert response.status_code == 302 and Matter.objects.count() == 1


def test_step_note_over_the_limit_is_refused_on_both_channels(client, cast):
    auth = bearer(cast.desk_a)
    created = post_json(client, "/api/matters/", {"item": "CV-PARKING", "applicant_name": "王女士"}, auth)
    code = created.json()["tracking_code"]
    response = post_json(client, f"/api/matters/{code}/actions/complete", {"note": "a" * 5000}, auth)
    assert response.status_code == 422 and response.json()["code"] == "api.validation"
    # Under the schema's limit the step's own check applies the same rule to the web form's free text.
    from quanke.matters import steps

    with pytest.raises(ValidationError) as refused:
        steps.STEPS["complete"].note.clean(Matter.objects.get(), "a" * (limits.NOTE + 1))
    assert refused.value.error_dict["note"][0].code == "matters.text_too_long"
    assert Matter.objects.get().status == "accepted"


# --- Body size -------------------------------------------------------------------------------------------------


def test_an_oversized_api_body_is_a_translated_413(client, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"item": "CV-PARKING", "applicant_name": "王女士", "request_text": "a" * 20_000})
    response = client.post("/api/matters/", body, content_type="application/json", **bearer(cast.desk_a))
    assert response.status_code == 413
    assert response.json()["code"] == "api.payload_too_large" and "过大" in response.json()["message"]
    assert not Matter.objects.exists()


def test_an_oversized_form_post_is_a_translated_413_not_a_500(client, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    login(client, cast.desk_a)
    response = client.post(
        reverse("matters:desk"),
        {"item": "CV-PARKING", "applicant_name": "王女士", "request_text": "a" * 20_000},
    )
    assert response.status_code == 413 and "过大" in response.content.decode()
    assert not Matter.objects.exists()


def test_an_oversized_urlencoded_post_is_refused_before_it_is_read(client, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    login(client, cast.desk_a)
    body = urlencode({"item": "CV-PARKING", "applicant_name": "王女士", "request_text": "a" * 20_000})
    response = client.post(reverse("matters:desk"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and "过大" in response.content.decode()
    assert not Matter.objects.exists()


def test_a_body_found_too_large_by_the_csrf_check_is_a_413_too(rf):
    # CsrfViewMiddleware reads the form before any view; Django then answers through handler400.
    response = bad_request(rf.post("/matters/desk/"), RequestDataTooBig())
    assert response.status_code == 413 and "过大" in response.content.decode()
    assert bad_request(rf.get("/"), ValueError()).status_code == 400


def test_a_nul_character_is_refused_not_a_500(client, cast):
    # PostgreSQL cannot store or compare U+0000 ("text fields cannot contain NUL"): schemathesis found the 500.
    auth = bearer(cast.desk_a)
    response = client.get("/api/matters/?q=a%00b", **auth)
    assert response.status_code == 422 and response.json()["code"] == "api.validation"
    body = {"item": "CV-PARKING", "applicant_name": "王女士", "then": "on_spot", "note": "已告知\x00"}
    response = post_json(client, "/api/matters/", body, auth)
    assert response.status_code == 422 and response.json()["errors"] == {
        "body.note": [response.json()["message"]]
    }
    assert not Matter.objects.exists()
    assert client.get("/api/matters/QK%00", **auth).status_code in (404, 422)
