"""办事指南: the station's items, found in the resident's own words, each with its materials, time limit, place,
hours, phone and legal basis; the one-time notice as PDF. Public and cacheable; reads may go to a replica."""

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string

from quanke.core.dbrouter import replica_view
from quanke.core.printing import pdf_response
from quanke.public import selectors
from quanke.public.pages import cacheable, chinese

MAX_QUERY = 100


def _station(request):
    return selectors.station(request.GET.get("station", "")[:12])


@chinese
@cacheable
@replica_view
def home(request):
    unit = _station(request)
    return render(
        request,
        "public/home.html",
        {"unit": unit, "stations": [] if unit else list(selectors.stations())},
    )


@chinese
@cacheable
@replica_view
def guide(request):
    unit = _station(request)
    if unit is None:
        return render(
            request, "public/pick_station.html", {"stations": selectors.stations(), "next": "guide"}
        )
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    context = {"unit": unit, "q": q}
    if q:
        context["results"] = selectors.guide_search(unit, q)
    else:
        context["categories"] = selectors.guide_categories(unit)
    return render(request, "public/guide.html", context)


def _item(request, code):
    unit = _station(request)
    item = selectors.guide_item(unit, code) if unit else None
    if item is None:
        raise Http404("没有这个事项")
    return unit, item


@chinese
@cacheable
@replica_view
def guide_item(request, code):
    unit, item = _item(request, code)
    return render(
        request,
        "public/guide_item.html",
        {
            "unit": unit,
            "item": item,
            "lines": selectors.guide_lines(item),
            "where": selectors.where_handled(item, unit),
            "hours": selectors.station_hours(unit),
            "phone": selectors.station_phone(unit),
        },
    )


@chinese
@cacheable
@replica_view
def guide_notice_pdf(request, code):
    """The staff notice template and PDF generator, for nobody in particular (no name, no number)."""
    unit, item = _item(request, code)
    html = render_to_string("matters/notice.html", selectors.notice_context(item, unit), request=request)
    return pdf_response(html, f"notice-{item.code}.pdf")
