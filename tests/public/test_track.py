"""办件进度查询: code + last 4 digits; plain steps, masked name, missing materials; every look-up audited with an
anonymous actor; wrong tries limited per IP and per code; CSRF and the anti-bot checks on the form."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quanke.core.models import AuditEvent
from quanke.matters import services as matter_services
from quanke.public.models import LookupFailure
from tests.public.conftest import PHONE, human

TRACK = "/m/track/"


def _look(client, code, last4, **extra):
    return client.post(TRACK, human(code=code, last4=last4), **extra)


def test_the_route_is_under_m():
    assert reverse("public:track") == TRACK


def test_qr_link_prefills_the_code(client, matter):
    response = client.get(TRACK, {"code": matter.tracking_code})
    assert response.status_code == 200
    assert f'value="{matter.tracking_code}"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_found_by_phone_shows_steps_masked_name_and_is_audited(client, cast, matter):
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = _look(client, matter.tracking_code.lower(), PHONE[-4:])
    text = response.content.decode()
    assert response.status_code == 200
    assert "孔*荣" in text and "孔繁荣" not in text
    assert PHONE not in text and matter.resident.id_number not in text
    for step in ("受理", "流转", "办理", "办结"):
        assert step in text
    row = AuditEvent.objects.filter(pk__gt=before).get()
    assert (row.action, row.actor_id, row.object_type, row.object_id) == (
        "read",
        None,
        "matters.matter",
        str(matter.pk),
    )
    assert row.changes["via"] == "public.track" and row.changes["outcome"] == "found"


def test_found_by_id_number_last_digits(client, matter):
    response = _look(client, matter.tracking_code, matter.resident.id_number[-4:])
    assert response.status_code == 200


def test_awaiting_materials_lists_what_to_bring(client, cast, matter):
    line = matter.materials.first()
    matter_services.matter_request_materials(actor=cast.desk_a, matter=matter, missing_material_ids=[line.pk])
    text = _look(client, matter.tracking_code, PHONE[-4:]).content.decode()
    assert "待补正" in text and line.name in text


def test_wrong_digits_are_refused_and_audited(client, matter):
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = _look(client, matter.tracking_code, "0000")
    assert response.status_code == 404
    assert matter.item.name not in response.content.decode()
    row = AuditEvent.objects.filter(pk__gt=before).get()
    assert row.object_type == "public.lookup" and row.changes["outcome"] == "not_found"


def test_enumeration_is_refused_after_five_failures_per_ip(client, matter):
    for n in range(5):
        assert _look(client, f"QK-20260101-{n:04d}", "1234").status_code == 404
    # The sixth try, even with the right code and digits, is refused and shows the wait.
    response = _look(client, matter.tracking_code, PHONE[-4:])
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "分钟后再试" in response.content.decode()
    assert "孔*荣" not in response.content.decode()
    # Another address may still look it up.
    other = _look(Client(), matter.tracking_code, PHONE[-4:], REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_one_code_is_locked_for_every_address(client, matter):
    for n in range(5):
        _look(Client(), matter.tracking_code, f"{n:04d}", REMOTE_ADDR=f"10.0.1.{n}")
    response = _look(client, matter.tracking_code, PHONE[-4:], REMOTE_ADDR="10.0.2.1")
    assert response.status_code == 429


def test_the_limit_ends_after_the_window(client, matter):
    for n in range(5):
        _look(client, f"QK-20260101-{n:04d}", "1234")
    LookupFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert _look(client, matter.tracking_code, PHONE[-4:]).status_code == 200


def test_honeypot_and_too_fast_posts_are_refused(client, matter):
    before = AuditEvent.objects.count()
    bot = human(code=matter.tracking_code, last4=PHONE[-4:], website="http://spam")
    assert client.post(TRACK, bot).status_code == 400
    fresh = client.get(TRACK).context["form"].initial["started"]
    fast = {"code": matter.tracking_code, "last4": PHONE[-4:], "website": "", "started": fresh}
    response = client.post(TRACK, fast)
    assert response.status_code == 400 and "太快" in response.content.decode()
    assert client.post(TRACK, {**fast, "started": "forged"}).status_code == 400
    assert AuditEvent.objects.count() == before  # nothing looked up


def test_csrf_is_required():
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(TRACK, human(code="QK-1", last4="1234"))
    assert response.status_code == 403
