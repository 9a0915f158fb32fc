from django.db.models import Exists, OuterRef, Prefetch, Q

from quanke.catalog.models import Category, DocKind, Document, Item, Material, StationItemSetting
from quanke.core import permissions


def items_for_unit(unit, *, include_disabled: bool = False, actor=None):
    """Active catalog items as the unit's desk sees them (a station may switch items off); with `actor`, only
    those she may see (a sensitive item only for its specialty: permissions.item_scope)."""
    qs = Item.objects.filter(active=True).select_related("category", "parent")
    if actor is not None:
        qs = qs.filter(permissions.item_scope(actor))
    if unit is not None:
        disabled = StationItemSetting.objects.filter(item=OuterRef("pk"), unit=unit, enabled=False)
        qs = qs.annotate(disabled_here=Exists(disabled))
        if not include_disabled:
            qs = qs.filter(disabled_here=False)
    return qs


def item_search(unit, query: str = "", category: str = "", *, actor=None):
    qs = items_for_unit(unit, actor=actor)
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


def categories_with_items(unit, *, actor=None):
    items = items_for_unit(unit, actor=actor).prefetch_related(
        Prefetch("materials", queryset=Material.objects.order_by("order"))
    )
    return Category.objects.prefetch_related(Prefetch("items", queryset=items, to_attr="visible_items"))


def item_detail(code: str, *, actor=None):
    """The item, or None; with `actor`, None also for an item she may not see (a sensitive one)."""
    item = (
        Item.objects.select_related("category", "parent")
        .prefetch_related("materials", "children")
        .filter(code=code)
        .first()
    )
    if item is not None and actor is not None and not permissions.can_see_item(actor, item):
        return None
    return item


def document_scope(actor) -> Q:
    """Q over Documents the actor may read: not those about an item hidden from her (a sensitive item's
    procedure names the item and what it is about)."""
    if actor is None or permissions.sees_all_items(actor):
        return Q()
    hidden = Item.objects.exclude(permissions.item_scope(actor)).values("pk")
    return ~Q(pk__in=Document.objects.filter(items__in=hidden).values("pk"))


def documents_list(*, kind: str = "", show_all: bool = False, on=None, actor=None):
    """The binder: current documents by default; with show_all, superseded and expired ones too."""
    qs = Document.objects.filter(document_scope(actor)).prefetch_related("items")
    if kind:
        qs = qs.filter(kind=kind)
    if not show_all:
        qs = qs.current(on)
    return qs.order_by("kind", "-effective_from", "title", "id")


def document_detail(pk, *, actor=None) -> Document | None:
    return (
        Document.objects.filter(document_scope(actor))
        .select_related("supersedes")
        .prefetch_related("items")
        .filter(pk=pk)
        .first()
    )


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
