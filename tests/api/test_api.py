from quanke.api.models import ApiToken
from quanke.core.models import AuditEvent
from tests.conftest import make_resident
from tests.support import bearer


def test_unauthenticated_gets_json_error(client, db):
    response = client.get("/api/residents/")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated" and response.json()["message"]


def test_token_lookup_is_scoped_and_masked(client, cast):
    mine = make_resident(cast.community_a, "张三丰", phone="13812345678")
    make_resident(cast.community_b, "张三丰")
    rows = client.get("/api/residents/?q=zsf", **bearer(cast.desk_a)).json()
    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["id_number_masked"].count("*") == 8 and rows[0]["phone_masked"] == "138****5678"


def test_detail_of_other_community_is_404_json(client, cast):
    other = make_resident(cast.community_b, "李四")
    response = client.get(f"/api/residents/{other.pk}", **bearer(cast.desk_a))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not AuditEvent.objects.filter(object_id=str(other.pk)).exists()


def test_detail_is_audited(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    body = client.get(f"/api/residents/{r.pk}", **bearer(cast.desk_a)).json()
    assert body["id_number"] == r.id_number
    assert AuditEvent.objects.filter(action="read", object_id=str(r.pk), changes__via="api").exists()


def test_detail_gives_the_residents_own_hukou(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    away = make_resident(cast.community_a, "李外地", household=r.household, member_hukou="nonlocal")
    body = client.get(f"/api/residents/{r.pk}", **bearer(cast.desk_a)).json()
    assert (body["hukou_kind"], body["hukou_local"]) == ("local", True)
    body = client.get(f"/api/residents/{away.pk}", **bearer(cast.desk_a)).json()
    assert (body["hukou_kind"], body["hukou_local"]) == ("nonlocal", False)


def test_county_viewer_is_forbidden_personal_data(client, cast):
    response = client.get("/api/residents/", **bearer(cast.county_viewer))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_revoked_token_is_refused(client, cast):
    token, key = ApiToken.issue(user=cast.desk_a, name="x")
    token.revoked = True
    token.save()
    assert client.get("/api/residents/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_catalog_endpoint_and_openapi_document(client, cast):
    items = client.get("/api/catalog/items?q=低保", **bearer(cast.desk_a)).json()
    assert any(i["code"] == "SA-DIBAO" and i["materials"] for i in items)
    schema = client.get("/api/openapi.json").json()
    assert "/api/residents/" in schema["paths"] and "/api/catalog/items" in schema["paths"]
    assert "/api/assistance/applications/{application_id}/approve" in schema["paths"]


def test_validation_errors_are_translated_json(client, cast):
    response = client.get("/api/residents/?limit=abc", **bearer(cast.desk_a))
    assert response.status_code == 422
    assert response.json()["code"] == "api.validation" and "limit" in response.json()["message"]
