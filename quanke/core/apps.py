from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "quanke.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self):
        from quanke.core import login_security, signals  # noqa: F401  (their signal receivers)
