"""Knowledge-base pages: the binder's list and search, one document with its version history, and supersede."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from quanke.catalog import selectors, services
from quanke.catalog.forms import SupersedeForm
from quanke.catalog.knowledge import DocKind
from quanke.catalog.knowledge_search import search_documents
from quanke.core import permissions
from quanke.core.dbrouter import replica_view


@login_required
@replica_view
def document_list(request):
    permissions.require(permissions.can_use_knowledge(request.user))
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    kind = kind if kind in DocKind.values else ""
    show_all = request.GET.get("all") == "1"
    if query:
        docs = search_documents(query, kind=kind, actor=request.user)
        if not show_all:
            docs = [d for d in docs if d.is_current()] + [d for d in docs if not d.is_current()]
        page = Paginator(docs, 30).get_page(request.GET.get("page"))
    else:
        page = Paginator(
            selectors.documents_list(kind=kind, show_all=show_all, actor=request.user), 30
        ).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/kb_list.html",
        {"page": page, "query": query, "kind": kind, "kinds": DocKind.choices, "show_all": show_all},
    )


@login_required
@replica_view
def document_detail(request, pk):
    permissions.require(permissions.can_use_knowledge(request.user))
    document = selectors.document_detail(pk, actor=request.user)
    if document is None:
        raise Http404("document not found")
    return render(
        request,
        "catalog/kb_detail.html",
        {
            "doc": document,
            "versions": document.versions(),
            "can_supersede": permissions.can_manage_knowledge(request.user) and document.is_current(),
        },
    )


@login_required
def document_supersede(request, pk):
    permissions.require(permissions.can_manage_knowledge(request.user))
    document = selectors.document_detail(pk)
    if document is None:
        raise Http404("document not found")
    form = SupersedeForm(
        request.POST or None, kind=document.kind, initial=SupersedeForm.initial_from(document)
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.document_supersede(actor=request.user, document=document, changes=form.changes())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已发布新版本，旧版本已标记为失效。"))
            return redirect("catalog:kb_detail", pk=new.pk)
    return render(request, "catalog/kb_supersede.html", {"doc": document, "form": form})
