from django.db.models import Exists, OuterRef, Prefetch, Q

from quanke.catalog.models import Category, Item, Material, StationItemSetting


def items_for_unit(unit, *, include_disabled: bool = False):
    """Active catalog items as the unit's desk sees them (a station may switch items off)."""
    qs = Item.objects.filter(active=True).select_related("category", "parent")
    if unit is not None:
        disabled = StationItemSetting.objects.filter(item=OuterRef("pk"), unit=unit, enabled=False)
        qs = qs.annotate(disabled_here=Exists(disabled))
        if not include_disabled:
            qs = qs.filter(disabled_here=False)
    return qs


def item_search(unit, query: str = "", category: str = ""):
    qs = items_for_unit(unit)
    if category:
        qs = qs.filter(category__code=category)
    query = (query or "").strip()
    if query:
        qs = qs.filter(
            Q(name__icontains=query)
            | Q(code__icontains=query)
            | Q(description__icontains=query)
            | Q(keywords__icontains=query)
        )
    return qs


def categories_with_items(unit):
    items = items_for_unit(unit).prefetch_related(
        Prefetch("materials", queryset=Material.objects.order_by("order"))
    )
    return Category.objects.prefetch_related(Prefetch("items", queryset=items, to_attr="visible_items"))


def item_detail(code: str):
    return (
        Item.objects.select_related("category", "parent")
        .prefetch_related("materials", "children")
        .filter(code=code)
        .first()
    )
