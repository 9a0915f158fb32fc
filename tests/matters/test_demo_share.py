"""The demo keeps the seed's share of matters finished on the spot (seed 001: 242 of 281, 86 %), as the reports
count it (当场办结率 = 当场办结 ÷ 受理办件, quanke.reports.indicators), over every matter the whole demo accepts."""

from django.db.models import Sum

from quanke.core import demo
from quanke.core.models import UnitLevel
from quanke.matters import demo as matters_demo
from quanke.matters.models import Matter
from quanke.reports import rollup
from quanke.reports.models import MatterDailyStat


def test_the_demo_finishes_86_percent_of_its_matters_on_the_spot(db):
    ctx = demo.run()
    rollup.refresh_all()  # up to the local today, whatever the demo's own date
    sums = MatterDailyStat.objects.filter(unit__level=UnitLevel.COMMUNITY).aggregate(
        received=Sum("received"), on_spot=Sum("on_spot")
    )
    assert sums["received"] == Matter.objects.filter(unit__in=ctx.communities).count() >= 281
    share = 100 * sums["on_spot"] / sums["received"]
    assert 84 <= share <= 88, share
    # Each desk's own plan is near the share too, not one community making up for another.
    for community in ctx.communities:
        on, total = matters_demo.on_spot_share([community])
        assert 80 <= 100 * on / total <= 92, (community.name, on, total)
    # The other statuses are still there for the queues and dashboards.
    assert {"routed", "refused", "in_progress", "awaiting", "finished"} <= set(
        Matter.objects.values_list("status", flat=True)
    )
    # Seeding again adds nothing.
    count = Matter.objects.count()
    demo.run()
    assert Matter.objects.count() == count
