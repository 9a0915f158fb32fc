from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quanke.network import services
from quanke.network.models import ActivityPhoto, OrganisationKind, Volunteer
from tests.conftest import make_resident
from tests.support import login

PAGES = [
    "network:overview",
    "network:volunteer_list",
    "network:team_list",
    "network:organisation_list",
    "network:ledger",
    "network:activity_list",
    "network:match",
]


@pytest.fixture
def network(cast, today):
    team = services.team_create(actor=cast.head_a, unit=cast.community_a, name="红马甲")
    vols = [
        services.volunteer_register(
            actor=cast.desk_a,
            unit=cast.community_a,
            name=f"志愿者{i}",
            registered_on=today,
            team=team,
            skills=["companionship"],
        )
        for i in range(30)
    ]
    orgs = []
    for i in range(12):
        o = services.organisation_create(
            actor=cast.head_a,
            unit=cast.community_a,
            name=f"组织{i}",
            kind=OrganisationKind.SOCIAL_ORGANISATION,
            services=["legal"],
            service_area=[cast.community_a],
        )
        services.agreement_add(
            actor=cast.head_a, organisation=o, title="协议", start_on=today - timedelta(days=9)
        )
        orgs.append(o)
    residents = [make_resident(cast.community_a, f"居民{i}") for i in range(5)]
    for i in range(25):
        services.activity_create(
            actor=cast.desk_a,
            unit=cast.community_a,
            title=f"活动{i}",
            kind="community",
            held_on=today - timedelta(days=i),
            place="活动室",
            hours=Decimal("2"),
            organiser_organisations=orgs[:2],
            participant_residents=residents,
            participant_volunteers=vols[:4],
        )
    for i in range(30):
        services.ledger_receive(
            actor=cast.back_a,
            unit=cast.community_a,
            kind="money",
            quantity=Decimal("2000"),
            entry_on=today - timedelta(days=i),
            donor_name=f"捐赠方{i % 5}",
            purpose="帮扶",
        )
    return vols


@pytest.mark.parametrize("name", PAGES)
def test_pages_load_with_bounded_queries(client, cast, network, name, django_assert_max_num_queries):
    login(client, cast.desk_a)
    with django_assert_max_num_queries(20):
        response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_county_viewer_refused(client, cast, name):
    login(client, cast.county_viewer)
    assert client.get(reverse(name)).status_code == 403


def test_other_communitys_volunteer_is_404_and_unchanged(client, cast, network, today):
    v = network[0]
    login(client, cast.desk_b)
    url = reverse("network:volunteer_detail", args=[v.pk])
    assert client.get(url).status_code == 404
    response = client.post(
        url, {"form": "record", "served_on": today.isoformat(), "hours": "3", "description": "x"}
    )
    assert response.status_code == 404
    assert not Volunteer.objects.get(pk=v.pk).service_records.filter(hours=3).exists()


def test_overview_shows_5n_figures(client, cast, network):
    login(client, cast.head_a)
    body = client.get(reverse("network:overview")).content.decode()
    assert "¥60000" in body.replace(",", "").replace(".00", "")
    assert ">100<" in body  # 25 activities × 4 volunteers = 100 person-times


def test_photo_upload_checks_content(client, cast, network, today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from quanke.network.models import Activity

    activity = Activity.objects.first()
    login(client, cast.desk_a)
    url = reverse("network:activity_detail", args=[activity.pk])
    fake = SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    client.post(url, {"form": "photo", "file": fake})
    assert not ActivityPhoto.objects.exists()
    png = SimpleUploadedFile(
        "p.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="application/octet-stream"
    )
    client.post(url, {"form": "photo", "file": png, "caption": "合影"})
    photo = ActivityPhoto.objects.get()
    assert photo.content_type == "image/png"
    response = client.get(reverse("network:activity_photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.logout()
    login(client, cast.desk_b)
    assert client.get(reverse("network:activity_photo", args=[photo.pk])).status_code == 404
