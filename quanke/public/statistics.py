"""好差评 figures for the reports (quanke.reports.indicators defines 满意率 and 差评整改率): a source that the
public app adds to quanke.reports.sources.SOURCES in its ready(), since reports may not read this app's models."""

from django.db.models import Count, Q

from quanke.public.models import BAD_LEVELS, SATISFIED_LEVELS, Rating
from quanke.reports.sources import _any, _moments, _nested, _per_period, _take


class RatingSource:
    """好差评 (quanke.public): ratings received in the period, by level, and how many of the bad ones have been
    put right (整改 closed) by now. A rating belongs to the community that accepted the matter."""

    name = "ratings"
    COUNTS = ("ratings", "ratings_satisfied", "ratings_bad", "ratings_rectified")

    def collect_many(self, unit_ids, periods, today, *, live):
        outs = [_nested() for _ in periods]
        when = lambda p: _moments("rated_at", p)  # noqa: E731
        bad = Q(level__in=[int(v) for v in BAD_LEVELS])
        rows = (
            Rating.objects.filter(unit_id__in=unit_ids)
            .filter(_any(periods, when))
            .values("unit_id")
            .annotate(
                **_per_period(
                    periods,
                    ratings=(Count, "pk", when, Q()),
                    ratings_satisfied=(Count, "pk", when, Q(level__in=[int(v) for v in SATISFIED_LEVELS])),
                    ratings_bad=(Count, "pk", when, bad),
                    ratings_rectified=(Count, "pk", when, bad & Q(rectification__status="closed")),
                )
            )
            .order_by()
        )
        for r in rows:
            for i, out in enumerate(outs):
                out[r["unit_id"]].update(_take(r, self.COUNTS, i))
        for out in outs:
            for uid in unit_ids:
                for name in self.COUNTS:
                    out[uid].setdefault(name, 0)
        return outs


def register() -> None:
    from quanke.reports import sources

    if not any(s.name == RatingSource.name for s in sources.SOURCES):
        sources.SOURCES.append(RatingSource())
