"""Statistics over the HTTP API: same scope as the dashboards, JSON errors, no names."""

from tests.api.test_api import bearer


def test_county_viewer_reads_figures_with_children(client, cast, hand):
    response = client.get(
        f"/api/reports/units/{cast.county.code}?period=month&anchor=2026-03-01", **bearer(cast.county_viewer)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["unit"]["values"]["received"] == 12 and body["unit"]["values"]["on_spot_rate"] == 50.0
    assert body["unit"]["previous"]["received"] == 2
    assert {c["name"]: c["values"]["received"] for c in body["children"]} == {"一街道": 10, "二街道": 2}
    assert "desk_a" not in response.content.decode()


def test_scope_and_refusals(client, cast, hand):
    url = f"/api/reports/units/{cast.community_c.code}?period=month&anchor=2026-03-01"
    assert client.get(url, **bearer(cast.head_a)).json()["code"] == "not_found"
    response = client.get("/api/reports/indicators", **bearer(cast.desk_a))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    bad = client.get(
        f"/api/reports/units/{cast.community_a.code}?period=custom&start=2026-03-02&end=2026-03-01",
        **bearer(cast.head_a),
    )
    assert bad.status_code == 422


def test_indicator_definitions(client, cast):
    body = client.get("/api/reports/indicators", **bearer(cast.county_viewer)).json()
    assert {"received", "in_time_rate", "one_trip_rate"} <= {i["code"] for i in body}
