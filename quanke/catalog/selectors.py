from django.db.models import Exists, OuterRef, Prefetch, Q

from quanke.catalog.models import Category, DocKind, Document, Item, Material, StationItemSetting


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


def documents_list(*, kind: str = "", show_all: bool = False, on=None):
    """The binder: current documents by default; with show_all, superseded and expired ones too."""
    qs = Document.objects.prefetch_related("items")
    if kind:
        qs = qs.filter(kind=kind)
    if not show_all:
        qs = qs.current(on)
    return qs.order_by("kind", "-effective_from", "title", "id")


def document_detail(pk) -> Document | None:
    return Document.objects.select_related("supersedes").prefetch_related("items").filter(pk=pk).first()


def item_knowledge(item, *, on=None) -> dict:
    """What the desk shows beside a chosen item: its current policies, procedure, contacts and FAQs only."""
    docs = list(Document.objects.current(on).filter(items=item).order_by("kind", "-effective_from", "title"))
    by_kind = {kind: [d for d in docs if d.kind == kind] for kind in DocKind.values}
    return {
        "policies": by_kind[DocKind.POLICY],
        "procedure": by_kind[DocKind.PROCEDURE][0] if by_kind[DocKind.PROCEDURE] else None,
        "contacts": by_kind[DocKind.CONTACT],
        "faqs": by_kind[DocKind.FAQ],
    }
