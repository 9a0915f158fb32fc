"""Statistics over the API: indicator values for a unit and period, with its children (no personal data)."""

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from quanke.api.errors import responses
from quanke.core import permissions
from quanke.core.dbrouter import replica_view
from quanke.reports import indicators as ind
from quanke.reports import selectors
from quanke.reports.periods import parse_period

router = Router(tags=["reports"])


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    definition: str
    live: bool


class UnitFiguresOut(Schema):
    code: str
    name: str
    values: dict[str, float | None]
    previous: dict[str, float | None]


class ProgramRowOut(Schema):
    program: str
    values: dict[str, float | None]


class FiguresOut(Schema):
    period: str
    start: date
    end: date
    previous_start: date
    previous_end: date
    unit: UnitFiguresOut
    children: list[UnitFiguresOut]
    programs: list[ProgramRowOut] = []


def _num(v):
    return None if v is None else float(v)


def _unit_out(f) -> UnitFiguresOut:
    return UnitFiguresOut(
        code=f.unit.code,
        name=f.unit.name,
        values={i.code: _num(f.value(i)) for i in ind.INDICATORS},
        previous={i.code: _num(f.previous_value(i)) for i in ind.INDICATORS},
    )


@router.get("/indicators", response=responses(list[IndicatorOut]), summary="指标定义")
def indicator_list(request: HttpRequest):
    permissions.require(permissions.can_view_statistics(request.user))
    return [
        IndicatorOut(code=i.code, name=i.name, unit=i.unit, definition=i.definition, live=i.live)
        for i in ind.INDICATORS
    ]


@router.get("/units/{code}", response=responses(FiguresOut), summary="单位统计（含下级单位与上期对比）")
@replica_view
def unit_figures(
    request: HttpRequest, code: str, period: str = "month", anchor: str = "", start: str = "", end: str = ""
):
    permissions.require(permissions.can_view_statistics(request.user))
    unit = selectors.statistics_unit_for(actor=request.user, code=code)
    p = parse_period(
        {"period": period, "anchor": anchor, "start": start, "end": end}, today=timezone.localdate()
    )
    d = selectors.dashboard(actor=request.user, unit=unit, period=p, today=timezone.localdate())
    return FiguresOut(
        period=p.kind,
        start=p.start,
        end=p.end,
        previous_start=d.previous_period.start,
        previous_end=d.previous_period.end,
        unit=_unit_out(d.total),
        children=[_unit_out(f) for f in d.children],
        programs=[
            ProgramRowOut(
                program=r["label"],
                values={
                    code: _num(v)
                    for (code, _h, _u), v in zip(ind.ASSISTANCE_PROGRAM_COLUMNS, r["values"], strict=True)
                },
            )
            for r in d.programs or []
        ],
    )
