"""The applicant hears of each step of her matter through the outbox, from any entry point (the services send it):
受理 with the tracking code, 流转, 待补正 listing exactly the missing materials, 办结 and 不予受理 with the signed
好差评 link. Back-dated steps and matters without a phone send nothing; a station's edited text is used."""

import pytest
from django.core import signing

from quanke.core.models import MessageEvent, MessageTemplate, Notification
from quanke.core.notify import MemoryBackend
from quanke.matters import services
from quanke.public.links import RATING_SALT
from tests.matters.conftest import accept, at, received

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def memory_channel(settings):
    settings.NOTIFY_CHANNELS = ["memory"]
    settings.PUBLIC_BASE_URL = "https://m.example.cn"
    MemoryBackend.outbox = []
    yield
    MemoryBackend.outbox = []


def bodies():
    return list(
        Notification.objects.filter(object_type="matters.matter")
        .order_by("id")
        .values_list("body", flat=True)
    )


def test_acceptance_routing_and_missing_materials_are_told_with_exactly_what_to_bring(cast):
    m = accept(cast.desk_a, applicant_phone=PHONE)
    assert len(bodies()) == 1 and m.tracking_code in bodies()[0] and "已受理" in bodies()[0]
    assert f"https://m.example.cn/m/track/?code={m.tracking_code}" in bodies()[0]
    missing = list(m.materials.filter(state="missing").values_list("name", flat=True))
    assert missing, "the item has materials the applicant did not bring"
    services.matter_request_materials(actor=cast.desk_a, matter=m)
    notice = bodies()[-1]
    assert "需补正材料" in notice and "、".join(missing) in notice
    other = accept(cast.desk_a, applicant_phone=PHONE)
    services.matter_route(actor=cast.desk_a, matter=other)
    assert "已转" in bodies()[-1] and other.tracking_code in bodies()[-1]
    assert all(n.address == PHONE for n in Notification.objects.all())


def test_completion_carries_a_signed_rating_link_of_this_matter(cast):
    m = services.matter_route(actor=cast.desk_a, matter=accept(cast.desk_a, applicant_phone=PHONE))
    m = services.matter_claim(actor=cast.back_a, matter=m)
    services.matter_complete(actor=cast.back_a, matter=m, note="已办", **received(m))
    last = bodies()[-1]
    assert "已办结" in last
    token = last.split("https://m.example.cn/m/rate/")[1].split("/")[0]
    assert signing.loads(token, salt=RATING_SALT)["m"] == m.pk
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="another.salt")


def test_refusal_tells_the_reason_and_invites_a_rating(cast):
    m = accept(cast.desk_a, applicant_phone=PHONE)
    services.matter_refuse(actor=cast.desk_a, matter=m, reason="不属于本站受理范围")
    assert "不属于本站受理范围" in bodies()[-1] and "/m/rate/" in bodies()[-1]


def test_back_dated_steps_and_matters_without_a_phone_send_nothing(cast):
    accept(cast.desk_a, applicant_phone=PHONE, at=at(2024, 3, 1))
    accept(cast.desk_a)  # no phone
    assert bodies() == []


def test_a_station_edits_the_text_or_switches_an_event_off(cast):
    MessageTemplate.objects.filter(event=MessageEvent.MATTER_ACCEPTED).update(
        body="受理通知{code}，{nosuch}完"
    )
    m = accept(cast.desk_a, applicant_phone=PHONE)
    assert bodies() == [f"受理通知{m.tracking_code}，完"]
    MessageTemplate.objects.filter(event=MessageEvent.MATTER_ACCEPTED).update(active=False)
    accept(cast.desk_a, applicant_phone=PHONE)
    assert len(bodies()) == 1


def test_the_seeded_templates_cover_every_event(db):
    assert set(MessageTemplate.objects.values_list("event", flat=True)) == set(MessageEvent.values)
