import pytest

from quanke.catalog.knowledge_search import knowledge_index
from quanke.intake.selectors import suggestion_index


@pytest.fixture
def fresh_index():
    """For tests that change catalog data: the rollback at teardown fires no signals, so drop the indexes."""
    yield
    suggestion_index.invalidate()
    knowledge_index.invalidate()
