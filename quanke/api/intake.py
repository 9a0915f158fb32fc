"""Intake suggestion and knowledge-base search over the HTTP API."""

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from quanke.api.errors import responses
from quanke.catalog.knowledge_search import search_documents
from quanke.core import permissions
from quanke.core.dbrouter import replica_view
from quanke.intake.selectors import suggest_items

router = Router(tags=["intake"])
knowledge_router = Router(tags=["knowledge"])


class SuggestionOut(Schema):
    code: str
    name: str
    score: float
    matched: list[str]


class SuggestOut(Schema):
    query: str
    items: list[SuggestionOut]


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    doc_number: str
    issuer: str
    effective_from: date | None
    expires_on: date | None
    status: str
    current: bool
    items: list[str]


@router.get("/suggest", response=responses(SuggestOut), summary="按居民原话推荐服务事项")
@replica_view
def suggest(request: HttpRequest, q: str, top: int = 5):
    permissions.require(permissions.can_use_knowledge(request.user))
    found = suggest_items(q, top=max(1, min(top, 20)), unit=request.user.unit, actor=request.user)
    return SuggestOut(
        query=q,
        items=[SuggestionOut(code=s.code, name=s.name, score=s.score, matched=s.matched) for s in found],
    )


@knowledge_router.get("/search", response=responses(list[DocumentOut]), summary="知识库全文检索（含文号）")
@replica_view
def search(request: HttpRequest, q: str, kind: str = ""):
    permissions.require(permissions.can_use_knowledge(request.user))
    return [
        DocumentOut(
            id=d.pk,
            kind=d.kind,
            title=d.title,
            doc_number=d.doc_number,
            issuer=d.issuer,
            effective_from=d.effective_from,
            expires_on=d.expires_on,
            status=d.status,
            current=d.is_current(),
            items=[i.code for i in d.items.all()],
        )
        for d in search_documents(q, kind=kind, limit=30, actor=request.user)
    ]
