"""Item suggestion over the live catalog: an in-memory index per process, rebuilt when its data changes."""

from django.db.models import Count, Max

from quanke.catalog.models import DocKind, Document, Item, StationItemSetting
from quanke.catalog.textsearch import CachedIndex
from quanke.core import permissions
from quanke.intake.models import IntakeSynonym
from quanke.intake.ranking import ItemDoc, SuggestionIndex, Synonym


def _stamp() -> tuple:
    """Cheap fingerprint of everything the index is built from."""
    parts = []
    for qs in (Item.objects.all(), IntakeSynonym.objects.all(), Document.objects.filter(kind=DocKind.FAQ)):
        agg = qs.aggregate(n=Count("id"), last=Max("updated_at"))
        parts.append((agg["n"], agg["last"]))
    return tuple(parts)


def build_index() -> SuggestionIndex:
    items = list(
        Item.objects.filter(active=True).select_related("category", "parent").order_by("order", "code")
    )
    docs = [
        ItemDoc(
            code=i.code,
            name=i.name,
            parent=i.parent.code if i.parent_id and i.parent.active else "",
            keywords=tuple(k for k in (i.keywords or []) if isinstance(k, str)),
            text=" ".join([i.description, i.eligibility, i.category.name, i.route_department]),
        )
        for i in items
    ]
    synonyms = [
        Synonym(
            term=s.term,
            expansions=tuple(s.expansions or []),
            item_codes=tuple(s.item_codes or []),
            weight=s.weight,
        )
        for s in IntakeSynonym.objects.filter(active=True)
    ]
    # FAQs in force add the questions residents actually ask to their items' text.
    extra: dict[str, list[str]] = {}
    faqs = Document.objects.current().filter(kind=DocKind.FAQ).prefetch_related("items")
    for faq in faqs:
        for item in faq.items.all():
            extra.setdefault(item.code, []).append(f"{faq.title} {faq.summary}")
    return SuggestionIndex(docs, synonyms, {code: " ".join(t) for code, t in extra.items()})


suggestion_index = CachedIndex(build_index, _stamp)


def suggest_items(text: str, *, top: int = 5, unit=None, actor=None):
    """Ranked suggestions for free text; with a unit, items that station has switched off are left out; with an
    actor, items she may not see (a sensitive item outside her specialties: permissions.item_scope)."""
    index = suggestion_index.get()
    hidden = set()
    if unit is not None:
        hidden |= set(
            StationItemSetting.objects.filter(unit=unit, enabled=False).values_list("item__code", flat=True)
        )
    if actor is not None:
        hidden |= set(Item.objects.exclude(permissions.item_scope(actor)).values_list("code", flat=True))
    if not hidden:
        return index.suggest(text, top=top)
    return [s for s in index.suggest(text, top=top + len(hidden)) if s.code not in hidden][:top]
