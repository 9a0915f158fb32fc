from quanke.core.models import AuditEvent
from tests.support import login


def test_api_case_read_is_scoped_and_audited(client, cast, case):
    login(client, cast.desk_a)
    response = client.get(f"/api/casework/cases/{case.pk}")
    assert response.status_code == 200 and response.json()["number"] == case.number
    assert response.json()["stage"] == "待签署知情同意"
    assert response.json()["closure_blockers"] == ["尚无服务记录，不能结案：请先记录至少一次服务。"]
    assert AuditEvent.objects.filter(action="read", object_id=str(case.pk), changes__via="api").exists()
    assert [r["number"] for r in client.get("/api/casework/cases").json()] == [case.number]
    client.logout()
    login(client, cast.back_a)
    response = client.get(f"/api/casework/cases/{case.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get("/api/casework/cases").json() == []
    assert not AuditEvent.objects.filter(action="read", actor=cast.back_a).exists()


def test_api_network_totals_refused_to_county_viewer(client, cast):
    login(client, cast.county_viewer)
    assert client.get("/api/casework/network/totals").status_code == 403
