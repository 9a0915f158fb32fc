"""满意率 and 差评整改率 per station, street and county: one definition each (quanke.reports.indicators)."""

from quanke.public import services
from quanke.public.models import Callback, RectificationStatus
from quanke.reports import indicators as ind
from quanke.reports import selectors
from quanke.reports.periods import Period
from tests.conftest import make_resident
from tests.matters.conftest import accept, received


def _finished(cast, unit, desk, name):
    from quanke.matters import services as matter_services

    m = accept(desk, resident=make_resident(unit, name))
    return matter_services.matter_finish_on_spot(actor=desk, matter=m, note="办结", **received(m))


def test_rates_for_station_street_and_county(cast):
    from django.utils import timezone

    levels_a = [5, 4, 3, 1]  # 3 satisfied of 4; one bad
    for i, level in enumerate(levels_a):
        m = _finished(cast, cast.community_a, cast.desk_a, f"居民甲{i}")
        services.rating_submit(matter=m, level=level, comment="", channel="link")
    m = _finished(cast, cast.community_b, cast.desk_b, "居民乙")
    bad_b = services.rating_submit(matter=m, level=2, comment="", channel="link")
    rect = bad_b.rectification
    Callback.objects.create(rectification=rect, at=timezone.now(), by=cast.desk_b, note="已回访")
    rect.status, rect.result, rect.closed_at = RectificationStatus.CLOSED, "已整改", timezone.now()
    rect.save()

    today = timezone.localdate()
    period = Period("custom", today, today)
    codes = ind.by_code()

    def value(unit, code):
        return selectors.dashboard(actor=cast.admin, unit=unit, period=period, today=today).total.value(
            codes[code]
        )

    assert value(cast.community_a, "satisfaction_rate") == 75
    assert value(cast.community_a, "rectify_rate") == 0
    assert value(cast.community_b, "satisfaction_rate") == 0
    assert value(cast.community_b, "rectify_rate") == 100
    for unit in (cast.street_1, cast.county):
        assert value(unit, "ratings") == 5
        assert value(unit, "satisfaction_rate") == 60
        assert value(unit, "rectify_rate") == 50
    assert value(cast.street_2, "ratings") == 0
    assert value(cast.street_2, "satisfaction_rate") is None  # no ratings: no rate, not 0 %
    assert "满意评价数 ÷ 收到评价数" in codes["satisfaction_rate"].definition
