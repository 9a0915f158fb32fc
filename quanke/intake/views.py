"""The intake assistant: the standalone 事项助手 page, the htmx suggestion endpoint the desk plugs in, the chosen
item's panel, and the site-wide search page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from quanke.catalog import selectors as catalog_selectors
from quanke.catalog.knowledge_search import search_documents
from quanke.core import permissions
from quanke.core.dbrouter import replica_view
from quanke.intake.selectors import suggest_items

MAX_TOP = 10


def _top(request, default: int = 5) -> int:
    try:
        return max(1, min(MAX_TOP, int(request.GET.get("top", default))))
    except ValueError:
        return default


@login_required
def assistant(request):
    permissions.require(permissions.can_use_knowledge(request.user))
    query = request.GET.get("q", "").strip()
    suggestions = suggest_items(query, top=5, unit=request.user.unit, actor=request.user) if query else []
    # Without JavaScript the page still works: the first suggestion's panel is shown under the list.
    code = request.GET.get("item") or (suggestions[0].code if suggestions else "")
    item = catalog_selectors.item_detail(code, actor=request.user) if code else None
    if item is not None and not item.active:
        item = None
    return render(
        request, "intake/assistant.html", {"query": query, "suggestions": suggestions, "item": item}
    )


@login_required
def suggest(request):
    """htmx partial: ranked items for `q`. Parameters: q (free text), top (1–10, default 5)."""
    permissions.require(permissions.can_use_knowledge(request.user))
    query = request.GET.get("q", "").strip()
    suggestions = (
        suggest_items(query, top=_top(request), unit=request.user.unit, actor=request.user) if query else []
    )
    return render(request, "intake/_suggestions.html", {"query": query, "suggestions": suggestions})


@login_required
def item_panel(request, code):
    """htmx partial: the one-time material list and the item's current policies, procedure and contacts."""
    permissions.require(permissions.can_use_knowledge(request.user))
    item = catalog_selectors.item_detail(code, actor=request.user)
    if item is None or not item.active:
        raise Http404("item not found")
    return render(request, "intake/_item_panel.html", {"item": item})


@login_required
@replica_view
def search(request):
    """The search box on every page: matching items and knowledge documents."""
    permissions.require(permissions.can_use_knowledge(request.user))
    query = request.GET.get("q", "").strip()
    items = suggest_items(query, top=8, unit=request.user.unit, actor=request.user) if query else []
    documents = search_documents(query, limit=30, actor=request.user) if query else []
    return render(request, "intake/search.html", {"query": query, "items": items, "documents": documents})
