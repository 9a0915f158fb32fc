"""Cache invalidation only: the suggestion index is rebuilt when the catalog, dictionary or FAQs change."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from quanke.catalog.knowledge_search import knowledge_index
from quanke.catalog.models import Document, Item
from quanke.intake.models import IntakeSynonym
from quanke.intake.selectors import suggestion_index


@receiver([post_save, post_delete], sender=Item)
@receiver([post_save, post_delete], sender=IntakeSynonym)
@receiver([post_save, post_delete], sender=Document)
@receiver(m2m_changed, sender=Document.items.through)
def _index_data_changed(**kwargs):
    suggestion_index.invalidate()


@receiver([post_save, post_delete], sender=Document)
@receiver(m2m_changed, sender=Document.items.through)
def _knowledge_changed(**kwargs):
    knowledge_index.invalidate()
