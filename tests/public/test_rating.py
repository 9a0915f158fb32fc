"""好差评: once per finished matter, from the signed link or the progress page; a bad rating opens a 整改 for the
station head, due in working days; her 回访 and result come back to the resident's progress page."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from quanke.core import workdays
from quanke.core.models import AuditEvent
from quanke.public import links
from quanke.public.models import Callback, Rating, Rectification
from tests.public.conftest import PHONE, human
from tests.support import login


def _rate(client, matter, level, comment="", token=None):
    token = token or links.rating_token(matter)
    return client.post(reverse("public:rate", args=[token]), human(level=level, comment=comment, token=token))


def test_rating_url_is_a_signed_link_naming_no_one(finished):
    url = links.rating_url(finished)
    assert url.startswith("/m/rate/")
    assert finished.resident.name not in url and PHONE not in url


def test_a_good_rating_is_stored_once(client, finished):
    assert _rate(client, finished, 5, "很快").status_code == 200
    rating = Rating.objects.get(matter=finished)
    assert (rating.level, rating.comment, rating.channel) == (5, "很快", "link")
    assert not Rectification.objects.exists()
    again = _rate(client, finished, 1)
    assert again.status_code == 200 and "已经评价过" in again.content.decode()
    assert Rating.objects.get(matter=finished).level == 5


def test_an_open_matter_cannot_be_rated(client, matter):
    response = _rate(client, matter, 1)
    assert response.status_code == 400
    assert not Rating.objects.exists()


def test_a_forged_or_other_token_is_refused(client, finished):
    assert client.get(reverse("public:rate", args=["forged"])).status_code == 404
    assert not Rating.objects.exists()


def test_a_bad_rating_opens_a_rectification_due_in_working_days(client, settings, finished):
    settings.RATING_RECTIFY_WORKING_DAYS = 15
    _rate(client, finished, 2, "态度不好")
    rect = Rectification.objects.get()
    today = timezone.localdate()
    assert rect.due_date == workdays.add_working_days(today, 15).date
    assert rect.unit == finished.unit and rect.status == "open"
    assert AuditEvent.objects.filter(object_type="public.rectification", action="create").exists()


def test_the_head_calls_back_closes_and_the_resident_sees_the_result(client, cast, finished):
    _rate(client, finished, 1, "等了很久")
    rect = Rectification.objects.get()
    head = login(client, cast.head_a)
    page = head.get(reverse("public_staff:rectification_list"))
    assert finished.tracking_code in page.content.decode() and "孔繁荣" not in page.content.decode()
    detail = reverse("public_staff:rectification_detail", args=[rect.pk])
    # Closing before a 回访 is refused and changes nothing.
    head.post(detail, {"do": "close", "result": "已改进"})
    rect.refresh_from_db()
    assert rect.status == "open"
    head.post(detail, {"do": "callback", "note": "已电话致歉，说明原因", "reached": "1"})
    assert Callback.objects.filter(rectification=rect, by=cast.head_a).count() == 1
    head.post(detail, {"do": "close", "result": "已增加午间值班，缩短等候时间。"})
    rect.refresh_from_db()
    assert rect.status == "closed" and rect.closed_by == cast.head_a
    client.logout()
    text = client.post("/m/track/", human(code=finished.tracking_code, last4=PHONE[-4:])).content.decode()
    assert "已增加午间值班" in text


def test_another_station_head_cannot_close(client, cast, finished):
    from quanke.core.models import Role
    from tests.conftest import make_user

    _rate(client, finished, 1)
    rect = Rectification.objects.get()
    head_b = make_user("head_b", cast.community_b, [Role.STATION_HEAD])
    other = login(client, head_b)
    detail = reverse("public_staff:rectification_detail", args=[rect.pk])
    assert other.get(detail).status_code == 404
    other.post(detail, {"do": "callback", "note": "x"})
    assert not Callback.objects.exists()
    desk = login(client, cast.desk_a)
    assert desk.get(reverse("public_staff:rectification_list")).status_code == 403


def test_rating_from_the_progress_page(client, finished):
    response = client.post("/m/track/", human(code=finished.tracking_code, last4=PHONE[-4:]))
    link = response.context["rate_link"]
    token = link.split("/")[-2]
    assert _rate(client, finished, 4, token=token).status_code == 200
    assert Rating.objects.get().channel == "progress"


def test_due_date_is_a_working_day(db):
    assert workdays.is_workday(workdays.add_working_days(date(2026, 9, 30), 15).date)


def test_each_showing_of_the_rating_link_is_audited(client, finished):
    from quanke.core.models import AuditEvent

    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert client.get(links.rating_url(finished)).status_code == 200
    row = AuditEvent.objects.filter(pk__gt=before).get()
    assert (row.actor_id, row.object_type, row.object_id) == (None, "matters.matter", str(finished.pk))
    assert row.changes["via"] == "public.rate"
