from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "quanke.catalog"
    label = "catalog"
    verbose_name = _("服务事项")

    def ready(self):
        from quanke.catalog import signals  # noqa: F401
        from quanke.core import permissions, seams

        seams.nav_entries.register(
            seams.NavEntry("catalog_kb", _("知识库"), "catalog:kb_list", permissions.can_use_knowledge, 41)
        )
        seams.nav_entries.register(
            seams.NavEntry(
                "catalog_items", _("服务事项"), "catalog:item_list", permissions.can_use_knowledge, 90
            )
        )
