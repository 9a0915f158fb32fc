"""Cache invalidation only: the knowledge search index is rebuilt when a document or its items change."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from quanke.catalog.knowledge_search import knowledge_index
from quanke.catalog.models import Document


@receiver([post_save, post_delete], sender=Document)
@receiver(m2m_changed, sender=Document.items.through)
def _knowledge_changed(**kwargs):
    knowledge_index.invalidate()
