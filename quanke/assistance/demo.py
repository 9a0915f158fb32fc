"""Demo: the demo county uses Beijing's parameters, and one discovery scan fills the review queue."""

from quanke.assistance import services
from quanke.assistance.models import Locality, ScanRun, UnitLocality


def seed(ctx) -> None:
    beijing = Locality.objects.get(code="beijing")
    UnitLocality.objects.get_or_create(unit=ctx.county, defaults={"locality": beijing})
    if ScanRun.objects.exists():
        ctx.say("救助演示数据已存在，跳过。")
        return
    result = services.assistance_scan(actor=None, on=ctx.today, progress=ctx.say)
    ctx.say(f"主动发现：复核队列 {result.run.findings_new} 条线索。")
