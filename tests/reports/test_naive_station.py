"""The naive station report computes exactly the figures the optimised station report shows, and gets the same
answers: the benchmark's comparison is only fair if both sides do the same work."""

from datetime import date

from quanke.reports import indicators as ind
from quanke.reports import selectors
from quanke.reports.periods import Period
from tests.reports import naive

TODAY = date(2026, 11, 23)


def optimised(actor, unit, period):
    d = selectors.dashboard(actor=actor, unit=unit, period=period, today=TODAY)
    derived = set(ind.DERIVED)

    def counts(c):
        return {k: v for k, v in c.items() if k not in derived}

    def groups(figures):
        return {f.label: counts(f.counts) for f in figures}

    return d, {
        "current": counts(d.total.counts),
        "previous": counts(d.total.previous),
        "breakdowns": {
            "category": groups(d.breakdowns.by_category),
            "channel": groups(d.breakdowns.by_channel),
            "item": groups(d.breakdowns.by_item),
        },
        "workers": {w["name"]: {k: w[k] for k in ("received", "on_spot", "finished")} for w in d.workers},
        "trend": [{k: v for k, v in t.items() if k != "label"} for t in d.trend],
    }


def test_naive_station_report_equals_the_dashboard(cast, hand, others, aid):
    for period in (
        hand.march,
        Period("custom", date(2026, 2, 1), date(2026, 4, 30)),
        Period("custom", date(2026, 2, 20), date(2026, 3, 15)),  # edges only: no whole month
    ):
        d, fast = optimised(cast.head_a, cast.community_a, period)
        slow = naive.station_report(cast.community_a, period, TODAY)
        # The same figures on both sides, every indicator included ...
        assert set(slow["current"]) == set(fast["current"])
        assert set(slow["previous"]) == set(fast["previous"])
        assert {c for i in ind.INDICATORS for c in i.counts_needed} <= set(slow["current"]) | set(ind.DERIVED)
        # ... with the same values.
        assert slow["current"] == fast["current"], period
        assert slow["previous"] == fast["previous"], period
        assert slow["workers"] == fast["workers"]
        assert slow["trend"] == fast["trend"]
        for name in ("category", "channel", "item"):
            assert set(slow["breakdowns"][name]) == set(fast["breakdowns"][name]), name
            for label, counts in fast["breakdowns"][name].items():
                mine = slow["breakdowns"][name][label]
                assert {k: mine[k] for k in counts} == counts, (name, label)
    march = naive.station_report(cast.community_a, hand.march, TODAY)
    assert march["current"]["received"] == 12 and march["current"]["visits"] == 3  # 9 + 3 aid applications
    assert march["breakdowns"]["channel"]["电话"]["received"] == 1
    assert sum(t["received"] for t in march["trend"]) == 12 and len(march["trend"]) == 31
    assert march["current"]["aid_recipients"] == 5 and march["current"]["aid_refused@tekun"] == 1


def test_the_product_never_imports_the_test_oracle_or_the_benchmarks():
    """The oracle lives in tests/reports/naive.py; nothing under quanke/ may import tests/ or bench/."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = []
    for path in (root / "quanke").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [
                f"{path.relative_to(root)}: {n}" for n in names if n.split(".")[0] in {"tests", "bench"}
            ]
    assert found == []
    assert not (root / "quanke" / "reports" / "naive.py").exists()
