from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanke.catalog import selectors, services
from quanke.catalog.models import Category, Item
from quanke.core import permissions
from quanke.core.dbrouter import replica_view


@login_required
@replica_view
def item_list(request):
    query, category = request.GET.get("q", "").strip(), request.GET.get("category", "")
    manage = permissions.can_manage_station_catalog(request.user)
    items = selectors.item_search(request.user.unit, query, category, actor=request.user)
    if manage:
        items = selectors.items_for_unit(request.user.unit, include_disabled=True, actor=request.user)
        items = items.filter(pk__in=selectors.item_search(None, query, category).values("pk"))
    return render(
        request,
        "catalog/item_list.html",
        {
            "items": items.select_related("category", "parent"),
            "categories": Category.objects.all(),
            "query": query,
            "category": category,
            "manage": manage,
        },
    )


@login_required
@replica_view
def item_detail(request, code):
    item = selectors.item_detail(code, actor=request.user)
    if item is None or not item.active:
        raise Http404("item not found")
    return render(request, "catalog/item_detail.html", {"item": item})


@login_required
@require_POST
def item_toggle(request, code):
    permissions.require(permissions.can_manage_station_catalog(request.user))
    item = Item.objects.filter(code=code, active=True).first()
    if item is None or not permissions.can_see_item(request.user, item):
        raise Http404("item not found")
    enabled = request.POST.get("enabled") == "1"
    services.station_item_toggle(actor=request.user, item=item, enabled=enabled)
    messages.success(
        request,
        (_("本站已启用“%(n)s”。") if enabled else _("本站已停用“%(n)s”。")) % {"n": item.name},
    )
    return redirect(request.POST.get("next") or "catalog:item_list")
