from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "quanke.reports"
    label = "reports"
    verbose_name = _("统计报表")

    def ready(self):
        from quanke.core import hooks
        from quanke.reports import rollup

        # Roll-ups are a read model of matters: rebuilt after commit for the days a written matter counts in.
        hooks.on_matter_written(rollup.schedule_refresh)
