from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "quanke.registry"
    label = "registry"
    verbose_name = _("居民信息")

    def ready(self):
        from quanke.core import permissions, seams
        from quanke.registry import tasks  # noqa: F401  (the failed-import receiver)

        seams.nav_entries.register(
            seams.NavEntry(
                "registry", _("居民"), "registry:resident_list", permissions.can_view_personal_data, 10
            )
        )
        seams.demo_steps.register(seams.DemoStep("registry", "quanke.registry.demo", 10))
