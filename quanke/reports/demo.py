"""Demo step: rebuild the statistics roll-ups so the dashboards show the demo's matters (runs last)."""

from quanke.reports import rollup


def seed(ctx) -> None:
    rows = rollup.refresh_all(until=ctx.today)
    ctx.say(f"统计：已汇总 {rows} 行办件日统计。")
