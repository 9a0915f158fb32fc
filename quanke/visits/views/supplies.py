"""Service-kit stock pages: balances and movements, and the ledger."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.forms import errors_to_form
from quanke.visits import selectors, services
from quanke.visits.forms import StockForm
from quanke.visits.models import MovementKind, SupplyItem
from quanke.visits.views.station import station_for, station_workers_qs


@login_required
def stock(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = station_for(request)
    can_manage = permissions.can_manage_stock(request.user, unit)
    form = StockForm(
        request.POST or None,
        supplies=SupplyItem.objects.filter(active=True),
        workers=station_workers_qs(unit),
    )
    # A worker may return her own kit; everything else needs a stock manager (the services decide).
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        common = {"actor": request.user, "unit": unit, "supply": d["supply"], "quantity": d["quantity"]}
        try:
            if d["action"] == "receive":
                services.stock_receive(**common, note=d["note"])
            elif d["action"] == "issue":
                services.stock_issue(**common, worker=d["worker"], note=d["note"])
            elif d["action"] == "return":
                services.stock_return(**common, worker=d["worker"], note=d["note"])
            else:
                services.stock_write_off(**common, worker=d["worker"], reason=d["note"])
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已登记。"))
            return redirect(f"{request.path}?unit={unit.pk}")
    return render(
        request,
        "visits/stock.html",
        {
            "unit": unit,
            "table": selectors.stock_table(unit=unit),
            "alerts": selectors.low_stock(unit=unit),
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
def stock_ledger(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = station_for(request)
    supply = SupplyItem.objects.filter(pk=request.GET.get("supply") or 0).first()
    kind = request.GET.get("kind", "")
    qs = selectors.ledger(
        actor=request.user, unit=unit, supply=supply, kind=kind if kind in MovementKind.values else ""
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = selectors.visible_handouts(actor=request.user, movements=page.object_list, ledger=True)
    return render(
        request,
        "visits/ledger.html",
        {
            "unit": unit,
            "page": page,
            "rows": rows,
            "supplies": SupplyItem.objects.all(),
            "supply": supply,
            "kind": kind,
            "kinds": MovementKind.choices,
        },
    )
