"""Cache invalidation only: the suggestion index is rebuilt when the catalog, dictionary or FAQs change.

The catalog's models are named by label, not imported: intake reads the catalog through its selectors.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from quanke.intake.models import IntakeSynonym
from quanke.intake.selectors import suggestion_index


def _index_data_changed(**kwargs):
    suggestion_index.invalidate()


for _sender in ("catalog.Item", "catalog.Document", IntakeSynonym):
    post_save.connect(_index_data_changed, sender=_sender, dispatch_uid=f"intake-index-save-{_sender}")
    post_delete.connect(_index_data_changed, sender=_sender, dispatch_uid=f"intake-index-delete-{_sender}")
m2m_changed.connect(
    _index_data_changed, sender="catalog.Document_items", dispatch_uid="intake-index-doc-items"
)
