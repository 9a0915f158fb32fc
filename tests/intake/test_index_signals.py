"""The suggestion index drops its cache when catalog rows change; intake names the catalog's models by label."""

import pytest

from quanke.catalog.knowledge_search import knowledge_index
from quanke.catalog.models import Document, Item
from quanke.intake.selectors import suggestion_index


@pytest.mark.parametrize("index", [suggestion_index, knowledge_index], ids=["suggestions", "knowledge"])
def test_saving_a_catalog_row_invalidates_the_index(db, fresh_index, index):
    index.get()
    assert index._checked_at > 0
    if index is suggestion_index:
        Item.objects.filter(active=True).first().save()
    else:
        Document.objects.first().save()
    assert index._checked_at == 0.0
