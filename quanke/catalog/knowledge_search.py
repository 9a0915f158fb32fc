"""Full-text search over the knowledge base, in Chinese, with the same tokenizer as item suggestion.

A document number matches whatever brackets it is typed with (民发〔2020〕20号, 民发[2020]20号, 649号).
Superseded and expired documents are found too (the record matters) but rank below current ones.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import Count, Max

from quanke.catalog import textsearch as ts
from quanke.catalog.knowledge import Document

W_TITLE, W_TEXT, W_GRAM, W_NUMBER = 2.0, 1.0, 0.5, 20.0
NOT_CURRENT_FACTOR = 0.6
# The search box is mostly used to find policy texts; on an equal match they come before the generated procedures.
KIND_FACTOR = {"policy": 1.2}


@dataclass(frozen=True)
class _Entry:
    pk: int
    number: str
    title: str


class KnowledgeIndex:
    def __init__(self, docs: list[Document]):
        self.entries = [
            _Entry(d.pk, ts.normalize_number(d.doc_number), ts.normalize_number(d.title)) for d in docs
        ]
        titles = [" ".join([d.title, d.doc_number, d.issuer, d.organisation]) for d in docs]
        texts = [
            " ".join([d.summary, d.body, " ".join(d.steps or []), d.service_area, d.address, d.hours])
            + " "
            + " ".join(i.name for i in d.items.all())
            for d in docs
        ]
        self.title = ts.Field([ts.words(t) for t in titles])
        self.text = ts.Field([ts.words(t) for t in texts])
        self.gram = ts.Field([ts.bigrams(t) for t in titles])

    def search(self, query: str, limit: int = 50) -> list[tuple[int, float]]:
        q = ts.normalize(query)
        if not q or not self.entries:
            return []
        tokens = ts.words(q)
        scores = W_TITLE * self.title.scores(tokens) + W_TEXT * self.text.scores(tokens)
        scores = scores + W_GRAM * self.gram.scores(ts.bigrams(q))
        number = ts.normalize_number(q)
        if len(number) >= 3:
            for i, e in enumerate(self.entries):
                if number in e.number or (len(number) >= 4 and number in e.title):
                    scores[i] += W_NUMBER
        order = np.argsort(-scores, kind="stable")[:limit]
        return [(self.entries[i].pk, float(scores[i])) for i in order if scores[i] > 0]


def _stamp() -> tuple:
    agg = Document.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (agg["n"], agg["last"])


def _build() -> KnowledgeIndex:
    return KnowledgeIndex(list(Document.objects.prefetch_related("items").order_by("id")))


knowledge_index = ts.CachedIndex(_build, _stamp)


def search_documents(
    query: str, *, kind: str = "", on: date | None = None, limit: int = 50, actor=None
) -> list[Document]:
    """Documents matching `query`, best first; current versions ahead of superseded or expired ones."""
    hits = knowledge_index.get().search(query, limit=limit * 2)
    if not hits:
        return []
    from quanke.catalog.selectors import document_scope

    docs = (
        Document.objects.filter(pk__in=[pk for pk, _ in hits])
        .filter(document_scope(actor))
        .prefetch_related("items")
    )
    if kind:
        docs = docs.filter(kind=kind)
    by_pk = {d.pk: d for d in docs}
    ranked = []
    for pk, score in hits:
        doc = by_pk.get(pk)
        if doc is None:
            continue
        doc.search_score = score * KIND_FACTOR.get(doc.kind, 1.0)
        doc.search_score *= 1.0 if doc.is_current(on) else NOT_CURRENT_FACTOR
        ranked.append(doc)
    ranked.sort(key=lambda d: -d.search_score)
    return ranked[:limit]
